"""Filières sharper than whole NAF sections (issue 10 §7): see seed_data.FIRST_PREFIXES.

"Rénovation énergétique" no longer counts property developers (41.10), "relocalisation" no
longer every manufacturer, 97 (households as employers) leaves santé-social; 35.14Z, 39.00Z,
49.10Z, 49.20Z join their filières and a filière "propreté et espaces verts" takes 81.10Z,
81.2 and 81.30Z. Filières an administrator edited are left alone. NAF 2025 follows through
the correspondence when the mapping is rebuilt.
"""

from django.db import migrations

from filieres import seed_data


def sharpen(apps, schema_editor):
    seed_data.sharpen_national_filieres(apps)


class Migration(migrations.Migration):
    dependencies = [("filieres", "0003_load_naf_correspondence")]

    operations = [migrations.RunPython(sharpen, migrations.RunPython.noop, elidable=False)]
