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
        fixtures = getattr(item, "fixturenames", ())
        # live_server and transactional_db make a test transactional even without the marker.
        transactional = (marker and marker.kwargs.get("transaction")) or (
            "live_server" in fixtures or "transactional_db" in fixtures
        )
        serialized = (
            marker and marker.kwargs.get("serialized_rollback")
        ) or "django_db_serialized_rollback" in fixtures
        if transactional and not serialized:
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


@pytest.fixture
def organisation_check(requires_postgresql, monkeypatch):
    """A field check on organisations (at most 100 employees) that no serializer and no model
    rule knows, as if only the database held it (the lead intake leaves check constraints to
    the database): created in the test's transaction, PostgreSQL's DDL rolls back with it."""
    from django.db import connection
    from django.db.models import Q

    from crm.constraints import FieldCheckConstraint
    from crm.models import Organisation

    cap = FieldCheckConstraint(
        field="employees",
        condition=Q(employees__isnull=True) | Q(employees__lte=100),
        name="test_organisation_employees_cap",
        violation_error_message="Pas plus de cent salariés.",
    )
    with connection.schema_editor() as editor:
        editor.add_constraint(Organisation, cap)
    monkeypatch.setattr(Organisation._meta, "constraints", [*Organisation._meta.constraints, cap])
    return cap


@pytest.fixture(autouse=True)
def _fresh_reference_cache():
    # Reference data is cached in process (crm.reference_cache); a test's rows are rolled
    # back without any signal, so every test starts from an empty cache.
    from crm import reference_cache

    reference_cache.clear()
    yield
    reference_cache.clear()
