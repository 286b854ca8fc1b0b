"""``python -m bench --scale 10k|100k``: generate, measure, write bench/RESULTS.md.

Exits 1 when a goal is missed. The bench databases (``releve_bench`` and, for B6, a tenth of
the scale in ``releve_bench_small``) are created and dropped here (``--keep`` keeps them;
``--reuse`` runs the benchmarks again on kept databases, migrated to the current code but
without generating anything: at 100k, generate once, measure as often as the code changes)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _with_name(url: str, name: str) -> str:
    head, _sep, _old = url.rpartition("/")
    return f"{head}/{name}"


def _admin(url: str, statements: list[str]) -> None:
    import psycopg

    with psycopg.connect(_with_name(url, "postgres"), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def _recreate(url: str) -> None:
    name = url.rpartition("/")[2]
    _admin(url, [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'])


def _drop(url: str) -> None:
    name = url.rpartition("/")[2]
    _admin(url, [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])


def _fixtures_path(url: str) -> Path:
    """Where a kept database's fixtures are written (outside the repository)."""
    import tempfile

    return Path(tempfile.gettempdir()) / f"{url.rpartition('/')[2]}.fixtures.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", choices=["1k", "10k", "100k"], default="100k")
    parser.add_argument("--runs", type=int, default=5, help="interleaved runs per median (≥ 5)")
    parser.add_argument("--load-seconds", type=float, default=3.0)
    parser.add_argument("--keep", action="store_true", help="keep the bench databases")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="run on the databases a former --keep run left (same scale): no generation",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated ids to run (e.g. B5,B7,B10); RESULTS.md then holds only those",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="where to write the results (default bench/RESULTS.md)",
    )
    args = parser.parse_args(argv)
    only = {part.strip().upper() for part in args.only.split(",") if part.strip()} or None
    # The small database serves B6 alone: not generated when B6 is not asked for.
    with_small = only is None or "B6" in only

    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    sys.path.insert(0, str(ROOT))
    from bench.settings import bench_database_url

    main_url = bench_database_url()
    small_url = main_url + "_small"
    os.environ["BENCH_DATABASE_URL"] = main_url
    started = time.perf_counter()
    from bench.data import SCALES

    cases = SCALES[args.scale]
    small_cases = cases // 10
    print(
        f"Bench databases: {main_url.rpartition('/')[2]} ({cases:,} cases), "
        f"{small_url.rpartition('/')[2]} ({small_cases:,})"
    )
    kept = _fixtures_path(main_url)
    if args.reuse and not kept.exists():
        raise SystemExit(f"--reuse: no kept data ({kept} is missing); run with --keep first")
    if not args.reuse:
        _recreate(main_url)
        if with_small:
            _recreate(small_url)
    try:
        small = (
            subprocess.Popen(
                [sys.executable, "-m", "bench.prepare", str(small_cases)],
                cwd=ROOT,
                env={**os.environ, "BENCH_DATABASE_URL": small_url},
            )
            if with_small and not args.reuse
            else None
        )
        import django

        django.setup()
        from bench import benchmarks, data, harness, results

        if args.reuse:
            # Kept data, current code: its migrations first (an index added since, say).
            data.prepare_schema()
            if with_small:
                subprocess.run(
                    [sys.executable, "-m", "bench.prepare", "--migrate-only"],
                    cwd=ROOT,
                    env={**os.environ, "BENCH_DATABASE_URL": small_url},
                    check=True,
                )
            data.analyze()
            fixtures = data.Fixtures.load(kept)
            print(f"Reusing {fixtures.cases:,} cases, {fixtures.stage_changes:,} history rows")
        else:
            data.prepare_schema()
            began = time.perf_counter()
            fixtures = data.generate(cases)
            print(
                f"Generated {fixtures.cases:,} cases, {fixtures.stage_changes:,} history rows "
                f"in {time.perf_counter() - began:,.0f} s"
            )
            if args.keep:
                fixtures.save(kept)
        if small is not None and small.wait() != 0:
            raise SystemExit("generating the small database failed")
        settings = benchmarks.Settings(runs=max(5, args.runs), load_seconds=args.load_seconds)
        figures = harness.run_all(
            fixtures,
            settings,
            probe_large=lambda slug: benchmarks.probe_in_subprocess(main_url, slug),
            probe_small=lambda slug: benchmarks.probe_in_subprocess(small_url, slug),
            scaling_label=f"{cases:,} cases vs {small_cases:,}",
            import_rows=cases,
            only=only,
        )
        text = results.render(
            figures,
            scale=args.scale,
            cases=fixtures.cases,
            stage_changes=fixtures.stage_changes,
            seconds=time.perf_counter() - started,
        )
        path = results.write(text, args.output)
        print(f"Wrote {path}")
    finally:
        from django.db import connections

        connections.close_all()
        if not (args.keep or args.reuse):
            _drop(main_url)
            if with_small:
                _drop(small_url)
    missed = [f for f in figures if f.passed is False]
    for figure in missed:
        print(f"MISSED {figure.id}: {figure.what} (goal {figure.goal})")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
