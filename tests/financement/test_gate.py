"""The financing guards of the case workflow, end to end through case_transition."""

import pytest
from django.utils import translation

from financement import selectors
from financement.gate import FinancingPlanGate
from tests.financement.factories import (
    BANK_LOAN,
    MEMBERS,
    MOVEMENT_GUARANTEE,
    MOVEMENT_LOAN,
    line_in,
    plan_for,
)
from tests.transmission.factories import CaseFactory, complete_data
from transmission import financing_gate, services
from transmission.choices import Stage

pytestmark = pytest.mark.django_db

NO_PLAN = "Le dossier n'a pas de plan de financement."


def test_the_app_registers_its_gate():
    assert isinstance(financing_gate.financing_gate(), FinancingPlanGate)


@pytest.fixture
def structuring(team):
    return CaseFactory(
        stage=Stage.STRUCTURING, assigned_officer=team["officer"], **complete_data("takeover")
    )


def _refusal(case, name, by, **data):
    with translation.override("fr"), pytest.raises(services.TransitionRefused) as refused:
        services.case_transition(case=case, name=name, by=by, **data)
    return refused.value.reasons


def test_entering_financing_needs_a_plan(team, structuring):
    assert _refusal(structuring, "start_financing", team["officer"]) == [NO_PLAN]


def test_entering_financing_needs_a_resource_line_not_a_guarantee(team, structuring):
    plan = plan_for(structuring, price="100000")
    assert (
        "aucune ligne de ressource" in _refusal(structuring, "start_financing", team["officer"])[0]
    )
    bank = line_in(plan, BANK_LOAN, 80_000, status="declined")
    line_in(plan, MOVEMENT_GUARANTEE, 40_000, secures=bank)
    # A declined loan and its guarantee: still no resource in play.
    assert (
        "aucune ligne de ressource" in _refusal(structuring, "start_financing", team["officer"])[0]
    )
    line_in(plan, MEMBERS, 12_000)
    services.case_transition(case=structuring, name="start_financing", by=team["officer"])
    assert structuring.stage == Stage.FINANCING


def test_leaving_financing_needs_committed_resources_covering_needs(team, case):
    assert _refusal(case, "start_closing", team["officer"]) == [NO_PLAN]
    plan = plan_for(case, price="100000", working_capital="20000")
    line_in(plan, MOVEMENT_LOAN, 30_000, status="approved")
    bank = line_in(plan, BANK_LOAN, 100_000, status="approved", committed=80_000)
    # The guarantee (committed 40 000) would fill the gap if it counted: it does not.
    line_in(plan, MOVEMENT_GUARANTEE, 40_000, status="approved", secures=bank)
    line_in(plan, MEMBERS, 50_000, status="requested")  # requested is not committed
    reasons = _refusal(case, "start_closing", team["officer"])
    assert reasons == [
        "Le plan de financement n'est pas bouclé : 110\xa0000,00 € accordés pour "
        "120\xa0000,00 € de besoins (il manque 10\xa0000,00 €)."
    ]
    line_in(plan, MEMBERS, 10_000, status="approved")
    services.case_transition(case=case, name="start_closing", by=team["officer"])
    assert case.stage == Stage.CLOSING
    assert "overridden" not in case.stage_changes.last().data


def test_a_plan_without_needs_is_not_balanced(team, case):
    plan = plan_for(case)
    line_in(plan, MEMBERS, 10_000, status="approved")
    assert _refusal(case, "start_closing", team["director"]) == [
        "Les besoins du plan de financement ne sont pas saisis."
    ]


def test_a_director_may_override_an_unbalanced_plan_with_a_reason(team, case):
    plan = plan_for(case, price="100000")
    line_in(plan, MOVEMENT_LOAN, 60_000, status="approved")
    reasons = _refusal(case, "start_closing", team["officer"], override_reason="Banque OK oral")
    assert reasons == [
        "Seule la direction régionale peut passer outre la règle du plan de financement."
    ]
    assert "pas bouclé" in _refusal(case, "start_closing", team["director"])[0]
    with translation.override("fr"):
        services.case_transition(
            case=case, name="start_closing", by=team["director"], override_reason="Banque OK oral"
        )
    assert case.stage == Stage.CLOSING
    data = case.stage_changes.last().data
    assert data["override_reason"] == "Banque OK oral"
    assert "pas bouclé" in data["overridden"][0]
    assert "40" in data["overridden"][0]


@pytest.mark.parametrize(
    ("price", "committed"),
    [("0", 0), ("0", 10_000), ("100000", 99_999), ("100000", 100_000), ("100000", 120_000)],
)
def test_the_api_figures_and_the_gate_share_one_definition_of_balanced(
    team, case, price, committed
):
    plan = plan_for(case, price=price)
    if committed:
        line_in(plan, MEMBERS, committed, status="approved")
    figures = selectors.plan_figures(user=team["officer"], plan=plan)
    gate_lets_it_leave = FinancingPlanGate().reasons_blocking_exit(case) == []
    assert figures.balanced is gate_lets_it_leave
    assert figures.balanced is (price != "0" and committed >= int(price))
