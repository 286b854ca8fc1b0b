"""Seed the instrument catalogue with DOMAIN.md's table (11 rows); safe to run again.

Rows are keyed on ``code``: running it again updates nothing an administrator changed since
(``get_or_create``), and reversing it leaves the catalogue alone (lines may use it).
"""

from decimal import Decimal

from django.db import migrations

K = Decimal(1000)

INSTRUMENTS = [
    # code, name, provider, family, movement tool, min €, max €, per member, min/max months, terms
    (
        "socoden-pret-participatif",
        "Prêt participatif Socoden",
        "Socoden (mouvement)",
        "participative_loan",
        True,
        6 * K,
        600 * K,
        False,
        36,
        84,
        "Sans caution personnelle.",
    ),
    (
        "scopinvest-titres-participatifs",
        "Titres participatifs Scopinvest",
        "Scopinvest (mouvement)",
        "quasi_equity",
        True,
        25 * K,
        None,
        False,
        84,
        None,
        "Au plus 50 % des capitaux permanents.",
    ),
    (
        "sofiscop-garantie",
        "Garantie Sofiscop",
        "Sofiscop (mouvement)",
        "guarantee",
        True,
        None,
        None,
        False,
        None,
        None,
        "Couvre 25 % ou 50 % d'un prêt bancaire.",
    ),
    (
        "transmea-capital-risque",
        "Capital-risque régional Transméa",
        "Transméa (Auvergne-Rhône-Alpes, mouvement et Région)",
        "equity",
        True,
        10 * K,
        300 * K,
        False,
        None,
        None,
        "Participation minoritaire.",
    ),
    (
        "france-active-pret-participatif",
        "Prêt participatif France Active",
        "France Active",
        "participative_loan",
        False,
        5 * K,
        500 * K,
        False,
        60,
        84,
        "Environ 2 %.",
    ),
    (
        "garantie-bancaire",
        "Garantie bancaire",
        "France Active / Bpifrance",
        "guarantee",
        False,
        None,
        None,
        False,
        None,
        None,
        "Couvre une part d'un prêt bancaire.",
    ),
    (
        "ides-esfin-fonds-propres",
        "Fonds propres IDES / Esfin",
        "IDES / Esfin",
        "equity",
        False,
        100 * K,
        1500 * K,
        False,
        84,
        144,
        "",
    ),
    (
        "region-aide-capital",
        "Aide régionale au capital",
        "Une Région (p. ex. Nouvelle-Aquitaine)",
        "grant",
        False,
        1 * K,
        5 * K,
        True,
        None,
        None,
        "Par salarié associé, plafonnée par entreprise.",
    ),
    (
        "pret-bancaire",
        "Prêt bancaire",
        "Une banque (p. ex. Crédit Coopératif)",
        "bank_loan",
        False,
        None,
        None,
        False,
        None,
        None,
        "Variable.",
    ),
    (
        "apports-salaries",
        "Apports des salariés",
        "Les salariés",
        "member_contribution",
        False,
        1 * K,
        Decimal(1500),
        True,
        None,
        None,
        "Habituellement 1 000 à 1 500 € par personne.",
    ),
    (
        "credit-vendeur",
        "Crédit vendeur",
        "Le cédant",
        "vendor_loan",
        False,
        None,
        None,
        False,
        None,
        None,
        "Variable.",
    ),
]


def seed(apps, schema_editor):
    Instrument = apps.get_model("financement", "Instrument")
    for (
        code,
        name,
        provider,
        family,
        movement,
        min_amount,
        max_amount,
        per_member,
        min_term,
        max_term,
        terms,
    ) in INSTRUMENTS:
        Instrument.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "provider": provider,
                "family": family,
                "is_movement_tool": movement,
                "min_amount": min_amount,
                "max_amount": max_amount,
                "amount_per_member": per_member,
                "min_term_months": min_term,
                "max_term_months": max_term,
                "terms": terms,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("financement", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
