"""The authorization matrix: every URL pattern of the site × every actor → expected status.

ONE table drives it. ``ROUTES`` lists every named (non-admin) pattern: how to build a URL
to a row of UR 1, and what each actor gets. ``ADMIN_MODELS`` lists every model registered in
the admin with what each actor gets on its list; every admin pattern of that model is also
checked closed to anonymous visitors, partners and board members. ``ADMIN_SITE`` lists the
admin's own pages. ``WRITES`` are writes with forged foreign keys.

A URL pattern that no table lists fails ``test_every_url_pattern_is_in_the_matrix`` with
its name: add a row (a new view of another branch, at merge time). ``make reliability``
counts the cells checked and failed (tests/security/conftest.py).
"""

import re
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security.matrix_world import ACTORS, build_world, client_for

pytestmark = pytest.mark.django_db

# Shorthands: statuses per actor, in ACTORS order.
LOGIN = 302  # sent to the sign-in page


def expect(anonymous, partner_a, partner_b, o1, o2, d1, fin, board, admin_):
    return dict(
        zip(ACTORS, (anonymous, partner_a, partner_b, o1, o2, d1, fin, board, admin_), strict=True)
    )


def everyone(status):
    return dict.fromkeys(ACTORS, status)


# Back office: staff of UR 1 (officers, director, financial officer) work; another UR's
# officer gets 404 on UR 1's rows; board members get 403; administrators work in the admin
# (403 here); anonymous visitors go to the sign-in page.
BO_LIST = expect(LOGIN, LOGIN, LOGIN, 200, 200, 200, 200, 403, 403)
BO_ROW = expect(LOGIN, LOGIN, LOGIN, 200, 404, 200, 200, 403, 403)
# POST-only views refuse a GET before anything else (no row is even looked up).
POST_ONLY = everyone(405)
STAFF_API_LIST = expect(401, 401, 401, 200, 200, 200, 200, 403, 200)
STAFF_API_ROW = expect(401, 401, 401, 200, 404, 200, 200, 403, 200)
# Dashboards show aggregates only: every signed-in staff member and the board read them.
DASHBOARD = expect(LOGIN, LOGIN, LOGIN, 200, 200, 200, 200, 200, 200)


@dataclass(frozen=True)
class Route:
    url: object  # callable(world) -> str
    expected: dict
    method: str = "get"
    data: dict = field(default_factory=dict)


