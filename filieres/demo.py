"""Demo data for filieres: regional priority designations, past and current.

Organisations' NAF codes already follow DOMAIN.md's sector mix (crm.demo draws them by NAF
section), so they spread over the national filières without anything more here.
"""

import datetime

from crm.actors import SYSTEM
from crm.demo_framework import DemoContext
from crm.models import Region, RegionalUnion
from filieres import services
from filieres.models import Filiere

# seed_demo runs these apps' demo data first.
RUNS_AFTER = ("crm",)

# (UR code, filière slugs the UR favours, why) — visibly demo rationales.
_UR_PRIORITIES = [
    (
        "ouest",
        ["alimentation-agriculture-durables", "industrie-relocalisation", "economie-circulaire"],
        "Démo : tissu agroalimentaire et industriel dense, nombreux départs en retraite "
        "de dirigeants attendus.",
    ),
    (
        "ara",
        ["industrie-relocalisation", "energies-renouvelables", "numerique"],
        "Démo : plan régional de relocalisation et d'énergies renouvelables.",
    ),
    (
        "occ",
        ["energies-renouvelables", "sante-social-services-personne"],
        "Démo : vieillissement de la population et fort potentiel solaire.",
    ),
    (
        "na",
        ["construction-renovation-energetique", "mobilites"],
        "Démo : programme de rénovation énergétique des logements.",
    ),
]
# A région designating on its own (Bretagne, covered by UR Ouest).
_REGION_PRIORITY = (
    "53",
    "culture-medias",
    "Démo : la Région soutient les lieux culturels coopératifs.",
)


def _first_of_month(day: datetime.date, months_back: int) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 - months_back
    return datetime.date(month_index // 12, month_index % 12 + 1, 1)


def seed(ctx: DemoContext) -> None:
    filieres = {f.slug: f for f in Filiere.objects.all()}
    unions = {u.code: u for u in RegionalUnion.objects.all()}
    for ur_code, slugs, rationale in _UR_PRIORITIES:
        union = unions.get(ur_code)
        if union is None:
            continue
        for index, slug in enumerate(slugs):
            if slug not in filieres:
                continue
            start = _first_of_month(ctx.today, ctx.rng.randint(6, 30))
            if index == len(slugs) - 1:
                # One past designation per UR: ended, then renewed for the current plan.
                past_start = _first_of_month(start, 36)
                services.priority_designate(
                    filiere=filieres[slug],
                    regional_union=union,
                    start=past_start,
                    end=start,
                    rationale=rationale + " (plan précédent)",
                    by=SYSTEM,
                )
            services.priority_designate(
                filiere=filieres[slug],
                regional_union=union,
                start=start,
                end=None if ctx.rng.random() < 0.7 else _first_of_month(start, -36),
                rationale=rationale,
                by=SYSTEM,
            )
    region_code, slug, rationale = _REGION_PRIORITY
    region = Region.objects.filter(code=region_code).first()
    if region and slug in filieres:
        services.priority_designate(
            filiere=filieres[slug],
            region=region,
            start=_first_of_month(ctx.today, ctx.rng.randint(3, 12)),
            rationale=rationale,
            by=SYSTEM,
        )
