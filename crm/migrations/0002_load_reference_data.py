"""Load régions, départements, postal codes, regional unions and NAF rév. 2.

The files and their sources are in crm/reference_data/ (see SOURCES.md there). The loaders
are idempotent: re-running this migration's code changes nothing.
"""

from django.db import migrations

from crm import reference_data


def load(apps, schema_editor):
    reference_data.load_territories(apps)
    reference_data.load_regional_unions(apps)
    reference_data.load_naf(apps)


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=False)]
