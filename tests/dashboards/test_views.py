"""Dashboard pages: access per role, landing, filters, CSV, small-cell suppression, personal
data, chart sizes and query counts."""

import csv
import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.models import Partner, Person
from crm.roles import Role
from dashboards.pages import PAGES
from tests.dashboards.builders import case_with_history
from tests.factories import UserFactory, staff_user
from transmission.choices import Stage
from transmission.models import Case, CaseTag

pytestmark = pytest.mark.django_db

PAGE_URLS = [reverse("dashboards:page", args=[slug]) for slug in PAGES] + [
    reverse("dashboards:report")
]
FIGURE = re.compile(r'<script id="(fig-[^"]+)" type="application/json">(.*?)</script>', re.S)


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def signed_in(client, role, ur=None):
    user = staff_user(role, ur)
    client.force_login(user)
    return user


def small_cohort(n=3, ur="ouest", postal_code="35000"):
    return [
        case_with_history(
            [(20, Stage.QUALIFICATION)], created_days_ago=30, ur=ur, postal_code=postal_code
        )
        for _ in range(n)
    ]


def test_anonymous_goes_to_the_login_form(client):
    for url in [reverse("dashboards:home"), *PAGE_URLS]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_users_without_a_role_get_a_french_403(client):
    client.force_login(UserFactory())
    response = client.get(reverse("dashboards:page", args=["entonnoir"]))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()
    assert "n'a pas accès aux tableaux de bord" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "ur"),
    [
        (Role.BOARD_MEMBER, None),
        (Role.DIRECTOR, "ouest"),
        (Role.OFFICER, "ara"),
        (Role.FINANCIAL_OFFICER, None),
        (Role.FINANCIAL_OFFICER, "ouest"),
        (Role.ADMINISTRATOR, None),
    ],
)
def test_every_page_opens_for_the_roles_that_read_dashboards(client, role, ur):
    small_cohort()
    signed_in(client, role, ur)
    for url in PAGE_URLS:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert '<html lang="fr">' in body
        assert "Télécharger (CSV)" in body or url.endswith("/rapport/")


def test_a_board_member_lands_on_the_dashboards_after_login(client):
    staff_user(Role.BOARD_MEMBER, username="board-member", password="secret-password-123")
    response = client.post(
        reverse("login"),
        {"username": "board-member", "password": "secret-password-123"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("dashboards:page", args=["entonnoir"])
    assert "Entonnoir" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "ur", "landing"),
    [(Role.OFFICER, "ouest", "backoffice:home"), (Role.ADMINISTRATOR, None, "admin:index")],
)
def test_other_staff_land_on_their_day_or_the_admin(client, role, ur, landing):
    staff_user(role, ur, username="staff-x", password="secret-password-123")
    response = client.post(
        reverse("login"), {"username": "staff-x", "password": "secret-password-123"}
    )
    assert client.get(response["Location"])["Location"] == reverse(landing)


def test_board_members_see_small_cells_as_less_than_five(client):
    small_cohort(3)
    signed_in(client, Role.BOARD_MEMBER)
    rows = csv_rows(client.get(reverse("dashboards:csv", args=["entonnoir", "cohorte"])))
    assert rows[0][:4] == [
        "Périmètre",
        "Étape",
        "Dossiers ouverts",
        "Dossiers ayant atteint l'étape",
    ]
    assert {row[2] for row in rows[1:]} == {"< 5"}
    page = client.get(reverse("dashboards:page", args=["entonnoir"])).content.decode()
    assert "&lt; 5" in page
    assert "moins de 5 dossiers" in page
    # The chart carries no hidden number: the bars of small cells are missing values.
    figures = dict(FIGURE.findall(page))
    (trace,) = json.loads(figures["fig-entonnoir-cohorte-0-0"])["data"]
    assert trace["y"] == [None] * 7
    assert trace["text"] == ["< 5"] * 7


