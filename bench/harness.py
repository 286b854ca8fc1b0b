"""Run every benchmark on the current database and collect the figures (used by the CLI and
by tests/bench/test_smoke.py, at any scale)."""

from __future__ import annotations

from collections.abc import Callable

from bench import benchmarks
from bench.data import Fixtures
from bench.measure import Figure


def run_all(
    fixtures: Fixtures,
    settings: benchmarks.Settings,
    *,
    probe_large: Callable[[str], dict],
    probe_small: Callable[[str], dict],
    scaling_label: str,
    import_rows: int,
    http: bool = True,
    report: Callable[[str], None] = print,
    only: set[str] | None = None,
) -> list[Figure]:
    """Every benchmark, or those whose id is in ``only`` ("P1/P2" runs for either)."""
    figures: list[Figure] = []
    steps = [
        ("P1/P2", lambda: benchmarks.bench_intake_http(fixtures, settings) if http else []),
        ("P3", lambda: benchmarks.bench_statements(fixtures, settings)),
        ("B4", lambda: benchmarks.bench_aggregates(fixtures, settings)),
        ("B5", lambda: benchmarks.bench_dashboard_sql(fixtures, settings)),
        (
            "B6",
            lambda: benchmarks.bench_scaling(probe_large, probe_small, scaling_label, settings),
        ),
        ("B7", lambda: benchmarks.bench_board(fixtures, settings)),
        ("B8", lambda: benchmarks.bench_import(fixtures, settings, import_rows)),
        ("B9", lambda: benchmarks.bench_charts(fixtures, settings)),
        ("B10", lambda: benchmarks.bench_case_page(fixtures, settings)),
    ]
    for name, step in steps:
        if only is not None and not only & set(name.split("/")):
            continue
        report(f"  {name} …")
        for figure in step():
            report(f"    {figure.what}: {figure.figure} vs {figure.baseline} → {figure.passed}")
            figures.append(figure)
    return figures
