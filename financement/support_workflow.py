"""Every rule of a support to an existing cooperative, as a description ``crm.workflow_engine``
runs (the engine of the case and financing-line workflows): transitions, inputs, guards and
who acts. ``services.support_request_transition`` runs it; the back office reads it.

    received ──start_assessment──▶ assessment ──start_financing──▶ financing ──grant──▶ granted
        └──────────────┴───────────────drop──────────────────┴──▶ dropped ──reopen──▶ assessment

The financing round uses the same plan rules as a case's (``financement.gate``): it starts with
a resource line in play and the support is granted once the plan is balanced.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from crm.workflow_engine import (
    Errors,
    History,
    Input,
    Reason,
    Transition,
    TransitionConflict,
    TransitionContext,
    TransitionForbidden,
    TransitionRefused,
    Wording,
    Workflow,
    WorkflowError,
)
from financement.choices import SupportStatus
from transmission.workflow import is_director_of, works_on_case_refusal

WORKERS = "workers"  # the assigned officer and the directors of the support's UR
DIRECTORS = "directors"

_OPEN = (SupportStatus.RECEIVED, SupportStatus.ASSESSMENT, SupportStatus.FINANCING)

TRANSITIONS: dict[str, Transition] = {
    transition.name: transition
    for transition in (
        Transition(
            "start_assessment",
            gettext_lazy("Start the assessment"),
            (SupportStatus.RECEIVED,),
            SupportStatus.ASSESSMENT,
            (WORKERS,),
        ),
        Transition(
            "start_financing",
            gettext_lazy("Start the financing round"),
            (SupportStatus.ASSESSMENT,),
            SupportStatus.FINANCING,
            (WORKERS,),
        ),
        Transition(
            "grant",
            gettext_lazy("Record the support granted"),
            (SupportStatus.FINANCING,),
            SupportStatus.GRANTED,
            (WORKERS,),
        ),
        Transition(
            "drop",
            gettext_lazy("Close without follow-up"),
            _OPEN,
            SupportStatus.DROPPED,
            (WORKERS,),
        ),
        Transition(
            "reopen",
            gettext_lazy("Reopen"),
            (SupportStatus.DROPPED,),
            SupportStatus.ASSESSMENT,
            (DIRECTORS,),
        ),
    )
}

INPUTS: dict[str, list[Input]] = {
    "start_assessment": [],
    "start_financing": [],
    "grant": [Input("decided_on")],
    "drop": [Input("drop_reason"), Input("decided_on")],
    "reopen": [],
}


def apply_defaults(support, name: str, ctx: TransitionContext) -> None:
    if name in ("grant", "drop") and support.decided_on is None:
        support.decided_on = ctx.today


def _plan_of(support):
    from financement.models import FinancingPlan

    return FinancingPlan.objects.filter(support_id=support.pk)


def guard_financing_entry(support, ctx) -> list[Reason]:
    from financement.gate import plan_entry_reasons

    return [Reason(None, message) for message in plan_entry_reasons(_plan_of(support))]


def guard_plan_balanced(support, ctx) -> list[Reason]:
    from financement.gate import plan_exit_reasons

    return [Reason(None, message) for message in plan_exit_reasons(_plan_of(support))]


def guard_drop_reason(support, ctx) -> list[Reason]:
    if not (support.drop_reason or "").strip():
        return [Reason("drop_reason", _("Say why the support has no follow-up."))]
    return []


def guard_decided_not_future(support, ctx) -> list[Reason]:
    if support.decided_on and support.decided_on > ctx.today:
        return [Reason("decided_on", _("The decision date cannot be in the future."))]
    return []


GUARDS = {
    "start_assessment": [],
    "start_financing": [guard_financing_entry],
    "grant": [guard_plan_balanced, guard_decided_not_future],
    "drop": [guard_drop_reason, guard_decided_not_future],
    "reopen": [],
}


def permission_refusal(support, transition, user) -> str | None:
    """Why ``user`` may not run ``transition`` on ``support`` (None: they may): the people who
    work on a case work on a support the same way (its assigned officer, the directors of its
    UR); only a director reopens one."""
    if DIRECTORS in transition.actors:
        if not is_director_of(user, support):
            return _("Only a director of the support's regional union may do this.")
        return None
    return works_on_case_refusal(user, support)


class UnknownSupportTransition(WorkflowError, ValueError):
    """The name is not a transition of the support workflow."""


class UnexpectedSupportInput(WorkflowError, ValueError):
    """Data given to a transition that it does not collect."""


class SupportTransitionRefused(TransitionRefused):
    """A guard or a validation blocks the transition; ``field_errors`` maps fields to messages."""


class SupportTransitionForbidden(SupportTransitionRefused, TransitionForbidden):
    """The user may not run this transition on this support (API: 403)."""


class SupportConflict(SupportTransitionRefused, TransitionConflict):
    """The support changed since the caller read it (409)."""


SUPPORT_WORKFLOW = Workflow(
    state_field="status",
    transitions=TRANSITIONS,
    inputs=INPUTS,
    prepare=apply_defaults,
    guards=GUARDS,
    permission=permission_refusal,
    wording=Wording(
        unknown=gettext_noop("“%(name)s” is not a transition of the support workflow."),
        wrong_state=gettext_noop(
            "“%(transition)s” is not possible for a support in the status “%(status)s”."
        ),
        conflict=gettext_noop(
            "Someone else has just changed this support: reload it to see its current status, "
            "then try again."
        ),
    ),
    errors=Errors(
        unknown=UnknownSupportTransition,
        unexpected=UnexpectedSupportInput,
        refused=SupportTransitionRefused,
        forbidden=SupportTransitionForbidden,
        conflict=SupportConflict,
    ),
    full_clean=True,
    changed_at_field="status_changed_at",
    history=History(
        "financement.SupportStatusChange",
        "support",
        ("source_status", "target_status"),
    ),
)
