"""Suite-wide fixtures and the CI rule: under CI=true, nothing may be skipped."""

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    # A skip in CI means a test that guards something did not run: fail loudly instead.
    if IN_CI and _skipped:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write_line(
                f"CI=true forbids skipped tests; {len(_skipped)} skipped: " + ", ".join(_skipped),
                red=True,
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def is_postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.fixture
def requires_postgresql():
    if not is_postgresql():
        pytest.skip("needs PostgreSQL (row locks): set DATABASE_URL=postgres://…")
