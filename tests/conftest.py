"""Suite-wide fixtures; the CI rule (nothing skipped under CI=true) is in tests/ci_rules.py."""

import pytest

pytest_plugins = ["tests.ci_rules", "pytester"]


def is_postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.fixture
def requires_postgresql():
    if not is_postgresql():
        pytest.skip("needs PostgreSQL (row locks): set DATABASE_URL=postgres://…")
