"""Suite-wide fixtures; the CI rule (nothing skipped under CI=true) is in tests/ci_rules.py."""

import pytest

pytest_plugins = ["tests.ci_rules", "pytester"]


def pytest_collection_modifyitems(config, items):
    # Reference data (territories, NAF, filières, instruments) comes from data migrations.
    # A transactional test flushes the database when it ends; without a serialized rollback
    # every later test would run on empty reference tables.
    offenders = []
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            offenders.append(item.nodeid)
    if offenders:
        raise pytest.UsageError(
            "transactional tests must also set serialized_rollback=True: " + ", ".join(offenders)
        )


def is_postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.fixture
def requires_postgresql():
    if not is_postgresql():
        pytest.skip("needs PostgreSQL (row locks): set DATABASE_URL=postgres://…")
