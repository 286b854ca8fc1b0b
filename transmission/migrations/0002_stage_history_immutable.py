"""The database itself refuses to change a stage-history row (PostgreSQL and SQLite).

Deletes stay possible only through the ORM's cascade when a whole case is erased; the
model, its queryset and the admin refuse them.
"""

from django.db import migrations

POSTGRESQL_UP = [
    """
    CREATE OR REPLACE FUNCTION transmission_stagechange_immutable() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'transmission_stagechange rows are immutable';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER transmission_stagechange_no_update
        BEFORE UPDATE ON transmission_stagechange
        FOR EACH ROW EXECUTE FUNCTION transmission_stagechange_immutable()
    """,
]
POSTGRESQL_DOWN = [
    "DROP TRIGGER IF EXISTS transmission_stagechange_no_update ON transmission_stagechange",
    "DROP FUNCTION IF EXISTS transmission_stagechange_immutable()",
]
SQLITE_UP = [
    """
    CREATE TRIGGER transmission_stagechange_no_update
    BEFORE UPDATE ON transmission_stagechange
    BEGIN
        SELECT RAISE(ABORT, 'transmission_stagechange rows are immutable');
    END
    """
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS transmission_stagechange_no_update"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("transmission", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRESQL_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
