"""Redacting personal data out of append-only history, the one sanctioned way.

Stage changes and financing-line decisions are immutable: a database trigger refuses any
UPDATE of their rows. The GDPR still requires erasing a person's name or e-mail where an
officer typed it in a comment. ``history_redaction()`` opens, for the current transaction
only, the one door the triggers leave: they let an update through when the connection says
a redaction is under way (PostgreSQL: the transaction-local setting ``releve.redaction``;
SQLite: the connection function ``releve_redaction_allowed()``). Anything else still fails.
"""

from __future__ import annotations

import contextlib
import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.backends.signals import connection_created
from django.dispatch import receiver

REDACTED = "[effacé]"

# SQL the history migrations install: the trigger body lets a redaction through.
POSTGRESQL_REDACTION_ALLOWED = "current_setting('releve.redaction', true) = 'on'"
SQLITE_REDACTION_ALLOWED = "releve_redaction_allowed()"


@receiver(connection_created)
def _register_sqlite_function(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "releve_redaction_allowed",
            0,
            lambda: int(getattr(connection, "releve_redaction", False)),
            deterministic=False,
        )


@contextlib.contextmanager
def history_redaction():
    """Allow redacting append-only rows inside the enclosing transaction (and only there)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("history_redaction() runs inside a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL releve.redaction = 'on'")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL releve.redaction = 'off'")
        return
    connection.ensure_connection()
    connection.releve_redaction = True
    try:
        yield
    finally:
        connection.releve_redaction = False


def history_redaction_trigger(table: str):
    """The migration operation that lets ``table``'s immutability trigger through during a
    redaction (its reverse restores the trigger that refuses every update)."""
    from django.db import migrations

    refuse = f"RAISE EXCEPTION '{table} rows are immutable';"

    def plpgsql(body: str) -> str:
        return (
            f"CREATE OR REPLACE FUNCTION {table}_immutable() RETURNS trigger AS $$ "
            f"BEGIN {body} END; $$ LANGUAGE plpgsql"
        )

    def sqlite(when: str) -> list[str]:
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_update",
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} {when} "
            f"BEGIN SELECT RAISE(ABORT, '{table} rows are immutable'); END",
        ]

    up = {
        "postgresql": [
            plpgsql(f"IF {POSTGRESQL_REDACTION_ALLOWED} THEN RETURN NEW; END IF; {refuse}")
        ],
        "sqlite": sqlite(f"WHEN NOT {SQLITE_REDACTION_ALLOWED}"),
    }
    down = {"postgresql": [plpgsql(refuse)], "sqlite": sqlite("")}

    def run(statements_by_vendor):
        def apply(apps, schema_editor):
            for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
                schema_editor.execute(statement, params=None)

        return apply

    return migrations.RunPython(run(up), run(down))


def redact_row(model, pk, **values) -> None:
    """Set ``values`` on one append-only row, inside ``history_redaction()``.

    The model's queryset refuses updates on purpose; this goes around it with one plain
    UPDATE, which the trigger lets through only during a redaction.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    columns, params = [], []
    for name, value in values.items():
        field = model._meta.get_field(name)
        columns.append(f"{connection.ops.quote_name(field.column)} = %s")
        if field.get_internal_type() == "JSONField":
            value = json.dumps(value, cls=DjangoJSONEncoder)
        params.append(value)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {', '.join(columns)} WHERE {model._meta.pk.column} = %s",
            [*params, pk],
        )


def redact_text(text: str, terms) -> str:
    """``text`` with every occurrence of each term (case-insensitive) replaced."""
    if not text:
        return text
    # Longest first: "Paul Morel" goes before "Paul".
    for term in sorted({t.strip() for t in terms if t and len(t.strip()) >= 2}, key=len)[::-1]:
        text = re.sub(re.escape(term), REDACTED, text, flags=re.IGNORECASE)
    return text


def redact_value(value, terms):
    """Redact strings anywhere inside a JSON value (dicts, lists), keys kept."""
    if isinstance(value, str):
        return redact_text(value, terms)
    if isinstance(value, list):
        return [redact_value(item, terms) for item in value]
    if isinstance(value, dict):
        return {key: redact_value(item, terms) for key, item in value.items()}
    return value
