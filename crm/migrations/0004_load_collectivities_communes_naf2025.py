"""Load Saint-Barthélemy and Saint-Martin, the communes of the postal codes, and NAF 2025.

Same loaders and files as 0002 (crm/reference_data/, see SOURCES.md there); they are
idempotent, so this only adds what 0002's models could not hold: the overseas
collectivities 977 and 978 with their regional union, the commune names of each postal
code, and the NAF 2025 nomenclature (the rév. 2 → 2025 links are loaded by
filieres 0003, which owns that table).
"""

from django.db import migrations

from crm import reference_data


def load(apps, schema_editor):
    reference_data.load_territories(apps)
    reference_data.load_regional_unions(apps)
    reference_data.load_naf(apps, version="2025", filename=reference_data.NAF2025_FILE)


class Migration(migrations.Migration):
    dependencies = [("crm", "0003_territory_kind_and_postal_communes")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=False)]