def test_five_cases_and_more_are_shown(client):
    small_cohort(6)
    signed_in(client, Role.BOARD_MEMBER)
    rows = csv_rows(client.get(reverse("dashboards:csv", args=["entonnoir", "cohorte"])))
    by_stage = {row[1]: row for row in rows[1:]}
    assert rows[0][-1] == "Part (%)"
    assert by_stage["Signalement"][2:] == ["6", "6", "100,0"]
    assert by_stage["Premiers contacts"][2:] == ["6", "6", "100,0"]
    # Zero reveals no project: it stays.
    assert by_stage["Signature"][2:] == ["6", "0", "0,0"]


def test_directors_see_their_ur_in_full_next_to_the_nation(client):
    small_cohort(3, ur="ouest")
    small_cohort(2, ur="ara", postal_code="69001")
    signed_in(client, Role.DIRECTOR, "ouest")
    rows = csv_rows(client.get(reverse("dashboards:csv", args=["entonnoir", "cohorte"])))
    ouest = [row for row in rows[1:] if row[0] == "Ouest"]
    national = [row for row in rows[1:] if row[0] == "National"]
    assert ouest[0][1:4] == ["Signalement", "3", "3"]
    assert national[0][1:4] == ["Signalement", "5", "5"]
    page = client.get(reverse("dashboards:page", args=["entonnoir"])).content.decode()
    assert "<h3>Ouest</h3>" in page and "<h3>National</h3>" in page
    # The UR filter is their own, whatever the query string says.
    other = client.get(
        reverse("dashboards:csv", args=["entonnoir", "cohorte"]), {"regional_union": 1}
    )
    assert {row[0] for row in csv_rows(other)[1:]} == {"Ouest", "National"}


def test_board_members_may_narrow_to_one_ur(client):
    small_cohort(6, ur="ouest")
    small_cohort(7, ur="ara", postal_code="69001")
    signed_in(client, Role.BOARD_MEMBER)
    from tests.factories import regional_union

    ara = regional_union("ara")
    rows = csv_rows(
        client.get(
            reverse("dashboards:csv", args=["entonnoir", "cohorte"]), {"regional_union": ara.pk}
        )
    )
    assert rows[1][:3] == ["Auvergne-Rhône-Alpes", "Signalement", "7"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"start": "2026-05-01", "end": "2026-01-01"},
            "La fin de la période ne peut pas précéder son début.",
        ),
        ({"start": "2026-13-01"}, "Saisissez une date valide."),
        ({"kind": "spaceship"}, "Sélectionnez un choix valide."),
        ({"regional_union": "abc"}, "Sélectionnez un choix valide."),
        ({"start": "1990-01-01"}, "La période ne peut pas commencer avant 2000."),
    ],
)
def test_invalid_filters_give_the_form_french_error(client, params, message):
    signed_in(client, Role.BOARD_MEMBER)
    response = client.get(reverse("dashboards:page", args=["entonnoir"]), params)
    assert response.status_code == 400
    assert message in response.content.decode()
    csv_response = client.get(reverse("dashboards:csv", args=["entonnoir", "cohorte"]), params)
    assert csv_response.status_code == 400
    assert message in csv_response.content.decode()


@pytest.mark.parametrize(("role", "ur"), [(Role.BOARD_MEMBER, None), (Role.DIRECTOR, "ouest")])
def test_equity_page_choices_and_errors(client, role, ur):
    small_cohort(6)
    signed_in(client, role, ur)
    url = reverse("dashboards:page", args=["equite"])
    for resource in ("cases", "minutes", "euros", "incorporations"):
        for level in ("departement", "region", "regional_union"):
            response = client.get(url, {"resource": resource, "level": level, "window": "3"})
            assert response.status_code == 200
    assert client.get(url, {"resource": "gold"}).status_code == 400
    rows = csv_rows(client.get(reverse("dashboards:csv", args=["equite", "carte"])))
    national = [row for row in rows[1:] if row[0] == "National"]
    assert len(national) == 101
    ille = next(row for row in national if row[1] == "35")
    assert ille[3] == "6"
    if ur:
        # The UR's own map covers its départements only.
        assert {row[1] for row in rows[1:] if row[0] == "Ouest"} >= {"35", "44", "14"}
        assert "69" not in {row[1] for row in rows[1:] if row[0] == "Ouest"}


