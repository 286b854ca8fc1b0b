"""POST/GET /api/v1/leads/: validation, mass assignment, storage, matching, assignment,
statuses, BOLA, idempotency, duplicates, rejected submissions and the schema."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api import services
from api.models import IdempotencyRecord, RejectedSubmission
from crm.models import LawfulBasis, NafEntry, Organisation, Person
from crm.roles import Role
from tests import scoreboard
from tests.api.conftest import assert_problem, post_concurrently
from tests.factories import OrganisationFactory, PartnerFactory, staff_user, valid_siren
from tests.transmission.factories import CaseFactory, closing_data_for
from transmission.choices import ActivityKind, CaseSource, Stage, TargetForm
from transmission.models import Case, LeadSubmission

LEADS = "/api/v1/leads/"


def lead_body(**overrides) -> dict:
    body = {
        "kind": "takeover",
        "company": {
            "name": "Menuiserie Durand",
            "siren": valid_siren(101),
            "naf_code": "6201Z",
            "postal_code": "35000",
            "city": "Rennes",
            "employees": 12,
        },
        "contact": {
            "first_name": "Anne",
            "last_name": "Durand",
            "email": "anne@example.invalid",
            "phone": "0600000000",
            "role": "owner",
        },
        "summary": "Le dirigeant part en retraite et pense aux salariés.",
        "external_ref": "EXT-1",
        "consent": {"contact_agreed": True},
    }
    for path, value in overrides.items():
        node = body
        *parents, last = path.split("__")
        for parent in parents:
            node = node[parent]
        if value is DELETE:
            node.pop(last, None)
        else:
            node[last] = value
    return body


DELETE = object()


def post_lead(client, body=None, **headers):
    raw = body if isinstance(body, str | bytes) else json.dumps(body or lead_body())
    return client.post(LEADS, raw, content_type="application/json", **headers)


def client_for(partner):
    """A client of its own (``api_client`` is the fixture ``partner_client`` also uses)."""
    _key, plaintext = services.partner_key_create(partner=partner)
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    return client


def stage_data(stage) -> dict:
    data = closing_data_for(stage)
    if stage == Stage.INCORPORATED:
        data["target_form"] = TargetForm.SCOP_SARL
    return data


@pytest.fixture
def officer(db):
    return staff_user(Role.OFFICER, "ouest")


# --- Intake -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_lead_opens_a_case_and_answers_201_with_location(partner_client, partner, officer):
    raw = json.dumps(lead_body(), ensure_ascii=False)
    response = post_lead(partner_client, raw)
    assert response.status_code == 201, response.content
    data = response.json()
    lead = LeadSubmission.objects.get()
    assert set(data) == {
        "id",
        "reference",
        "status",
        "kind",
        "company",
        "matched_existing_case",
        "created_at",
        "updated_at",
    }
    assert data["id"] == str(lead.pk)
    assert data["status"] == "received" and data["kind"] == "takeover"
    assert data["matched_existing_case"] is False
    assert data["company"] == {
        "name": "Menuiserie Durand",
        "siren": valid_siren(101),
        "naf_code": "62.01Z",
        "postal_code": "35000",
        "city": "Rennes",
        "employees": 12,
    }
    assert response["Location"].endswith(f"{LEADS}{lead.pk}/")
    case = lead.case
    assert data["reference"] == case.reference
    assert case.stage == Stage.LEAD and case.regional_union.code == "ouest"
    assert case.source == CaseSource.PARTNER and case.source_partner == partner
    assert case.assigned_officer == officer and case.jobs_at_stake == 12
    assert lead.raw_body == raw and lead.external_ref == "EXT-1" and lead.partner == partner
    change = case.stage_changes.get()
    assert change.by is None and change.target_stage == Stage.LEAD
    person = Person.objects.get(organisation=case.organisation)
    assert person.lawful_basis == LawfulBasis.CONSENT
    assert person.consent_date == timezone.localdate()
    assert person.source == "Signalement Banque Alpha"


@pytest.mark.django_db
def test_raw_body_is_kept_byte_for_byte(partner_client, officer):
    raw = '{ "kind":"creation",  "company":{"name":"Scop à créer","postal_code":"35000"},' + (
        '"contact":{"first_name":"Zoé","last_name":"Martin","role":"founder"},'
        '"summary":"Projet","consent":{"contact_agreed":true}}'
    )
    assert post_lead(partner_client, raw).status_code == 201
    lead = LeadSubmission.objects.get()
    assert lead.raw_body == raw
    assert lead.payload["company"]["siren"] is None


@pytest.mark.django_db
def test_creation_needs_no_siren_and_creates_an_organisation_each_time(partner_client, officer):
    body = lead_body(kind="creation", company__siren=DELETE, external_ref=DELETE)
    assert post_lead(partner_client, body).status_code == 201
    assert post_lead(partner_client, body).status_code == 201
    assert Organisation.objects.filter(siren__isnull=True).count() == 2
    assert Case.objects.count() == 2


# --- Validation and mass assignment ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"company__siren": "123456788"}, "company.siren"),
        ({"company__siren": "12345678"}, "company.siren"),
        ({"company__siren": "٧٣٢٨٢٩٣٢٠"}, "company.siren"),  # Luhn-valid, Arabic-Indic digits
        ({"company__siren": DELETE}, "company.siren"),
        ({"company__siren": ""}, "company.siren"),
        ({"kind": "takeover_distress", "company__siren": None}, "company.siren"),
        ({"company__naf_code": "99.99Z"}, "company.naf_code"),
        ({"company__naf_code": "62.01"}, "company.naf_code"),
        ({"company__postal_code": DELETE}, "company.postal_code"),
        ({"company__postal_code": "3500"}, "company.postal_code"),
        ({"company__postal_code": "99000"}, "company.postal_code"),
        ({"company__postal_code": "ABCDE"}, "company.postal_code"),
        ({"company__employees": -1}, "company.employees"),
        ({"company__employees": 100_001}, "company.employees"),
        ({"company__name": ""}, "company.name"),
        ({"company__name": "x" * 201}, "company.name"),
        ({"contact__role": "boss"}, "contact.role"),
        ({"contact__first_name": DELETE}, "contact.first_name"),
        ({"contact__last_name": ""}, "contact.last_name"),
        ({"contact__email": "not-an-email"}, "contact.email"),
        ({"summary": ""}, "summary"),
        ({"summary": "x" * 5001}, "summary"),
        ({"summary": DELETE}, "summary"),
        ({"external_ref": "x" * 101}, "external_ref"),
        ({"kind": "merger"}, "kind"),
        ({"consent__contact_agreed": False}, "consent.contact_agreed"),
        ({"consent__contact_agreed": "true"}, "consent.contact_agreed"),
        ({"consent": DELETE}, "consent"),
        ({"consent__contact_agreed": DELETE}, "consent.contact_agreed"),
    ],
)
def test_invalid_fields_are_400_keyed_by_path(partner_client, overrides, path):
    body = assert_problem(
        post_lead(partner_client, lead_body(**overrides)), 400, "validation-error"
    )
    assert path in body["errors"], body["errors"]
    assert not LeadSubmission.objects.exists() and not Case.objects.exists()


@pytest.mark.django_db
def test_boundaries_are_accepted(partner_client, officer):
    body = lead_body(
        company__employees=100_000,
        company__naf_code="62.01Z",
        summary="x" * 5000,
        external_ref="r" * 100,
        company__name="n" * 200,
    )
    assert post_lead(partner_client, body).status_code == 201
    body = lead_body(
        company__siren=valid_siren(102), company__employees=0, summary="x", external_ref=DELETE
    )
    assert post_lead(partner_client, body).status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field", ["id", "status", "stage", "partner", "officer", "case", "reference", "unknown"]
)
def test_forbidden_and_unknown_top_level_fields_are_named(partner_client, field):
    body = lead_body()
    body[field] = "x"
    problem = assert_problem(post_lead(partner_client, body), 400, "validation-error")
    assert list(problem["errors"]) == [field]
    assert not LeadSubmission.objects.exists()


@pytest.mark.django_db
def test_unknown_nested_fields_are_named_by_path(partner_client):
    body = lead_body()
    body["company"]["departement"] = "75"
    body["contact"]["lawful_basis"] = "contract"
    body["consent"]["date"] = "2020-01-01"
    problem = assert_problem(post_lead(partner_client, body), 400)
    assert {"company.departement", "contact.lawful_basis", "consent.date"} <= set(problem["errors"])


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["[]", '"lead"', "{not json", ""])
def test_malformed_or_non_object_bodies_are_400(partner_client, raw):
    assert post_lead(partner_client, raw).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "text/plain", "application/xml"]
)
def test_non_json_is_415_and_kept(partner_client, content_type):
    response = partner_client.post(LEADS, json.dumps(lead_body()), content_type=content_type)
    assert_problem(response, 415, "unsupported-media-type")
    assert RejectedSubmission.objects.get().status_code == 415


@pytest.mark.django_db
def test_every_rejection_is_kept_for_support(partner_client, partner, settings):
    assert post_lead(partner_client, lead_body(company__siren="1")).status_code == 400
    padded = lead_body(summary="x" * (65 * 1024))
    assert_problem(post_lead(partner_client, padded), 413, "payload-too-large")
    post_lead(partner_client, lead_body(company__postal_code="97500"))  # no département
    statuses = sorted(RejectedSubmission.objects.values_list("status_code", flat=True))
    assert statuses == [400, 400, 413]
    first = RejectedSubmission.objects.filter(status_code=400).earliest("received_at")
    assert first.partner == partner and "company.siren" in first.errors


@pytest.mark.django_db
def test_no_regional_union_for_the_departement_is_422_and_kept(partner_client, monkeypatch):
    monkeypatch.setattr("transmission.intake.regional_union_for_departement", lambda *a: None)
    problem = assert_problem(post_lead(partner_client), 422, "unprocessable")
    assert "company.postal_code" in problem["errors"]
    assert not LeadSubmission.objects.exists() and not Case.objects.exists()
    assert RejectedSubmission.objects.get().status_code == 422


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_field_check_refused_by_the_database_is_400_naming_the_field(
    organisation_check, partner_client, officer
):
    response = post_lead(
        partner_client, lead_body(company__employees=150), HTTP_IDEMPOTENCY_KEY="check-1"
    )
    problem = assert_problem(response, 400, "validation-error")
    assert problem["errors"] == {"company.employees": ["Pas plus de cent salariés."]}
    assert not Organisation.objects.exists() and not LeadSubmission.objects.exists()
    assert not IdempotencyRecord.objects.exists()  # the partner may send it again, corrected
    rejected = RejectedSubmission.objects.get()
    assert rejected.status_code == 400 and '"employees": 150' in rejected.body
    assert post_lead(partner_client, lead_body(company__employees=100)).status_code == 201


@pytest.mark.django_db
def test_naf_must_exist_in_the_nomenclature(partner_client, officer):
    code = NafEntry.objects.filter(level="subclass", version="rev2").first().code
    assert post_lead(partner_client, lead_body(company__naf_code=code)).status_code == 201


@pytest.mark.django_db
def test_authentication_is_required(api_client):
    assert_problem(post_lead(api_client), 401)
    assert_problem(api_client.get(LEADS), 401)


# --- Duplicates and idempotency ---------------------------------------------------------------


@pytest.mark.django_db
def test_same_external_ref_is_409_naming_the_existing_lead(partner_client, officer):
    first = post_lead(partner_client).json()
    other = lead_body(company__siren=valid_siren(103))
    problem = assert_problem(post_lead(partner_client, other), 409, "conflict")
    assert problem["lead_id"] == first["id"]
    assert problem["lead_url"].endswith(f"{LEADS}{first['id']}/")
    assert first["id"] in problem["detail"]
    assert LeadSubmission.objects.count() == 1 and Case.objects.count() == 1


@pytest.mark.django_db
def test_external_ref_is_unique_per_partner_only(partner_client, officer):
    assert post_lead(partner_client).status_code == 201
    other = client_for(PartnerFactory())
    assert post_lead(other).status_code == 201


@pytest.mark.django_db
def test_idempotency_key_replays_and_stores_nothing_new(partner_client, officer):
    first = post_lead(partner_client, HTTP_IDEMPOTENCY_KEY="k-1")
    again = post_lead(partner_client, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    # The very same bytes, key order included.
    assert first.content == again.content and again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert LeadSubmission.objects.count() == 1
    changed = lead_body(summary="Autre chose")
    assert_problem(post_lead(partner_client, changed, HTTP_IDEMPOTENCY_KEY="k-1"), 422)


@pytest.mark.django_db
def test_a_refused_request_releases_its_idempotency_key(partner_client, officer):
    bad = lead_body(company__siren="1")
    assert post_lead(partner_client, bad, HTTP_IDEMPOTENCY_KEY="k-2").status_code == 400
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_identical_leads_make_one_record(
    requires_postgresql, live_server, partner_key
):
    staff_user(Role.OFFICER, "ouest")
    results = post_concurrently(
        live_server.url + LEADS,
        [json.dumps(lead_body()).encode()] * 20,
        {
            "Authorization": f"Api-Key {partner_key}",
            "Content-Type": "application/json",
            "Idempotency-Key": "concurrent-lead",
        },
    )

    statuses = [status for status, _body in results]
    scoreboard.record("concurrency", trials=len(results), winners=LeadSubmission.objects.count())
    assert len(results) == 20
    assert set(statuses) <= {201, 409}, statuses
    assert LeadSubmission.objects.count() == 1
    assert Case.objects.count() == 1 and IdempotencyRecord.objects.count() == 1
    created = {json.dumps(json.loads(body), sort_keys=True) for s, body in results if s == 201}
    assert len(created) == 1
    lead_id = str(LeadSubmission.objects.get().pk)
    for status, body in results:
        problem = json.loads(body)
        if status == 201:
            assert problem["id"] == lead_id
        else:
            assert problem["type"] in (
                "/api/v1/problems/idempotency-key-in-use/",
                "/api/v1/problems/conflict/",  # same external_ref once the key is released
            )


# --- Matching an open case and assignment -------------------------------------------------------


@pytest.mark.django_db
def test_an_officers_open_case_gets_the_lead_and_a_task_but_the_partner_learns_nothing(
    partner_client, partner, officer
):
    other_officer = staff_user(Role.OFFICER, "ouest")
    organisation = OrganisationFactory(siren=valid_siren(101))
    case = CaseFactory(
        organisation=organisation, stage=Stage.FEASIBILITY, assigned_officer=other_officer
    )
    response = post_lead(partner_client)
    assert response.status_code == 201, response.content
    data = response.json()
    # Exactly the answer for an unknown company: same fields, received, no match, own reference.
    assert data["matched_existing_case"] is False and data["status"] == "received"
    assert data["reference"] != case.reference and case.reference not in response.content.decode()
    assert data["updated_at"] == data["created_at"]
    assert Case.objects.count() == 1
    lead = LeadSubmission.objects.get()
    assert lead.case == case and lead.matched_existing_case  # recorded for officers
    assert partner_client.get(f"{LEADS}{lead.pk}/").json() == data
    task = case.activities.get()
    assert task.kind == ActivityKind.TASK and task.assignee == other_officer
    assert "Banque Alpha" in task.subject
    assert task.due_on > timezone.localdate() and task.due_on.weekday() < 5
    assert Person.objects.filter(organisation=organisation, last_name="Durand").exists()


@pytest.mark.django_db
def test_partner_b_cannot_tell_that_partner_a_sent_the_company(partner_client, partner, officer):
    unknown = post_lead(partner_client).json()
    other = PartnerFactory(slug="banque-beta", name="Banque Beta")
    seen_by_b = post_lead(client_for(other), lead_body(external_ref="B-1")).json()
    assert set(seen_by_b) == set(unknown)
    assert seen_by_b["status"] == unknown["status"] == "received"
    assert seen_by_b["matched_existing_case"] is unknown["matched_existing_case"] is False
    assert seen_by_b["reference"] != unknown["reference"]
    case = Case.objects.get()
    lead_b = LeadSubmission.objects.get(partner=other)
    assert lead_b.case == case and lead_b.matched_existing_case
    assert case.activities.count() == 1  # the officer's task: the match is for officers
    assert client_for(other).get(LEADS).json()["results"] == [seen_by_b]


@pytest.mark.django_db
@pytest.mark.parametrize("stage", [Stage.ON_HOLD, Stage.LEAD, Stage.CLOSING])
def test_on_hold_and_every_active_stage_count_as_open(partner_client, officer, stage):
    organisation = OrganisationFactory(siren=valid_siren(101))
    case = CaseFactory(organisation=organisation, stage=stage, **stage_data(stage))
    assert post_lead(partner_client).status_code == 201
    lead = LeadSubmission.objects.get()
    assert lead.case == case and lead.matched_existing_case


@pytest.mark.django_db
@pytest.mark.parametrize("stage", [Stage.ABANDONED, Stage.DECLINED, Stage.INCORPORATED])
def test_a_closed_case_does_not_match_a_new_case_is_opened(partner_client, officer, stage):
    organisation = OrganisationFactory(siren=valid_siren(101))
    old = CaseFactory(organisation=organisation, stage=stage, **stage_data(stage))
    data = post_lead(partner_client).json()
    assert data["matched_existing_case"] is False and data["status"] == "received"
    new = LeadSubmission.objects.get().case
    assert new != old and new.organisation == organisation


@pytest.mark.django_db
def test_least_loaded_officer_of_the_ur_gets_the_case(partner_client):
    busy = staff_user(Role.OFFICER, "ouest")
    free_a = staff_user(Role.OFFICER, "ouest")
    free_b = staff_user(Role.OFFICER, "ouest")
    staff_user(Role.OFFICER, "ara")  # no case at all, but another UR
    staff_user(Role.DIRECTOR, "ouest")  # directors are not in the rotation
    CaseFactory(assigned_officer=busy)
    CaseFactory(assigned_officer=free_b, stage=Stage.ABANDONED, **stage_data(Stage.ABANDONED))
    data = post_lead(partner_client).json()
    assert LeadSubmission.objects.get(pk=data["id"]).case.assigned_officer == free_a  # tie: id
    second = post_lead(
        partner_client, lead_body(company__siren=valid_siren(104), external_ref="EXT-2")
    )
    assert LeadSubmission.objects.get(pk=second.json()["id"]).case.assigned_officer == free_b


@pytest.mark.django_db
def test_unassigned_queue_rule_leaves_the_case_unassigned(partner_client, officer):
    from tests.factories import regional_union
    from transmission.models import LeadAssignmentMode, LeadAssignmentRule

    LeadAssignmentRule.objects.create(
        regional_union=regional_union("ouest"), mode=LeadAssignmentMode.UNASSIGNED_QUEUE
    )
    data = post_lead(partner_client).json()
    assert LeadSubmission.objects.get(pk=data["id"]).case.assigned_officer is None


@pytest.mark.django_db
def test_the_case_opens_in_the_ur_of_the_postal_code(partner_client):
    lyon = staff_user(Role.OFFICER, "ara")
    data = post_lead(partner_client, lead_body(company__postal_code="69001")).json()
    case = LeadSubmission.objects.get(pk=data["id"]).case
    assert case.regional_union.code == "ara" and case.assigned_officer == lyon


# --- Reads, statuses and BOLA ---------------------------------------------------------------------


def _lead_in_stage(partner, stage, **fields):
    # A case this partner's lead opened: the partner sees its status.
    case = CaseFactory(stage=stage, source_partner=partner, **stage_data(stage))
    return LeadSubmission.objects.create(
        partner=partner, case=case, kind=case.kind, raw_body="{}", payload=fields or {
            "company": {"name": "X", "siren": None, "naf_code": "", "postal_code": "35000",
                        "city": "", "employees": None}
        },
    )  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stage", "status"),
    [
        (Stage.LEAD, "received"),
        (Stage.QUALIFICATION, "in_progress"),
        (Stage.FEASIBILITY, "in_progress"),
        (Stage.STRUCTURING, "in_progress"),
        (Stage.FINANCING, "in_progress"),
        (Stage.CLOSING, "in_progress"),
        (Stage.ON_HOLD, "in_progress"),
        (Stage.INCORPORATED, "incorporated"),
        (Stage.ABANDONED, "closed"),
        (Stage.DECLINED, "closed"),
    ],
)
def test_the_four_partner_statuses(partner_client, partner, stage, status):
    lead = _lead_in_stage(partner, stage)
    data = partner_client.get(f"{LEADS}{lead.pk}/").json()
    assert data["status"] == status
    assert "stage" not in data and "officer" not in json.dumps(data)


@pytest.mark.django_db
def test_no_internal_data_is_exposed(partner_client, partner):
    lead = _lead_in_stage(partner, Stage.ABANDONED)
    Case.objects.filter(pk=lead.case_id).update(
        abandon_comment="Le dirigeant est pénible", next_action="Appeler la banque"
    )
    content = partner_client.get(f"{LEADS}{lead.pk}/").content.decode()
    for secret in ("pénible", "Appeler", "not_viable", "abandon", "assigned"):
        assert secret not in content


@pytest.mark.django_db
def test_partner_b_gets_the_same_404_on_partner_a_lead(partner_client, partner):
    lead = _lead_in_stage(partner, Stage.LEAD)
    other = client_for(PartnerFactory())
    theirs = other.get(f"{LEADS}{lead.pk}/")
    unknown = other.get(f"{LEADS}00000000-0000-0000-0000-000000000000/")
    garbage = other.get(f"{LEADS}not-a-uuid/")
    for response in (theirs, unknown, garbage):
        assert_problem(response, 404, "not-found")
    assert theirs.json() == unknown.json() == garbage.json()
    assert other.get(LEADS).json()["results"] == []
    assert partner_client.get(f"{LEADS}{lead.pk}/").status_code == 200


@pytest.mark.django_db
def test_list_filters_by_status_and_updated_since(partner_client, partner):
    received = _lead_in_stage(partner, Stage.LEAD)
    working = _lead_in_stage(partner, Stage.STRUCTURING)
    closed = _lead_in_stage(partner, Stage.DECLINED)
    LeadSubmission.objects.filter(pk=closed.pk).update(
        updated_at=timezone.now() - timedelta(days=10)
    )

    def ids(**params):
        return {row["id"] for row in partner_client.get(LEADS, params).json()["results"]}

    assert ids() == {str(received.pk), str(working.pk), str(closed.pk)}
    assert ids(status="in_progress") == {str(working.pk)}
    assert ids(status="closed") == {str(closed.pk)}
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert ids(updated_since=since) == {str(received.pk), str(working.pk)}
    # An empty typed filter is an error, not "no filter" (it would list every lead).
    for params in (
        {"status": "lead"},
        {"updated_since": "yesterday"},
        {"status": ""},
        {"updated_since": " "},
        {"stauts": "closed"},  # misspelt: refused rather than ignored
    ):
        problem = assert_problem(partner_client.get(LEADS, params), 400, "validation-error")
        assert set(problem["errors"]) == set(params)


@pytest.mark.django_db
def test_cursor_pagination_is_capped_at_100(partner_client, partner):
    for _ in range(105):
        _lead_in_stage(partner, Stage.LEAD)
    for size in (1000, 101, 0, -1, "many"):
        problem = assert_problem(partner_client.get(LEADS, {"page_size": size}), 400)
        assert set(problem["errors"]) == {"page_size"}
    page = partner_client.get(LEADS, {"page_size": 100}).json()
    assert len(page["results"]) == 100 and page["next"]
    rest = partner_client.get(page["next"]).json()
    assert len(rest["results"]) == 5 and rest["next"] is None
    seen = {r["id"] for r in page["results"]} | {r["id"] for r in rest["results"]}
    assert len(seen) == 105
    small = partner_client.get(LEADS, {"page_size": 2}).json()
    assert len(small["results"]) == 2
    assert len(partner_client.get(LEADS).json()["results"]) == 50
    for cursor in ("garbage", ""):
        assert_problem(partner_client.get(LEADS, {"cursor": cursor}), 400, "validation-error")


@pytest.mark.django_db
def test_staff_credentials_are_not_partner_credentials(client, partner):
    admin = staff_user(Role.DIRECTOR, "ouest")
    client.force_login(admin)
    assert_problem(client.get(LEADS), 401)


# --- OpenAPI --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_schema_documents_every_status_code_of_the_lead_operations(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    create = schema["paths"]["/api/v1/leads/"]["post"]
    assert {"201", "400", "401", "409", "413", "415", "422", "429", "500"} <= set(
        create["responses"]
    )
    assert "Location" in create["responses"]["201"]["headers"]
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    listing = schema["paths"]["/api/v1/leads/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"status", "updated_since", "cursor", "page_size"} <= names
    assert {"200", "400", "401", "429"} <= set(listing["responses"])
    detail = schema["paths"]["/api/v1/leads/{id}/"]["get"]
    assert {"200", "401", "404", "429"} <= set(detail["responses"])
    lead = schema["components"]["schemas"]["Lead"]["properties"]
    assert set(lead) == {
        "id",
        "reference",
        "status",
        "kind",
        "company",
        "matched_existing_case",
        "created_at",
        "updated_at",
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_leads_for_one_company_open_a_single_case(
    requires_postgresql, live_server, partner_key
):
    staff_user(Role.OFFICER, "ouest")
    # A company already known (say, an earlier abandoned project) with no open case: the
    # unique SIREN no longer serialises the leads, the row lock in lead_submit must.
    OrganisationFactory(siren=lead_body()["company"]["siren"], postal_code="35000")
    senders = 10
    results = post_concurrently(
        live_server.url + LEADS,
        [json.dumps(lead_body(external_ref=f"same-company-{n}")).encode() for n in range(senders)],
        {"Authorization": f"Api-Key {partner_key}", "Content-Type": "application/json"},
    )
    statuses = [status for status, _body in results]
    scoreboard.record("concurrency", trials=senders, winners=Case.objects.count())

    assert statuses == [201] * senders
    assert Case.objects.count() == 1
    assert LeadSubmission.objects.filter(case=Case.objects.get()).count() == senders
    assert LeadSubmission.objects.filter(matched_existing_case=True).count() == senders - 1


# --- Postal codes spanning two départements (issue 10 §6) ---------------------------------------


@pytest.mark.django_db
def test_a_postal_code_across_a_ur_border_is_placed_by_the_city(partner_client):
    staff_user(Role.OFFICER, "ara")
    body = lead_body(company__postal_code="48250", company__city="Laveyrune")
    response = post_lead(partner_client, body)
    assert response.status_code == 201, response.content
    case = LeadSubmission.objects.get().case
    assert case.regional_union.code == "ara"
    assert case.organisation.departement_id == "07"


@pytest.mark.django_db
def test_an_ambiguous_postal_code_without_city_is_refused_naming_the_city(partner_client):
    body = lead_body(company__postal_code="01590", company__city=DELETE)
    problem = assert_problem(post_lead(partner_client, body), 400)
    assert set(problem["errors"]) == {"company.city"}
    assert "01590" in problem["errors"]["company.city"][0]
    assert not LeadSubmission.objects.exists() and not Case.objects.exists()


@pytest.mark.django_db
def test_a_postal_code_that_does_not_exist_is_refused_naming_it(partner_client):
    body = lead_body(company__postal_code="01999")
    problem = assert_problem(post_lead(partner_client, body), 400)
    assert set(problem["errors"]) == {"company.postal_code"}
    assert not LeadSubmission.objects.exists()


# --- NAF version (issue 10 §5) -------------------------------------------------------------------


def _code_only_in(version: str, other: str) -> str:
    from crm.models.naf import NafLevel

    others = NafEntry.objects.filter(version=other, level=NafLevel.SUBCLASS).values("code")
    entry = (
        NafEntry.objects.filter(version=version, level=NafLevel.SUBCLASS)
        .exclude(code__in=others)
        .order_by("code")
        .first()
    )
    assert entry is not None, f"no sub-class of {version} missing from {other}"
    return entry.code


@pytest.mark.django_db
def test_the_naf_code_is_judged_in_the_given_version(partner_client, officer):
    from crm.models.naf import NafVersion

    rev2_only = _code_only_in(NafVersion.REV2, NafVersion.NAF2025)
    refused = post_lead(
        partner_client,
        lead_body(company__naf_code=rev2_only, company__naf_version=NafVersion.NAF2025),
    )
    problem = assert_problem(refused, 400)
    assert set(problem["errors"]) == {"company.naf_code"}
    assert not LeadSubmission.objects.exists()
    accepted = post_lead(
        partner_client,
        lead_body(company__naf_code=rev2_only, company__naf_version=NafVersion.REV2),
    )
    assert accepted.status_code == 201, accepted.content
    organisation = LeadSubmission.objects.get().case.organisation
    assert (organisation.naf_code, organisation.naf_version) == (rev2_only, NafVersion.REV2)


@pytest.mark.django_db
def test_the_naf_version_defaults_to_the_one_in_force(partner_client, officer):
    from crm.naf import naf_version_for

    assert post_lead(partner_client).status_code == 201
    lead = LeadSubmission.objects.get()
    assert lead.payload["company"]["naf_version"] == naf_version_for(timezone.localdate())
    assert lead.case.organisation.naf_version == naf_version_for(timezone.localdate())


@pytest.mark.django_db
def test_an_unknown_naf_version_is_refused_naming_it(partner_client, officer):
    problem = assert_problem(post_lead(partner_client, lead_body(company__naf_version="1993")), 400)
    assert set(problem["errors"]) == {"company.naf_version"}