ROUTES: dict[str, Route] = {
    "favicon.ico": Route(lambda w: "/favicon.ico", everyone(301)),
    "home": Route(lambda w: "/", everyone(302)),
    "login": Route(lambda w: "/connexion/", everyone(200)),
    "logout": Route(lambda w: "/deconnexion/", everyone(405)),
    "api:schema": Route(lambda w: "/api/v1/schema/", everyone(200)),
    "api:docs": Route(lambda w: "/api/v1/docs/", everyone(200)),
    "api:problem-type": Route(lambda w: "/api/v1/problems/not-found/", everyone(200)),
    "api:partner-profile": Route(
        lambda w: "/api/v1/partner/", expect(401, 200, 200, 401, 401, 401, 401, 401, 401)
    ),
    "api:webhook-endpoint": Route(
        lambda w: "/api/v1/webhooks/", expect(401, 404, 404, 401, 401, 401, 401, 401, 401)
    ),
    "api:case-list": Route(lambda w: "/api/v1/cases/", STAFF_API_LIST),
    "api:case-detail": Route(lambda w: f"/api/v1/cases/{w['case'].pk}/", STAFF_API_ROW),
    "api:case-activities": Route(
        lambda w: f"/api/v1/cases/{w['case'].pk}/activities/", STAFF_API_ROW
    ),
    # The case has no financing plan: 404 for whoever may see the case, too.
    "api:case-financing": Route(
        lambda w: f"/api/v1/cases/{w['case'].pk}/financing/",
        expect(401, 401, 401, 404, 404, 404, 404, 403, 404),
    ),
    "api:case-history": Route(lambda w: f"/api/v1/cases/{w['case'].pk}/history/", STAFF_API_ROW),
    "api:case-transitions": Route(
        lambda w: f"/api/v1/cases/{w['case'].pk}/transitions/",
        expect(401, 401, 401, 405, 405, 405, 405, 403, 405),
    ),
    "api:lead-list": Route(
        lambda w: "/api/v1/leads/", expect(401, 200, 200, 401, 401, 401, 401, 401, 401)
    ),
    # A partner reads its own lead only: partner B gets 404 on partner A's.
    "api:lead-detail": Route(
        lambda w: f"/api/v1/leads/{w['lead'].pk}/",
        expect(401, 200, 404, 401, 401, 401, 401, 401, 401),
    ),
    "dashboards:home": Route(lambda w: "/tableaux-de-bord/", everyone(302)),
    "dashboards:report": Route(lambda w: "/tableaux-de-bord/rapport/", DASHBOARD),
    "dashboards:page": Route(lambda w: "/tableaux-de-bord/entonnoir/", DASHBOARD),
    "dashboards:csv": Route(lambda w: "/tableaux-de-bord/entonnoir/cohorte.csv", DASHBOARD),
    "dashboards:forecast": Route(lambda w: "/tableaux-de-bord/prevision/", DASHBOARD),
    "dashboards:indicator_definitions": Route(
        lambda w: "/tableaux-de-bord/citoyennete/definitions/", DASHBOARD
    ),
    "dashboards:forecast_csv": Route(
        lambda w: "/tableaux-de-bord/prevision/prevision.csv", DASHBOARD
    ),
    "backoffice:home": Route(lambda w: "/journee/", BO_LIST),
    "backoffice:task_complete": Route(lambda w: f"/taches/{w['task'].pk}/terminer/", POST_ONLY),
    "backoffice:board": Route(lambda w: "/pipeline/", BO_LIST),
    "backoffice:board_column": Route(lambda w: "/pipeline/lead/", BO_LIST),
    "backoffice:cases": Route(lambda w: "/dossiers/", BO_LIST),
    # Financial-tools officers do not open cases.
    "backoffice:case_new": Route(
        lambda w: "/dossiers/nouveau/", expect(LOGIN, LOGIN, LOGIN, 200, 200, 200, 403, 403, 403)
    ),
    "backoffice:case": Route(lambda w: f"/dossiers/{w['case'].pk}/", BO_ROW),
    "backoffice:case_transition": Route(
        lambda w: f"/dossiers/{w['case'].pk}/transitions/qualify/", BO_ROW
    ),
    "backoffice:case_move": Route(
        lambda w: f"/dossiers/{w['case'].pk}/vers/qualification/", BO_ROW
    ),
    "backoffice:case_timeline": Route(
        lambda w: f"/dossiers/{w['case'].pk}/historique/?page=2", BO_ROW
    ),
    # Signed-in back-office users first, then POST only.
    "backoffice:case_tags": Route(
        lambda w: f"/dossiers/{w['case'].pk}/etiquettes/",
        expect(LOGIN, LOGIN, LOGIN, 405, 405, 405, 405, 403, 403),
    ),
    "backoffice:case_members": Route(
        lambda w: f"/dossiers/{w['case'].pk}/associes/",
        expect(LOGIN, LOGIN, LOGIN, 405, 405, 405, 405, 403, 403),
    ),
    "backoffice:case_member_remove": Route(
        lambda w: f"/dossiers/{w['case'].pk}/associes/employees/retirer/",
        expect(LOGIN, LOGIN, LOGIN, 405, 405, 405, 405, 403, 403),
    ),
    "backoffice:task_add": Route(lambda w: f"/dossiers/{w['case'].pk}/taches/", POST_ONLY),
    "backoffice:task_reassign": Route(
        lambda w: f"/dossiers/{w['case'].pk}/taches/{w['task'].pk}/reattribuer/", POST_ONLY
    ),
    "backoffice:case_reassign": Route(
        lambda w: f"/dossiers/{w['case'].pk}/reattribuer/", POST_ONLY
    ),
    "backoffice:line_transition": Route(
        lambda w: f"/dossiers/{w['case'].pk}/financement/999999/approve/",
        expect(LOGIN, LOGIN, LOGIN, 404, 404, 404, 404, 403, 403),
    ),
    # Supports to existing cooperatives: the same rules as a case's page and its financing.
    "backoffice:supports": Route(lambda w: "/accompagnements/", BO_LIST),
    "backoffice:support": Route(lambda w: f"/accompagnements/{w['support'].pk}/", BO_ROW),
    "backoffice:support_transition": Route(
        lambda w: f"/accompagnements/{w['support'].pk}/transitions/start_assessment/", BO_ROW
    ),
    "backoffice:support_line_transition": Route(
        lambda w: f"/accompagnements/{w['support'].pk}/financement/999999/approve/",
        expect(LOGIN, LOGIN, LOGIN, 404, 404, 404, 404, 403, 403),
    ),
    "backoffice:support_plan": Route(
        lambda w: f"/accompagnements/{w['support'].pk}/besoins/", POST_ONLY
    ),
    "backoffice:support_line_add": Route(
        lambda w: f"/accompagnements/{w['support'].pk}/financement/", POST_ONLY
    ),
    "backoffice:support_reassign": Route(
        lambda w: f"/accompagnements/{w['support'].pk}/reattribuer/", POST_ONLY
    ),
    "backoffice:support_open": Route(
        lambda w: f"/organisations/{w['cooperative'].pk}/accompagnement/", POST_ONLY
    ),
    "backoffice:organisations": Route(lambda w: "/organisations/", BO_LIST),
    "backoffice:organisation": Route(lambda w: f"/organisations/{w['organisation'].pk}/", BO_ROW),
    "backoffice:people": Route(lambda w: "/personnes/", BO_LIST),
    "backoffice:duplicates": Route(lambda w: "/personnes/doublons/", BO_LIST),
    "backoffice:merge": Route(lambda w: "/personnes/fusionner/", POST_ONLY),
    "backoffice:search": Route(lambda w: "/recherche/?q=Matrice", BO_LIST),
    "backoffice:settings": Route(lambda w: "/parametres/", BO_LIST),
    # Imports are for officers and directors; another UR's job is a 404 (none exists here).
    "backoffice:imports": Route(
        lambda w: "/imports/", expect(LOGIN, LOGIN, LOGIN, 200, 200, 200, 403, 403, 403)
    ),
    "backoffice:import_job": Route(
        lambda w: "/imports/999999/", expect(LOGIN, LOGIN, LOGIN, 404, 404, 404, 404, 403, 403)
    ),
    # Signed-in back-office users first, then POST only.
    "backoffice:import_job_commit": Route(
        lambda w: "/imports/999999/importer/",
        expect(LOGIN, LOGIN, LOGIN, 405, 405, 405, 405, 403, 403),
    ),
    "backoffice:import_template": Route(
        lambda w: "/imports/modele/organisations.csv",
        expect(LOGIN, LOGIN, LOGIN, 200, 200, 200, 403, 403, 403),
    ),
}

