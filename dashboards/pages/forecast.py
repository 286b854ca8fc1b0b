"""The forecast page (issue 15 §7): tables and charts from the last background result."""

from __future__ import annotations

import pandas as pd
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dashboards import figures, forecast
from dashboards.pages.base import kind_label, stage_label
from dashboards.tables import Column, Table

SLUG = "prevision"
TITLE = _("Forecast")
INTRO = _(
    "Registrations and jobs expected from the open pipeline over the next 3, 6 and 12 months, "
    "with 80 % intervals, next to the forecast made 12 months ago and what happened since."
)
METHOD = _(
    "From the stage history: for each stage, the rate of leaving it (stays that ended over "
    "days spent in it, stays still running counted as censored) and the shares of the next "
    "stages, by kind, and by kind and regional union when at least 30 stays of that stage "
    "ended (otherwise by kind when at least 10 ended, otherwise all kinds). Each open case "
    "is then followed in a seeded Monte Carlo simulation (up to 2,000 runs, within a time "
    "budget); the interval is the 10th to 90th percentile. Jobs: each case's jobs at stake, "
    "or the mean jobs at registration of its kind. Backtest: the same forecast with the "
    "history cut 12 months ago, for the cases open then, against their registrations since; "
    "error = forecast (median) − actual. New cases are not forecast."
)


def horizon_label(months: int) -> str:
    return ngettext("%(n)d month", "%(n)d months", months) % {"n": months}


def forecast_table(result) -> Table:
    now, then, actual = result["now"], result["then"], result["actual"]
    records = []
    for h in forecast.HORIZONS:
        low, mid, high, _mean = now.incorporations[h]
        jlow, jmid, jhigh, _jmean = now.jobs[h]
        blow, bmid, bhigh, _bmean = then.incorporations[h]
        done, done_jobs = actual[h]
        records.append(
            {
                "horizon": horizon_label(h),
                "open_cases": now.open_cases,
                "median": mid,
                "low": low,
                "high": high,
                "jobs": jmid,
                "jobs_low": jlow,
                "jobs_high": jhigh,
                "past_open": then.open_cases,
                "past_median": bmid,
                "past_low": blow,
                "past_high": bhigh,
                "actual": done,
                "error": bmid - done,
                "covered": blow <= done <= bhigh,
                "actual_jobs": done_jobs,
            }
        )
    guarded = ("open_cases",)
    past = ("past_open", "actual")
    columns = [
        Column("horizon", _("Horizon"), "text"),
        Column("open_cases", _("Open cases")),
        Column("median", _("Registrations expected"), "integer", guards=guarded),
        Column("low", _("Low (80 %)"), "integer", guards=guarded),
        Column("high", _("High (80 %)"), "integer", guards=guarded),
        Column("jobs", _("Jobs expected"), "integer", guards=guarded),
        Column("jobs_low", _("Jobs, low (80 %)"), "integer", guards=guarded),
        Column("jobs_high", _("Jobs, high (80 %)"), "integer", guards=guarded),
        Column("past_open", _("Open cases 12 months ago")),
        Column("past_median", _("Forecast 12 months ago"), "integer", guards=past),
        Column("past_low", _("Low then (80 %)"), "integer", guards=past),
        Column("past_high", _("High then (80 %)"), "integer", guards=past),
        Column("actual", _("Registered since")),
        Column("error", _("Error of that forecast"), "integer", guards=past),
        Column("covered", _("Within its interval"), "bool", guards=past),
        Column("actual_jobs", _("Jobs at registration since"), "integer", guards=past),
    ]
    return Table(pd.DataFrame(records, columns=[c.key for c in columns]), columns)


def model_table(result) -> Table:
    model = result["model"]
    records = [
        {
            "kind": kind_label(key[0]) if key[0] else str(_("All kinds")),
            "stage": stage_label(estimate.stage),
            "level": str(LEVELS[estimate.level]),
            "events": estimate.events,
            "median_days": estimate.median_days,
            "forward": sum(
                share
                for stage, share in estimate.exits.items()
                if stage not in ("abandoned", "declined")
            ),
        }
        for key, estimate in sorted(model.estimates.items(), key=lambda kv: repr(kv[0]))
        if key[1] is None
    ]
    columns = [
        Column("kind", _("Kind"), "text"),
        Column("stage", _("Stage"), "text"),
        Column("level", _("Estimated on"), "text"),
        Column("events", _("Stays ended")),
        Column("median_days", _("Median time in stage"), "days", guards=("events",)),
        Column("forward", _("Share moving on"), "share", guards=("events",)),
    ]
    return Table(pd.DataFrame(records, columns=[c.key for c in columns]), columns)


LEVELS = {"ur": _("kind and regional union"), "kind": _("kind"), "all": _("all kinds")}


def draw_forecast(table: Table, title: str) -> list[dict]:
    return [figures.forecast_bars(table, title=title)]
