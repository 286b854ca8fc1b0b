"""Forecast of the open pipeline: estimate from the stage history, simulate, backtest (pure).

Model (a competing-risks, semi-Markov chain on the stages). Each stay in a transient stage
(an active stage, or "on hold") ends after an exponentially distributed time with rate λ, and
then goes to one of the next stages with probabilities p. Estimated by maximum likelihood with
censoring: λ = stays that ended / total days spent in the stage (stays still running count
their days, not an ending), p = share of each destination among the stays that ended.
The median time in a stage is ln 2 / λ.

Levels. A (kind, regional union, stage) has its own estimate when at least
``MIN_EVENTS_UR`` (30) stays of it ended; otherwise the (kind, stage) estimate is used when at
least ``MIN_EVENTS_KIND`` (10) ended; otherwise the national (stage) estimate, all kinds pooled.

Simulation. Every open case is followed from its current stage for 12 months, ``runs`` times
(Monte Carlo, numpy's seeded generator: same history and seed, same result), in batches, and
stops early after ``time_budget`` seconds (at least ``MIN_RUNS`` runs). The forecast is, for
each horizon, the median and the 10th–90th percentiles (the 80 % interval) of the number of
cases registered and of their jobs (each case's jobs at stake; when unknown, the mean jobs of
the cases of its kind registered so far).

Backtest: the same forecast made with the history cut 12 months ago (stays running then are
censored then; the cases open then form the pipeline) against what those cases did since.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from transmission.choices import ACTIVE_STAGES, Stage

TRANSIENT = [str(s) for s in ACTIVE_STAGES] + [str(Stage.ON_HOLD)]
ABSORBING = [str(Stage.INCORPORATED), str(Stage.ABANDONED), str(Stage.DECLINED)]
STATES = TRANSIENT + ABSORBING
INCORPORATED = STATES.index(str(Stage.INCORPORATED))
HORIZONS = (3, 6, 12)  # months
DAYS_PER_MONTH = 365.25 / 12
MIN_EVENTS_UR = 30
MIN_EVENTS_KIND = 10
RUNS = 2000
MIN_RUNS = 200
BATCH = 100
MAX_STEPS = 60
MAX_CELLS = 4_000_000  # runs × open cases held in memory at once


@dataclass(frozen=True)
class StageEstimate:
    stage: str
    level: str  # "ur", "kind" or "all"
    events: int
    exposure_days: float
    exits: dict[str, float]

    @property
    def rate(self) -> float:
        return self.events / self.exposure_days if self.exposure_days > 0 else 0.0

    @property
    def median_days(self) -> float | None:
        return math.log(2) / self.rate if self.rate > 0 else None


@dataclass
class Model:
    estimates: dict[tuple, StageEstimate] = field(default_factory=dict)

    def get(self, kind: str, ur, stage: str) -> StageEstimate:
        for key in ((kind, ur, stage), (kind, None, stage), (None, None, stage)):
            if key in self.estimates:
                return self.estimates[key]
        return StageEstimate(stage, "all", 0, 0.0, {})


def spells(history: pd.DataFrame, cutoff) -> pd.DataFrame:
    """Stays in transient stages seen from ``cutoff``: columns kind, ur, stage, days, exit
    (the next stage, or None when the stay was still running at ``cutoff``: censored).

    ``history``: one row per stage change (case, kind, ur, at, stage), ``at`` comparable
    with ``cutoff``; rows at or after the cutoff are not known yet."""
    frame = history[history["at"] < cutoff].sort_values(["case", "at"], kind="stable")
    following = frame.groupby("case", sort=False)
    nxt_at = following["at"].shift(-1)
    nxt_stage = following["stage"].shift(-1)
    ended = nxt_at.notna()
    end = nxt_at.where(ended, cutoff)
    out = pd.DataFrame(
        {
            "kind": frame["kind"],
            "ur": frame["ur"],
            "stage": frame["stage"],
            "days": _days(end, frame["at"]),
            "exit": nxt_stage.where(ended, None),
        }
    )
    return out[out["stage"].isin(TRANSIENT)].reset_index(drop=True)


def _days(end, start) -> pd.Series:
    delta = pd.Series(end, index=start.index) - start
    if pd.api.types.is_timedelta64_dtype(delta):
        return delta.dt.total_seconds() / 86400.0
    return delta.astype(float)


def open_cases(history: pd.DataFrame, cutoff) -> pd.DataFrame:
    """The cases in a transient stage at ``cutoff``: columns case, kind, ur, stage."""
    frame = history[history["at"] < cutoff].sort_values(["case", "at"], kind="stable")
    last = frame.groupby("case", sort=False).tail(1)
    return last[last["stage"].isin(TRANSIENT)][["case", "kind", "ur", "stage"]].reset_index(
        drop=True
    )


def estimate(
    stays: pd.DataFrame, *, min_events_ur: int = MIN_EVENTS_UR, min_events_kind=MIN_EVENTS_KIND
) -> Model:
    """The model estimated from ``spells(...)`` (see the module's docstring)."""
    model = Model()
    if stays.empty:
        return model
    stays = stays.assign(event=stays["exit"].notna())
    levels = [
        ("all", [], 1),
        ("kind", ["kind"], min_events_kind),
        ("ur", ["kind", "ur"], min_events_ur),
    ]
    for level, keys, threshold in levels:
        for key, rows in stays.groupby([*keys, "stage"], sort=True, dropna=False):
            key = key if isinstance(key, tuple) else (key,)
            events = int(rows["event"].sum())
            if events < threshold:
                continue
            exits = rows.loc[rows["event"], "exit"].value_counts()
            stage = key[-1]
            full = (
                (None, None, stage)
                if level == "all"
                else (key[0], None, stage)
                if level == "kind"
                else (key[0], key[1], stage)
            )
            model.estimates[full] = StageEstimate(
                stage=stage,
                level=level,
                events=events,
                exposure_days=float(rows["days"].clip(lower=0).sum()),
                exits={str(k): float(v) / events for k, v in exits.items()},
            )
    return model


@dataclass(frozen=True)
class Forecast:
    runs: int
    horizons: tuple[int, ...]
    # per horizon (months): (p10, median, p90, mean) of registrations and of jobs
    incorporations: dict[int, tuple[float, float, float, float]]
    jobs: dict[int, tuple[float, float, float, float]]
    open_cases: int
    seconds: float


def _profiles(model: Model, cases: pd.DataFrame):
    """Per distinct (kind, ur): exit rates per state and cumulative destination shares."""
    keys = list(dict.fromkeys(zip(cases["kind"], cases["ur"], strict=True)))
    rates = np.zeros((len(keys), len(STATES)))
    cumulative = np.ones((len(keys), len(STATES), len(STATES)))
    for p, (kind, ur) in enumerate(keys):
        for s, stage in enumerate(TRANSIENT):
            est = model.get(kind, ur, stage)
            shares = np.array([est.exits.get(state, 0.0) for state in STATES])
            if est.rate > 0 and shares.sum() > 0:
                rates[p, s] = est.rate
                cumulative[p, s] = np.cumsum(shares / shares.sum())
                cumulative[p, s, -1] = 1.0
    index = {key: p for p, key in enumerate(keys)}
    profile = np.array([index[key] for key in zip(cases["kind"], cases["ur"], strict=True)])
    return profile, rates, cumulative


def simulate(
    model: Model,
    cases: pd.DataFrame,
    jobs: Iterable[float] | None = None,
    *,
    horizons: tuple[int, ...] = HORIZONS,
    runs: int = RUNS,
    seed: int = 0,
    time_budget: float | None = None,
) -> Forecast:
    """Monte Carlo forecast of registrations (and jobs) of ``cases`` (columns kind, ur,
    stage) within each horizon (months)."""
    started = time.monotonic()
    rng = np.random.default_rng(seed)
    count = len(cases)
    job_values = np.zeros(count) if jobs is None else np.asarray(list(jobs), dtype=float)
    limit = max(horizons) * DAYS_PER_MONTH
    limits = np.array([h * DAYS_PER_MONTH for h in horizons])
    registered_counts, registered_jobs = [], []
    done = 0
    if count:
        profile, rates, cumulative = _profiles(model, cases)
        start_states = np.array([STATES.index(s) for s in cases["stage"]])
        batch = max(1, min(BATCH, MAX_CELLS // count))
        while done < runs:
            size = min(batch, runs - done)
            at = _run(rng, size, profile, start_states, rates, cumulative, limit)
            hit = at[:, :, None] <= limits[None, None, :]  # runs × cases × horizons
            registered_counts.append(hit.sum(axis=1))
            registered_jobs.append((hit * job_values[None, :, None]).sum(axis=1))
            done += size
            over = time_budget is not None and time.monotonic() - started > time_budget
            if over and done >= MIN_RUNS:
                break
        counts = np.concatenate(registered_counts)
        job_sums = np.concatenate(registered_jobs)
    else:
        done = runs
        counts = np.zeros((1, len(horizons)))
        job_sums = np.zeros((1, len(horizons)))
    return Forecast(
        runs=done,
        horizons=tuple(horizons),
        incorporations={h: _summary(counts[:, i]) for i, h in enumerate(horizons)},
        jobs={h: _summary(job_sums[:, i]) for i, h in enumerate(horizons)},
        open_cases=count,
        seconds=time.monotonic() - started,
    )


def _summary(values: np.ndarray) -> tuple[float, float, float, float]:
    low, median, high = np.quantile(values, [0.1, 0.5, 0.9], method="inverted_cdf")
    return float(low), float(median), float(high), float(values.mean())


def _run(rng, size, profile, start_states, rates, cumulative, limit) -> np.ndarray:
    """Registration day of every case in every run (inf: not registered by ``limit``)."""
    count = len(start_states)
    state = np.broadcast_to(start_states, (size, count)).copy()
    clock = np.zeros((size, count))
    registered = np.full((size, count), np.inf)
    prof = np.broadcast_to(profile, (size, count))
    alive = state < len(TRANSIENT)
    for _ in range(MAX_STEPS):
        if not alive.any():
            break
        rate = rates[prof[alive], state[alive]]
        stay = np.full(rate.shape, np.inf)
        moving = rate > 0
        stay[moving] = rng.exponential(1.0 / rate[moving])
        clock[alive] += stay
        within = clock[alive] <= limit
        draw = rng.random(rate.shape)
        shares = cumulative[prof[alive], state[alive]]  # k × states
        nxt = (draw[:, None] > shares).sum(axis=1)
        nxt = np.minimum(nxt, len(STATES) - 1)
        new_state = np.where(within, nxt, state[alive])
        state[alive] = new_state
        just = within & (new_state == INCORPORATED)
        reg = registered[alive]
        reg[just] = clock[alive][just]
        registered[alive] = reg
        still = within & (new_state < len(TRANSIENT))
        alive_index = np.flatnonzero(alive.ravel())
        alive.ravel()[alive_index] = still
    return registered


def actual(history: pd.DataFrame, cases: pd.DataFrame, cutoff, jobs: dict, horizons=HORIZONS):
    """What the cases open at ``cutoff`` did: per horizon (months), how many were registered
    within it and their jobs at registration (``jobs``: case → jobs)."""
    registered = history[
        (history["stage"] == str(Stage.INCORPORATED))
        & (history["at"] >= cutoff)
        & history["case"].isin(set(cases["case"]))
    ]
    first = registered.groupby("case")["at"].min()
    days = first - cutoff
    if pd.api.types.is_timedelta64_dtype(days):
        days = days.dt.total_seconds() / 86400.0
    result = {}
    for h in horizons:
        hit = days[days <= h * DAYS_PER_MONTH].index
        result[h] = (len(hit), float(sum(jobs.get(case, 0) or 0 for case in hit)))
    return result
