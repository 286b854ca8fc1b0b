"""Every rule of the financing-line workflow, as a description ``crm.workflow_engine`` runs
(the same engine as the case workflow): ``transitions`` (sources, target, label, who acts,
inputs and their defaults), ``guards`` (``Reason(field, message)``s) and ``permissions``.
``services.financing_line_decide`` runs it; the admin decision pages read it.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from crm.workflow_engine import (
    AvailableTransition,
    Errors,
    History,
    Reason,
    TransitionConflict,
    TransitionContext,
    TransitionForbidden,
    TransitionRefused,
    Wording,
    Workflow,
    WorkflowError,
)
from financement.workflow.guards import GUARDS
from financement.workflow.permissions import (
    is_applicant,
    is_decider,
    is_financial_officer_for,
    is_financial_officer_of,
)
from financement.workflow.permissions import permission_refusal as _permission_refusal
from financement.workflow.transitions import (
    APPLICANT,
    DECIDER,
    INPUTS,
    TRANSITION_NAMES,
    TRANSITIONS,
    apply_defaults,
)

__all__ = [
    "APPLICANT",
    "DECIDER",
    "GUARDS",
    "INPUTS",
    "LINE_WORKFLOW",
    "TRANSITIONS",
    "TRANSITION_NAMES",
    "AvailableTransition",
    "LineConflict",
    "LineDecisionForbidden",
    "LineDecisionRefused",
    "Reason",
    "TransitionContext",
    "UnexpectedLineInput",
    "UnknownLineTransition",
    "apply_defaults",
    "is_applicant",
    "is_decider",
    "is_financial_officer_for",
    "is_financial_officer_of",
]


class UnknownLineTransition(WorkflowError, ValueError):
    """The name is not a transition of the financing-line workflow."""


class UnexpectedLineInput(WorkflowError, ValueError):
    """Data given to a transition that it does not collect."""


class LineDecisionRefused(TransitionRefused):
    """A guard or a validation blocks the decision; ``field_errors`` maps fields to messages."""


class LineDecisionForbidden(LineDecisionRefused, TransitionForbidden):
    """The user may not run this transition on this line (API: 403)."""


class LineConflict(LineDecisionRefused, TransitionConflict):
    """The line changed since the caller read it, or a colleague is deciding on it (409)."""


def _lock_with_case(model):
    """The line and its case (or support), locked: a case or a support leaving the financing
    round (whose gate reads the lines under its lock) and a decision on one of its lines
    never interleave. The holder the plan does not have is a null outer join: nothing to
    lock there (PostgreSQL refuses ``FOR UPDATE`` on the nullable side of an outer join, so
    the holder's row is locked apart, in the same transaction)."""
    return model.objects.select_for_update(of=("self",)).select_related(
        "plan__case", "plan__support", "committee_session", "secures"
    )


def _lock_holder(line) -> None:
    holder = line.plan.holder
    list(type(holder)._default_manager.select_for_update().filter(pk=holder.pk).values_list("pk"))


def _history_data(line, name: str, fields: dict, extra: dict) -> dict:
    # What the decision set, defaults included (the amount committed when left out, ...).
    data = {}
    for key in LINE_WORKFLOW.input_fields(line, name):
        value = getattr(line, key)
        data[key] = value.pk if hasattr(value, "pk") else value
    return {key: value for key, value in data.items() if fields.get(key) in (None, "")}


def _history_columns(line, name: str) -> dict:
    return {"committee_session": line.committee_session if name in ("approve", "decline") else None}


WORDING = Wording(
    unknown=gettext_noop("“%(name)s” is not a transition of the financing-line workflow."),
    wrong_state=gettext_noop(
        "“%(transition)s” is not possible for a line in the status “%(status)s”."
    ),
    conflict=gettext_noop(
        "Someone else has just changed this financing line: reload it to see its current "
        "status, then try again."
    ),
)

LINE_WORKFLOW = Workflow(
    state_field="status",
    transitions=TRANSITIONS,
    inputs=INPUTS,
    prepare=apply_defaults,
    guards=GUARDS,
    permission=_permission_refusal,
    wording=WORDING,
    errors=Errors(
        unknown=UnknownLineTransition,
        unexpected=UnexpectedLineInput,
        refused=LineDecisionRefused,
        forbidden=LineDecisionForbidden,
        conflict=LineConflict,
    ),
    lock=_lock_with_case,
    lock_also=_lock_holder,
    full_clean=True,
    history=History(
        "financement.LineDecision",
        "line",
        ("source_status", "target_status"),
        data=_history_data,
        columns=_history_columns,
    ),
)
