"""Titres participatifs are one family whoever provides them.

IDES / Esfin's instrument was seeded as ``equity`` while Scopinvest's identical instrument is
``quasi_equity``: both are participative securities (titres participatifs). The instrument
and the lines already drawn on it (which copy the family) move to ``quasi_equity``; the
reverse migration leaves them (the old family was a mistake).
"""

from django.db import migrations

CODE = "ides-esfin-fonds-propres"


def fix_family(apps, schema_editor):
    Instrument = apps.get_model("financement", "Instrument")
    FinancingLine = apps.get_model("financement", "FinancingLine")
    Instrument.objects.filter(code=CODE, family="equity").update(
        family="quasi_equity", name="Titres participatifs IDES / Esfin"
    )
    FinancingLine.objects.filter(instrument__code=CODE, family="equity").update(
        family="quasi_equity"
    )


class Migration(migrations.Migration):
    dependencies = [("financement", "0005_line_decisions_redaction")]

    operations = [migrations.RunPython(fix_family, migrations.RunPython.noop)]
