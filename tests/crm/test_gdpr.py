"""GDPR: export, erasure and purge of a person across every app (crm.gdpr)."""

import datetime
import json

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, models, transaction
from django.urls import reverse
from django.utils import timezone

from api import services as api_services
from crm import gdpr
from crm.actors import SYSTEM
from crm.models import GdprOperation, Person
from crm.redaction import REDACTED, history_redaction, redact_row, redact_text
from crm.roles import Role
from financement.models import LineDecision
from tests import scoreboard
from tests.factories import PartnerFactory, staff_user, valid_siren
from tests.financement.factories import BANK_LOAN, line_in, plan_for
from transmission import intake, services
from transmission.choices import ActivityKind, CaseKind, Stage
from transmission.models import Activity, Case, LeadSubmission, StageChange

pytestmark = pytest.mark.django_db

EMAIL = "paul.morel@example.invalid"
PHONE = "0601020304"
FULL_NAME = "Paul Morel"


def _lead(siren_serial: int, *, first="Paul", last="Morel", email=EMAIL, phone=PHONE) -> dict:
    return {
        "kind": CaseKind.TAKEOVER,
        "company": {
            "name": "Imprimerie Morel",
            "siren": valid_siren(siren_serial),
            "naf_code": "",
            "postal_code": "35000",
            "city": "Rennes",
            "employees": 8,
        },
        "contact": {
            "first_name": first,
            "last_name": last,
            "email": email,
            "phone": phone,
            "role": "owner",
        },
        "summary": f"Le dirigeant, {first} {last}, part en retraite.",
        "external_ref": "",
        "consent": {"contact_agreed": True},
    }


@pytest.fixture
def world():
    """Paul Morel's data everywhere a person's data can go, and a bystander's."""
    officer = staff_user(Role.OFFICER, "ouest")
    partner = PartnerFactory(name="CCI Démo")
    lead = intake.lead_submit(
        partner=partner, data=_lead(301), raw_body=json.dumps(_lead(301), ensure_ascii=False)
    )
    case = lead.case
    Case.objects.filter(pk=case.pk).update(assigned_officer=officer)
    case.refresh_from_db()
    services.activity_create(
        case=case,
        by=officer,
        kind=ActivityKind.CALL,
        subject=f"Appel de {FULL_NAME}",
        notes=f"Rappeler {FULL_NAME} au {PHONE} ou {EMAIL}.",
    )
    services.case_transition(
        case=case, name="qualify", by=officer, comment=f"RDV pris avec {FULL_NAME}."
    )
    line = line_in(plan_for(case, price="100000"), BANK_LOAN, "50000")
    line.comment = f"Garantie personnelle de {FULL_NAME} demandée"
    line.save(update_fields=["comment"])
    LineDecision.objects.create(
        line=line,
        transition="request",
        source_status="planned",
        target_status="planned",
        by=officer,
        comment=f"Dossier déposé par {FULL_NAME}",
    )
    api_services.rejected_submission_record(
        partner=partner,
        endpoint="/api/v1/leads/",
        status_code=400,
        errors={"contact.email": ["invalide"]},
        body=json.dumps({"contact": {"email": EMAIL, "last_name": "Morel"}}).encode(),
    )
    bystander = intake.lead_submit(
        partner=partner,
        data=_lead(302, first="Lucie", last="Garnier", email="lucie@example.invalid", phone=""),
        raw_body="{}",
    )
    return {"officer": officer, "case": case, "bystander": bystander}


def _text_columns():
    for model in apps.get_models():
        if model._meta.app_label not in {"crm", "filieres", "transmission", "financement", "api"}:
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        if fields:
            yield model, fields


def _residues(values) -> list[str]:
    """Every (model, field, row) of a text or JSON column that still holds one of the values."""
    found = []
    for model, fields in _text_columns():
        for row in model._base_manager.values("pk", *fields):
            for name in fields:
                text = json.dumps(row[name], ensure_ascii=False).casefold()
                found += [
                    f"{model._meta.label}.{name}#{row['pk']}: {value}"
                    for value in values
                    if value.casefold() in text
                ]
    return found


def test_export_gathers_every_source_and_is_logged_without_the_address(world):
    data = gdpr.gdpr_export(email=EMAIL.upper(), by=SYSTEM)
    assert [row["email"] for row in data["data"]["crm.person"]] == [EMAIL]
    records = {row["record"] for row in data["data"]["transmission"]}
    assert records == {"lead_submission", "activity", "stage_change"}
    assert {row["record"] for row in data["data"]["financement"]} == {
        "financing_line",
        "line_decision",
    }
    assert [row["record"] for row in data["data"]["api"]] == ["rejected_submission"]
    operation = GdprOperation.objects.get()
    assert operation.kind == "export" and operation.by is None
    assert EMAIL not in json.dumps(operation.counts) and EMAIL not in operation.subject_hash
    assert operation.subject_hash == gdpr.subject_hash(EMAIL)


