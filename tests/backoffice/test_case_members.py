"""The case page's "Associés et capital" section: members by category, shares, what the law
finds short, entered and removed by whoever works on the case (issue 10 §2, issue 11 §3)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory, valid_siren
from tests.transmission.factories import CaseFactory, add_members, closing_data_for
from transmission import services
from transmission.choices import Stage, TargetForm

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


@pytest.fixture
def structuring(officer):
    return CaseFactory(
        stage=Stage.STRUCTURING,
        target_form=TargetForm.SCOP_SARL,
        assigned_officer=officer,
        organisation=OrganisationFactory(name="Imprimerie Morel", postal_code="35000"),
        members=False,
    )


def page(client, case):
    return client.get(reverse("backoffice:case", args=[case.pk]))


def save(client, case, **data):
    return client.post(reverse("backoffice:case_members", args=[case.pk]), data)


def test_the_section_shows_members_capital_votes_and_shares_in_french(client, officer, structuring):
    add_members(
        structuring,
        [
            {"category": "employees", "members": 3, "capital": Decimal("4000"), "votes": 3},
            {"category": "others", "members": 1, "capital": Decimal("6000"), "votes": 1},
        ],
    )
    client.force_login(officer)
    body = page(client, structuring).content.decode()
    assert "Associés et capital" in body
    assert "Associés salariés" in body and "Autres associés" in body
    assert f"4{NBSP}000,00{NBSP}€" in body and f"10{NBSP}000,00{NBSP}€" in body
    assert f"40,0{NBSP}%" in body and f"75,0{NBSP}%" in body
    # What the law still finds short, before signing.
    assert "Les associés salariés détiennent 40 % du capital" in body
    # The form offers a Scop's categories only.
    form = page(client, structuring).context["member_form"]
    assert [code for code, _label in form.fields["category"].choices] == ["employees", "others"]


def test_an_officer_enters_a_category_with_a_french_decimal_comma(client, officer, structuring):
    client.force_login(officer)
    response = save(client, structuring, category="employees", members="4", capital="1 500,50")
    assert response.status_code == 302
    assert response["Location"].endswith("#members-title")
    row = structuring.memberships.get()
    assert (row.members, row.capital, row.votes) == (4, Decimal("1500.50"), Decimal("4"))
    save(client, structuring, category="others", members="1", capital="500")
    body = page(client, structuring).content.decode()
    assert "Les associés respectent les règles d'une Scop SARL." in body


def test_a_bad_figure_shows_its_french_message_on_the_field_and_keeps_the_input(
    client, officer, structuring
):
    client.force_login(officer)
    response = save(client, structuring, category="employees", members="0", capital="-3")
    assert response.status_code == 422
    form = response.context["member_form"]
    assert form.errors["members"] == ["Une catégorie compte au moins un associé."]
    assert form.errors["capital"] == ["Le capital détenu ne peut pas être négatif."]
    assert form["capital"].value() == "-3"
    assert not structuring.memberships.exists()


def test_a_category_the_form_does_not_admit_is_refused(client, officer, structuring):
    client.force_login(officer)
    response = save(client, structuring, category="public_bodies", members="1", capital="10")
    assert response.status_code == 422
    assert response.context["member_form"].errors["category"]
    assert not structuring.memberships.exists()


def test_a_category_is_removed(client, officer, structuring):
    add_members(structuring)
    client.force_login(officer)
    url = reverse("backoffice:case_member_remove", args=[structuring.pk, "others"])
    assert client.post(url).status_code == 302
    assert list(structuring.memberships.values_list("category", flat=True)) == ["employees"]
    assert client.get(url).status_code == 405


def test_a_colleague_sees_the_members_but_cannot_change_them(client, colleague, structuring):
    add_members(structuring)
    client.force_login(colleague)
    body = page(client, structuring).content.decode()
    assert "Associés salariés" in body and 'id="member-form"' not in body
    assert (
        save(client, structuring, category="employees", members="9", capital="1").status_code == 422
    )
    assert structuring.memberships.get(category="employees").members == 6


def test_another_ur_gets_a_404_even_by_typing_the_url(client, other_officer, structuring):
    client.force_login(other_officer)
    assert (
        save(client, structuring, category="employees", members="2", capital="1").status_code == 404
    )
    url = reverse("backoffice:case_member_remove", args=[structuring.pk, "employees"])
    assert client.post(url).status_code == 404
    assert not structuring.memberships.exists()


def test_a_registered_cooperative_keeps_its_members_read_only(client, officer):
    case = CaseFactory(
        stage=Stage.INCORPORATED,
        target_form=TargetForm.SCOP_SAS,
        assigned_officer=officer,
        **closing_data_for(Stage.INCORPORATED),
    )
    client.force_login(officer)
    body = page(client, case).content.decode()
    assert "Associés salariés" in body and 'id="member-form"' not in body
    assert "revues annuelles" in body
    response = save(client, case, category="employees", members="9", capital="1")
    assert response.status_code == 422
    assert "revues annuelles" in response.content.decode()


def test_without_a_target_form_the_section_says_when_the_law_applies(client, officer, case):
    client.force_login(officer)
    body = page(client, case).content.decode()
    assert "Aucun associé renseigné pour l'instant." in body
    assert "La forme visée n'est pas encore choisie" in body


def test_the_members_cost_one_query_whatever_their_number(
    client, officer, structuring, django_assert_max_num_queries
):
    add_members(structuring, [{"category": "employees", "members": 2, "capital": 10, "votes": 2}])
    client.force_login(officer)
    with django_assert_max_num_queries(60) as few:
        page(client, structuring)
    add_members(structuring)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page(client, structuring)


def test_the_cooperative_s_page_shows_the_members_it_was_born_with(client, officer):
    case = CaseFactory(
        stage=Stage.CLOSING,
        kind="takeover",
        route="newco_purchase",
        target_form=TargetForm.SCOP_SAS,
        assigned_officer=officer,
    )
    services.case_transition(
        case=case,
        name="incorporate",
        by=officer,
        cooperative_siren=valid_siren(7201),
        registered_on=case.created_at.date(),
    )
    case.refresh_from_db()
    client.force_login(officer)
    url = reverse("backoffice:organisation", args=[case.cooperative_id])
    body = client.get(url).content.decode()
    assert "Associés à l'immatriculation" in body and "Associés salariés" in body
    assert f"7{NBSP}000,00{NBSP}€" in body
    # The company taken over has no members of its own.
    target = client.get(reverse("backoffice:organisation", args=[case.organisation_id]))
    assert "Associés à l'immatriculation" not in target.content.decode()
