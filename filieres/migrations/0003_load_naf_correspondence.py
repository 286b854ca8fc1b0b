"""Load INSEE's NAF rév. 2 → NAF 2025 correspondence and classify NAF 2025 in the filières.

The table (January 2026 edition, crm/reference_data/naf_rev2_to_2025.csv, see SOURCES.md
there) is checked before it is loaded; then the NAF → filière mapping is rebuilt so that
NAF 2025 sub-classes inherit the filières of their rév. 2 antecedents. Idempotent.
"""

from django.db import migrations

from crm import reference_data
from filieres import mapping, naf


def load(apps, schema_editor):
    reference_data.check_naf_files()
    links = reference_data.read_csv(reference_data.NAF_CORRESPONDENCE_FILE)
    naf.save_correspondence(apps, links=[(row["naf_rev2"], row["naf_2025"]) for row in links])
    mapping.rebuild(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("filieres", "0002_national_filieres"),
        ("crm", "0004_load_collectivities_communes_naf2025"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=False)]
