"""The pipeline board: columns, cards, filters, paging, the transition form of a drop."""

import pytest
from django.urls import reverse

from crm.roles import Role
from tests.backoffice.conftest import days
from tests.factories import OrganisationFactory, PartnerFactory, staff_user
from tests.transmission.factories import CaseFactory
from transmission.models import Case

pytestmark = pytest.mark.django_db


def columns(response) -> dict:
    return {column.stage: column for column in response.context["columns"]}


def test_one_column_per_active_stage_with_counts_and_jobs(client, officer, ara_case):
    CaseFactory(stage="feasibility", jobs_at_stake=12, assigned_officer=officer)
    CaseFactory(stage="feasibility", jobs_at_stake=8)
    CaseFactory(stage="on_hold", previous_stage="feasibility", review_on="2099-01-01")
    client.force_login(officer)
    response = client.get(reverse("backoffice:board"))
    by_stage = columns(response)
    assert list(by_stage) == [
        "lead",
        "qualification",
        "feasibility",
        "structuring",
        "financing",
        "closing",
    ]
    assert (by_stage["feasibility"].count, by_stage["feasibility"].jobs) == (2, 20)
    assert by_stage["lead"].count == 0  # the ARA case is not on an Ouest board
    body = response.content.decode()
    assert "20 emplois en jeu" in body
    assert "Diagnostic / faisabilité" in body or by_stage["feasibility"].label in body


def test_a_card_shows_organisation_kind_jobs_officer_and_a_red_overdue_date(client, officer, today):
    CaseFactory(
        stage="qualification",
        jobs_at_stake=7,
        assigned_officer=officer,
        next_action_on=today - days(1),
        organisation=OrganisationFactory(name="Boulangerie Le Floch"),
    )
    client.force_login(officer)
    body = client.get(reverse("backoffice:board")).content.decode()
    card = body[body.index("Boulangerie Le Floch") - 200 :]
    card = card[: card.index("</li>", card.index("card-menu"))]
    assert "Reprise d" in card or "reprise" in card.lower()
    assert "7 emplois" in card
    assert "Camille Le Goff" in card
    assert "overdue" in card and "en retard" in card


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=creation", {"Création"}),
        ("mes_dossiers=1", {"Mienne"}),
        ("departement=29", {"Finistère"}),
    ],
)
def test_filters(client, officer, colleague, query, expected):
    CaseFactory(
        kind="creation",
        organisation=OrganisationFactory(name="Création"),
        assigned_officer=colleague,
    )
    CaseFactory(assigned_officer=officer, organisation=OrganisationFactory(name="Mienne"))
    CaseFactory(
        organisation=OrganisationFactory(name="Finistère", postal_code="29200"),
        assigned_officer=colleague,
    )
    client.force_login(officer)
    response = client.get(reverse("backoffice:board") + "?" + query)
    names = {card.organisation.name for c in response.context["columns"] for card in c.cards}
    assert names == expected


def test_filter_by_officer_and_source_partner(client, officer, colleague):
    partner = PartnerFactory()
    CaseFactory(assigned_officer=colleague, organisation=OrganisationFactory(name="Du collègue"))
    CaseFactory(source_partner=partner, organisation=OrganisationFactory(name="Du partenaire"))
    client.force_login(officer)
    for query, expected in [
        (f"charge={colleague.pk}", {"Du collègue"}),
        (f"partenaire={partner.pk}", {"Du partenaire"}),
    ]:
        response = client.get(reverse("backoffice:board") + "?" + query)
        names = {card.organisation.name for c in response.context["columns"] for card in c.cards}
        assert names == expected


def test_the_officer_filter_offers_only_officers_of_my_ur(client, officer, other_officer, director):
    staff_user(Role.BOARD_MEMBER)
    client.force_login(officer)
    offered = set(client.get(reverse("backoffice:board")).context["choices"]["officers"])
    assert officer in offered and other_officer not in offered and director not in offered


def test_columns_are_paged_and_see_more_brings_the_next_cards(client, officer):
    from backoffice.selectors.board import PAGE_SIZE

    for _ in range(PAGE_SIZE + 3):
        CaseFactory()
    client.force_login(officer)
    lead = columns(client.get(reverse("backoffice:board")))["lead"]
    assert (lead.count, len(lead.cards), lead.has_more) == (PAGE_SIZE + 3, PAGE_SIZE, True)
    response = client.get(
        reverse("backoffice:board_column", args=["lead"]) + "?page=2", HTTP_HX_REQUEST="true"
    )
    assert len(response.context["cards"]) == 3 and not response.context["has_more"]
    shown = {c.pk for c in lead.cards} | {c.pk for c in response.context["cards"]}
    assert len(shown) == PAGE_SIZE + 3