def test_erasure_leaves_no_trace_in_any_text_column_and_keeps_the_counts(world):
    before = {m: m._base_manager.count() for m in (Case, StageChange, Person, Activity)}
    assert _residues([EMAIL, PHONE, FULL_NAME])  # the world does hold them
    counts = gdpr.gdpr_erase(email=EMAIL, by=staff_user(Role.ADMINISTRATOR))
    assert counts["crm.person"] == 1 and counts["transmission"] >= 3
    residues = _residues([EMAIL, PHONE, FULL_NAME])
    scoreboard.record("gdpr", residues=len(residues))
    assert residues == []
    assert {m: m._base_manager.count() for m in before} == before
    # The bystander is untouched, history is still history.
    bystander = Person.objects.get(email="lucie@example.invalid")
    assert (bystander.first_name, bystander.last_name) == ("Lucie", "Garnier")
    assert LeadSubmission.objects.get(pk=world["bystander"].pk).payload["contact"]["email"] == (
        "lucie@example.invalid"
    )
    change = StageChange.objects.get(case=world["case"], transition="qualify")
    assert change.comment == f"RDV pris avec {REDACTED}." and change.target_stage == "qualification"


def test_history_stays_immutable_outside_a_redaction(world):
    change = StageChange.objects.filter(case=world["case"]).first()
    table = StageChange._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET comment = 'changed' WHERE id = %s", [change.pk])
    with transaction.atomic():
        with history_redaction(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET comment = 'redacted' WHERE id = %s", [change.pk])
        # The door closes with the block.
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET comment = 'again' WHERE id = %s", [change.pk])
    change.refresh_from_db()
    assert change.comment == "redacted"


def test_only_administrators_or_the_system_handle_gdpr_requests(world):
    for user in (None, world["officer"], staff_user(Role.DIRECTOR, "ouest")):
        with pytest.raises(PermissionDenied):
            gdpr.gdpr_erase(email=EMAIL, by=user)
    assert Person.objects.filter(email=EMAIL).exists()
    with pytest.raises(ValidationError):
        gdpr.gdpr_export(email="pas-une-adresse", by=SYSTEM)


def test_purge_erases_the_people_of_stale_declined_leads_only():
    partner = PartnerFactory()
    officer = staff_user(Role.OFFICER, "ouest")
    stale = intake.lead_submit(partner=partner, data=_lead(401), raw_body="{}").case
    recent = intake.lead_submit(
        partner=partner,
        data=_lead(402, first="Anne", last="Leroy", email="anne@example.invalid"),
        raw_body="{}",
    ).case
    open_case = intake.lead_submit(
        partner=partner,
        data=_lead(403, first="Jean", last="Roux", email="jean@example.invalid"),
        raw_body="{}",
    ).case
    for case in (stale, recent):
        Case.objects.filter(pk=case.pk).update(assigned_officer=officer)
        case.refresh_from_db()
        services.case_transition(case=case, name="decline", by=officer, decline_reason="duplicate")
    four_years_ago = timezone.now() - datetime.timedelta(days=4 * 365)
    # History rows are immutable: move the clock of the stale case through a redaction.
    with transaction.atomic(), history_redaction():
        for change in StageChange.objects.filter(case=stale):
            redact_row(StageChange, change.pk, at=four_years_ago)
    Activity.objects.filter(case=stale).update(created_at=four_years_ago)
    counts = gdpr.gdpr_purge(by=SYSTEM)
    assert counts["people"] == 1
    assert not Person.objects.filter(email=EMAIL).exists()
    assert Person.objects.filter(email="anne@example.invalid").exists()  # declined lately
    assert Person.objects.filter(email="jean@example.invalid").exists()  # still open
    assert open_case.stage == Stage.LEAD
    assert gdpr.gdpr_purge(by=SYSTEM)["people"] == 0  # nothing left to purge
    assert GdprOperation.objects.filter(kind="purge").count() == 2


def test_the_command_exports_and_erases(world, capsys):
    call_command("gdpr", "export", "--email", EMAIL)
    exported = json.loads(capsys.readouterr().out)
    assert exported["data"]["crm.person"][0]["phone"] == PHONE
    call_command("gdpr", "erase", "--email", EMAIL, "--yes")
    assert "crm.person: 1" in capsys.readouterr().out
    assert not Person.objects.filter(email=EMAIL).exists()


def test_the_admin_exports_and_erases_after_confirmation(world, client):
    person = Person.objects.get(email=EMAIL)
    url = reverse("admin:crm_person_changelist")
    client.force_login(world["officer"])
    response = client.get(url)
    assert b"gdpr_erase" not in response.content
    client.force_login(staff_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    exported = client.post(url, {"action": "gdpr_export", "_selected_action": [person.pk]})
    assert exported["Content-Type"].startswith("application/json")
    assert json.loads(exported.content)[0]["data"]["crm.person"][0]["email"] == EMAIL
    asked = client.post(url, {"action": "gdpr_erase", "_selected_action": [person.pk]})
    assert asked.status_code == 200 and Person.objects.filter(email=EMAIL).exists()
    done = client.post(
        url, {"action": "gdpr_erase", "_selected_action": [person.pk], "confirmed": "yes"}
    )
    assert done.status_code == 302
    assert not Person.objects.filter(email=EMAIL).exists()
    assert GdprOperation.objects.filter(kind="erase").count() == 1


def test_redaction_replaces_every_spelling_longest_first():
    text = "Paul MOREL a écrit à paul.morel@example.invalid ; M. Morel rappellera."
    assert redact_text(text, ["Paul Morel", "Morel", "paul.morel@example.invalid"]) == (
        f"{REDACTED} a écrit à {REDACTED} ; M. {REDACTED} rappellera."
    )
