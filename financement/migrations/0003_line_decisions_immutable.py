"""The database itself refuses to change a line decision (PostgreSQL and SQLite).

Deletes stay possible only through the ORM's cascade when a whole line is erased; the
model, its queryset and the admin refuse them (as for transmission.StageChange).
"""

from django.db import migrations

POSTGRESQL_UP = [
    """
    CREATE OR REPLACE FUNCTION financement_linedecision_immutable() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'financement_linedecision rows are immutable';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER financement_linedecision_no_update
        BEFORE UPDATE ON financement_linedecision
        FOR EACH ROW EXECUTE FUNCTION financement_linedecision_immutable()
    """,
]
POSTGRESQL_DOWN = [
    "DROP TRIGGER IF EXISTS financement_linedecision_no_update ON financement_linedecision",
    "DROP FUNCTION IF EXISTS financement_linedecision_immutable()",
]
SQLITE_UP = [
    """
    CREATE TRIGGER financement_linedecision_no_update
    BEFORE UPDATE ON financement_linedecision
    BEGIN
        SELECT RAISE(ABORT, 'financement_linedecision rows are immutable');
    END
    """
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS financement_linedecision_no_update"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("financement", "0002_seed_instruments")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRESQL_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
