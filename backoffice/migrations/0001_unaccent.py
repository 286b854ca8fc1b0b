from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """The unaccent extension for accent-insensitive search (a no-op on SQLite: CreateExtension
    only runs on PostgreSQL; backoffice.apps registers a Python UNACCENT there)."""

    dependencies = []

    operations = [UnaccentExtension()]
