"""History rows stay immutable, except for a GDPR redaction (crm.redaction).

The trigger of migration 0003_line_decisions_immutable refused every UPDATE; it now lets one through when the
connection says a redaction is under way (``crm.redaction.history_redaction``).
"""

from django.db import migrations

TABLE = "financement_linedecision"

POSTGRESQL_UP = [
    f"""
    CREATE OR REPLACE FUNCTION {TABLE}_immutable() RETURNS trigger AS $$
    BEGIN
        IF current_setting('releve.redaction', true) = 'on' THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{TABLE} rows are immutable';
    END;
    $$ LANGUAGE plpgsql
    """
]
POSTGRESQL_DOWN = [
    f"""
    CREATE OR REPLACE FUNCTION {TABLE}_immutable() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{TABLE} rows are immutable';
    END;
    $$ LANGUAGE plpgsql
    """
]
SQLITE_UP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
    f"""
    CREATE TRIGGER {TABLE}_no_update
    BEFORE UPDATE ON {TABLE}
    WHEN NOT releve_redaction_allowed()
    BEGIN
        SELECT RAISE(ABORT, '{TABLE} rows are immutable');
    END
    """,
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
    f"""
    CREATE TRIGGER {TABLE}_no_update
    BEFORE UPDATE ON {TABLE}
    BEGIN
        SELECT RAISE(ABORT, '{TABLE} rows are immutable');
    END
    """,
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("financement", "0004_financingline_version")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRESQL_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
