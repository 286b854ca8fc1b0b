"""The case workflow's table: transitions, the inputs each takes by kind of case, constants."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from crm.workflow_engine import Input, Transition
from transmission import legal
from transmission.choices import ACTIVE_STAGES, CaseKind, Stage

TAKEOVERS = (CaseKind.TAKEOVER, CaseKind.TAKEOVER_DISTRESS)
# The founders a creation plans when leaving structuring (its members themselves are checked
# against the law at signing and registration: legal.membership_refusals).
MIN_SCOP_FOUNDERS = legal.SCOP_MIN_MEMBERS["sarl"]
MIN_SCIC_CATEGORIES = legal.SCIC_MIN_CATEGORIES
# A takeover in difficulty is flagged this many days before the court's offer deadline.
COURT_DEADLINE_ALERT_DAYS = 10
# ... and this many days before its hearing (the bid is defended there).
COURT_HEARING_ALERT_DAYS = 15

# Who acts (permissions.permission_refusal): the people working on the case, or directors only.
CASE_STAFF = ("assigned_officer", "director")
DIRECTORS = ("director",)


def _spec(name, label, sources, target, actors=CASE_STAFF) -> tuple[str, Transition]:
    return name, Transition(name, label, tuple(sources), target, tuple(actors))


TRANSITIONS: dict[str, Transition] = dict(
    [
        _spec("qualify", gettext_lazy("Qualify"), [Stage.LEAD], Stage.QUALIFICATION),
        _spec(
            "start_feasibility",
            gettext_lazy("Start the diagnostic"),
            [Stage.QUALIFICATION],
            Stage.FEASIBILITY,
        ),
        # From qualification only for a takeover in difficulty (guard): courts give weeks.
        _spec(
            "start_structuring",
            gettext_lazy("Start structuring"),
            [Stage.FEASIBILITY, Stage.QUALIFICATION],
            Stage.STRUCTURING,
        ),
        _spec(
            "start_financing",
            gettext_lazy("Start the financing round"),
            [Stage.STRUCTURING],
            Stage.FINANCING,
        ),
        _spec("start_closing", gettext_lazy("Go to signing"), [Stage.FINANCING], Stage.CLOSING),
        _spec(
            "incorporate",
            gettext_lazy("Record the registration"),
            [Stage.CLOSING],
            Stage.INCORPORATED,
        ),
        _spec("put_on_hold", gettext_lazy("Put on hold"), ACTIVE_STAGES, Stage.ON_HOLD),
        # Target None: back to the active stage the case left (``Case.previous_stage``).
        _spec("resume", gettext_lazy("Resume"), [Stage.ON_HOLD], None),
        _spec("abandon", gettext_lazy("Abandon"), [*ACTIVE_STAGES, Stage.ON_HOLD], Stage.ABANDONED),
        _spec(
            "decline", gettext_lazy("Decline"), [Stage.LEAD, Stage.QUALIFICATION], Stage.DECLINED
        ),
        _spec("reopen", gettext_lazy("Reopen"), [Stage.ABANDONED], None, DIRECTORS),
    ]
)
TRANSITION_NAMES = list(TRANSITIONS)

# Case fields each transition may set (its form / API payload), by kind where it matters:
# a field another kind's form would collect is refused like an unknown one.
INPUTS: dict[str, list[Input]] = {
    "qualify": [],
    "start_feasibility": [Input("jobs_at_stake")],
    "start_structuring": [
        # Only the kinds with a choice of route (the others get theirs at creation).
        Input("route", TAKEOVERS),
        Input("valuation", (CaseKind.TAKEOVER,)),
        Input("owner_agreement_on", (CaseKind.TAKEOVER,)),
        Input("opening_judgment_on", (CaseKind.TAKEOVER_DISTRESS,)),
        Input("court_offer_deadline", (CaseKind.TAKEOVER_DISTRESS,)),
    ],
    "start_financing": [
        Input("route", TAKEOVERS),
        Input("target_form"),
        Input("seed_scop", TAKEOVERS),
        Input("founding_members", (CaseKind.CREATION,)),
        Input("member_categories", (CaseKind.CREATION,)),
    ],
    "start_closing": [
        Input("employees_informed_on", (CaseKind.TAKEOVER,)),
        Input("cse_consulted_on", (CaseKind.TAKEOVER,)),
        Input("employees_waived_bid_on", (CaseKind.TAKEOVER,)),
        Input("court_hearing_on", (CaseKind.TAKEOVER_DISTRESS,)),
        Input("plan_judgment_on", (CaseKind.TAKEOVER_DISTRESS,)),
    ],
    "incorporate": [
        Input("cooperative_siren"),
        Input("target_form"),
        Input("registered_on"),
        Input("jobs_at_incorporation"),
        Input("plan_judgment_on", (CaseKind.TAKEOVER_DISTRESS,)),
        Input("possession_on", (CaseKind.TAKEOVER_DISTRESS,)),
    ],
    "put_on_hold": [Input("review_on")],
    "resume": [],
    "abandon": [Input("abandon_reason"), Input("abandon_comment")],
    "decline": [Input("decline_reason")],
    "reopen": [],
}
# Inputs that are not case fields: kept in the history row's data.
OVERRIDE_REASON = "override_reason"
# The name of a new cooperative (newco routes; default: the target's name).
COOPERATIVE_NAME = "cooperative_name"
EXTRA_INPUTS = {"start_closing": [OVERRIDE_REASON], "incorporate": [COOPERATIVE_NAME]}