def test_the_board_runs_in_constant_queries(client, officer, django_assert_max_num_queries):
    client.force_login(officer)
    stages = ["lead", "qualification", "feasibility", "structuring", "financing", "closing"]
    for stage in stages:
        CaseFactory(assigned_officer=officer, stage=stage)
    with django_assert_max_num_queries(16) as few:
        client.get(reverse("backoffice:board"))
    for stage in stages:
        for _ in range(8):
            CaseFactory(assigned_officer=officer, stage=stage, jobs_at_stake=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("backoffice:board"))


def test_a_drop_opens_the_form_of_the_transition_leading_there_prefilled(client, officer):
    case = CaseFactory(stage="qualification", assigned_officer=officer, jobs_at_stake=9)
    client.force_login(officer)
    response = client.get(
        reverse("backoffice:case_move", args=[case.pk, "feasibility"]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.name == "start_feasibility"
    assert list(form.fields) == ["version", "jobs_at_stake", "comment"]
    assert 'value="9"' in response.content.decode()  # the stored value, pre-filled
    assert "Lancer le diagnostic" in response.content.decode()


def test_the_form_collects_the_inputs_of_the_case_kind(client, officer):
    takeover = CaseFactory(stage="feasibility", assigned_officer=officer, kind="takeover")
    distress = CaseFactory(stage="feasibility", assigned_officer=officer, kind="takeover_distress")
    client.force_login(officer)
    url = "backoffice:case_move"
    takeover_form = client.get(reverse(url, args=[takeover.pk, "structuring"])).context["form"]
    distress_form = client.get(reverse(url, args=[distress.pk, "structuring"])).context["form"]
    assert {"valuation", "owner_agreement_on"} <= set(takeover_form.fields)
    assert "court_offer_deadline" not in takeover_form.fields
    assert "court_offer_deadline" in distress_form.fields
    assert "valuation" not in distress_form.fields


def test_a_refusal_shows_inline_in_french_on_the_field_and_keeps_the_input(client, officer):
    case = CaseFactory(stage="qualification", assigned_officer=officer)
    client.force_login(officer)
    url = reverse("backoffice:case_transition", args=[case.pk, "start_feasibility"])
    response = client.post(
        url, {"version": case.version, "comment": "Appel ce matin"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200  # htmx swaps the form back in
    form = response.context["form"]
    assert form.errors["jobs_at_stake"] == ["Le nombre d'emplois en jeu manque."]
    assert "Appel ce matin" in response.content.decode()
    assert Case.objects.get(pk=case.pk).stage == "qualification"


def test_a_completed_form_runs_the_transition_and_goes_to_the_case(client, officer):
    case = CaseFactory(stage="qualification", assigned_officer=officer)
    client.force_login(officer)
    url = reverse("backoffice:case_transition", args=[case.pk, "start_feasibility"])
    response = client.post(
        url, {"version": case.version, "jobs_at_stake": "14"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("backoffice:case", args=[case.pk])
    case.refresh_from_db()
    assert (case.stage, case.jobs_at_stake) == ("feasibility", 14)


def test_a_stale_form_is_refused_with_the_conflict_message(client, officer):
    case = CaseFactory(stage="qualification", assigned_officer=officer)
    client.force_login(officer)
    url = reverse("backoffice:case_transition", args=[case.pk, "start_feasibility"])
    response = client.post(url, {"version": case.version - 1 + 5, "jobs_at_stake": "14"})
    assert response.status_code == 422
    errors = " ".join(response.context["form"].non_field_errors())
    assert "Quelqu'un d'autre vient de modifier ce dossier" in errors
    assert Case.objects.get(pk=case.pk).stage == "qualification"


def test_a_drop_where_no_transition_leads_says_so(client, officer):
    case = CaseFactory(stage="lead", assigned_officer=officer)
    client.force_login(officer)
    response = client.get(reverse("backoffice:case_move", args=[case.pk, "closing"]))
    assert "Aucune transition ne mène" in response.content.decode()


def test_a_colleague_case_refuses_the_transition_without_writing(client, colleague):
    case = CaseFactory(stage="qualification", assigned_officer=staff_user(Role.OFFICER, "ouest"))
    client.force_login(colleague)
    url = reverse("backoffice:case_transition", args=[case.pk, "start_feasibility"])
    response = client.post(url, {"version": case.version, "jobs_at_stake": "14"})
    assert response.status_code == 422
    assert "Seul" in str(response.context["form"].non_field_errors())
    assert Case.objects.get(pk=case.pk).stage == "qualification"


def test_without_htmx_the_refused_form_is_a_whole_page_with_422(client, officer):
    case = CaseFactory(stage="qualification", assigned_officer=officer)
    client.force_login(officer)
    url = reverse("backoffice:case_transition", args=[case.pk, "start_feasibility"])
    response = client.post(url, {"version": case.version})
    assert response.status_code == 422
    body = response.content.decode()
    assert "<html" in body and "Le nombre d&#x27;emplois en jeu manque." in body
