"""``lead.status_changed``: queued in the transition's transaction for each lead whose
partner-visible status changes, signed, retried after a failing receiver."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from api import services
from api.models import WebhookDelivery, WebhookDeliveryStatus
from api.webhooks.leads import lead_status_changed
from crm.roles import Role
from tests.api.test_leads import lead_body, post_lead
from tests.factories import PartnerFactory, staff_user
from tests.transmission.factories import CaseFactory, complete_data
from transmission import events
from transmission.choices import AbandonReason, CaseKind, DeclineReason, Stage, TargetForm
from transmission.models import Case, LeadSubmission
from transmission.partner_updates import leads_touch_on_status_change
from transmission.services import TransitionRefused, case_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return staff_user(Role.OFFICER, "ouest")


@pytest.fixture
def director():
    return staff_user(Role.DIRECTOR, "ouest")


def _lead(partner, case):
    if case.source_partner_id is None:
        # The case this partner's lead opened (only that partner follows its status).
        Case.objects.filter(pk=case.pk).update(source_partner=partner)
        case.source_partner = partner
    return LeadSubmission.objects.create(
        partner=partner,
        case=case,
        kind=case.kind,
        raw_body="{}",
        payload={"company": {"name": "X", "siren": None, "naf_code": "", "postal_code": "35000",
                             "city": "", "employees": None}},
        created_at=timezone.now() - timedelta(days=3),
        updated_at=timezone.now() - timedelta(days=3),
    )  # fmt: skip


def test_the_api_listens_to_stage_changes():
    assert lead_status_changed in events.stage_change_listeners()


def test_transmission_bumps_its_leads_before_the_api_announces_them():
    # The webhook body carries the bumped ``updated_at``: transmission's listener comes first.
    listeners = events.stage_change_listeners()
    assert listeners.index(leads_touch_on_status_change) < listeners.index(lead_status_changed)


def test_transmission_bumps_the_leads_without_any_webhook(partner, officer):
    # No endpoint anywhere: the rule belongs to transmission, not to the webhook.
    case = CaseFactory(assigned_officer=officer)
    lead = _lead(partner, case)
    case_transition(case=case, name="qualify", by=officer)
    lead.refresh_from_db()
    assert lead.updated_at == case.stage_changes.last().at
    assert not WebhookDelivery.objects.exists()


def test_a_lead_on_another_partners_case_keeps_its_received_instant(partner, officer):
    # Its partner is told "received" for ever: nothing stored says the case moved.
    case = CaseFactory(assigned_officer=officer)
    own = _lead(partner, case)
    other_partner = PartnerFactory()
    hidden = _lead(other_partner, case)
    received_at = hidden.updated_at
    case_transition(case=case, name="qualify", by=officer)
    own.refresh_from_db()
    hidden.refresh_from_db()
    assert own.updated_at == case.stage_changes.last().at
    assert hidden.updated_at == received_at


def test_status_change_is_signed_delivered_and_retried(
    partner_client, partner, endpoint, receiver, officer
):
    created = post_lead(partner_client).json()
    lead = LeadSubmission.objects.get(pk=created["id"])
    assert not WebhookDelivery.objects.exists()  # opening the case is not a change

    case_transition(case=lead.case, name="qualify", by=officer)

    delivery = WebhookDelivery.objects.get()
    lead.refresh_from_db()
    change = lead.case.stage_changes.last()
    assert lead.updated_at == change.at
    assert delivery.event_type == "lead.status_changed"
    document = json.loads(delivery.body)
    assert list(document) == ["event", "lead", "occurred_at"]
    assert document["event"] == "lead.status_changed"
    assert document["occurred_at"] == change.at.isoformat()
    assert document["lead"] == {
        **created,
        "status": "in_progress",
        "updated_at": document["lead"]["updated_at"],
    }
    assert document["lead"]["updated_at"] != created["updated_at"]
    assert parse_datetime(document["lead"]["updated_at"]) == change.at

    receiver.statuses = [500]
    now = timezone.now()
    assert services.webhook_deliver_due(now=now) == 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookDeliveryStatus.PENDING and delivery.last_status == 500
    assert services.webhook_deliver_due(now=now + timedelta(minutes=1)) == 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookDeliveryStatus.DELIVERED and delivery.attempts == 2

    (_h1, body1), (headers, body) = receiver.received
    assert body1 == body == delivery.body.encode()
    expected = hmac.new(endpoint.secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Releve-Signature"] == f"sha256={expected}"
    assert headers["X-Releve-Event-Id"] == str(delivery.event_id)
    assert json.loads(body)["lead"]["id"] == created["id"]


def test_the_outbox_row_rolls_back_with_the_transition(partner, endpoint, officer):
    case = CaseFactory(assigned_officer=officer)
    lead = _lead(partner, case)
    before = lead.updated_at

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        case_transition(case=case, name="qualify", by=officer)
        assert WebhookDelivery.objects.count() == 1
        raise Abort
    assert not WebhookDelivery.objects.exists()
    lead.refresh_from_db()
    assert lead.updated_at == before


def test_a_refused_transition_queues_nothing(partner, endpoint, officer):
    case = CaseFactory()  # no officer: qualify is refused by its guard
    _lead(partner, case)
    director = staff_user(Role.DIRECTOR, "ouest")
    with pytest.raises(TransitionRefused) as refused:
        case_transition(case=case, name="qualify", by=director)
    assert type(refused.value) is TransitionRefused  # a guard, not the permission
    assert not WebhookDelivery.objects.exists()


def test_no_webhook_when_the_partner_status_stays_the_same(partner, endpoint, officer):
    case = CaseFactory(
        stage=Stage.FEASIBILITY, assigned_officer=officer, **complete_data(CaseKind.TAKEOVER)
    )
    lead = _lead(partner, case)
    before = lead.updated_at
    case_transition(case=case, name="start_structuring", by=officer)  # in_progress → in_progress
    review_on = timezone.localdate() + timedelta(days=30)
    case_transition(case=case, name="put_on_hold", by=officer, review_on=review_on)
    case_transition(case=case, name="resume", by=officer)
    assert case.stage == Stage.STRUCTURING
    assert not WebhookDelivery.objects.exists()
    lead.refresh_from_db()
    assert lead.updated_at == before


@pytest.mark.parametrize(
    ("stage", "name", "data", "status"),
    [
        (Stage.CLOSING, "incorporate", "incorporate", "incorporated"),
        (Stage.FINANCING, "abandon", {"abandon_reason": AbandonReason.NOT_VIABLE}, "closed"),
        (Stage.LEAD, "decline", {"decline_reason": DeclineReason.SPAM}, "closed"),
        (Stage.LEAD, "abandon", {"abandon_reason": AbandonReason.NOT_VIABLE}, "closed"),
    ],
)
def test_each_status_change_is_announced(partner, endpoint, officer, stage, name, data, status):
    case = CaseFactory(stage=stage, assigned_officer=officer, **complete_data(CaseKind.TAKEOVER))
    _lead(partner, case)
    if data == "incorporate":
        data = {
            "cooperative_siren": "732829320",
            "target_form": TargetForm.SCOP_SARL,
            "registered_on": timezone.localdate(),
        }
    case_transition(case=case, name=name, by=officer, **data)
    document = WebhookDelivery.objects.get().payload
    assert document["lead"]["status"] == status
    assert "abandon" not in json.dumps(document) and "not_viable" not in json.dumps(document)


def test_reopening_an_abandoned_case_is_announced(partner, endpoint, officer, director):
    case = CaseFactory(assigned_officer=officer)
    _lead(partner, case)
    case_transition(case=case, name="abandon", by=officer, abandon_reason=AbandonReason.PRICE_GAP)
    case_transition(case=case, name="reopen", by=director)
    statuses = [d.payload["lead"]["status"] for d in WebhookDelivery.objects.order_by("created_at")]
    assert statuses == ["closed", "received"]


def test_only_the_partner_whose_lead_opened_the_case_hears_of_it(
    partner, endpoint, receiver, officer
):
    other = PartnerFactory()
    services.webhook_endpoint_register(partner=other, url=receiver.url + "/b")
    silent = PartnerFactory()  # no endpoint
    case = CaseFactory(assigned_officer=officer)
    leads = [_lead(partner, case), _lead(other, case), _lead(silent, case)]
    case_transition(case=case, name="qualify", by=officer)
    deliveries = {d.endpoint_id: d.payload["lead"]["id"] for d in WebhookDelivery.objects.all()}
    # The other partners' leads joined a case they may not see: no event for them.
    assert deliveries == {endpoint.pk: str(leads[0].pk)}


def test_a_lead_on_an_officers_case_does_not_follow_it(partner_client, partner, endpoint, officer):
    from tests.factories import OrganisationFactory, valid_siren

    case = CaseFactory(
        organisation=OrganisationFactory(siren=valid_siren(101)), assigned_officer=officer
    )
    created = post_lead(partner_client, lead_body()).json()
    assert created["matched_existing_case"] is False and created["status"] == "received"
    since = timezone.now().isoformat()
    case_transition(case=case, name="qualify", by=officer)
    assert not WebhookDelivery.objects.exists()
    assert partner_client.get(f"/api/v1/leads/{created['id']}/").json()["status"] == "received"
    rows = partner_client.get("/api/v1/leads/", {"updated_since": since}).json()["results"]
    assert rows == []
    in_progress = partner_client.get("/api/v1/leads/", {"status": "in_progress"}).json()
    assert in_progress["results"] == []


def test_a_second_lead_on_the_partners_own_case_follows_it(
    partner_client, partner, endpoint, officer
):
    first = post_lead(partner_client, lead_body()).json()
    second = post_lead(partner_client, lead_body(external_ref="EXT-2")).json()
    assert second["matched_existing_case"] is True and second["reference"] == first["reference"]
    case = LeadSubmission.objects.get(pk=first["id"]).case
    case_transition(case=case, name="qualify", by=officer)
    announced = {d.payload["lead"]["id"] for d in WebhookDelivery.objects.all()}
    assert announced == {first["id"], second["id"]}
    assert partner_client.get(f"/api/v1/leads/{second['id']}/").json()["status"] == "in_progress"
