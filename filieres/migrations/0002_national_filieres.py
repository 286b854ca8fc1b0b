"""Load the national list of filières (filieres/seed_data.py) and build the NAF mapping.

Idempotent: existing filières (matched on slug) are left as administrators edited them.
"""

from django.db import migrations

from filieres import seed_data


def load(apps, schema_editor):
    seed_data.load_national_filieres(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("filieres", "0001_initial"),
        ("crm", "0002_load_reference_data"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=False)]
