"""The national list of filières, loaded by a data migration (idempotent).

Prefixes are NAF rév. 2 codes at any level. A sub-class may sit in several filières
(e.g. 43.22B plumbing and heating is construction and renewable energy). Once a filière
exists, an administrator owns it: reloading never overwrites their edits.
"""

from filieres import mapping

NATIONAL_FILIERES = [
    (
        "industrie-relocalisation",
        "Industrie et relocalisation",
        "Industrie manufacturière : relocaliser la production et préserver les savoir-faire "
        "collectifs et les emplois industriels sur les territoires.",
        # Manufacturing where production is relocated and know-how kept: not food (its own
        # filière), tobacco, coke and refining, chemicals, printing or repair (circular economy).
        [
            "13",
            "14",
            "15",
            "16",
            "17",
            "21",
            "22",
            "23",
            "24",
            "25",
            "26",
            "27",
            "28",
            "29",
            "30",
            "31",
            "32",
        ],
    ),
    (
        "construction-renovation-energetique",
        "Construction et rénovation énergétique",
        "Bâtiment, travaux publics et second œuvre, notamment la rénovation énergétique des "
        "logements et des locaux.",
        # Building and its trades, not property development (41.10: promoters finance, they
        # do not renovate).
        ["41.2", "42", "43"],
    ),
    (
        "energies-renouvelables",
        "Énergies renouvelables",
        "Production d'électricité, de biogaz et de chaleur renouvelables, installation "
        "d'équipements thermiques et électriques.",
        ["35.11Z", "35.14Z", "35.21Z", "35.30Z", "43.21A", "43.22B"],
    ),
    (
        "economie-circulaire",
        "Économie circulaire (recyclage, réparation, réemploi)",
        "Collecte, tri et valorisation des déchets, réparation de biens et de machines, "
        "commerce d'occasion et réemploi.",
        ["38", "39.00Z", "33", "95", "45.20A", "45.20B", "47.79Z"],
    ),
    (
        "alimentation-agriculture-durables",
        "Alimentation et agriculture durables",
        "Agriculture, pêche, transformation alimentaire et restauration collective, des "
        "circuits courts à la transition agroécologique.",
        ["A", "10", "11", "56.29A"],
    ),
    (
        "mobilites",
        "Mobilités",
        "Transport de voyageurs et logistique du dernier kilomètre, location de véhicules, "
        "fabrication de cycles.",
        ["49.10Z", "49.20Z", "49.3", "49.41", "52.21Z", "53.20Z", "77.11", "30.92Z"],
    ),
    (
        "numerique",
        "Numérique",
        "Programmation, conseil et services informatiques, édition de logiciels, "
        "télécommunications et traitement de données.",
        ["58.2", "61", "62", "63.1", "95.1"],
    ),
    (
        "sante-social-services-personne",
        "Santé, action sociale et services à la personne",
        "Santé humaine, hébergement médico-social, action sociale et aide à domicile.",
        # Not 97 (households as employers of domestic staff): they are not enterprises.
        ["Q"],
    ),
    (
        "education-formation",
        "Éducation et formation",
        "Enseignement, formation continue et accueil de jeunes enfants.",
        ["P", "88.91A"],
    ),
    (
        "culture-medias",
        "Culture et médias",
        "Spectacle vivant, création artistique, patrimoine, édition, audiovisuel, presse "
        "et design.",
        ["90", "91", "58.1", "59", "60", "63.91Z", "74.10Z"],
    ),
    (
        "commerce-proximite",
        "Commerce de proximité",
        "Commerce de détail, cafés et restaurants, coiffure et soins de beauté qui font "
        "vivre les centres-bourgs.",
        ["47", "56.10", "56.30Z", "96.02"],
    ),
    (
        "proprete-espaces-verts",
        "Propreté, services aux bâtiments et espaces verts",
        "Nettoyage des bâtiments et nettoyage industriel, services combinés aux bâtiments, "
        "création et entretien d'espaces verts.",
        ["81.10Z", "81.2", "81.30Z"],
    ),
    (
        "conseil-ingenierie",
        "Conseil et ingénierie",
        "Activités juridiques et comptables, conseil de gestion, architecture et "
        "ingénierie, recherche, études et communication.",
        ["69", "70.2", "71", "72", "73", "74.9"],
    ),
]


# NAF 2025 prefixes of their own, for the filières the correspondence would blur (see
# mapping.rebuild): in NAF 2025 property development is 68.12, outside division 41-43.
NAF2025_PREFIXES = {"construction-renovation-energetique": ["41", "42", "43"]}

# The prefixes first seeded (migration 0002), where they changed since: migration 0004 moves a
# filière to its new prefixes only while it still has exactly these (else an administrator
# edited it and owns it).
FIRST_PREFIXES = {
    "industrie-relocalisation": ["C"],
    "construction-renovation-energetique": ["F"],
    "energies-renouvelables": ["35.11Z", "35.21Z", "35.30Z", "43.21A", "43.22B"],
    "economie-circulaire": ["38", "33", "95", "45.20A", "45.20B", "47.79Z"],
    "mobilites": ["49.3", "49.41", "52.21Z", "53.20Z", "77.11", "30.92Z"],
    "sante-social-services-personne": ["Q", "97"],
}


def sharpen_national_filieres(apps) -> None:
    """Move the national filières an administrator left alone to their current prefixes,
    create the ones added since, and rebuild the mapping."""
    Filiere = apps.get_model("filieres", "Filiere")
    FilierePrefix = apps.get_model("filieres", "FilierePrefix")
    current = {slug: prefixes for slug, _name, _description, prefixes in NATIONAL_FILIERES}
    for slug, first in FIRST_PREFIXES.items():
        filiere = Filiere.objects.filter(slug=slug).first()
        if filiere is None:
            continue
        rows = FilierePrefix.objects.filter(filiere=filiere)
        if (
            sorted(rows.filter(naf_version="rev2").values_list("code", flat=True)) != sorted(first)
            or rows.exclude(naf_version="rev2").exists()
        ):
            continue
        rows.delete()
        _prefix_rows(FilierePrefix, filiere, current[slug])
    load_national_filieres(apps)


def _prefix_rows(FilierePrefix, filiere, rev2_prefixes):
    rows = [FilierePrefix(filiere=filiere, naf_version="rev2", code=c) for c in rev2_prefixes]
    rows += [
        FilierePrefix(filiere=filiere, naf_version="2025", code=c)
        for c in NAF2025_PREFIXES.get(filiere.slug, [])
    ]
    FilierePrefix.objects.bulk_create(rows)


def load_national_filieres(apps) -> None:
    Filiere = apps.get_model("filieres", "Filiere")
    FilierePrefix = apps.get_model("filieres", "FilierePrefix")
    for slug, name, description, prefixes in NATIONAL_FILIERES:
        filiere, created = Filiere.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
        if created:
            _prefix_rows(FilierePrefix, filiere, prefixes)
    mapping.rebuild(apps)
