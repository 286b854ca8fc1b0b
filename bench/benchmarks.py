"""The benchmarks of issue 14, each a ``Figure`` (figure, baseline, ratio, goal, pass/fail).

Every function runs against the current default database (the bench database from
``python -m bench``, the test database from tests/bench/test_smoke.py); ``runs`` is the number
of interleaved runs each median is taken over.
"""

from __future__ import annotations

import datetime
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import tracemalloc
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test import Client
from django.utils import timezone

from bench.data import Fixtures
from bench.measure import Figure, counting_statements, interleaved, seconds

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD_PAGES = ("entonnoir", "equite")
CHART_LIMIT = 50 * 1024


@dataclass
class Settings:
    runs: int = 5
    load_seconds: float = 3.0
    serial_base: int = 0


def _client_for(user_id: int) -> Client:
    from crm.models import User

    client = Client()
    client.force_login(User.objects.get(pk=user_id))
    return client


def _get(client: Client, url: str) -> bytes:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response.content


# --- P1, P2: the lead intake over HTTP ------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The URL of the current default database, for processes started by the harness."""
    settings = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError("the gunicorn benchmarks need PostgreSQL")
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def bench_environment(**extra: str) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    env["BENCH_DATABASE_URL"] = database_url()
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


@contextmanager
def gunicorn(workers: int = 2, extra_args: tuple[str, ...] = ()):
    """A gunicorn of the bench server with ``workers`` sync workers on a free local port."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            *extra_args,
        ],
        cwd=ROOT,
        env=bench_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/json/", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "gunicorn did not start: " + process.stderr.read().decode()[-2000:]
                    ) from None
                time.sleep(0.2)
        yield port, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _load(port: int, path: str, settings: Settings, key: str = "", serial_base: int = 0) -> float:
    """Requests per second of one bounded-load run (4 client threads, a second process)."""
    output = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.load",
            "--port",
            str(port),
            "--path",
            path,
            "--seconds",
            str(settings.load_seconds),
            "--threads",
            "4",
            "--key",
            key,
            "--serial-base",
            str(serial_base),
        ],
        cwd=ROOT,
        env=bench_environment(),
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    if result["errors"]:
        raise RuntimeError(
            f"{path}: {result['errors']} failed requests under load: {result.get('sample')}"
        )
    return result["ok"] / result["seconds"]


def bench_intake_http(fixtures: Fixtures, settings: Settings) -> list[Figure]:
    """P1 (lead vs one INSERT) and P2 (lead vs minimal JSON), interleaved on one server."""
    from bench.views import PROBE_DDL

    with connection.cursor() as cursor:
        cursor.execute(PROBE_DDL)
    serial = [settings.serial_base]

    def leads() -> float:
        serial[0] += 200_000
        return _load(port, "/api/v1/leads/", settings, fixtures.partner_key, serial[0])

    with gunicorn() as (port, _process):
        insert, lead_a = interleaved(
            lambda: _load(port, "/bench/insert/", settings), leads, settings.runs
        )
        json_view, lead_b = interleaved(
            lambda: _load(port, "/bench/json/", settings), leads, settings.runs
        )
    return [
        Figure(
            "P1",
            "lead intake over HTTP (gunicorn 2 sync workers, 4 client threads)",
            lead_a,
            insert,
            "req/s",
            "≥ 0.30",
            lead_a / insert >= 0.30,
            "baseline: the one-INSERT view on the same server",
        ),
        Figure(
            "P2",
            "lead intake over HTTP (same server)",
            lead_b,
            json_view,
            "req/s",
            "≥ 0.15",
            lead_b / json_view >= 0.15,
            "baseline: the minimal JSON view",
        ),
    ]


# --- P3: statements per lead ----------------------------------------------------------------


def _lead_body(serial: int) -> bytes:
    from bench.load import lead_body

    return lead_body(serial)


def bench_statements(fixtures: Fixtures, settings: Settings) -> list[Figure]:
    """Statements (savepoints included) and commits of a lead opening a case and of one
    joining it (the same SIREN again, from the same partner)."""
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {fixtures.partner_key}"}
    serial = 9_000_000 + int(time.time() * 10) % 900_000
    # One lead first: the process's first request pays for imports and warm caches.
    client.post(
        "/api/v1/leads/", _lead_body(serial - 1), content_type="application/json", **headers
    )
    counts = {}
    for label in ("opening", "joining"):
        with counting_statements() as log:
            response = client.post(
                "/api/v1/leads/",
                _lead_body(serial),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=f"bench-{label}-{serial}",
                **headers,
            )
        if response.status_code not in (200, 201):
            raise RuntimeError(f"lead {label}: {response.status_code} {response.content[:300]!r}")
        counts[label] = log
    # The partner throttles' counters live in the default cache (the database's cache table
    # unless REDIS_URL is set): counted apart, as tests/api/test_intake_statements.py does.
    from django.conf import settings as django_settings

    table = django_settings.CACHES["default"].get("LOCATION", "")
    figures = []
    for label, goal, limit in (
        ("opening", "≤ 12, one commit", 12),
        ("joining", "≤ 10, one commit", 10),
    ):
        log = counts[label]
        throttle = [sql for sql, _params in log.statements if table and f'"{table}"' in sql]
        lead = log.count - len(throttle)
        commits = log.commits - sum(1 for sql in throttle if sql.lstrip().startswith("UPDATE"))
        figures.append(
            Figure(
                "P3",
                f"SQL statements of a lead {label} a case ({commits} commit(s)); the "
                f"throttles' cache apart: {len(throttle)} statements",
                lead,
                None,
                "statements",
                goal,
                lead <= limit and commits == 1,
            )
        )
    return figures


# --- B4: funnel and equity aggregates vs hand-written SQL -----------------------------------


def national_query():
    from dashboards.selectors.common import DashboardQuery

    today = timezone.localdate()
    return DashboardQuery(start=today.replace(year=today.year - 5), end=today)


def _tables():
    from crm.models import Organisation
    from transmission.models import Case, StageChange

    return Case._meta.db_table, StageChange._meta.db_table, Organisation._meta.db_table


def handwritten_aggregates(query) -> dict:
    """The same numbers as the funnel and equity selectors, in plain SQL GROUP BY."""
    from dashboards.selectors.funnel import FUNNEL_STAGES

    cases, changes, organisations = _tables()
    result = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT stage, COUNT(*) FROM {cases} WHERE created_at < %s GROUP BY stage",
            [query.until],
        )
        result["stages_now"] = dict(cursor.fetchall())
        reached = ", ".join(
            f"SUM(CASE WHEN c.stage = %s OR c.previous_stage = %s OR EXISTS (SELECT 1 FROM "
            f"{changes} h WHERE h.case_id = c.id AND (h.target_stage = %s OR h.source_stage = %s))"
            f" THEN 1 ELSE 0 END)"
            for _ in FUNNEL_STAGES
        )
        params = [stage for stage in FUNNEL_STAGES for _ in range(4)]
        cursor.execute(
            f"SELECT COUNT(*), {reached} FROM {cases} c "
            "WHERE c.created_at >= %s AND c.created_at < %s",
            [*params, query.since, query.until],
        )
        row = cursor.fetchone()
        result["cohort"] = {"opened": row[0]} | {
            stage: int(value or 0) for stage, value in zip(FUNNEL_STAGES, row[1:], strict=True)
        }
        cursor.execute(
            f"SELECT o.departement_id, COUNT(*) FROM {cases} c JOIN {organisations} o ON "
            f"o.id = c.organisation_id WHERE c.created_at >= %s AND c.created_at < %s "
            f"GROUP BY o.departement_id",
            [query.since, query.until],
        )
        result["cases_by_departement"] = dict(cursor.fetchall())
    return result


def selector_aggregates(query) -> dict:
    from dashboards.selectors.equity import resource_by_departement
    from dashboards.selectors.funnel import cohort_conversion, stages_now

    now = stages_now(query)
    cohort = cohort_conversion(query)
    by_departement = resource_by_departement(query, "cases")
    return {
        "stages_now": {row.stage: int(row.cases) for row in now.itertuples() if row.cases},
        "cohort": {"opened": int(cohort["opened"].iloc[0]) if len(cohort) else 0}
        | {row.stage: int(row.reached) for row in cohort.itertuples()},
        "cases_by_departement": {
            row.departement: int(row.value) for row in by_departement.itertuples()
        },
    }


def bench_aggregates(fixtures: Fixtures, settings: Settings) -> list[Figure]:
    query = national_query()
    ours, theirs = selector_aggregates(query), handwritten_aggregates(query)
    if ours != theirs:
        raise AssertionError(f"the selectors and the hand-written SQL disagree: {ours} != {theirs}")
    # A new query for every run, as every request builds its own: a query keeps what its
    # panels share (DashboardQuery.shared_result), and a reused one would time that memo.
    selectors, sql = interleaved(
        seconds(lambda: selector_aggregates(national_query())),
        seconds(lambda: handwritten_aggregates(national_query())),
        settings.runs,
    )
    return [
        Figure(
            "B4",
            "funnel (stages now, cohort) and equity (cases by département) selectors",
            selectors,
            sql,
            "s",
            "≤ 2×",
            selectors / sql <= 2,
            "same numbers asserted",
        )
    ]


# --- B5, B6: dashboard pages ----------------------------------------------------------------


def dashboard_url(slug: str) -> str:
    return f"/tableaux-de-bord/{slug}/"


def bench_dashboard_sql(fixtures: Fixtures, settings: Settings) -> list[Figure]:
    """Whole page (Django test client, server side) vs replaying its SQL statements alone."""
    client = _client_for(fixtures.board_user_id)
    figures = []
    for slug in DASHBOARD_PAGES:
        url = dashboard_url(slug)
        _get(client, url)
        with counting_statements() as log:
            _get(client, url)
        statements = [
            (sql, params)
            for sql, params in log.statements
            if sql.lstrip().upper().startswith(("SELECT", "WITH"))
        ]

        def replay(statements=statements):
            with connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
                    cursor.fetchall()

        page, sql = interleaved(
            seconds(lambda url=url: _get(client, url)), seconds(replay), settings.runs
        )
        figures.append(
            Figure(
                "B5",
                f"dashboard page “{slug}” server side ({len(statements)} queries)",
                page,
                sql,
                "s",
                "≤ 3×",
                page / sql <= 3,
                "baseline: the page's own SQL replayed alone",
            )
        )
    return figures


def page_probe(slug: str, username: str = "board") -> dict:
    """Time and peak Python memory of one dashboard page (after a warm-up request)."""
    from crm.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    url = dashboard_url(slug)
    _get(client, url)
    start = time.perf_counter()
    _get(client, url)
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    _get(client, url)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": elapsed, "peak": peak}


def probe_in_subprocess(database_url: str, slug: str) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "bench.probe", slug],
        cwd=ROOT,
        env={**bench_environment(), "BENCH_DATABASE_URL": database_url},
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def bench_scaling(
    probe_large: Callable[[str], dict],
    probe_small: Callable[[str], dict],
    label: str,
    settings: Settings,
) -> list[Figure]:
    """B6: each dashboard page at the full scale vs a tenth of it (time and peak memory)."""
    figures = []
    for slug in DASHBOARD_PAGES:
        memory = {}

        def run(probe, side, slug=slug, memory=memory):
            def once():
                result = probe(slug)
                memory.setdefault(side, []).append(result["peak"])
                return result["seconds"]

            return once

        large, small = interleaved(
            run(probe_large, "large"), run(probe_small, "small"), settings.runs
        )
        peak_large = statistics.median(memory["large"])
        peak_small = statistics.median(memory["small"])
        figures.append(
            Figure(
                "B6",
                f"dashboard “{slug}” time, {label}",
                large,
                small,
                "s",
                "≤ 10×",
                large / small <= 10,
            )
        )
        figures.append(
            Figure(
                "B6",
                f"dashboard “{slug}” peak Python memory, {label}",
                peak_large / 2**20,
                peak_small / 2**20,
                "MiB",
                "≤ 1.5×",
                peak_large / peak_small <= 1.5,
                "tracemalloc peak during one request",
            )
        )
    return figures


# --- B7: pipeline board ---------------------------------------------------------------------


def bench_board(fixtures: Fixtures, settings: Settings) -> list[Figure]:
    large_client = _client_for(fixtures.board_officer_large_id)
    small_client = _client_for(fixtures.board_officer_small_id)
    url = "/pipeline/?mes_dossiers=1"
    _get(large_client, url), _get(small_client, url)
    large, small = interleaved(
        seconds(lambda: _get(large_client, url)),
        seconds(lambda: _get(small_client, url)),
        settings.runs,
    )
    return [
        Figure(
            "B7",
            f"pipeline board, {fixtures.board[0]:,} active cases vs {fixtures.board[1]:,}",
            large,
            small,
            "s",
            "≤ 3×",
            large / small <= 3,
            "an officer's own board (“mes dossiers”) in the largest UR",
        )
    ]


# --- B8: organisation import ----------------------------------------------------------------


def bench_import(fixtures: Fixtures, settings: Settings, rows: int) -> list[Figure]:
    """The officer's "Importer" of a checked file of ``rows`` new organisations (the import
    screen's commit: by the background task above ``import_background_rows()``) vs
    ``bulk_create`` of the same rows."""
    from bench import adapters

    checks, background = [], []

    def imported() -> float:
        job, by, checked = adapters.checked_import_job(rows)  # the preview: not timed
        checks.append(checked)
        background.append(job.background)
        return adapters.commit_import_job(job, by)

    committed, bulk = interleaved(
        imported, seconds(lambda: adapters.bulk_create_organisations(rows)), settings.runs
    )
    path = "background task" if all(background) else "at once"
    return [
        Figure(
            "B8",
            f"import of {rows:,} organisations from CSV (the import screen's commit, {path})",
            committed,
            bulk,
            "s",
            "≤ 3×",
            committed / bulk <= 3,
            "baseline: bulk_create of the same rows; the check before the commit (the "
            f"preview, not in the figure) took {statistics.median(checks):,.1f} s",
        )
    ]


# --- B9: chart sizes ------------------------------------------------------------------------


def chart_sizes() -> dict[str, int]:
    from dashboards.pages import PAGES
    from dashboards.views import _options

    query = national_query()
    options = _options(None)
    sizes = {}
    for slug, page in PAGES.items():
        for panel in page.panels:
            table = panel.build(query, options)
            for number, figure in enumerate(panel.draw(table, options, str(panel.title))):
                size = len(json.dumps(figure, cls=DjangoJSONEncoder).encode())
                sizes[f"{slug}/{panel.slug}/{number}"] = size
    return sizes


def bench_charts(fixtures: Fixtures, settings: Settings) -> list[Figure]:
    sizes = chart_sizes()
    name, largest = max(sizes.items(), key=lambda item: item[1])
    return [
        Figure(
            "B9",
            f"largest chart JSON of {len(sizes)} (“{name}”)",
            largest / 1024,
            None,
            "KiB",
            "≤ 50 KiB each",
            largest <= CHART_LIMIT,
        )
    ]


# --- B10: case page -------------------------------------------------------------------------


def bench_case_page(fixtures: Fixtures, settings: Settings) -> list[Figure]:
    from transmission.models import Case

    large = Case.objects.get(pk=fixtures.timeline_case_large_id)
    small = Case.objects.get(pk=fixtures.timeline_case_small_id)
    large_client = _client_for(large.assigned_officer_id)
    small_client = _client_for(small.assigned_officer_id)
    large_url, small_url = f"/dossiers/{large.pk}/", f"/dossiers/{small.pk}/"
    _get(large_client, large_url), _get(small_client, small_url)
    big, little = interleaved(
        seconds(lambda: _get(large_client, large_url)),
        seconds(lambda: _get(small_client, small_url)),
        settings.runs,
    )
    return [
        Figure(
            "B10",
            f"case page, {fixtures.timeline[0]:,} timeline items vs {fixtures.timeline[1]:,}",
            big,
            little,
            "s",
            "≤ 2×",
            big / little <= 2,
        )
    ]


def today() -> datetime.date:
    return timezone.localdate()
