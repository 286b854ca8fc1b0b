"""Background computation of the forecast page (django-tasks), kept in the cache."""

from __future__ import annotations

import datetime

from django.utils import timezone

from config.tasks import task
from dashboards import cache as dashboards_cache
from dashboards import forecast
from dashboards.selectors import forecast as selector
from dashboards.selectors.common import DashboardQuery

TIME_BUDGET_SECONDS = 60  # per simulation (the forecast and its backtest)
BACKTEST_MONTHS = 12
SEED = 2026


def forecast_result(*, kind: str = "", filiere_id=None, regional_union_id=None, now=None):
    """The forecast from now and the one made ``BACKTEST_MONTHS`` ago, with what happened."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    query = DashboardQuery(
        start=today,
        end=today,
        kind=kind,
        filiere_id=filiere_id,
        regional_union_id=regional_union_id,
        now=now,
    )
    history = selector.stage_history(query)
    at_stake, registered, means = selector.case_jobs(query)
    then = now - datetime.timedelta(days=round(BACKTEST_MONTHS * forecast.DAYS_PER_MONTH))
    results = {}
    for name, cutoff in (("now", now), ("then", then)):
        if history.empty:
            cases = history.reindex(columns=["case", "kind", "ur", "stage"])
            model = forecast.Model()
        else:
            cases = forecast.open_cases(history, cutoff)
            model = forecast.estimate(forecast.spells(history, cutoff))
        jobs = [
            at_stake.get(case, means.get(kind_, 0) or 0)
            for case, kind_ in zip(cases["case"], cases["kind"], strict=True)
        ]
        results[name] = forecast.simulate(
            model, cases, jobs, seed=SEED, time_budget=TIME_BUDGET_SECONDS
        )
        if name == "then":
            results["actual"] = (
                forecast.actual(history, cases, cutoff, registered)
                if len(cases)
                else {h: (0, 0.0) for h in forecast.HORIZONS}
            )
        if name == "now":
            results["model"] = model
    return {"computed_at": timezone.now(), "backtest_from": then, **results}


@task()
def compute_forecast(kind: str = "", filiere_id=None, regional_union_id=None) -> None:
    key = dashboards_cache.forecast_key(kind, filiere_id, regional_union_id)
    try:
        result = forecast_result(
            kind=kind, filiere_id=filiere_id, regional_union_id=regional_union_id
        )
        dashboards_cache.store_forecast(key, result)
    finally:
        dashboards_cache.release_forecast(key)
