"""Issue 10 §7: commitments above a tool's regional delegation go to the national committee."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from financement import selectors, services
from financement.models import CommitteeSession, Instrument
from financement.workflow import LineDecisionRefused
from tests.financement.factories import MOVEMENT_LOAN, line_in, session_in

pytestmark = pytest.mark.django_db


def _national(on=None):
    return CommitteeSession.objects.create(
        regional_union=None, held_on=on or timezone.localdate() - datetime.timedelta(days=1)
    )


def test_the_movement_tools_are_seeded_with_a_delegation_ceiling():
    loan = Instrument.objects.get(code=MOVEMENT_LOAN)
    assert loan.regional_delegation_ceiling == D("150000")
    assert loan.needs_national_committee(D("150001")) and not loan.needs_national_committee(
        D("150000")
    )
    assert not Instrument.objects.get(code="pret-bancaire").needs_national_committee(D("9e9"))


def test_above_the_delegation_a_regional_session_is_refused_naming_the_field(team, plan):
    line = line_in(plan, MOVEMENT_LOAN, 200_000, status="requested")
    with pytest.raises(LineDecisionRefused) as error:
        services.financing_line_decide(
            line=line,
            name="approve",
            by=team["finance"],
            committee_session=session_in(team["ouest"]),
        )
    message = " ".join(error.value.field_errors["committee_session"])
    assert "comité national" in message and "150" in message
    line.refresh_from_db()
    assert line.status == "requested" and not line.decisions.filter(transition="approve").exists()


def test_above_the_delegation_the_national_committee_decides(team, plan):
    line = line_in(plan, MOVEMENT_LOAN, 200_000, status="requested")
    session = _national()
    services.financing_line_decide(
        line=line, name="approve", by=team["finance"], committee_session=session
    )
    assert line.status == "approved" and line.committee_session == session


def test_within_the_delegation_the_national_committee_is_not_the_one(team, plan):
    line = line_in(plan, MOVEMENT_LOAN, 40_000, status="requested")
    with pytest.raises(LineDecisionRefused) as error:
        services.financing_line_decide(
            line=line, name="approve", by=team["finance"], committee_session=_national()
        )
    assert "committee_session" in error.value.field_errors


def test_agendas_route_lines_by_the_delegation(team, plan):
    small = line_in(plan, MOVEMENT_LOAN, 40_000, status="requested")
    large = line_in(plan, MOVEMENT_LOAN, 200_000, status="requested")
    regional, national = session_in(team["ouest"]), _national()
    assert list(selectors.committee_agenda(user=team["finance"], session=regional)) == [small]
    assert list(selectors.committee_agenda(user=team["finance"], session=national)) == [large]


def test_only_a_national_officer_records_a_national_sitting(team):
    held_on = timezone.localdate()
    with pytest.raises(services.FinancingForbidden):
        services.committee_session_create(
            regional_union=None, held_on=held_on, by=team["finance_ouest"]
        )
    session = services.committee_session_create(
        regional_union=None, held_on=held_on, by=team["finance"]
    )
    assert session.is_national and str(session).startswith("Comité national du")


def test_a_regional_officer_does_not_see_national_sittings(team):
    national = _national()
    assert national in selectors.committee_session_list(user=team["finance"])
    assert national not in selectors.committee_session_list(user=team["finance_ouest"])
