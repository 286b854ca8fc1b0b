"""Every rule of the case workflow, in one place, as a description the engine runs.

- ``transitions``: each transition's sources, target, label and who acts; the case fields
  each collects, by kind of case (``INPUTS``), and the extra inputs (``override_reason``);
- ``guards``: per transition, functions returning the ``Reason(field, message)``s that block
  it (French once translated);
- ``permissions``: who may run a transition on which case (one predicate, ``works_on_case``).

``CASE_WORKFLOW`` ties them together for ``crm.workflow_engine``: ``services.case_transition``
runs it, the admin pages and the API read it. The decorated methods on ``Case`` take their
sources and targets from the same table. A rule changed here is changed everywhere.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from crm.identifiers import compact_identifier
from crm.workflow_engine import (
    AvailableTransition,
    Errors,
    History,
    Input,
    Reason,
    TransitionConflict,
    TransitionContext,
    Wording,
    Workflow,
    WorkflowError,
)
from transmission import employee_information
from transmission.financing_gate import financing_gate
from transmission.workflow.guards import (
    GUARDS,
    OVERRIDE_PERMISSION,
    may_override_financing_rule,
    route_refusal,
    seed_scop_reasons,
)
from transmission.workflow.permissions import (
    is_assigned_officer,
    is_director_of,
    works_on_case,
    works_on_case_refusal,
)
from transmission.workflow.permissions import (
    permission_refusal as _permission_refusal,
)
from transmission.workflow.transitions import (
    COOPERATIVE_NAME,
    COURT_DEADLINE_ALERT_DAYS,
    COURT_HEARING_ALERT_DAYS,
    EXTRA_INPUTS,
    INPUTS,
    MIN_SCIC_CATEGORIES,
    MIN_SCOP_FOUNDERS,
    OVERRIDE_REASON,
    TAKEOVERS,
    TRANSITION_NAMES,
    TRANSITIONS,
)

__all__ = [
    "CASE_WORKFLOW",
    "COOPERATIVE_NAME",
    "COURT_DEADLINE_ALERT_DAYS",
    "COURT_HEARING_ALERT_DAYS",
    "EXTRA_INPUTS",
    "GUARDS",
    "INPUTS",
    "MIN_SCIC_CATEGORIES",
    "MIN_SCOP_FOUNDERS",
    "OVERRIDE_PERMISSION",
    "OVERRIDE_REASON",
    "TAKEOVERS",
    "TRANSITIONS",
    "TRANSITION_NAMES",
    "AvailableTransition",
    "CaseConflict",
    "Input",
    "Reason",
    "TransitionContext",
    "UnexpectedInput",
    "UnknownTransition",
    "available_transitions",
    "blocking_reasons",
    "blocking_refusals",
    "extra_inputs",
    "input_fields",
    "is_assigned_officer",
    "is_director_of",
    "may_override_financing_rule",
    "permission_refusal",
    "route_refusal",
    "seed_scop_reasons",
    "spec",
    "split_input",
    "stage_refusal",
    "works_on_case",
    "works_on_case_refusal",
]


class UnknownTransition(WorkflowError, ValueError):
    """The name is not a transition of the case workflow (never a silent no-op)."""


class UnexpectedInput(WorkflowError, ValueError):
    """Data given to a transition that it does not collect (for this kind of case)."""


class CaseConflict(TransitionConflict):
    """Someone else is moving or has just moved the same case (API: 409)."""


# Transitions whose history row records the compliance warnings of the case as it stood.
WARNED_TRANSITIONS = ("start_closing", "incorporate")


def _history_data(case, name: str, fields: dict, extra: dict) -> dict:
    """What the history keeps beyond the fields: the new cooperative's name, a director's
    override of the plan rule, the law's warnings (information of employees)."""
    data = _override_data(case, name, fields, extra)
    if (extra.get(COOPERATIVE_NAME) or "").strip():
        data[COOPERATIVE_NAME] = extra[COOPERATIVE_NAME].strip()
    if name in WARNED_TRANSITIONS:
        warnings = employee_information.warnings_of(case, today=timezone.localdate())
        if warnings:
            data["warnings"] = warnings
    return data


def _override_data(case, name: str, fields: dict, extra: dict) -> dict:
    if not extra.get(OVERRIDE_REASON):
        return {}
    # Recorded only when the plan really blocked: the director took responsibility.
    blocked_by = financing_gate().reasons_blocking_exit(case)
    if not blocked_by:
        return {}
    return {
        OVERRIDE_REASON: extra[OVERRIDE_REASON],
        "overridden": [str(reason) for reason in blocked_by],
    }


def _prepare(case, name: str, ctx: TransitionContext) -> None:
    # The SIREN as people type it ("123 456 789", "123.456.789"): compacted before the guard
    # judges it, so what is stored is what was checked (nine digits, never a longer string).
    if name == "incorporate" and case.cooperative_siren:
        case.cooperative_siren = compact_identifier(case.cooperative_siren)


WORDING = Wording(
    unknown=gettext_noop("“%(name)s” is not a transition of the case workflow."),
    wrong_state=gettext_noop("“%(transition)s” is not possible from the stage “%(stage)s”."),
    conflict=gettext_noop(
        "Someone else has just changed this case: reload it to see its current stage, then "
        "try again."
    ),
)

CASE_WORKFLOW = Workflow(
    state_field="stage",
    transitions=TRANSITIONS,
    inputs=INPUTS,
    extra_inputs=EXTRA_INPUTS,
    kind_of=lambda case: case.kind,
    guards=GUARDS,
    prepare=_prepare,
    permission=_permission_refusal,
    wording=WORDING,
    errors=Errors(unknown=UnknownTransition, unexpected=UnexpectedInput, conflict=CaseConflict),
    # A colleague holding the row is a conflict at once: never queue behind them.
    nowait=True,
    changed_at_field="stage_changed_at",
    history=History(
        "transmission.StageChange", "case", ("source_stage", "target_stage"), _history_data
    ),
)

# --- The description's answers, under the names callers use ---------------------------------

spec = CASE_WORKFLOW.spec
input_fields = CASE_WORKFLOW.input_fields
extra_inputs = CASE_WORKFLOW.extra_inputs_of
split_input = CASE_WORKFLOW.split_input
stage_refusal = CASE_WORKFLOW.state_refusal
permission_refusal = CASE_WORKFLOW.permission_refusal
blocking_refusals = CASE_WORKFLOW.blocking_reasons
available_transitions = CASE_WORKFLOW.available_transitions


def blocking_reasons(case, name: str, data: dict[str, Any] | None = None, *, by=None) -> list[str]:
    """The messages of ``blocking_refusals`` (permission aside; the case is not changed)."""
    return [str(reason) for reason in blocking_refusals(case, name, data, by=by)]
