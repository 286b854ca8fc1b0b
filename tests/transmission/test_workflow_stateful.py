"""Random sequences of transitions through the real service (hypothesis stateful testing).

After every step: replaying the stage history gives the current stage, a refused transition
changed nothing, and a case resting in a closed stage (or on hold) holds the data that stage
requires. The invariants are written here, independently of the guards: the companion test
breaks a guard on purpose and checks that the machine notices.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from crm.identifiers import luhn_valid
from tests.factories import OrganisationFactory, valid_siren
from tests.transmission.factories import officer_and_director
from transmission import selectors, services, workflow
from transmission.choices import (
    ACTIVE_STAGES,
    AbandonReason,
    CaseKind,
    DeclineReason,
    Stage,
    TargetForm,
)
from transmission.models import Case

TODAY = timezone.localdate()
DAYS = st.integers(min_value=-90, max_value=120).map(lambda d: TODAY + datetime.timedelta(days=d))
# Mostly valid values, with enough missing or wrong ones to exercise every guard.
VALUES = {
    "jobs_at_stake": st.sampled_from([None, 0, 4, 25]),
    "valuation": st.sampled_from([None, Decimal("120000.00")]),
    "owner_agreement_on": st.one_of(st.none(), DAYS),
    "court_offer_deadline": st.one_of(st.none(), DAYS),
    "target_form": st.sampled_from(["", *TargetForm]),
    "founding_members": st.sampled_from([None, 1, 2, 5]),
    "member_categories": st.sampled_from([None, 2, 3, 4]),
    "employees_informed_on": st.one_of(st.none(), DAYS),
    "cooperative_siren": st.sampled_from(["", "123456789", valid_siren(777), valid_siren(778)]),
    "registered_on": st.one_of(st.none(), DAYS),
    "jobs_at_incorporation": st.sampled_from([None, 6]),
    "review_on": st.one_of(st.none(), DAYS),
    "abandon_reason": st.sampled_from(["", *AbandonReason]),
    "abandon_comment": st.sampled_from(["", "Le cédant a changé d'avis."]),
    "decline_reason": st.sampled_from(["", *DeclineReason]),
    "override_reason": st.sampled_from(["", "Accord oral de la banque"]),
}
DATA = st.fixed_dictionaries({}, optional=VALUES)
# The natural next step from each stage, so that random runs reach the end of the pipeline.
FORWARD = {
    Stage.LEAD: "qualify",
    Stage.QUALIFICATION: "start_feasibility",
    Stage.FEASIBILITY: "start_structuring",
    Stage.STRUCTURING: "start_financing",
    Stage.FINANCING: "start_closing",
    Stage.CLOSING: "incorporate",
    Stage.ON_HOLD: "resume",
    Stage.ABANDONED: "reopen",
    Stage.INCORPORATED: "abandon",
    Stage.DECLINED: "qualify",
}


def holds_required_data(case: Case) -> list[str]:
    """What a case resting in its stage lacks (written independently of workflow.py)."""
    problems = []
    if case.stage == Stage.INCORPORATED:
        if not (case.cooperative_siren and luhn_valid(case.cooperative_siren)):
            problems.append("incorporated without a valid SIREN")
        if not case.target_form:
            problems.append("incorporated without a legal form")
        if not case.registered_on or case.registered_on > TODAY:
            problems.append("incorporated without a past registration date")
    if case.stage == Stage.ABANDONED:
        if not case.abandon_reason:
            problems.append("abandoned without a reason")
        if case.abandon_reason == AbandonReason.OTHER and not case.abandon_comment:
            problems.append("abandoned for 'other' without a comment")
        if case.previous_stage not in ACTIVE_STAGES:
            problems.append("abandoned without the stage it left")
    if case.stage == Stage.DECLINED and not case.decline_reason:
        problems.append("declined without a reason")
    if case.stage == Stage.ON_HOLD:
        if case.review_on is None:
            problems.append("on hold without a review date")
        if case.previous_stage not in ACTIVE_STAGES:
            problems.append("on hold without the stage it left")
    return problems


class CaseWorkflowMachine(RuleBasedStateMachine):
    team: dict = {}
    gate = None
    reached: set = set()

    @initialize(kind=st.sampled_from(CaseKind))
    def open_case(self, kind):
        self.gate.has_plan, self.gate.balanced = True, True
        self.case = services.case_create(
            organisation=OrganisationFactory(postal_code="35000"),
            kind=kind,
            by=self.team["officer"],
            assigned_officer=self.team["officer"],
        )

    def _attempt(self, name, data, actor):
        data = {
            key: value
            for key, value in data.items()
            if key in {f for f, _kinds in workflow.INPUTS[name]}
            or key in workflow.EXTRA_INPUTS.get(name, [])
        }
        before = (self.case.stage, self.case.stage_changes.count())
        try:
            services.case_transition(case=self.case, name=name, by=self.team[actor], **data)
        except services.TransitionRefused as refused:
            assert refused.reasons, "a refusal says why"
            self.case.refresh_from_db()
            assert (self.case.stage, self.case.stage_changes.count()) == before
        else:
            assert self.case.stage_changes.count() == before[1] + 1
            self.reached.add(self.case.stage)

    @rule(
        name=st.sampled_from(workflow.TRANSITION_NAMES),
        data=DATA,
        actor=st.sampled_from(["officer", "director"]),
    )
    def any_transition(self, name, data, actor):
        self._attempt(name, data, actor)

    @rule(data=DATA, actor=st.sampled_from(["officer", "director"]))
    def next_step(self, data, actor):
        self._attempt(FORWARD[self.case.stage], data, actor)

    @rule(has_plan=st.booleans(), balanced=st.booleans())
    def financing_plan_changes(self, has_plan, balanced):
        self.gate.has_plan, self.gate.balanced = has_plan, balanced

    @invariant()
    def history_replays_to_the_current_stage(self):
        if hasattr(self, "case"):
            stored = Case.objects.get(pk=self.case.pk)
            assert selectors.replayed_stage(stored) == stored.stage

    @invariant()
    def resting_cases_hold_their_data(self):
        if hasattr(self, "case"):
            assert holds_required_data(Case.objects.get(pk=self.case.pk)) == []


SETTINGS = settings(
    max_examples=40,
    stateful_step_count=25,
    deadline=None,
    derandomize=True,
    database=None,
    report_multiple_bugs=False,
    suppress_health_check=list(HealthCheck),
)


def _run(team, gate, settings=SETTINGS):
    CaseWorkflowMachine.team = team
    CaseWorkflowMachine.gate = gate
    CaseWorkflowMachine.reached = set()
    run_state_machine_as_test(CaseWorkflowMachine, settings=settings)


@pytest.fixture
def team(db):
    officer, director = officer_and_director("ouest")
    return {"officer": officer, "director": director}


def test_random_transition_sequences_keep_the_workflow_consistent(team, gate):
    _run(team, gate)
    # The runs went everywhere, the end of the pipeline included.
    assert CaseWorkflowMachine.reached >= {stage.value for stage in Stage} - {"lead"}


def test_the_stateful_test_catches_a_broken_guard(team, gate, monkeypatch):
    # An incorporation guard that lets everything through: the machine must notice, either
    # through its own invariant or the database's last line of defence.
    monkeypatch.setitem(workflow.GUARDS, "incorporate", [lambda case, ctx: []])
    with pytest.raises((AssertionError, IntegrityError)):
        # No shrinking: finding the failure is the point, minimising it only costs time.
        _run(team, gate, settings(SETTINGS, phases=[Phase.explicit, Phase.generate]))
