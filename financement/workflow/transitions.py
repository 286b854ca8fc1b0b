"""The financing-line workflow's table: transitions, who acts, inputs, and their defaults."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from crm.workflow_engine import Input, Transition, TransitionContext
from financement.choices import LineStatus

APPLICANT = "applicant"
DECIDER = "decider"


def _spec(name, label, sources, target, actors) -> tuple[str, Transition]:
    return name, Transition(name, label, tuple(sources), target, tuple(actors))


TRANSITIONS: dict[str, Transition] = dict(
    [
        _spec(
            "request",
            gettext_lazy("Send the request"),
            [LineStatus.PLANNED],
            LineStatus.REQUESTED,
            [APPLICANT],
        ),
        _spec(
            "approve",
            gettext_lazy("Record the approval"),
            [LineStatus.REQUESTED],
            LineStatus.APPROVED,
            [DECIDER],
        ),
        _spec(
            "decline",
            gettext_lazy("Record the refusal"),
            [LineStatus.REQUESTED],
            LineStatus.DECLINED,
            [DECIDER],
        ),
        # A planned line may also be dropped: "withdrawn" keeps it visible in the plan's story.
        _spec(
            "withdraw",
            gettext_lazy("Withdraw"),
            [LineStatus.PLANNED, LineStatus.REQUESTED],
            LineStatus.WITHDRAWN,
            [APPLICANT, DECIDER],
        ),
        _spec(
            "disburse",
            gettext_lazy("Record the payment"),
            [LineStatus.APPROVED],
            LineStatus.DISBURSED,
            [DECIDER],
        ),
        _spec(
            "repay",
            gettext_lazy("Record the repayment"),
            [LineStatus.DISBURSED],
            LineStatus.REPAID,
            [DECIDER],
        ),
        _spec(
            "write_off",
            gettext_lazy("Write off"),
            [LineStatus.DISBURSED],
            LineStatus.WRITTEN_OFF,
            [DECIDER],
        ),
    ]
)
TRANSITION_NAMES = list(TRANSITIONS)

INPUTS: dict[str, list[Input]] = {
    "request": [Input("amount_requested")],
    "approve": [Input("amount_committed"), Input("decision_on"), Input("committee_session")],
    "decline": [Input("decision_on"), Input("committee_session")],
    "withdraw": [],
    "disburse": [Input("amount_disbursed"), Input("disbursed_on")],
    "repay": [],
    "write_off": [],
}


def apply_defaults(line, name: str, ctx: TransitionContext) -> None:
    """What a transition sets when the caller leaves it out (fields not given stay None)."""
    if name == "approve" and line.amount_committed is None:
        line.amount_committed = line.amount_requested
    if name in ("approve", "decline") and line.decision_on is None:
        session = line.committee_session
        line.decision_on = session.held_on if session is not None else ctx.today
    if name == "disburse":
        if line.amount_disbursed is None:
            line.amount_disbursed = line.amount_committed
        if line.disbursed_on is None:
            line.disbursed_on = ctx.today
