"""Timing helpers: every figure is a median of interleaved runs against a baseline (A B A B)."""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection


@dataclass
class Figure:
    id: str
    what: str
    figure: float | None
    baseline: float | None
    unit: str
    goal: str
    passed: bool | None  # None: not run
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.figure is None or not self.baseline:
            return None
        return self.figure / self.baseline


def interleaved(a: Callable[[], float], b: Callable[[], float], runs: int) -> tuple[float, float]:
    """Median of ``runs`` values of ``a`` and of ``b``, taken alternately (A B B A A B ...), so
    drifting noise on a shared machine falls on both sides alike."""
    values_a, values_b = [], []
    for run in range(runs):
        first, second = (a, b) if run % 2 == 0 else (b, a)
        results = [first(), second()]
        if run % 2 == 1:
            results.reverse()
        values_a.append(results[0])
        values_b.append(results[1])
    return statistics.median(values_a), statistics.median(values_b)


def seconds(action: Callable[[], object]) -> Callable[[], float]:
    def timed() -> float:
        start = time.perf_counter()
        action()
        return time.perf_counter() - start

    return timed


@dataclass
class StatementLog:
    statements: list[tuple[str, object]] = field(default_factory=list)
    commits: int = 0

    @property
    def count(self) -> int:
        return len(self.statements)


@contextlib.contextmanager
def counting_statements():
    """Every SQL statement run on the default connection (savepoints included), and every
    commit: explicit ones at the end of an atomic block, and the implicit commit of each
    write run in autocommit."""
    log = StatementLog()
    connection.ensure_connection()

    def wrapper(execute, sql, params, many, context):
        log.statements.append((sql, params))
        head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if not connection.in_atomic_block and head in ("INSERT", "UPDATE", "DELETE"):
            log.commits += 1
        return execute(sql, params, many, context)

    original = connection._commit

    def commit():
        log.commits += 1
        return original()

    connection._commit = commit
    try:
        with connection.execute_wrapper(wrapper):
            yield log
    finally:
        del connection._commit
