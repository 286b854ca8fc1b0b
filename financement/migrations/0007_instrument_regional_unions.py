"""An instrument may be limited to some regional unions; Transméa is Auvergne-Rhône-Alpes only.

The seed is idempotent and only sets the limitation while none is recorded (an administrator
owns it afterwards); reversing leaves the field's rows to be dropped with it.
"""

from django.db import migrations, models

LIMITED = {"transmea-capital-risque": ["ara"]}


def seed_limitations(apps, schema_editor):
    Instrument = apps.get_model("financement", "Instrument")
    RegionalUnion = apps.get_model("crm", "RegionalUnion")
    for code, union_codes in LIMITED.items():
        instrument = Instrument.objects.filter(code=code).first()
        if instrument is None or instrument.regional_unions.exists():
            continue
        instrument.regional_unions.set(RegionalUnion.objects.filter(code__in=union_codes))


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0005_gdpr_operations"),
        ("financement", "0006_titres_participatifs_one_family"),
    ]

    operations = [
        migrations.AddField(
            model_name="instrument",
            name="regional_unions",
            field=models.ManyToManyField(
                blank=True,
                help_text="Leave empty when the instrument is offered everywhere.",
                related_name="instruments",
                to="crm.regionalunion",
                verbose_name="regional unions",
            ),
        ),
        migrations.RunPython(seed_limitations, migrations.RunPython.noop),
    ]
