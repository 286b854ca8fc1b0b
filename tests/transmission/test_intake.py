"""transmission.intake.lead_submit and its helpers, without the HTTP layer."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from crm.models import Organisation, Person
from crm.roles import Role
from tests.factories import (
    OrganisationFactory,
    PartnerFactory,
    regional_union,
    staff_user,
    valid_siren,
)
from tests.transmission.factories import CaseFactory, closing_data_for
from transmission import intake, services
from transmission.choices import ActivityKind, CaseKind, CaseRoute, CaseSource, Stage
from transmission.models import (
    Activity,
    Case,
    LeadAssignmentMode,
    LeadAssignmentRule,
    LeadSubmission,
)
from transmission.partner_status import PartnerStatus, partner_status, stages_with_status

pytestmark = pytest.mark.django_db


def data(**company) -> dict:
    return {
        "kind": CaseKind.TAKEOVER,
        "company": {
            "name": "Imprimerie Morel",
            "siren": valid_siren(201),
            "naf_code": "62.01Z",
            "postal_code": "35000",
            "city": "Rennes",
            "employees": 8,
            **company,
        },
        "contact": {
            "first_name": "Paul",
            "last_name": "Morel",
            "email": "",
            "phone": "",
            "role": "owner",
        },
        "summary": "Départ en retraite.",
        "external_ref": "",
        "consent": {"contact_agreed": True},
    }


@pytest.fixture
def partner():
    return PartnerFactory(name="CCI Démo")


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (datetime.date(2026, 11, 23), datetime.date(2026, 11, 25)),  # Monday → Wednesday
        (datetime.date(2026, 11, 26), datetime.date(2026, 11, 30)),  # Thursday → Monday
        (datetime.date(2026, 11, 27), datetime.date(2026, 12, 1)),  # Friday → Tuesday
        (datetime.date(2026, 11, 28), datetime.date(2026, 12, 1)),  # Saturday → Tuesday
    ],
)
def test_add_working_days(start, expected):
    assert intake.add_working_days(start, 2) == expected


def test_statuses_cover_every_stage_and_filters_invert_them():
    assert {partner_status(stage) for stage in Stage} == set(PartnerStatus)
    for status in PartnerStatus:
        assert all(partner_status(stage) == status for stage in stages_with_status(status))
    assert stages_with_status("in_progress") == [
        "qualification",
        "feasibility",
        "structuring",
        "financing",
        "closing",
        "on_hold",
    ]


def test_least_loaded_counts_open_cases_only_and_breaks_ties_by_id():
    ouest = regional_union("ouest")
    first = staff_user(Role.OFFICER, "ouest")
    second = staff_user(Role.OFFICER, "ouest")
    assert intake.lead_assignee(ouest) == first
    CaseFactory(assigned_officer=first, stage=Stage.ON_HOLD, **closing_data_for(Stage.ON_HOLD))
    assert intake.lead_assignee(ouest) == second
    for _ in range(3):
        CaseFactory(assigned_officer=second, stage=Stage.DECLINED, **closing_data_for("declined"))
    assert intake.lead_assignee(ouest) == second
    second.is_active = False
    second.save()
    assert intake.lead_assignee(ouest) == first


def test_the_assignee_comes_with_its_profile_in_one_query(django_assert_num_queries):
    officer = staff_user(Role.OFFICER, "ouest")
    staff_user(Role.DIRECTOR, "ouest")  # not an officer: never assigned a lead
    ouest = regional_union("ouest")
    with django_assert_num_queries(1):
        assignee = intake.lead_assignee(ouest)
        profile = assignee.officer_profile
        assert profile.user is assignee
    assert assignee == officer and assignee.username == officer.username
    assert profile == officer.officer_profile and profile.regional_union_id == ouest.pk
    assert assignee.date_joined == officer.date_joined


def test_no_officer_in_the_ur_means_unassigned(partner):
    lead = intake.lead_submit(partner=partner, data=data(), raw_body="{}")
    assert lead.case.assigned_officer is None


def test_unassigned_queue_rule(partner):
    staff_user(Role.OFFICER, "ouest")
    LeadAssignmentRule.objects.create(
        regional_union=regional_union("ouest"), mode=LeadAssignmentMode.UNASSIGNED_QUEUE
    )
    assert intake.lead_assignee(regional_union("ouest")) is None
    lead = intake.lead_submit(partner=partner, data=data(), raw_body="{}")
    assert lead.case.assigned_officer is None


def test_new_lead_opens_a_case_with_contact_and_reuses_a_known_organisation(partner):
    organisation = OrganisationFactory(siren=valid_siren(201), name="Morel SARL")
    old = CaseFactory(
        organisation=organisation, stage=Stage.DECLINED, **closing_data_for("declined")
    )
    lead = intake.lead_submit(partner=partner, data=data(), raw_body='{"a": 1}')
    assert not lead.matched_existing_case and lead.case != old
    assert lead.case.organisation == organisation
    assert Organisation.objects.filter(siren=valid_siren(201)).count() == 1
    assert lead.case.source == CaseSource.PARTNER and lead.case.source_partner == partner
    assert lead.raw_body == '{"a": 1}' and lead.payload == data()
    person = Person.objects.get(organisation=organisation)
    assert person.source == "Signalement CCI Démo"


def _newco_case(newco_siren: str, **fields) -> Case:
    fields.setdefault("stage", Stage.FINANCING)
    return CaseFactory(
        kind=CaseKind.TAKEOVER,
        route=CaseRoute.NEWCO_PURCHASE,
        cooperative_siren=newco_siren,
        **fields,
    )


def test_a_newcos_siren_matches_the_oldest_open_case_of_that_newco_and_its_target():
    newco = valid_siren(202)
    now = timezone.now()
    _newco_case(
        newco,
        stage=Stage.DECLINED,
        created_at=now - datetime.timedelta(days=9),
        **closing_data_for("declined"),
    )
    oldest = _newco_case(newco, created_at=now - datetime.timedelta(days=5))
    _newco_case(newco, created_at=now - datetime.timedelta(days=1))
    # The target's own older case is not the newco's: the lead joins the newco's case.
    CaseFactory(organisation=oldest.organisation, created_at=now - datetime.timedelta(days=7))
    assert intake.lead_match(newco) == (oldest.organisation, oldest)


def test_the_organisation_with_the_siren_wins_over_a_newco_case_with_it():
    siren = valid_siren(203)
    named = OrganisationFactory(siren=siren)
    _newco_case(siren)
    # Known company, no open case of its own: no match (a lead opens a case for it).
    assert intake.lead_match(siren) == (named, None)
    own = CaseFactory(organisation=named)
    assert intake.lead_match(siren) == (named, own)


def test_a_closed_newco_case_is_not_joined():
    newco = valid_siren(204)
    _newco_case(newco, stage=Stage.ABANDONED, **closing_data_for("abandoned"))
    assert intake.lead_match(newco) == (None, None)
    assert intake.lead_match("") == (None, None)


def test_matching_creates_a_task_due_in_two_working_days(partner, monkeypatch):
    officer = staff_user(Role.OFFICER, "ouest")
    organisation = OrganisationFactory(siren=valid_siren(201))
    case = CaseFactory(
        organisation=organisation, stage=Stage.QUALIFICATION, assigned_officer=officer
    )
    friday = datetime.date(2026, 11, 27)
    monkeypatch.setattr("transmission.intake.timezone.localdate", lambda *a: friday)
    lead = intake.lead_submit(partner=partner, data=data(), raw_body="{}")
    assert lead.matched_existing_case and lead.case == case
    task = Activity.objects.get(case=case)
    assert task.kind == ActivityKind.TASK and task.assignee == officer and not task.done
    assert task.due_on == datetime.date(2026, 12, 1)
    assert task.subject == "Nouveau signalement de CCI Démo sur ce dossier"
    assert "Départ en retraite." in task.notes
    assert Case.objects.count() == 1


def test_matching_an_unassigned_case_leaves_an_unassigned_task(partner):
    case = CaseFactory(organisation=OrganisationFactory(siren=valid_siren(201)))
    intake.lead_submit(partner=partner, data=data(), raw_body="{}")
    assert Activity.objects.get(case=case).assignee is None


def test_duplicate_external_ref_raises_and_writes_nothing(partner):
    first = intake.lead_submit(partner=partner, data={**data(), "external_ref": "R1"}, raw_body="")
    with pytest.raises(intake.LeadDuplicate) as caught:
        intake.lead_submit(
            partner=partner,
            data={**data(siren=valid_siren(202)), "external_ref": "R1"},
            raw_body="",
        )
    assert caught.value.existing == first
    assert LeadSubmission.objects.count() == 1 and Case.objects.count() == 1
    # Empty references never collide.
    intake.lead_submit(partner=partner, data=data(siren=valid_siren(203)), raw_body="")
    intake.lead_submit(partner=partner, data=data(siren=valid_siren(204)), raw_body="")


def test_no_regional_union_refuses_and_writes_nothing(partner, monkeypatch):
    monkeypatch.setattr("transmission.intake.regional_union_for_departement", lambda *a: None)
    with pytest.raises(intake.LeadRefused) as caught:
        intake.lead_submit(partner=partner, data=data(), raw_body="{}")
    assert "company.postal_code" in caught.value.errors
    assert not LeadSubmission.objects.exists() and not Organisation.objects.exists()


@pytest.mark.postgres
def test_a_field_check_refused_by_the_database_is_invalid_naming_the_lead_field(
    organisation_check, partner
):
    # The test's transaction stands for the caller's: the refusal ends the lead's unit.
    with pytest.raises(intake.LeadInvalid) as refused, transaction.atomic():
        intake.lead_submit(partner=partner, data=data(employees=101), raw_body="{}")
    assert refused.value.errors == {"company.employees": ["Pas plus de cent salariés."]}
    assert not Organisation.objects.exists() and not LeadSubmission.objects.exists()


def test_case_create_without_a_user_is_only_for_partner_leads(partner):
    organisation = OrganisationFactory()
    with pytest.raises(PermissionDenied):
        services.case_create(organisation=organisation, kind=CaseKind.TAKEOVER, by=None)
    with pytest.raises(PermissionDenied):
        services.case_create(
            organisation=organisation, kind=CaseKind.TAKEOVER, by=None, source=CaseSource.PARTNER
        )
    case = services.case_create(
        organisation=organisation,
        kind=CaseKind.TAKEOVER,
        by=None,
        source=CaseSource.PARTNER,
        source_partner=partner,
    )
    assert case.stage_changes.get().by is None


@pytest.mark.parametrize(
    "kind", [CaseKind.TAKEOVER, CaseKind.TAKEOVER_DISTRESS, CaseKind.CONVERSION]
)
def test_the_service_itself_requires_a_siren_unless_the_kind_is_creation(partner, kind):
    with pytest.raises(intake.LeadInvalid) as caught:
        intake.lead_submit(partner=partner, data={**data(siren=None), "kind": kind}, raw_body="")
    assert list(caught.value.errors) == ["company.siren"]
    assert not LeadSubmission.objects.exists() and not Case.objects.exists()


def test_a_creation_lead_needs_no_siren(partner):
    lead = intake.lead_submit(
        partner=partner, data={**data(siren=None), "kind": CaseKind.CREATION}, raw_body=""
    )
    assert lead.case.kind == CaseKind.CREATION and lead.case.organisation.siren is None


@pytest.mark.parametrize(
    ("company", "field"),
    [
        ({"postal_code": "99000"}, "company.postal_code"),
        ({"naf_code": "99.99Z"}, "company.naf_code"),
    ],
)
def test_the_service_refuses_unknown_places_and_activities_naming_the_field(
    partner, company, field
):
    with pytest.raises(intake.LeadInvalid) as caught:
        intake.lead_submit(partner=partner, data=data(**company), raw_body="")
    assert field in caught.value.errors
    assert not LeadSubmission.objects.exists() and not Organisation.objects.exists()


def test_a_known_contact_is_not_copied_at_every_lead(partner):
    officer = staff_user(Role.OFFICER, "ouest")
    case = CaseFactory(
        organisation=OrganisationFactory(siren=valid_siren(201)), assigned_officer=officer
    )
    for _ in range(3):
        intake.lead_submit(partner=partner, data=data(), raw_body="")
    shouted = data()
    shouted["contact"] = {**shouted["contact"], "first_name": "PAUL", "last_name": "morel"}
    intake.lead_submit(partner=partner, data=shouted, raw_body="")
    assert Person.objects.filter(organisation=case.organisation).count() == 1
    assert Activity.objects.filter(case=case).count() == 4


def test_the_officer_task_names_the_contact_without_copying_their_details(partner):
    officer = staff_user(Role.OFFICER, "ouest")
    case = CaseFactory(
        organisation=OrganisationFactory(siren=valid_siren(201)), assigned_officer=officer
    )
    with_details = data()
    with_details["contact"] = {
        **with_details["contact"],
        "email": "paul.morel@example.invalid",
        "phone": "0601020304",
    }
    intake.lead_submit(partner=partner, data=with_details, raw_body="")
    task = Activity.objects.get(case=case)
    assert "Paul Morel" in task.notes
    assert "paul.morel@example.invalid" not in task.notes and "0601020304" not in task.notes
    assert task.created_by is None