# Admin lists: non-staff accounts (partners' anonymous clients, board members) are sent to
# the sign-in page; staff see what their role's permissions allow (403 otherwise).
ADMIN_CLOSED = dict(anonymous=LOGIN, partner_a=LOGIN, partner_b=LOGIN, board_member=LOGIN)


def admin_list(o1, o2, d1, fin, admin_=200):
    return expect(LOGIN, LOGIN, LOGIN, o1, o2, d1, fin, LOGIN, admin_)


ADMIN_ONLY = admin_list(403, 403, 403, 403)
# Reference data and what every staff role reads in its territory.
STAFF_READ = admin_list(200, 200, 200, 200)

ADMIN_MODELS: dict[str, dict] = {
    "api.apirequestlog": ADMIN_ONLY,
    "api.partnerapikey": ADMIN_ONLY,
    "api.partnerapisettings": ADMIN_ONLY,
    "api.rejectedsubmission": ADMIN_ONLY,
    "api.stafftoken": ADMIN_ONLY,
    "api.webhookdelivery": ADMIN_ONLY,
    "api.webhookendpoint": ADMIN_ONLY,
    "auth.group": ADMIN_ONLY,
    "axes.accessattempt": ADMIN_ONLY,
    "axes.accessfailurelog": ADMIN_ONLY,
    "axes.accesslog": ADMIN_ONLY,
    "crm.departement": STAFF_READ,
    "crm.gdproperation": ADMIN_ONLY,
    "crm.nafentry": STAFF_READ,
    "crm.officerprofile": admin_list(403, 403, 200, 403),
    "crm.organisation": STAFF_READ,
    "crm.partner": STAFF_READ,
    # Need-to-know: the financial-tools officer has no permission on people.
    "crm.person": admin_list(200, 200, 200, 403),
    "crm.postalcode": STAFF_READ,
    "crm.region": STAFF_READ,
    "crm.regionalunion": STAFF_READ,
    "crm.user": ADMIN_ONLY,
    "django_tasks_database.dbtaskresult": ADMIN_ONLY,
    "filieres.filiere": STAFF_READ,
    "filieres.nafcorrespondence": STAFF_READ,
    "filieres.regionalpriority": STAFF_READ,
    "financement.committeesession": STAFF_READ,
    "financement.financingline": STAFF_READ,
    "financement.financingplan": STAFF_READ,
    "financement.instrument": STAFF_READ,
    "financement.linedecision": STAFF_READ,
    "financement.supportrequest": STAFF_READ,
    "financement.supportstatuschange": STAFF_READ,
    "followup.annualreview": STAFF_READ,
    "followup.cooperativefollowup": STAFF_READ,
    "transmission.case": STAFF_READ,
    "transmission.leadassignmentrule": admin_list(403, 403, 200, 403),
    "transmission.leadsubmission": STAFF_READ,
    "transmission.stagechange": STAFF_READ,
}

