"""Random sequences of transitions through the real service (hypothesis stateful testing).

After every step: replaying the stage history gives the current stage, a refused transition
changed nothing, a case resting in a closed stage (or on hold) holds the data that stage
requires, and every forward step that succeeded had what it needed when it ran. The
invariants are written here, independently of the guards: the companion tests break a guard
on purpose and check that the machine's own assertions notice (not the database's
constraints).
"""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
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
from tests.transmission.factories import complete_data, officer_and_director
from transmission import selectors, services, workflow
from transmission.choices import (
    ACTIVE_STAGES,
    AbandonReason,
    CaseKind,
    CaseRoute,
    DeclineReason,
    Stage,
    TargetForm,
)
from transmission.models import Case
from transmission.workflow import guards

TODAY = timezone.localdate()
DAYS = st.integers(min_value=-90, max_value=120).map(lambda d: TODAY + datetime.timedelta(days=d))
PAST_DAYS = st.integers(min_value=-90, max_value=5).map(
    lambda d: TODAY + datetime.timedelta(days=d)
)
# Mostly valid values, with enough missing or wrong ones to exercise every guard.
VALUES = {
    "jobs_at_stake": st.sampled_from([None, 0, 4, 25]),
    "valuation": st.sampled_from([None, Decimal("120000.00")]),
    "owner_agreement_on": st.one_of(st.none(), DAYS),
    "court_offer_deadline": st.one_of(st.none(), DAYS),
    "target_form": st.sampled_from(["", *TargetForm]),
    "route": st.sampled_from(["", *CaseRoute]),
    "seed_scop": st.sampled_from([False, True]),
    "founding_members": st.sampled_from([None, 1, 2, 5]),
    "member_categories": st.sampled_from([None, 2, 3, 4]),
    "employees_informed_on": st.one_of(st.none(), DAYS),
    # Missing, invalid, or a valid one: an integer, made a SIREN of this run's own by
    # ``_attempt`` (a new cooperative's SIREN is one no organisation holds yet, and a replay
    # of the run must meet the same database, not the organisations its first pass made).
    "cooperative_siren": st.one_of(st.sampled_from(["", "123456789"]), st.integers(0, 40)),
    "registered_on": st.one_of(st.none(), DAYS),
    # The law's dates (information of employees, the court procedure): mostly past events.
    "cse_consulted_on": st.one_of(st.none(), DAYS),
    "employees_waived_bid_on": st.one_of(st.none(), DAYS),
    "opening_judgment_on": st.one_of(st.none(), PAST_DAYS),
    "court_hearing_on": st.one_of(st.none(), DAYS),
    "plan_judgment_on": st.one_of(st.none(), PAST_DAYS),
    "possession_on": st.one_of(st.none(), PAST_DAYS),
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


SCIC_FORMS = {TargetForm.SCIC_SA, TargetForm.SCIC_SAS, TargetForm.SCIC_SARL}


def _member(category, members, capital, votes=None):
    return {"category": category, "members": members, "capital": Decimal(capital), "votes": votes}


# Sets of members the officer may enter: lawful or not, for a Scop or a Scic.
MEMBER_SETS = {
    "none": [],
    "scop": [_member("employees", 5, 6000), _member("others", 2, 2000)],
    "scop_sa": [_member("employees", 7, 7000), _member("others", 1, 500)],
    "scop_capital_short": [_member("employees", 5, 4000), _member("others", 1, 6000)],
    "scop_votes_short": [_member("employees", 3, 9000), _member("others", 2, 1000)],
    "scop_alone": [_member("employees", 1, 1000)],
    "scic": [
        _member("employees", 3, 3000),
        _member("beneficiaries", 4, 2000),
        _member("public_bodies", 1, 4000),
    ],
    "scic_two_categories": [_member("employees", 3, 3000), _member("volunteers", 4, 2000)],
    "scic_public_majority": [
        _member("producers", 2, 1000),
        _member("beneficiaries", 4, 1000),
        _member("public_bodies", 1, 5000),
    ],
}


def members_problems(case: Case) -> list[str]:
    """What the law finds short in the case's members (written independently of legal.py)."""
    rows = {row.category: row for row in case.memberships.all()}
    if not rows:
        return ["no members"]
    capital = sum(row.capital for row in rows.values())
    votes = sum(row.votes for row in rows.values())
    if not capital or not votes:
        return ["no capital or no votes"]
    problems = []
    if case.target_form in SCIC_FORMS:
        if len(rows) < 3:
            problems.append("a Scic with fewer than three categories")
        if "employees" not in rows and "producers" not in rows:
            problems.append("a Scic without employees or producers")
        if "beneficiaries" not in rows:
            problems.append("a Scic without beneficiaries")
        if "public_bodies" in rows and rows["public_bodies"].capital * 2 > capital:
            problems.append("a Scic whose public bodies hold more than half the capital")
        return problems
    if set(rows) - {"employees", "others"}:
        problems.append("a Scop with members of a Scic's categories")
    minimum = 7 if case.target_form == TargetForm.SCOP_SA else 2
    if sum(row.members for row in rows.values()) < minimum:
        problems.append("a Scop with too few members")
    employees = rows.get("employees")
    employees_capital = employees.capital if employees else 0
    employees_votes = employees.votes if employees else 0
    if not case.seed_scop and employees_capital * 100 < 51 * capital:
        problems.append("a Scop whose employees hold less than 51 % of the capital")
    if case.seed_scop and employees_votes * 2 <= votes:
        problems.append("a Scop d'amorçage whose employees do not hold most votes")
    if not case.seed_scop and employees_votes * 100 < 65 * votes:
        problems.append("a Scop whose employees hold less than 65 % of the votes")
    return problems


def forward_step_problems(name, source, case: Case, gate, actor, data) -> list[str]:
    """What a forward step that succeeded lacked when it ran (independent of workflow.py)."""
    problems = []
    if name == "qualify" and case.assigned_officer_id is None:
        problems.append("qualified without an assigned officer")
    if name == "start_feasibility" and case.jobs_at_stake is None:
        problems.append("diagnostic started without the jobs at stake")
    if name == "start_structuring":
        if source == Stage.QUALIFICATION and case.kind != CaseKind.TAKEOVER_DISTRESS:
            problems.append("skipped the diagnostic without being a takeover in difficulty")
        if case.kind == CaseKind.TAKEOVER and None in (case.valuation, case.owner_agreement_on):
            problems.append("takeover structured without valuation or owner's agreement")
        if case.kind == CaseKind.TAKEOVER_DISTRESS and case.court_offer_deadline is None:
            problems.append("takeover in difficulty structured without the court's deadline")
    if name == "start_financing":
        if not case.target_form:
            problems.append("financing started without a target form")
        if not gate.has_plan:
            problems.append("financing started without a plan")
        if case.kind == CaseKind.CREATION and case.target_form:
            if case.target_form in SCIC_FORMS and (case.member_categories or 0) < 3:
                problems.append("a Scic with fewer than three categories of members")
            if case.target_form not in SCIC_FORMS and (case.founding_members or 0) < 2:
                problems.append("a Scop with fewer than two founders")
    if name == "start_closing":
        overridden = actor == "director" and (data.get("override_reason") or "").strip()
        if not gate.has_plan or not (gate.balanced or overridden):
            problems.append("went to signing with an unbalanced plan and no director's override")
        if case.kind == CaseKind.TAKEOVER:
            # The 2014 law: not from 250 employees, nor once every employee waived their bid.
            large = (case.organisation.employees or 0) >= 250
            waived = case.employees_waived_bid_on is not None
            informed = case.employees_informed_on
            if informed is not None and informed > TODAY:
                problems.append("went to signing with the employees informed in the future")
            if informed is None and not (large or waived):
                problems.append("went to signing without the employees informed beforehand")
    if name in ("start_closing", "incorporate"):
        problems += [f"{name}: {problem}" for problem in members_problems(case)]
    return problems


class CaseWorkflowMachine(RuleBasedStateMachine):
    team: dict = {}
    gate = None
    reached: set = set()

    runs = itertools.count()

    @initialize(kind=st.sampled_from(CaseKind))
    def open_case(self, kind):
        self.siren_base = next(self.runs) % 2_000 * 48
        # A SIREN of this run's own beyond those the random rules draw (0 to 40): a run
        # registers its case at most once.
        self.own_siren = valid_siren(self.siren_base + 47)
        self.gate.has_plan, self.gate.balanced = True, True
        self.problems = []
        self.case = services.case_create(
            # No SIREN yet (a project, or a company not identified): a transformation's
            # cooperative may then take any new SIREN the run draws.
            organisation=OrganisationFactory(postal_code="35000", siren=None),
            kind=kind,
            by=self.team["officer"],
            assigned_officer=self.team["officer"],
        )

    def _attempt(self, name, data, actor):
        # What this transition's form collects for this kind of case (others are refused).
        taken = {*workflow.input_fields(self.case, name), *workflow.extra_inputs(name)}
        data = {key: value for key, value in data.items() if key in taken}
        if isinstance(data.get("cooperative_siren"), int):
            data["cooperative_siren"] = valid_siren(self.siren_base + data["cooperative_siren"])
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
            self.problems += forward_step_problems(
                name, before[0], self.case, self.gate, actor, data
            )

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

    @rule(
        data=st.fixed_dictionaries(
            {
                "cooperative_siren": VALUES["cooperative_siren"],
                "registered_on": DAYS,
                # Mostly the form chosen so far (None: keep it), sometimes another one.
                "target_form": st.one_of(st.none(), st.none(), st.sampled_from(list(TargetForm))),
                "plan_judgment_on": PAST_DAYS,
            }
        )
    )
    def register(self, data):
        # Registration with every input given (right or wrong), drawn often enough that the
        # runs reach the end of the pipeline and test its guard, whatever the kind's route.
        if data["target_form"] is None:
            del data["target_form"]
        self._attempt("incorporate", data, "officer")

    @rule(members=st.sampled_from(list(MEMBER_SETS)))
    def enter_members(self, members):
        # The officer enters the members (any set, lawful or not, for the current form): the
        # service refuses a category the form does not admit, and a closed case's members.
        officer = self.team["officer"]
        wanted = {row["category"] for row in MEMBER_SETS[members]}
        changes = [
            lambda category=category: services.member_category_remove(
                case=self.case, by=officer, category=category
            )
            for category in self.case.memberships.values_list("category", flat=True)
            if category not in wanted
        ]
        changes += [
            lambda row=row: services.member_category_set(case=self.case, by=officer, **row)
            for row in MEMBER_SETS[members]
        ]
        for change in changes:
            try:
                change()
            except ValidationError as refused:
                assert refused.message_dict, "a refusal names its field"
        self.case.refresh_from_db()

    @rule(pause=st.sampled_from([False, False, False, True]))
    def take_the_next_step_properly(self, pause):
        # What a careful officer does: lawful members, a balanced plan, every input the step
        # needs given right. Drawn among the random rules, it carries runs to the end of the
        # pipeline, where the random ones then test registration and its guards.
        form = self.case.target_form or TargetForm.SCOP_SARL
        data = {
            **complete_data(self.case.kind),
            "target_form": form,
            "seed_scop": False,
            "cooperative_siren": self.own_siren,
            "registered_on": TODAY,
            "possession_on": TODAY,
            "court_hearing_on": TODAY - datetime.timedelta(days=10),
            "review_on": TODAY + datetime.timedelta(days=30),
        }
        self.case.target_form = form
        self.enter_lawful_members()
        self.gate.has_plan, self.gate.balanced = True, True
        # Now and then the careful officer puts an active case on hold (to resume it later).
        name = "put_on_hold" if pause and self.case.stage in ACTIVE_STAGES else None
        self._attempt(name or FORWARD[self.case.stage], data, "director")

    @rule()
    def enter_lawful_members(self):
        # Lawful members for the form chosen so far (a Scop's when none is): drawn often
        # enough that runs get past signing whatever else they drew.
        form = self.case.target_form
        self.enter_members("scic" if form in SCIC_FORMS else "scop")

    @rule(actor=st.sampled_from(["officer", "director"]))
    def sign_with_an_unbalanced_plan(self, actor):
        # The plan's gap reopens and someone tries to sign anyway, with no override: the
        # commonest real mistake at that step, drawn often enough to be met in every run.
        self.gate.has_plan, self.gate.balanced = True, False
        self._attempt("start_closing", {}, actor)

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

    @invariant()
    def forward_steps_had_what_they_needed(self):
        if hasattr(self, "case"):
            assert self.problems == []


SETTINGS = settings(
    max_examples=300,
    stateful_step_count=40,
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


def _keeping(real_guard, fields):
    """A broken guard that keeps only its reasons about ``fields`` (what the database's
    constraints also refuse), whatever their values."""

    def guard(case, ctx):
        return [reason for reason in real_guard(case, ctx) if reason.field in fields]

    return guard


def _presence_only(real_guard, fields):
    """A broken guard: it still asks for ``fields`` (what the database's constraints also
    require) and nothing else, so only the machine's own checks can notice."""

    def guard(case, ctx):
        return [
            reason
            for reason in real_guard(case, ctx)
            if reason.field in fields and (getattr(case, reason.field) in (None, ""))
        ]

    return guard


NO_SHRINKING = settings(SETTINGS, phases=[Phase.explicit, Phase.generate])
BROKEN_GUARDS = {
    # SIREN key and registration date in the future no longer checked; the database's
    # constraint still wants a SIREN, a form and a date, so the guard keeps asking for them.
    "incorporate": _presence_only(
        guards.guard_incorporate, {"cooperative_siren", "target_form", "registered_on", "route"}
    ),
    # (qualify: every case of the machine has an officer; tests/transmission/test_guards.py)
    "start_feasibility": lambda case, ctx: [],
    "start_structuring": lambda case, ctx: [],
    # The route and the amorçage flag are also the database's constraints: still checked.
    "start_financing": _keeping(guards.guard_start_financing, {"route", "seed_scop"}),
    "start_closing": lambda case, ctx: [],
}


@pytest.mark.parametrize("name", list(BROKEN_GUARDS))
def test_the_stateful_test_catches_a_broken_guard(team, gate, monkeypatch, name):
    # A guard that lets (almost) everything through: the machine's invariants must notice,
    # with their own AssertionError (a database CHECK constraint's IntegrityError would not
    # prove anything about the machine).
    monkeypatch.setitem(workflow.GUARDS, name, [BROKEN_GUARDS[name]])
    with pytest.raises(AssertionError) as failure:
        # No shrinking: finding the failure is the point, minimising it only costs time.
        _run(team, gate, NO_SHRINKING)
    assert "refusal says why" not in str(failure.value)


def test_the_stateful_test_catches_a_missing_members_check(team, gate, monkeypatch):
    # Signing and registration without the law's members check: the machine's own reading
    # of the law (members_problems) must notice.
    for name in ("start_closing", "incorporate"):
        kept = [
            guard for guard in workflow.GUARDS[name] if guard is not guards.guard_members_lawful
        ]
        assert len(kept) == len(workflow.GUARDS[name]) - 1
        monkeypatch.setitem(workflow.GUARDS, name, kept)
    with pytest.raises(AssertionError) as failure:
        _run(team, gate, NO_SHRINKING)
    assert "refusal says why" not in str(failure.value)
    assert "start_closing: " in str(failure.value) or "incorporate: " in str(failure.value)
