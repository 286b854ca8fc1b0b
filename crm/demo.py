"""Demo data for crm: staff accounts, partners, organisations and their contacts.

Shapes follow DOMAIN.md: median 5 employees with a log-normal tail (mean about 21),
organisations concentrated where the movement is strong (the West, Île-de-France,
Auvergne-Rhône-Alpes, Occitanie, PACA), jobs by sector as published. Every name is
visibly fictitious and every SIREN starts with 000.
"""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from crm import services
from crm.demo_framework import DEMO_PASSWORD, DemoAccount, DemoContext
from crm.models import (
    ContactRole,
    CooperativeType,
    Departement,
    LawfulBasis,
    LegalForm,
    NafEntry,
    NafLevel,
    NafVersion,
    Organisation,
    Partner,
    PartnerType,
    Person,
    PostalCode,
    RegionalUnion,
)
from crm.roles import Role
from crm.territories import departement_codes_of

# Relative strength of the movement by région (INSEE code); 1.0 elsewhere.
REGION_WEIGHT = {
    "53": 2.4,  # Bretagne
    "52": 2.2,  # Pays de la Loire
    "28": 1.5,  # Normandie
    "11": 1.2,  # Île-de-France
    "84": 1.4,  # Auvergne-Rhône-Alpes
    "76": 1.5,  # Occitanie
    "93": 1.1,  # Provence-Alpes-Côte d'Azur
    "94": 0.25,  # Corse
    "01": 0.15,
    "02": 0.15,
    "03": 0.15,
    "04": 0.15,
    "06": 0.15,
}
# Jobs by sector (DOMAIN.md), mapped to NAF sections.
SECTOR_MIX = [
    (0.36, ["M", "N", "J", "S"]),  # services
    (0.17, ["F"]),  # construction
    (0.15, ["P", "Q"]),  # education, health, social
    (0.12, ["C"]),  # industry
    (0.20, ["G", "I", "H", "A", "R", "E", "D"]),  # retail, hospitality, transport, farming...
]
EMPLOYEES_MEDIAN = 5
# sigma = sqrt(2 ln(mean / median)) with mean 21.1 and median 5.
EMPLOYEES_SIGMA = 1.70

KEY_ACCOUNTS = [
    # (username, role, regional union code, what to show on the console)
    ("admin", Role.ADMINISTRATOR, None, "administrateur (tout le site)"),
    ("officer.ouest", Role.OFFICER, "ouest", "chargé·e de développement, UR Ouest"),
    ("director.ouest", Role.DIRECTOR, "ouest", "direction régionale, UR Ouest"),
    ("officer.ara", Role.OFFICER, "ara", "chargé·e de développement, UR Auvergne-Rhône-Alpes"),
    ("director.ara", Role.DIRECTOR, "ara", "direction régionale, UR Auvergne-Rhône-Alpes"),
    ("finance", Role.FINANCIAL_OFFICER, None, "outils financiers (national)"),
    ("board", Role.BOARD_MEMBER, None, "membre du conseil d'administration (agrégats)"),
]

_FIRST_NAMES = [
    "Camille",
    "Dominique",
    "Claude",
    "Alix",
    "Sacha",
    "Morgan",
    "Lou",
    "Eden",
    "Noa",
    "Charlie",
    "Maxime",
    "Ange",
]
_LAST_NAMES = [
    "Démo",
    "Exemple",
    "Fictif",
    "Essai",
    "Modèle",
    "Prototype",
    "Maquette",
    "Specimen",
    "Témoin",
    "Test",
    "Factice",
    "Pilote",
]
_NAME_HEADS = [
    "Atelier",
    "Fabrique",
    "Comptoir",
    "Collectif",
    "Maison",
    "Ateliers",
    "Bureau",
    "Coopérative",
]
_NAME_TAILS = [
    "des Tilleuls",
    "du Canal",
    "de la Source",
    "des Glycines",
    "du Vieux Port",
    "des Quatre Vents",
    "de l'Écluse",
    "des Grands Prés",
    "du Moulin",
    "de la Forge",
    "des Coteaux",
    "de la Rivière",
]


def demo_account_descriptions() -> list[tuple[str, str]]:
    return [(username, description) for username, _, _, description in KEY_ACCOUNTS]


def fictitious_company_name(ctx: DemoContext, serial: int) -> str:
    head = ctx.rng.choice(_NAME_HEADS)
    tail = ctx.rng.choice(_NAME_TAILS)
    return f"{head} {tail} {serial:04d} (démo)"