ADMIN_SITE: dict[str, dict] = {
    "admin:index": admin_list(200, 200, 200, 200),
    "admin:logout": expect(LOGIN, LOGIN, LOGIN, 405, 405, 405, 405, LOGIN, 405),
    "admin:password_change": admin_list(200, 200, 200, 200),
    "admin:password_change_done": admin_list(200, 200, 200, 200),
    "admin:autocomplete": admin_list(403, 403, 403, 403, 403),
    "admin:jsi18n": admin_list(200, 200, 200, 200),
    "admin:view_on_site": admin_list(404, 404, 404, 404, 404),
    "admin:app_list": admin_list(200, 200, 200, 200),
    "admin/(?P<url>.*)$": admin_list(404, 404, 404, 404, 404),
    # Both answer /admin/login/, which redirects to the one sign-in page (config.urls).
    "admin/login/": everyone(302),
    "admin:login": everyone(302),
}
ADMIN_SITE_URLS = {
    "admin:index": "/admin/",
    "admin:logout": "/admin/logout/",
    "admin:password_change": "/admin/password_change/",
    "admin:password_change_done": "/admin/password_change/done/",
    "admin:autocomplete": "/admin/autocomplete/",
    "admin:jsi18n": "/admin/jsi18n/",
    "admin:view_on_site": "/admin/r/1/1/",
    "admin:app_list": "/admin/crm/",
    "admin/(?P<url>.*)$": "/admin/nope/",
    "admin/login/": "/admin/login/",
    "admin:login": "/admin/login/",
}


# --- The walk over get_resolver() -------------------------------------------------------


def url_patterns():
    """(key, route) of every pattern: its full name, or its route when it has none."""

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                yield (f"{namespace}{pattern.name}" if pattern.name else route), route

    return list(walk(get_resolver().url_patterns))


def admin_model_of(route: str) -> str | None:
    match = re.match(r"^admin/(\w+)/(\w+)/", route)
    if not match:
        return None
    label = f"{match.group(1)}.{match.group(2)}"
    return label if label in registered_admin_models() else None


def registered_admin_models() -> set[str]:
    return {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}


def test_every_url_pattern_is_in_the_matrix():
    missing = []
    for key, route in url_patterns():
        if route.startswith("admin/"):
            model = admin_model_of(route)
            if model is not None:
                if model not in ADMIN_MODELS:
                    missing.append(f"admin model {model} (pattern {route!r})")
            elif key not in ADMIN_SITE:
                missing.append(f"admin pattern {key!r} ({route!r})")
        elif key not in ROUTES:
            missing.append(f"{key!r} ({route!r})")
    assert not missing, (
        "URL patterns missing from tests/security/test_authorization_matrix.py "
        "(add a row to ROUTES / ADMIN_MODELS / ADMIN_SITE): " + "; ".join(missing)
    )
    stale = set(ROUTES) - {key for key, _ in url_patterns()}
    assert not stale, f"rows for URL patterns that no longer exist: {sorted(stale)}"


