"""One transition engine for every workflow of the application (cases, financing lines, ...).

A workflow is described once, as data (``Workflow``): its transitions (sources, target, label,
who acts), the inputs each takes by kind of object, its guards and its permission rule. One
function runs any transition of any workflow (``run_transition``), always in the same order:

1. the input is split into model fields and extra inputs; anything else is refused;
2. in one transaction, the row is locked (``select_for_update``) and its ``version`` compared
   with the caller's copy: a stale copy or a row held by a colleague is a conflict;
3. permission, then the state the transition starts from, then the guards (run once, every
   reason at once);
4. the fsm method changes the object; the row is saved with its version bumped; the history
   record is appended; ``after_apply`` (stage-change listeners: outbox rows) runs inside the
   transaction; ``side_effects`` run after the commit.

Guards return ``Reason(field, message)``: forms and API bodies attach each message to its field
directly. A third workflow is a new description, not a copy of this code.
"""

from crm.workflow_engine.description import (
    Applied,
    AvailableTransition,
    Errors,
    Guard,
    History,
    Input,
    Transition,
    TransitionContext,
    Wording,
    refuse_other_fields,
)
from crm.workflow_engine.engine import Workflow, fsm_transition, run_transition
from crm.workflow_engine.reasons import (
    Reason,
    TransitionConflict,
    TransitionForbidden,
    TransitionRefused,
    WorkflowError,
    as_reasons,
    field_errors,
    validation_reasons,
)

__all__ = [
    "Applied",
    "AvailableTransition",
    "Errors",
    "Guard",
    "History",
    "Input",
    "Reason",
    "Transition",
    "TransitionConflict",
    "TransitionContext",
    "TransitionForbidden",
    "TransitionRefused",
    "Wording",
    "Workflow",
    "WorkflowError",
    "as_reasons",
    "field_errors",
    "fsm_transition",
    "refuse_other_fields",
    "run_transition",
    "validation_reasons",
]