def fictitious_person(ctx: DemoContext) -> tuple[str, str]:
    return ctx.rng.choice(_FIRST_NAMES), ctx.rng.choice(_LAST_NAMES)


def add_arguments(parser) -> None:
    parser.add_argument(
        "--cooperatives",
        type=int,
        default=600,
        help="existing Scop and Scic to create (default 600)",
    )


def seed(ctx: DemoContext) -> None:
    unions = {union.code: union for union in RegionalUnion.objects.all()}
    _seed_staff(ctx, unions)
    _seed_partners(ctx, unions)
    ctx.shared["geography"] = DemoGeography(ctx)
    ctx.shared["naf_codes_by_section"] = _naf_codes_by_section()
    organisations = [
        demo_organisation(ctx, cooperative=True) for _ in range(ctx.options["cooperatives"])
    ]
    organisations = Organisation.objects.bulk_create(organisations)
    _seed_contacts(ctx, organisations)


def _seed_staff(ctx: DemoContext, unions: dict[str, RegionalUnion]) -> None:
    User = get_user_model()
    # Hash once: thirty PBKDF2 rounds would dominate the seeding time.
    password = make_password(DEMO_PASSWORD)
    officers_by_ur: dict[int, list] = defaultdict(list)
    directors_by_ur: dict[int, list] = {}

    def create(username, role, union, first_name, last_name, *, superuser=False):
        user = User.objects.create(
            username=username,
            password=password,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@demo.invalid",
            is_superuser=superuser,
        )
        services.officer_profile_set(user=user, role=role, regional_union=union)
        if role == Role.OFFICER:
            officers_by_ur[union.pk].append(user)
        elif role == Role.DIRECTOR:
            directors_by_ur[union.pk] = user
        return user

    for username, role, ur_code, description in KEY_ACCOUNTS:
        first_name, last_name = fictitious_person(ctx)
        create(
            username,
            role,
            unions.get(ur_code),
            first_name,
            last_name,
            superuser=role == Role.ADMINISTRATOR,
        )
        ctx.accounts.append(DemoAccount(username, description))
    # Every UR gets a director and a team of officers sized roughly by its activity.
    for code, union in sorted(unions.items()):
        if union.pk not in directors_by_ur:
            create(f"director.{code}", Role.DIRECTOR, union, *fictitious_person(ctx))
        team_size = 4 if code in ("ouest", "ara", "occ") else 2
        for number in range(len(officers_by_ur[union.pk]) + 1, team_size + 1):
            create(f"officer{number}.{code}", Role.OFFICER, union, *fictitious_person(ctx))
    ctx.shared["officers_by_ur"] = dict(officers_by_ur)
    ctx.shared["directors_by_ur"] = directors_by_ur


def _seed_partners(ctx: DemoContext, unions: dict[str, RegionalUnion]) -> None:
    national = [
        ("Réseau d'accompagnement Démo", PartnerType.FRANCE_ACTIVE),
        ("Banque coopérative Démo", PartnerType.BANK),
        ("Ordre des experts-comptables Démo", PartnerType.ACCOUNTANT),
    ]
    partners = [
        Partner(name=name, slug=f"demo-{index}", type=kind)
        for index, (name, kind) in enumerate(national, start=1)
    ]
    regional_types = [
        PartnerType.CHAMBER,
        PartnerType.ACCOUNTANT,
        PartnerType.REGIONAL_COUNCIL,
        PartnerType.AMBASSADOR,
        PartnerType.BANK,
    ]
    for code, union in sorted(unions.items()):
        for kind in ctx.rng.sample(regional_types, 2):
            label = PartnerType(kind).label
            partners.append(
                Partner(
                    name=f"{str(label).capitalize()} Démo – {union.name}",
                    slug=f"demo-{code}-{kind}".replace("_", "-"),
                    type=kind,
                    regional_union=union,
                    contact_name=" ".join(fictitious_person(ctx)),
                    contact_email=f"contact-{code}-{kind}@demo.invalid".replace("_", "-"),
                )
            )
    ctx.shared["partners"] = Partner.objects.bulk_create(partners)


