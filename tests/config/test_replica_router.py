"""REPLICA_DATABASE_URL: dashboard reads go to the replica alias, writes never do.

The replica is a second alias on the same database server (the same test database, opened by
another connection), as a streaming replica would be."""

import copy

import pytest
from django.core.cache import cache
from django.db import connections

from config.routers import REPLICA_ALIAS, ReplicaRouter, replica_reads
from crm.roles import Role
from tests.factories import staff_user
from transmission.models import Case


@pytest.fixture
def replica(settings):
    """A live ``replica`` alias, pointing at the test database through its own connection."""
    alias_settings = copy.deepcopy(connections["default"].settings_dict)
    settings.DATABASES = {**settings.DATABASES, REPLICA_ALIAS: alias_settings}
    connections.settings[REPLICA_ALIAS] = alias_settings
    connection = connections[REPLICA_ALIAS]
    # The test case guarded the aliases it knew when it started; this one is added later
    # (and connected here, past the guard on new connections).
    for name in ("connect", "temporary_connection", "cursor", "chunked_cursor"):
        connection.__dict__.pop(name, None)
    connection.connect()
    yield connection
    connections[REPLICA_ALIAS].close()
    del connections[REPLICA_ALIAS]
    del connections.settings[REPLICA_ALIAS]


def test_without_a_replica_everything_stays_on_the_primary():
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Case) is None
        assert router.db_for_write(Case) == "default"


def test_with_a_replica_only_reads_in_context_go_there(settings):
    settings.DATABASES = {**settings.DATABASES, REPLICA_ALIAS: settings.DATABASES["default"]}
    router = ReplicaRouter()
    assert router.db_for_read(Case) is None
    with replica_reads():
        assert router.db_for_read(Case) == REPLICA_ALIAS
        assert router.db_for_write(Case) == "default"
    assert router.db_for_read(Case) is None
    assert not router.allow_migrate(REPLICA_ALIAS, "transmission")
    assert router.allow_migrate("default", "transmission")


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__")
def test_a_dashboard_page_reads_its_figures_from_the_replica(client, replica):
    board = staff_user(Role.BOARD_MEMBER)
    client.force_login(board)
    # Figures cached by an earlier test would spare the page its reads.
    cache.clear()
    on_replica, on_primary = [], []

    def recorder(log):
        def wrapper(execute, sql, params, many, context):
            log.append(sql)
            return execute(sql, params, many, context)

        return wrapper

    with (
        replica.execute_wrapper(recorder(on_replica)),
        connections["default"].execute_wrapper(recorder(on_primary)),
    ):
        response = client.get("/tableaux-de-bord/entonnoir/")
    assert response.status_code == 200
    case_table = Case._meta.db_table
    assert any(case_table in sql for sql in on_replica)
    assert not any(case_table in sql for sql in on_primary)
    # Outside a dashboard request, reads are on the primary again.
    on_primary.clear()
    with connections["default"].execute_wrapper(recorder(on_primary)):
        Case.objects.count()
    assert any(case_table in sql for sql in on_primary)
