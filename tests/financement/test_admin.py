"""Admin: the plan inline on the case, decisions only through the service, committee agenda."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from financement.admin import FinancingPlanInline
from financement.models import FinancingLine, FinancingPlan
from tests.financement.factories import BANK_LOAN, MOVEMENT_LOAN, instrument, line_in, session_in
from transmission import extension_points
from transmission.admin import CaseAdmin
from transmission.models import Case

pytestmark = pytest.mark.django_db


def test_the_case_admin_takes_the_plan_inline_from_transmissions_registry(rf, team):
    # Registered from FinancementConfig.ready (transmission.extension_points), not by
    # re-registering the case admin: the class transmission ships is the one on the site.
    case_admin = admin.site.get_model_admin(Case)
    assert type(case_admin) is CaseAdmin
    assert FinancingPlanInline not in CaseAdmin.inlines
    assert extension_points.case_admin_inlines() == [FinancingPlanInline]
    request = rf.get("/")
    request.user = team["officer"]
    assert case_admin.get_inlines(request, None)[-1] is FinancingPlanInline
    extension_points.register_case_admin_inline("financement.admin.FinancingPlanInline")
    assert extension_points.case_admin_inlines() == [FinancingPlanInline]  # once


def test_the_site_case_admin_carries_the_plan(team, plan, client):
    line_in(plan, BANK_LOAN, 50_000, status="approved")
    client.force_login(team["officer"])
    response = client.get(reverse("admin:transmission_case_change", args=[plan.case.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "financement/financingline" in content
    assert "200000" in content.replace("\u202f", "").replace(" ", "").replace(",00", "")


def _decide_url(line, name):
    return reverse("admin:financement_financingline_decide", args=[line.pk, name])


def test_a_decision_goes_through_the_service(team, plan, client):
    line = line_in(plan, MOVEMENT_LOAN, 30_000, status="requested")
    session = session_in(team["ouest"])
    client.force_login(team["finance"])
    page = client.get(reverse("admin:financement_financingline_change", args=[line.pk]))
    assert _decide_url(line, "approve") in page.content.decode()
    response = client.post(
        _decide_url(line, "approve"),
        {"version": line.version, "committee_session": session.pk, "amount_committed": "25000"},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.status, line.amount_committed) == ("approved", Decimal("25000"))
    assert line.decisions.get().by == team["finance"]
    assert line.version == 1


def test_a_stale_decision_form_gets_the_conflict_message(team, plan, client):
    line = line_in(plan, BANK_LOAN, 30_000, status="requested")
    client.force_login(team["officer"])
    response = client.post(_decide_url(line, "decline"), {"version": line.version + 1}, follow=True)
    assert "Quelqu&#x27;un vient de modifier cette ligne" in response.content.decode()
    line.refresh_from_db()
    assert (line.status, line.version) == ("requested", 0)


def test_a_refused_decision_shows_every_reason(team, plan, client):
    line = line_in(plan, MOVEMENT_LOAN, 30_000, status="requested")
    client.force_login(team["finance"])
    response = client.post(
        _decide_url(line, "approve"), {"version": line.version, "amount_committed": "40000"}
    )
    assert response.status_code == 400
    # Each reason beside the field it is about (structured reasons, no guessing).
    form = response.context["form"]
    assert set(form.errors) == {"amount_committed", "committee_session"}
    assert response.context["reasons"] == []
    line.refresh_from_db()
    assert line.status == "requested"


def test_forged_posts_are_refused(team, plan, client):
    line = line_in(plan, MOVEMENT_LOAN, 30_000, status="requested")
    session = session_in(team["ouest"])
    # The case's officer may not decide on a movement tool, even by posting the form.
    client.force_login(team["officer"])
    page = client.get(reverse("admin:financement_financingline_change", args=[line.pk]))
    assert _decide_url(line, "approve") not in page.content.decode()
    client.post(
        _decide_url(line, "approve"), {"version": line.version, "committee_session": session.pk}
    )
    # Nor change the status through the change form.
    client.post(
        reverse("admin:financement_financingline_change", args=[line.pk]),
        {"status": "approved", "amount_committed": "30000", "comment": "forged"},
    )
    line.refresh_from_db()
    assert (line.status, line.amount_committed) == ("requested", None)
    # Another UR's financial-tools officer does not even see the line.
    client.force_login(team["finance_ara"])
    response = client.post(_decide_url(line, "approve"), {"version": line.version})
    assert response.status_code == 404
    assert not line.decisions.exists()


def test_lines_are_drafted_on_the_plan_page_through_the_service(team, plan, client):
    client.force_login(team["officer"])
    url = reverse("admin:financement_financingplan_change", args=[plan.pk])
    response = client.post(
        url,
        {
            "price_or_investment": "200000",
            "working_capital": "50000",
            "other_needs": "10000",
            "notes": "",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-instrument": instrument(BANK_LOAN).pk,
            "lines-0-amount_requested": "120000",
            "lines-0-comment": "Crédit Coopératif",
            "lines-0-plan": plan.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    line = FinancingLine.objects.get(plan=plan)
    assert (line.family, line.status, line.amount_requested) == ("bank_loan", "planned", 120000)
    assert line.decisions.get().transition == "create"


def test_the_committee_page_shows_its_agenda(team, plan, client):
    waiting = line_in(plan, MOVEMENT_LOAN, 30_000, status="requested")
    session = session_in(team["ouest"])
    client.force_login(team["finance_ouest"])
    response = client.get(reverse("admin:financement_committeesession_change", args=[session.pk]))
    assert response.status_code == 200
    assert reverse("admin:financement_financingline_change", args=[waiting.pk]) in (
        response.content.decode()
    )
    assert FinancingPlan.objects.count() == 1