class DemoGeography:
    """Draws (postal code, département) pairs weighted by population and movement strength."""

    def __init__(self, ctx: DemoContext):
        self.rng = ctx.rng
        departements = list(Departement.objects.departements().order_by("code"))
        self.departement_codes = [d.code for d in departements]
        self.weights = [d.population * REGION_WEIGHT.get(d.region_id, 1.0) for d in departements]
        by_code: dict[str, list[str]] = defaultdict(list)
        for code, departement_id in PostalCode.objects.order_by("code").values_list(
            "code", "departement_id"
        ):
            by_code[code].append(departement_id)
        # Keep only codes serving one département: demo organisations have no commune, and
        # a code spanning two départements is only resolved by its commune.
        self.postal_codes: dict[str, list[str]] = defaultdict(list)
        for code, candidates in by_code.items():
            if len(candidates) == 1:
                self.postal_codes[candidates[0]].append(code)

    def draw(self, regional_union_id: int | None = None) -> tuple[str, str]:
        codes, weights = self.departement_codes, self.weights
        if regional_union_id is not None:
            allowed = set(departement_codes_of(regional_union_id).values_list(flat=True))
            pairs = [(c, w) for c, w in zip(codes, weights, strict=True) if c in allowed]
            codes, weights = [c for c, _ in pairs], [w for _, w in pairs]
        departement = self.rng.choices(codes, weights)[0]
        return self.rng.choice(self.postal_codes[departement]), departement


def _naf_codes_by_section() -> dict[str, list[str]]:
    """Sub-class codes grouped by section letter (walking division → section)."""
    sections = {}
    for code, division_parent in NafEntry.objects.filter(
        version=NafVersion.REV2, level=NafLevel.DIVISION
    ).values_list("code", "parent__code"):
        sections[code] = division_parent
    grouped: dict[str, list[str]] = defaultdict(list)
    for code in (
        NafEntry.objects.filter(version=NafVersion.REV2, level=NafLevel.SUBCLASS)
        .order_by("code")
        .values_list("code", flat=True)
    ):
        grouped[sections[code[:2]]].append(code)
    return dict(grouped)


def demo_naf_code(ctx: DemoContext) -> str:
    by_section = ctx.shared["naf_codes_by_section"]
    weights, section_groups = zip(*SECTOR_MIX, strict=True)
    sections = ctx.rng.choices(section_groups, weights)[0]
    section = ctx.rng.choice([s for s in sections if s in by_section])
    return ctx.rng.choice(by_section[section])


def demo_organisation(
    ctx: DemoContext,
    *,
    cooperative: bool,
    regional_union_id: int | None = None,
    with_siren: bool = True,
) -> Organisation:
    """An unsaved, valid-by-construction demo organisation (callers bulk-create them)."""
    siren = ctx.next_siren()
    postal_code, departement = ctx.shared["geography"].draw(regional_union_id)
    organisation = Organisation(
        # The name carries the serial of the (fake) SIREN so that both stay unique together.
        name=fictitious_company_name(ctx, int(siren[3:8])),
        siren=siren if with_siren else None,
        naf_code=demo_naf_code(ctx),
        naf_version=NafVersion.REV2,
        employees=ctx.lognormal_int(EMPLOYEES_MEDIAN, EMPLOYEES_SIGMA, 0, 5000),
        postal_code=postal_code,
        departement_id=departement,
    )
    if cooperative:
        organisation.cooperative_type = ctx.rng.choices(
            [CooperativeType.SCOP, CooperativeType.SCIC], [2723, 1417]
        )[0]
        organisation.legal_form = ctx.rng.choices(
            [LegalForm.SARL, LegalForm.SAS, LegalForm.SA], [55, 35, 10]
        )[0]
        start_year = ctx.rng.randint(1980, ctx.today.year - 1)
        organisation.cooperative_since = ctx.today.replace(
            year=start_year, month=ctx.rng.randint(1, 12), day=1
        )
        if ctx.rng.random() < 0.08:
            ceased_on = organisation.cooperative_since.replace(
                year=start_year + ctx.rng.randint(1, 15)
            )
            organisation.cooperative_ceased_on = min(ceased_on, ctx.today)
    else:
        organisation.legal_form = ctx.rng.choices(
            [LegalForm.SARL, LegalForm.SAS, LegalForm.EI, LegalForm.ASSOCIATION], [45, 35, 10, 10]
        )[0]
    return organisation


def _seed_contacts(ctx: DemoContext, organisations: list[Organisation]) -> None:
    people = []
    for organisation in organisations:
        first_name, last_name = fictitious_person(ctx)
        people.append(
            Person(
                first_name=first_name,
                last_name=last_name,
                email=f"contact{organisation.siren}@demo.invalid",
                role=ContactRole.EMPLOYEE if organisation.is_cooperative else ContactRole.OWNER,
                organisation=organisation,
                lawful_basis=LawfulBasis.LEGITIMATE_INTEREST,
                source="données de démonstration",
            )
        )
    Person.objects.bulk_create(people)
