"""Backups: a PostgreSQL dump restored into a fresh database holds the same rows and the
same history; a SQLite copy is consistent."""

import hashlib
import sqlite3
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import OrganisationFactory, staff_user
from tests.transmission.factories import CaseFactory

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import backup as backup_script
import restore as restore_script

HISTORY_TABLES = [
    "transmission_stagechange",
    "crm_historicalorganisation",
]
COUNTED_TABLES = [*HISTORY_TABLES, "crm_organisation", "transmission_case", "crm_user"]


def _counts_and_checksum(cursor) -> tuple[dict, str]:
    counts = {}
    digest = hashlib.sha256()
    for table in COUNTED_TABLES:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        counts[table] = cursor.fetchone()[0]
    cursor.execute("SET TIME ZONE 'UTC'")
    for table in HISTORY_TABLES:
        # Every column of every row, as PostgreSQL prints it, in key order.
        cursor.execute(f"SELECT md5(string_agg(t::text, '|' ORDER BY t)) FROM {table} AS t")
        digest.update(str(cursor.fetchone()[0]).encode())
    return counts, digest.hexdigest()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_postgresql_dump_restores_into_a_fresh_database(requires_postgresql, tmp_path):
    import psycopg

    from crm.roles import Role

    officer = staff_user(Role.OFFICER, "ouest")
    for _ in range(3):
        CaseFactory(organisation=OrganisationFactory(postal_code="35000"), assigned_officer=officer)
    source = connection.settings_dict
    with connection.cursor() as cursor:
        expected = _counts_and_checksum(cursor)
    assert expected[0]["transmission_stagechange"] >= 3

    dump = backup_script.backup(tmp_path / "releve.dump", db=source)
    assert dump.stat().st_size > 0
    fresh = f"releve_restore_{uuid.uuid4().hex[:8]}"
    conninfo = {
        "host": source.get("HOST") or "127.0.0.1",
        "port": source.get("PORT") or 5432,
        "user": source.get("USER") or "postgres",
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        restore_script.restore(dump, db={**source, "NAME": fresh})
        with (
            psycopg.connect(dbname=fresh, **conninfo) as restored,
            restored.cursor() as cursor,
        ):
            assert _counts_and_checksum(cursor) == expected
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


def test_a_sqlite_backup_is_a_consistent_copy(tmp_path):
    original = tmp_path / "live.sqlite3"
    with sqlite3.connect(original) as live:
        live.execute("CREATE TABLE history (id INTEGER PRIMARY KEY, comment TEXT)")
        live.executemany("INSERT INTO history (comment) VALUES (?)", [("a",), ("b",)])
    db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(original)}
    copy = backup_script.backup(tmp_path / "copy.sqlite3", db=db)
    with sqlite3.connect(original) as live:
        live.execute("DELETE FROM history")
    restore_script.restore(copy, db=db)
    with sqlite3.connect(original) as live:
        assert live.execute("SELECT comment FROM history ORDER BY id").fetchall() == [
            ("a",),
            ("b",),
        ]
