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
        ["C"],
    ),
    (
        "construction-renovation-energetique",
        "Construction et rénovation énergétique",
        "Bâtiment, travaux publics et second œuvre, notamment la rénovation énergétique des "
        "logements et des locaux.",
        ["F"],
    ),
    (
        "energies-renouvelables",
        "Énergies renouvelables",
        "Production d'électricité, de biogaz et de chaleur renouvelables, installation "
        "d'équipements thermiques et électriques.",
        ["35.11Z", "35.21Z", "35.30Z", "43.21A", "43.22B"],
    ),
    (
        "economie-circulaire",
        "Économie circulaire (recyclage, réparation, réemploi)",
        "Collecte, tri et valorisation des déchets, réparation de biens et de machines, "
        "commerce d'occasion et réemploi.",
        ["38", "33", "95", "45.20A", "45.20B", "47.79Z"],
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
        ["49.3", "49.41", "52.21Z", "53.20Z", "77.11", "30.92Z"],
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
        ["Q", "97"],
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
        "conseil-ingenierie",
        "Conseil et ingénierie",
        "Activités juridiques et comptables, conseil de gestion, architecture et "
        "ingénierie, recherche, études et communication.",
        ["69", "70.2", "71", "72", "73", "74.9"],
    ),
]


def load_national_filieres(apps) -> None:
    Filiere = apps.get_model("filieres", "Filiere")
    FilierePrefix = apps.get_model("filieres", "FilierePrefix")
    for slug, name, description, prefixes in NATIONAL_FILIERES:
        filiere, created = Filiere.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
        if created:
            FilierePrefix.objects.bulk_create(
                FilierePrefix(filiere=filiere, naf_version="rev2", code=code) for code in prefixes
            )
    mapping.rebuild(apps)