def test_period_filter_applies(client):
    small_cohort(6)
    signed_in(client, Role.BOARD_MEMBER)
    rows = csv_rows(
        client.get(
            reverse("dashboards:csv", args=["entonnoir", "cohorte"]),
            {"start": "2001-01-01", "end": "2001-12-31"},
        )
    )
    assert {row[2] for row in rows[1:]} == {"0"}


def test_unknown_page_or_chart_is_a_404(client):
    signed_in(client, Role.BOARD_MEMBER)
    assert client.get(reverse("dashboards:page", args=["nothing"])).status_code == 404
    assert client.get(reverse("dashboards:csv", args=["entonnoir", "nothing"])).status_code == 404


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_query_counts_do_not_grow_with_the_cases(client, django_assert_max_num_queries):
    signed_in(client, Role.DIRECTOR, "ouest")
    small_cohort(2)
    before = {url: _queries(client, url) for url in PAGE_URLS}
    small_cohort(12)
    small_cohort(5, ur="ara", postal_code="69001")
    for url in PAGE_URLS:
        with django_assert_max_num_queries(before[url]):
            client.get(url)
    # Stated bounds: a page is a few grouped queries per panel and perimeter.
    assert max(before.values()) <= 80


def test_the_funnel_pages_cohort_panels_share_one_query_per_perimeter(client):
    """Three panels (all cases, by kind, by UR) read one cohort count per perimeter: the page
    builds one query per perimeter for all its panels (dashboards.views._scoped_queries)."""
    signed_in(client, Role.DIRECTOR, "ouest")
    small_cohort(3)
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("dashboards:page", args=["entonnoir"]))
    assert response.status_code == 200
    cohort = [q for q in context.captured_queries if "reached_lead" in q["sql"]]
    perimeters = len(response.context["perimeters"])
    assert perimeters >= 1 and len(cohort) == perimeters


def test_seeded_demo_shows_no_personal_data_and_small_charts(client):
    call_command(
        "seed_demo",
        "--seed=11",
        "--cooperatives=40",
        "--cases=400",
        stdout=io.StringIO(),
    )
    client.force_login(staff_user(Role.BOARD_MEMBER))
    forbidden = set()
    for person in Person.objects.all():
        forbidden |= {f"{person.first_name} {person.last_name}", person.email, person.phone}
    from django.contrib.auth import get_user_model

    for user in get_user_model().objects.all():
        forbidden |= {user.get_full_name(), user.email}
    for partner in Partner.objects.all():
        forbidden |= {partner.contact_name, partner.contact_email, partner.contact_phone}
    references = set(Case.objects.values_list("reference", flat=True))
    organisations = set(Case.objects.values_list("organisation__name", flat=True))
    forbidden = {
        value for value in forbidden | references | organisations if value and len(value) > 3
    }
    assert len(references) == 400
    bodies = []
    for url in PAGE_URLS:
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        bodies.append(body)
        for _id, figure in FIGURE.findall(body):
            assert len(figure.encode()) <= 50 * 1024
    for page in PAGES.values():
        for panel in page.panels:
            response = client.get(reverse("dashboards:csv", args=[page.slug, panel.slug]))
            assert response.status_code == 200
            bodies.append(response.content.decode("utf-8-sig"))
    everything = "\n".join(bodies)
    leaks = sorted(value for value in forbidden if value in everything)
    assert leaks == []
    assert "&lt; 5" in everything  # the demo has small cells, and they are hidden


def test_heavy_figures_are_cached_with_their_date_shown(client, settings):
    settings.RELEVE_DASHBOARDS_CACHE_SECONDS = 600
    # An in-memory cache, so that a hit costs no query (the default without Redis is a
    # database table, whose reads would be counted below).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    small_cohort(6)
    signed_in(client, Role.BOARD_MEMBER)
    url = reverse("dashboards:page", args=["vitesse"])
    first = _queries(client, url)
    small_cohort(6)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    # Only the session, the user, its profile and the filters' choices: the tables come
    # from the cache.
    assert len(context.captured_queries) < first
    assert len(context.captured_queries) <= 5
    body = response.content.decode()
    assert re.search(r"Chiffres calculés le \d\d/\d\d/\d{4} \d\d:\d\d\.", body)
    rows = csv_rows(client.get(reverse("dashboards:csv", args=["entonnoir", "cohorte"])))
    assert rows[1][2] == "12"  # not cached yet: computed now
    small_cohort(1)
    rows = csv_rows(client.get(reverse("dashboards:csv", args=["entonnoir", "cohorte"])))
    assert rows[1][2] == "12"  # cached: the date on the page says how old the figures are


