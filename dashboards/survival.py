"""Kaplan–Meier estimation on a life table (pure functions, no database).

The database groups durations into whole days and returns, per day, how many spells ended
(an event) and how many were still running when observed (censored: the case is still in
the stage today, or was paused). Estimating from that table is exact Kaplan–Meier on
day-rounded durations: at each day t, S(t) = S(t⁻) × (1 − d_t / n_t), with n_t the spells
still at risk at t. On a tie, events count before censorings (the usual convention).

A quantile q of the duration is the first day at which S(t) ≤ 1 − q; when the curve never
gets there (too many cases still open), the quantile is unknown (``None``), never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class LifeTableRow:
    time: float
    events: int
    censored: int


def life_table(rows: Iterable[tuple[float, bool, int]]) -> list[LifeTableRow]:
    """Merge ``(time, is_event, count)`` rows into one row per time, sorted by time."""
    merged: dict[float, list[int]] = {}
    for time, is_event, count in rows:
        if count < 0 or time < 0:
            raise ValueError("times and counts cannot be negative")
        slot = merged.setdefault(float(time), [0, 0])
        slot[0 if is_event else 1] += int(count)
    return [LifeTableRow(t, d, c) for t, (d, c) in sorted(merged.items())]


def kaplan_meier(rows: Iterable[tuple[float, bool, int]]) -> list[tuple[float, float]]:
    """The survival curve as ``[(time, S(time)), ...]`` at each time where an event occurs,
    starting with ``(0, 1.0)``."""
    table = life_table(rows)
    at_risk = sum(row.events + row.censored for row in table)
    survival = 1.0
    curve = [(0.0, 1.0)]
    for row in table:
        if row.events and at_risk:
            survival *= 1.0 - row.events / at_risk
            curve.append((row.time, survival))
        at_risk -= row.events + row.censored
    return curve


def survival_quantile(curve: list[tuple[float, float]], q: float) -> float | None:
    """The time by which a share ``q`` of the spells has ended (0.5: the median)."""
    if not 0 < q < 1:
        raise ValueError("q must be between 0 and 1")
    threshold = 1.0 - q
    for time, survival in curve:
        if survival <= threshold + 1e-12:
            return time
    return None


@dataclass(frozen=True)
class DurationSummary:
    spells: int
    events: int
    censored: int
    median: float | None
    p90: float | None


def summarise(rows: Iterable[tuple[float, bool, int]]) -> DurationSummary:
    """Counts, Kaplan–Meier median and 90th percentile of a life table."""
    rows = list(rows)
    events = sum(count for _, is_event, count in rows if is_event)
    censored = sum(count for _, is_event, count in rows if not is_event)
    curve = kaplan_meier(rows)
    return DurationSummary(
        spells=events + censored,
        events=events,
        censored=censored,
        median=survival_quantile(curve, 0.5),
        p90=survival_quantile(curve, 0.9),
    )


# --- Survival of cooperatives: lifelines' Kaplan–Meier with its confidence band ------------


def kaplan_meier_bands(durations, events, weights, times, *, level: float = 0.95):
    """Survival at each of ``times`` with its confidence interval (lifelines'
    ``KaplanMeierFitter``: Greenwood variance, exponential – log(−log) – interval) and the
    number still at risk: ``[(time, survival, lower, upper, at_risk), ...]``."""
    from lifelines import KaplanMeierFitter

    fitter = KaplanMeierFitter(alpha=1 - level)
    fitter.fit(durations, event_observed=events, weights=weights)
    curve = fitter.survival_function_.iloc[:, 0]
    band = fitter.confidence_interval_
    table = fitter.event_table
    rows = []
    for time in times:
        known = curve.index <= time
        survival = float(curve[known].iloc[-1])
        lower, upper = (float(v) for v in band[band.index <= time].iloc[-1])
        at_risk = round(float(table.loc[table.index >= time, "removed"].sum()))
        rows.append((float(time), survival, lower, upper, at_risk))
    return rows
