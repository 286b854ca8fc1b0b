"""The benchmark harness at a tiny scale (``make bench-smoke``): every benchmark runs and
produces its figure, so the harness cannot rot. Goals are not asserted here: speed is measured
by ``make bench``, never in tests."""

import os

import pytest

from bench import benchmarks, data, harness, results
from crm.models import Organisation
from tests.conftest import is_postgresql

EXPECTED = {"P1", "P2", "P3", "B4", "B5", "B6", "B7", "B8", "B9", "B10"}


@pytest.fixture
def bench_settings(settings):
    settings.RELEVE_DASHBOARDS_CACHE_SECONDS = 0
    # B8's 50 rows take the import's background path (check and commit by the tasks).
    settings.BACKOFFICE_IMPORT_BACKGROUND_ROWS = 10
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
    return benchmarks.Settings(runs=1, load_seconds=0.3)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_benchmark_runs_and_gives_its_figure(bench_settings):
    # The gunicorn benchmarks need a database a second process can reach: PostgreSQL (CI runs
    # them). On SQLite the test database lives in this process's memory.
    http = is_postgresql()
    if not http and os.environ.get("CI"):
        pytest.fail("CI runs the bench smoke test on PostgreSQL")
    fixtures = data.generate(60, board=(12, 3), timeline=(15, 5))
    assert fixtures.cases >= 60 and fixtures.stage_changes > fixtures.cases

    figures = harness.run_all(
        fixtures,
        bench_settings,
        probe_large=benchmarks.page_probe,
        probe_small=benchmarks.page_probe,
        scaling_label="smoke (the same database on both sides)",
        import_rows=50,
        http=http,
        report=lambda line: None,
    )

    produced = {figure.id for figure in figures}
    # B8 went through the import screen's background path (50 rows above the threshold).
    (imported,) = [figure for figure in figures if figure.id == "B8"]
    assert "background task" in imported.what
    # Through the service (each with its history row), unlike the bulk_create baseline's 50.
    assert Organisation.objects.filter(name__startswith="Import banc ").count() == 100
    assert Organisation.history.filter(name__startswith="Import banc ").count() == 50
    assert produced == (EXPECTED if http else EXPECTED - {"P1", "P2"})
    for figure in figures:
        assert figure.figure is not None and figure.figure > 0, figure
        assert figure.passed in (True, False), figure
        if figure.id not in ("P3", "B9"):
            assert figure.baseline and figure.baseline > 0, figure
    # ``python -m bench --only B7,B10`` runs those alone.
    chosen = harness.run_all(
        fixtures,
        bench_settings,
        probe_large=benchmarks.page_probe,
        probe_small=benchmarks.page_probe,
        scaling_label="",
        import_rows=50,
        http=http,
        report=lambda line: None,
        only={"B7", "B10"},
    )
    assert {figure.id for figure in chosen} == {"B7", "B10"}
    text = results.render(figures, scale="tiny", cases=fixtures.cases, stage_changes=1, seconds=1)
    for figure_id in produced:
        assert f"| {figure_id} |" in text
    if not http:
        pytest.skip("P1/P2 (gunicorn) need PostgreSQL; every other benchmark ran")


@pytest.mark.django_db
def test_b4_times_the_selectors_querying_on_every_run():
    """Each of B4's runs asks the database again: a query keeps what a page's panels share
    (DashboardQuery.shared_result), so B4 builds a new one per run, as requests do."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    data.generate(60, board=(12, 3), timeline=(15, 5))
    with CaptureQueriesContext(connection) as context:
        benchmarks.bench_aggregates(None, benchmarks.Settings(runs=5, load_seconds=0.1))
    cohort = [q for q in context.captured_queries if "reached_lead" in q["sql"]]
    # The check that both sides agree, then five interleaved runs of the selectors.
    assert len(cohort) == 1 + 5


@pytest.mark.django_db
def test_b8_rows_start_past_those_of_an_earlier_run_on_the_same_database():
    """``--reuse`` measures again on a kept database: B8's new organisations must not be
    the SIRENs the earlier run imported (a new process starts its count again)."""
    from bench import adapters

    adapters.bulk_create_organisations(3)
    adapters._offset.clear()  # what a new process starts with
    sirens = {row["siren"] for row in adapters._next_rows(3)}
    assert len(sirens) == 3
    assert not Organisation.objects.filter(siren__in=sirens).exists()
