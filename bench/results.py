"""bench/RESULTS.md: machine, date, every figure against its baseline and goal."""

from __future__ import annotations

import os
import platform
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from bench.measure import Figure

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
CHANGES = Path(__file__).resolve().parent / "CHANGES.md"


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "s":
        return f"{value * 1000:,.1f} ms"
    if unit in ("statements",):
        return f"{value:,.0f}"
    return f"{value:,.2f} {unit}"


def machine() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()") if connection.vendor == "postgresql" else None
        database = (
            cursor.fetchone()[0].split(",")[0] if connection.vendor == "postgresql" else "SQLite"
        )
    return (
        f"{platform.node()} · {platform.system()} {platform.release()} · {os.cpu_count()} cores "
        f"(shared) · Python {platform.python_version()} · {database}"
    )


def render(
    figures: list[Figure], *, scale: str, cases: int, stage_changes: int, seconds: float
) -> str:
    now = timezone.localtime()
    lines = [
        "# Benchmark results",
        "",
        f"- Date: {now:%d/%m/%Y %H:%M} (Europe/Paris)",
        f"- Machine: {machine()}",
        f"- Scale: {scale} — {cases:,} cases, {stage_changes:,} stage-history rows",
        "- Every figure is the median of interleaved runs (A B B A …) against its baseline "
        "measured in the same run; the ratio is figure / baseline.",
        f"- Harness wall time: {seconds:,.0f} s",
        "- Partner throttles' counters: "
        + (
            f"Redis ({settings.BENCH_REDIS_URL.rpartition('@')[2]}), as in production"
            if getattr(settings, "BENCH_REDIS_URL", None)
            else "the database's cache table (no Redis answered)"
        ),
        "",
        "| id | what | figure | baseline | ratio | goal | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for figure in figures:
        ratio = f"{figure.ratio:.2f}" if figure.ratio is not None else "–"
        result = {True: "pass", False: "**MISSED**", None: "not run"}[figure.passed]
        what = figure.what + (f" — {figure.note}" if figure.note else "")
        lines.append(
            f"| {figure.id} | {what} | {_number(figure.figure, figure.unit)} | "
            f"{_number(figure.baseline, figure.unit)} | {ratio} | {figure.goal} | {result} |"
        )
    lines.append("")
    if CHANGES.exists():
        lines.append(CHANGES.read_text().rstrip())
        lines.append("")
    return "\n".join(lines)


def write(text: str, path: Path | None = None) -> Path:
    path = path or RESULTS
    path.write_text(text)
    return path
