"""Issue 13 §3: concurrent leads for one new SIREN on PostgreSQL: no 500, one organisation,
one case, every lead kept; and whatever makes a write answer 5xx, its body is kept.

Real HTTP to the live server (one thread and one database connection per request)."""

import json
import threading

import pytest
from django.db import connection

from api import services
from api.models import RejectedSubmission
from crm.models import Organisation
from crm.roles import Role
from tests.api.conftest import post_concurrently
from tests.api.test_leads import lead_body
from tests.factories import PartnerFactory, staff_user, valid_siren
from transmission.models import Case, LeadSubmission

LEADS = "/api/v1/leads/"
PARTNERS, LEADS_PER_PARTNER = 4, 5


def _headers(key: str, **extra) -> dict:
    return {"Authorization": f"Api-Key {key}", "Content-Type": "application/json", **extra}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_leads_for_one_new_siren_are_all_kept_on_one_case(
    requires_postgresql, live_server
):
    staff_user(Role.OFFICER, "ouest")
    siren = valid_siren(4242)
    keys = [services.partner_key_create(partner=PartnerFactory())[1] for _ in range(PARTNERS)]
    # Several partners at once (one partner's requests would also queue on its throttle
    # counters): the organisation's insert and row lock are what must serialise them.
    results = []
    bodies = []
    for n in range(LEADS_PER_PARTNER):
        for p, key in enumerate(keys):
            body = lead_body(company__siren=siren, external_ref=f"p{p}-lead-{n}")
            body["contact"]["email"] = f"contact{p}-{n}@example.invalid"
            bodies.append((key, json.dumps(body).encode()))
    # post_concurrently takes one header set: send each partner's bodies in one burst
    # together, all partners' bursts at the same instant through threads of their own.
    lock = threading.Lock()

    def burst(key):
        answers = post_concurrently(
            live_server.url + LEADS, [b for k, b in bodies if k == key], _headers(key)
        )
        with lock:
            results.extend(answers)

    threads = [threading.Thread(target=burst, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(status for status, _body in results)
    assert statuses == [201] * (PARTNERS * LEADS_PER_PARTNER), [
        (status, body[:300]) for status, body in results if status != 201
    ]
    assert Organisation.objects.filter(siren=siren).count() == 1
    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert LeadSubmission.objects.filter(case=case).count() == PARTNERS * LEADS_PER_PARTNER
    assert LeadSubmission.objects.filter(matched_existing_case=False).count() == 1
    assert not RejectedSubmission.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_lead_failing_with_a_5xx_keeps_its_raw_body(requires_postgresql, live_server):
    staff_user(Role.OFFICER, "ouest")
    partner = PartnerFactory()
    _record, key = services.partner_key_create(partner=partner)
    # A real failure of the database during the intake (not a retryable one): a trigger
    # refusing every lead submission.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse_lead() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'disk full (simulated)'; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            "CREATE TRIGGER refuse_lead BEFORE INSERT ON transmission_leadsubmission "
            "FOR EACH ROW EXECUTE FUNCTION refuse_lead()"
        )
    try:
        raw = json.dumps(lead_body(external_ref="lost-otherwise")).encode()
        [(status, _body)] = post_concurrently(
            live_server.url + LEADS, [raw], _headers(key, **{"Idempotency-Key": "k-500"})
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER refuse_lead ON transmission_leadsubmission")
            cursor.execute("DROP FUNCTION refuse_lead()")

    assert status == 500
    # Nothing of the intake was kept (one transaction), but what the partner sent was.
    assert not LeadSubmission.objects.exists() and not Case.objects.exists()
    rejected = RejectedSubmission.objects.get()
    assert rejected.partner == partner and rejected.status_code == 500
    assert json.loads(rejected.body) == json.loads(raw)