def test_administrators_and_national_financial_officers_see_every_count(client):
    small_cohort(3)
    for role in (Role.ADMINISTRATOR, Role.FINANCIAL_OFFICER):
        signed_in(client, role)
        rows = csv_rows(client.get(reverse("dashboards:csv", args=["entonnoir", "cohorte"])))
        assert rows[1][:3] == ["National", "Signalement", "3"]


def test_the_report_is_dated_and_states_its_filters(client):
    small_cohort(6)
    signed_in(client, Role.BOARD_MEMBER)
    response = client.get(
        reverse("dashboards:report"),
        {"start": "2025-01-01", "end": "2026-06-30", "kind": "creation"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Rapport au conseil d'administration</h1>" in body
    assert re.search(r"Daté du \d\d/\d\d/\d{4}", body)
    assert "du 01/01/2025 au 30/06/2026" in body
    assert "création ex nihilo" in body
    for spec in PAGES.values():
        assert f"{spec.title}</h2>" in body
    assert "dashboards/dashboards.css" in body  # carries the A4 print stylesheet
    assert len(FIGURE.findall(body)) >= 14


def test_equity_window_widens_the_period(client):
    import datetime

    from django.utils import timezone

    case_with_history([], created_days_ago=2 * 365)
    signed_in(client, Role.ADMINISTRATOR)
    today = timezone.localdate()
    last_year = {
        "start": (today - datetime.timedelta(days=300)).isoformat(),
        "end": today.isoformat(),
    }
    url = reverse("dashboards:csv", args=["equite", "carte"])
    row = next(r for r in csv_rows(client.get(url, last_year)) if r[1] == "35")
    assert row[3] == "0"
    row = next(r for r in csv_rows(client.get(url, {**last_year, "window": "3"})) if r[1] == "35")
    assert row[3] == "1"


def test_the_funnel_page_counts_cases_by_tag_and_hides_small_cells(client):
    cases = small_cohort(6)
    for case in cases:
        CaseTag.objects.create(case=case, tag="relocation")
    CaseTag.objects.create(case=cases[0], tag="ecological_transition")
    signed_in(client, Role.BOARD_MEMBER)
    rows = csv_rows(client.get(reverse("dashboards:csv", args=["entonnoir", "etiquettes"])))
    assert rows[0][:3] == ["Périmètre", "Étiquette", "Dossiers ouverts"]
    by_tag = {row[1]: row[2] for row in rows[1:]}
    assert by_tag == {
        "Relocalisation de la production": "6",
        "Transition écologique": "< 5",
        "Savoir-faire collectifs": "0",
    }
    page = client.get(reverse("dashboards:page", args=["entonnoir"])).content.decode()
    assert "Dossiers par étiquette (résolution 10)" in page


def test_the_filters_selects_print_what_django_s_own_select_printed():
    # dashboards.forms.Select writes its options in one template (B5): the same HTML, with
    # the chosen option, an empty choice, escaping and a disabled single choice.
    from django import forms as django_forms

    from dashboards.forms import DashboardFilterForm, EquityForm, Select

    form = DashboardFilterForm({"kind": "creation", "window": "3"})
    equity_form = EquityForm({"window": "3", "level": "region"})
    assert form.is_valid() and equity_form.is_valid()
    checked = 0
    for bound in [*form, *equity_form]:
        if not isinstance(bound.field.widget, Select):
            continue
        stock = django_forms.Select(choices=bound.field.widget.choices)
        stock.attrs = bound.field.widget.attrs
        stock.is_required = bound.field.widget.is_required
        assert str(bound) == bound.as_widget(widget=stock), bound.name
        checked += 1
    assert checked == 6
    assert 'value="creation" selected' in str(form["kind"])
