"""The supports to existing cooperatives in the back office: the list, opening one from the
cooperative's page, the support page and what it runs, the officer's day."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from financement import services
from financement.choices import SupportNeed, SupportStatus
from financement.models import FinancingLine, SupportRequest
from tests.factories import OrganisationFactory
from tests.financement.factories import BANK_LOAN, MOVEMENT_LOAN, instrument, line_in, session_in

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def cooperative(db):
    return OrganisationFactory(
        name="Scop des Forges",
        postal_code="35000",
        cooperative_type="scop",
        cooperative_since=datetime.date(2019, 3, 1),
    )


@pytest.fixture
def support(officer, cooperative):
    return services.support_request_open(
        organisation=cooperative,
        need=SupportNeed.DEVELOPMENT,
        by=officer,
        description="Nouvel atelier",
        price_or_investment=D("120000"),
    )


def support_url(support) -> str:
    return reverse("backoffice:support", args=[support.pk])


def transition(client, support, name, **data):
    support.refresh_from_db()
    url = reverse("backoffice:support_transition", args=[support.pk, name])
    return client.post(url, {"version": support.version, **data})


# --- The list and the territory ----------------------------------------------------------------


def test_the_list_shows_the_territory_s_supports_with_french_dates(client, officer, support):
    client.force_login(officer)
    response = client.get(reverse("backoffice:supports"))
    assert list(response.context["page"]) == [support]
    body = response.content.decode()
    for text in [
        "Scop des Forges",
        reverse("backoffice:organisation", args=[support.organisation_id]),
        "Demande reçue",
        support.regional_union.name,
        "Camille Le Goff",
        support.opened_on.strftime("%d/%m/%Y"),
        reverse("backoffice:supports"),  # in the nav
    ]:
        assert text in body, text


def test_the_list_filters_open_or_all(client, officer, support):
    transition_done = services.support_request_transition(
        support=support, name="drop", by=officer, drop_reason="Projet abandonné"
    )
    assert transition_done.status == SupportStatus.DROPPED
    client.force_login(officer)
    assert list(client.get(reverse("backoffice:supports")).context["page"]) == []
    everything = client.get(reverse("backoffice:supports") + "?ouverts=0")
    assert list(everything.context["page"]) == [support]


def test_another_ur_sees_nothing_and_its_urls_are_404(client, other_officer, support):
    client.force_login(other_officer)
    assert list(client.get(reverse("backoffice:supports") + "?ouverts=0").context["page"]) == []
    assert client.get(support_url(support)).status_code == 404
    assert transition(client, support, "start_assessment").status_code == 404
    plan_url = reverse("backoffice:support_plan", args=[support.pk])
    assert client.post(plan_url, {"price_or_investment": "1"}).status_code == 404
    support.refresh_from_db()
    assert support.status == SupportStatus.RECEIVED


def test_board_members_see_nothing(client, board_member, support):
    client.force_login(board_member)
    assert client.get(reverse("backoffice:supports")).status_code == 403
    assert client.get(support_url(support)).status_code == 403


# --- Opening from the cooperative's page ------------------------------------------------------


def test_an_officer_opens_a_support_from_the_cooperative_page(client, officer, cooperative):
    client.force_login(officer)
    page = client.get(reverse("backoffice:organisation", args=[cooperative.pk]))
    assert page.context["support_form"] is not None
    assert "Demander un accompagnement" in page.content.decode()
    response = client.post(
        reverse("backoffice:support_open", args=[cooperative.pk]),
        {
            "need": "consolidation",
            "description": "Renforcer les fonds propres",
            "price_or_investment": "150 000,50",
            "working_capital": "20 000",
        },
    )
    support = SupportRequest.objects.get(organisation=cooperative)
    assert response.status_code == 302 and response["Location"] == support_url(support)
    assert (support.need, support.assigned_officer) == ("consolidation", officer)
    plan = support.financing_plan
    assert (plan.price_or_investment, plan.working_capital, plan.other_needs) == (
        D("150000.50"),
        D("20000"),
        D("0"),
    )
    listed = client.get(reverse("backoffice:organisation", args=[cooperative.pk]))
    assert list(listed.context["supports"]) == [support]


def test_a_refusal_shows_in_french_next_to_its_field(client, officer, cooperative):
    client.force_login(officer)
    response = client.post(
        reverse("backoffice:support_open", args=[cooperative.pk]),
        {"need": "development", "price_or_investment": "-10"},
    )
    assert response.status_code == 422
    errors = response.context["support_form"].errors
    assert list(errors) == ["price_or_investment"]
    assert "négatif" in errors["price_or_investment"][0]
    assert not SupportRequest.objects.exists()


def test_another_ur_officer_is_refused_in_french(client, other_officer, cooperative):
    client.force_login(other_officer)
    response = client.post(
        reverse("backoffice:support_open", args=[cooperative.pk]), {"need": "development"}
    )
    # The cooperative is outside their territory: not even found.
    assert response.status_code == 404
    assert not SupportRequest.objects.exists()


def test_a_company_that_is_no_cooperative_offers_no_support(client, officer):
    company = OrganisationFactory(name="SARL ordinaire")
    client.force_login(officer)
    page = client.get(reverse("backoffice:organisation", args=[company.pk]))
    assert page.context["support_form"] is None and page.context["supports"] is None


# --- The support page --------------------------------------------------------------------------


def test_a_full_run_through_the_page(client, officer, financial_officer, support):
    client.force_login(officer)
    page = client.get(support_url(support))
    transitions = {t.name: t for t in page.context["transitions"]}
    assert set(transitions) == {"start_assessment", "drop"}
    assert transitions["start_assessment"].allowed

    assert transition(client, support, "start_assessment").status_code == 302

    # Without a resource line, the financing round is blocked and says why.
    page = client.get(support_url(support))
    blocked = {t.name: t for t in page.context["transitions"]}["start_financing"]
    assert not blocked.allowed and blocked.reasons
    for reason in blocked.reasons:
        assert reason in page.content.decode().replace("&#x27;", "'")

    add_url = reverse("backoffice:support_line_add", args=[support.pk])
    response = client.post(
        add_url, {"instrument": instrument(MOVEMENT_LOAN).pk, "amount_requested": "80 000"}
    )
    assert response.status_code == 302
    loan = FinancingLine.objects.get(plan__support=support)
    assert loan.amount_requested == D("80000")
    bank = line_in(support.financing_plan, BANK_LOAN, "40000", status="approved")

    assert transition(client, support, "start_financing").status_code == 302

    def decide(line, name, **data):
        url = reverse("backoffice:support_line_transition", args=[support.pk, line.pk, name])
        return client.post(url, data)

    requested = decide(loan, "request", amount_requested="80000")
    assert requested.status_code == 302, requested.context["form"].errors
    client.force_login(financial_officer)
    session = session_in(support.regional_union)
    assert decide(loan, "approve", committee_session=session.pk).status_code == 302
    loan.refresh_from_db()
    assert loan.status == "approved" and bank.status == "approved"

    client.force_login(officer)
    page = client.get(support_url(support))
    assert page.context["plan"].figures.gap == 0
    assert "120 000" in page.content.decode().replace("\u202f", " ").replace("\xa0", " ")
    assert transition(client, support, "grant").status_code == 302
    support.refresh_from_db()
    assert support.status == SupportStatus.GRANTED and support.decided_on is not None

    history = client.get(support_url(support)).context["history"]
    assert [label for _change, label in history] == [
        "Enregistrer l'accompagnement accordé",
        "Lancer le tour de table",
        "Commencer l'analyse",
        history[-1][1],
    ]
    assert history[-1][0].transition == "create"


def test_drop_asks_for_its_reason(client, officer, support):
    client.force_login(officer)
    refused = transition(client, support, "drop", drop_reason="")
    assert refused.status_code == 422
    assert refused.context["form"].errors["drop_reason"] == [
        "Indiquez pourquoi l'accompagnement est sans suite."
    ]
    support.refresh_from_db()
    assert support.status == SupportStatus.RECEIVED

    done = transition(client, support, "drop", drop_reason="La coopérative a trouvé seule")
    assert done.status_code == 302
    support.refresh_from_db()
    assert support.status == SupportStatus.DROPPED
    assert support.drop_reason == "La coopérative a trouvé seule"
    assert "La coopérative a trouvé seule" in client.get(support_url(support)).content.decode()


def test_a_stale_version_is_refused_and_nothing_changes(client, officer, support):
    client.force_login(officer)
    url = reverse("backoffice:support_transition", args=[support.pk, "start_assessment"])
    stale = support.version
    services.support_request_transition(support=support, name="drop", by=officer, drop_reason="x")
    response = client.post(url, {"version": stale})
    assert response.status_code == 422
    assert response.context["form"].non_field_errors()
    support.refresh_from_db()
    assert support.status == SupportStatus.DROPPED


def test_the_needs_are_edited_the_french_way(client, officer, support):
    client.force_login(officer)
    url = reverse("backoffice:support_plan", args=[support.pk])
    response = client.post(
        url, {"price_or_investment": "90 000", "working_capital": "5 000,25", "other_needs": "0"}
    )
    assert response.status_code == 302
    plan = support.financing_plan
    plan.refresh_from_db()
    assert (plan.price_or_investment, plan.working_capital) == (D("90000"), D("5000.25"))


def test_refused_needs_and_lines_come_back_on_their_fields(client, officer, support):
    client.force_login(officer)
    needs = client.post(
        reverse("backoffice:support_plan", args=[support.pk]),
        {"price_or_investment": "-1", "working_capital": "0", "other_needs": "0"},
    )
    assert needs.status_code == 422
    assert "négatif" in needs.context["plan_form"].errors["price_or_investment"][0]
    line = client.post(reverse("backoffice:support_line_add", args=[support.pk]), {})
    assert line.status_code == 422
    assert set(line.context["line_form"].errors) == {"instrument", "amount_requested"}
    assert not FinancingLine.objects.exists()


def test_a_financial_officer_reads_the_page_but_gets_no_editing_form(
    client, financial_officer, support
):
    client.force_login(financial_officer)
    response = client.get(support_url(support))
    assert response.status_code == 200
    assert response.context["plan_form"] is None and response.context["line_form"] is None
    assert not any(t.permitted for t in response.context["transitions"])


def test_the_support_page_runs_in_constant_queries(
    client, officer, support, django_assert_max_num_queries
):
    plan = support.financing_plan
    line_in(plan, BANK_LOAN, "1000")
    services.support_request_transition(support=support, name="start_assessment", by=officer)
    client.force_login(officer)
    with django_assert_max_num_queries(40) as few:
        assert client.get(support_url(support)).status_code == 200
    for _index in range(12):
        line_in(plan, BANK_LOAN, "1000")
        line_in(plan, MOVEMENT_LOAN, "1000")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(support_url(support))


# --- My day ------------------------------------------------------------------------------------


def test_the_day_lists_my_open_supports_in_constant_queries(
    client, officer, cooperative, django_assert_max_num_queries
):
    def open_one():
        return services.support_request_open(
            organisation=cooperative, need=SupportNeed.DIFFICULTY, by=officer
        )

    first = open_one()
    client.force_login(officer)
    with django_assert_max_num_queries(60) as few:
        response = client.get(reverse("backoffice:home"))
    assert response.context["supports"] == [first]
    assert support_url(first) in response.content.decode()
    assert "Accompagnements en cours" in response.content.decode()
    for _index in range(5):
        open_one()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("backoffice:home"))
    assert len(response.context["supports"]) == 6


def test_a_director_reassigns_a_support_to_an_officer_of_its_ur(
    client, officer, colleague, director, other_officer, support
):
    client.force_login(officer)
    assert client.get(support_url(support)).context["reassign_form"] is None
    url = reverse("backoffice:support_reassign", args=[support.pk])
    response = client.post(url, {"officer": colleague.pk})
    assert response.status_code == 422
    assert "Seul" in str(response.context["reassign_form"].non_field_errors())

    client.force_login(director)
    page = client.get(support_url(support))
    form = page.context["reassign_form"]
    assert set(form.fields["officer"].queryset) == {officer, colleague}
    assert "Réattribuer l'accompagnement" in page.content.decode()
    assert f'action="{url}"' in page.content.decode()
    response = client.post(url, {"officer": other_officer.pk})
    assert response.status_code == 422 and response.context["reassign_form"].errors["officer"]
    assert client.post(url, {"officer": colleague.pk}).status_code == 302
    support.refresh_from_db()
    assert support.assigned_officer == colleague
