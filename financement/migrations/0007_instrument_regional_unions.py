"""An instrument may be limited to some regional unions (Transméa: Auvergne-Rhône-Alpes only);
a movement tool has a regional delegation ceiling above which the national committee (a
committee session without a regional union) decides.

The seed is idempotent and only sets the limitation while none is recorded (an administrator
owns it afterwards); reversing leaves the field's rows to be dropped with it.
"""

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models

LIMITED = {"transmea-capital-risque": ["ara"]}
# Starting values, for administrators to adjust to each tool's delegation rules.
CEILINGS = {
    "socoden-pret-participatif": Decimal(150_000),
    "scopinvest-titres-participatifs": Decimal(150_000),
}


def seed_limitations(apps, schema_editor):
    Instrument = apps.get_model("financement", "Instrument")
    RegionalUnion = apps.get_model("crm", "RegionalUnion")
    for code, union_codes in LIMITED.items():
        instrument = Instrument.objects.filter(code=code).first()
        if instrument is None or instrument.regional_unions.exists():
            continue
        instrument.regional_unions.set(RegionalUnion.objects.filter(code__in=union_codes))
    for code, ceiling in CEILINGS.items():
        Instrument.objects.filter(code=code, regional_delegation_ceiling__isnull=True).update(
            regional_delegation_ceiling=ceiling
        )


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
        migrations.AddField(
            model_name="instrument",
            name="regional_delegation_ceiling",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="Above this amount requested, the national committee decides, not the "
                "regional one. Empty: regional committees decide any amount.",
                max_digits=14,
                null=True,
                verbose_name="regional delegation ceiling (€)",
            ),
        ),
        migrations.AlterField(
            model_name="committeesession",
            name="regional_union",
            field=models.ForeignKey(
                blank=True,
                help_text="Leave empty for the national committee.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="committee_sessions",
                to="crm.regionalunion",
                verbose_name="regional union",
            ),
        ),
        migrations.RunPython(seed_limitations, migrations.RunPython.noop),
    ]