@pytest.fixture
def world(db):
    from django.core.cache import cache

    cache.clear()
    return build_world()


def _check(cells: list, failures: list, actor, client, method, url, expected, data=None):
    response = getattr(client, method)(url, data or {})
    cells.append(1)
    if response.status_code != expected:
        failures.append(f"{actor} {method.upper()} {url}: {response.status_code} != {expected}")
    return response


@pytest.mark.parametrize("actor", ACTORS)
def test_reads(world, actor, matrix_cells):
    client = client_for(actor, world)
    failures = []
    for route in ROUTES.values():
        _check(
            matrix_cells,
            failures,
            actor,
            client,
            route.method,
            route.url(world),
            route.expected[actor],
        )
    for key, expected in ADMIN_SITE.items():
        _check(matrix_cells, failures, actor, client, "get", ADMIN_SITE_URLS[key], expected[actor])
    for label, expected in ADMIN_MODELS.items():
        app_label, model_name = label.split(".")
        url = f"/admin/{app_label}/{model_name}/"
        _check(matrix_cells, failures, actor, client, "get", url, expected[actor])
    matrix_cells.failed(len(failures))
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("actor", ["anonymous", "partner_a", "board_member"])
def test_every_admin_pattern_is_closed_to_non_staff(world, actor, matrix_cells):
    client = client_for(actor, world)
    failures = []
    for _key, route in url_patterns():
        if not route.startswith("admin/") or admin_model_of(route) is None:
            continue
        url = "/" + re.sub(r"<[^>]+>", "1", route)
        _check(matrix_cells, failures, actor, client, "get", url, LOGIN)
    matrix_cells.failed(len(failures))
    assert not failures, "\n".join(failures)


# --- Writes with forged foreign keys --------------------------------------------------------
# An Ouest actor posts rows pointing at Lyon (UR 2) records: refused on the form (200, the
# page again with the field's message) or by permission (403); only national users write.
WRITES: dict[str, tuple] = {
    "case with another UR's organisation": (
        "/admin/transmission/case/add/",
        lambda w: {
            "organisation": w["foreign_organisation"].pk,
            "kind": "transmission",
            "assigned_officer": w["users"]["officer_ur1"].pk,
            "source": "direct",
        },
        lambda w: __import__("transmission.models", fromlist=["Case"]).Case.objects.filter(
            organisation=w["foreign_organisation"]
        ),
        # Even the administrator is refused: the Ouest officer cannot hold a Lyon case.
        expect(LOGIN, LOGIN, LOGIN, 200, 200, 200, 403, LOGIN, 200),
        set(),
    ),
    "person in another UR's organisation": (
        "/admin/crm/person/add/",
        lambda w: {
            "first_name": "Forgé",
            "last_name": "Clé",
            "organisation": w["foreign_organisation"].pk,
            "role": "owner",
            "lawful_basis": "legitimate_interest",
            "source": "matrice",
        },
        lambda w: __import__("crm.models", fromlist=["Person"]).Person.objects.filter(
            first_name="Forgé"
        ),
        expect(LOGIN, LOGIN, LOGIN, 200, 302, 200, 403, LOGIN, 302),
        {"officer_ur2", "administrator"},  # Lyon is their territory
    ),
}


@pytest.mark.parametrize("actor", ACTORS)
def test_writes_with_forged_foreign_keys(world, actor, matrix_cells):
    client = client_for(actor, world)
    failures = []
    for label, (url, data, rows, expected, writers) in WRITES.items():
        _check(matrix_cells, failures, actor, client, "post", url, expected[actor], data(world))
        written = rows(world).exists()
        if written != (actor in writers):
            failures.append(f"{actor} {label}: row written={written}")
        rows(world).delete()
    matrix_cells.failed(len(failures))
    assert not failures, "\n".join(failures)
