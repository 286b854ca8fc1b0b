"""Case-level tags NAF cannot express (resolution 10): set through the service, by whoever
works on the case, counted per tag for the dashboards, editable in the admin."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from crm.roles import Role
from tests.factories import OrganisationFactory, regional_union, staff_user
from tests.transmission.factories import CaseFactory, officer_and_director
from transmission import selectors, services
from transmission.choices import CaseTag, Stage

pytestmark = pytest.mark.django_db


def test_tags_are_replaced_as_a_whole_and_each_kept_once():
    officer, _director = officer_and_director()
    case = CaseFactory(assigned_officer=officer)
    assert services.case_set_tags(
        case=case, by=officer, tags=[CaseTag.RELOCATION, CaseTag.RELOCATION]
    ) == [CaseTag.RELOCATION]
    services.case_set_tags(
        case=case, by=officer, tags=[CaseTag.ECOLOGICAL_TRANSITION, CaseTag.COLLECTIVE_KNOW_HOW]
    )
    assert sorted(selectors.case_tags(case)) == ["collective_know_how", "ecological_transition"]
    services.case_set_tags(case=case, by=officer, tags=[])
    assert selectors.case_tags(case) == []


def test_an_unknown_tag_is_refused_and_nothing_changes():
    officer, _director = officer_and_director()
    case = CaseFactory(assigned_officer=officer)
    services.case_set_tags(case=case, by=officer, tags=[CaseTag.RELOCATION])
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        services.case_set_tags(case=case, by=officer, tags=["relocation", "made_up"])
    assert refused.value.message_dict == {"tags": ["Étiquettes inconnues : made_up."]}
    assert selectors.case_tags(case) == ["relocation"]


def test_only_those_working_on_the_case_tag_it():
    officer, director = officer_and_director()
    colleague = staff_user(Role.OFFICER, "ouest")
    case = CaseFactory(assigned_officer=officer)
    with pytest.raises(PermissionDenied):
        services.case_set_tags(case=case, by=colleague, tags=[CaseTag.RELOCATION])
    services.case_set_tags(case=case, by=director, tags=[CaseTag.RELOCATION])
    assert selectors.case_tags(case) == ["relocation"]


def test_counts_per_tag_in_the_users_territory_every_tag_listed():
    officer, director = officer_and_director()
    first = CaseFactory(assigned_officer=officer)
    second = CaseFactory(assigned_officer=officer, stage=Stage.STRUCTURING)
    services.case_set_tags(
        case=first, by=officer, tags=[CaseTag.RELOCATION, CaseTag.ECOLOGICAL_TRANSITION]
    )
    services.case_set_tags(case=second, by=officer, tags=[CaseTag.RELOCATION])
    ara_director = staff_user(Role.DIRECTOR, "ara")
    lyon = CaseFactory(
        organisation=OrganisationFactory(postal_code="69001"),
        regional_union=regional_union("ara"),
        assigned_officer=ara_director,
    )
    services.case_set_tags(case=lyon, by=ara_director, tags=[CaseTag.RELOCATION])
    assert selectors.case_tag_counts(user=director) == {
        "relocation": 2,
        "ecological_transition": 1,
        "collective_know_how": 0,
    }
    # A dashboard passes the cases it looks at.
    structuring = selectors.case_list(user=director).filter(stage=Stage.STRUCTURING)
    assert selectors.case_tag_counts(user=director, cases=structuring)["relocation"] == 1


def test_the_admin_edits_the_tags_through_the_service_and_shows_them_read_only(client):
    officer, _director = officer_and_director()
    case = CaseFactory(stage=Stage.LEAD, assigned_officer=officer)
    client.force_login(officer)
    url = f"/admin/transmission/case/{case.pk}/change/"
    assert 'name="tags"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "organisation": case.organisation_id,
            "kind": case.kind,
            "source": "direct",
            "assigned_officer": officer.pk,
            "tags": ["relocation", "collective_know_how"],
            "stage_changes-TOTAL_FORMS": 0,
            "stage_changes-INITIAL_FORMS": 1,
            "activities-TOTAL_FORMS": 0,
            "activities-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(selectors.case_tags(case)) == ["collective_know_how", "relocation"]
    # A colleague sees the case read-only, tags as labels.
    client.force_login(staff_user(Role.OFFICER, "ouest"))
    with translation.override("fr"):
        page = client.get(url).content.decode()
    assert 'name="tags"' not in page
    assert "relocalisation de la production" in page
