"""Issue 14, P3: the statements a partner lead costs (savepoints included), in one commit.

Counted on PostgreSQL (the production database; the counts are deterministic there) with
bench.measure.counting_statements, which sees every statement on the default connection
and every commit: the whole request through the middleware and DRF.

Two parts are told apart:
- the lead itself: authentication, idempotency claim, intake, then the stored response and
  the request log (one statement), in ONE transaction (one commit);
- the partner throttles (two windows): counters in the default cache, the database's cache
  table unless REDIS_URL is set (then no SQL at all). Each window is one ``cache.incr``:
  4 statements and an autocommit with Django's DatabaseCache (get, then cull count, select,
  update), so 8 statements and 2 commits per request.
"""

import json

import pytest
from django.test import Client

from api import services
from bench.measure import counting_statements
from crm.roles import Role
from tests.api.test_leads import lead_body
from tests.factories import PartnerFactory, staff_user, valid_siren

LEADS = "/api/v1/leads/"
THROTTLE_TABLE = '"releve_cache"'


def _post(client, key, body, idempotency_key):
    return client.post(
        LEADS,
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Api-Key {key}",
        HTTP_IDEMPOTENCY_KEY=idempotency_key,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_lead_costs_a_few_statements_in_one_commit(requires_postgresql):
    staff_user(Role.OFFICER, "ouest")
    partner = PartnerFactory()
    _record, key = services.partner_key_create(partner=partner)
    client = Client()
    # A first lead warms what a running process has warm (reference data, key lookup).
    _post(client, key, lead_body(company__siren=valid_siren(999), external_ref="warm"), "warm")

    with counting_statements() as opening:
        response = _post(client, key, lead_body(external_ref="a"), "key-a")
    assert response.status_code == 201, response.content
    with counting_statements() as joining:
        response = _post(client, key, lead_body(external_ref="b"), "key-b")
    assert response.status_code == 201, response.content
    assert json.loads(response.content)["matched_existing_case"] is True

    counts = {}
    for label, log in (("opening", opening), ("joining", joining)):
        throttle = [sql for sql, _params in log.statements if THROTTLE_TABLE in sql]
        lead = [sql for sql, _params in log.statements if THROTTLE_TABLE not in sql]
        throttle_commits = sum(1 for sql in throttle if sql.lstrip().startswith("UPDATE"))
        counts[label] = (len(lead), log.commits - throttle_commits, len(throttle))
    # Issue 14's goals: at most 12 opening a case, 10 joining one. The open case of a newco
    # with this SIREN (issue 10) is looked up in the organisation's statement
    # (transmission.intake.lead_match); the stored response and the request log are one
    # statement (api.services.idempotency_complete).
    assert counts == {"opening": (12, 1, 8), "joining": (8, 1, 8)}, counts
