"""Every rule of the financing-line workflow, in one place (the pattern of transmission.workflow).

- ``TRANSITIONS``: sources, target, label and who acts (the applicant or the decider);
- ``INPUTS``: the line fields a transition may set;
- ``GUARDS``: per transition, functions returning the reasons (French once translated) that
  block it; the service runs them all so that a refusal lists every missing item at once;
- ``permission_refusal``: who may run a transition on which line.

Who acts: the *applicant* (the case's assigned officer or a director of its UR) plans,
requests and withdraws a line. The *decider* records the decision and what follows (payment,
repayment, write-off): for the movement's own tools, a financial-tools officer (national or of
the case's UR); for external lines, the applicant, who records the partner's decision.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm import scoping
from crm.roles import Role
from financement.choices import InstrumentFamily, LineStatus
from transmission import workflow as case_workflow

APPLICANT = "applicant"
DECIDER = "decider"


class UnknownLineTransition(ValueError):
    """The name is not a transition of the financing-line workflow."""


class UnexpectedLineInput(ValueError):
    """Data given to a transition that it does not collect."""


@dataclass(frozen=True)
class LineTransitionSpec:
    name: str
    label: Promise
    sources: tuple[str, ...]
    target: str
    actors: tuple[str, ...]


def _spec(name, label, sources, target, actors) -> tuple[str, LineTransitionSpec]:
    return name, LineTransitionSpec(name, label, tuple(sources), target, tuple(actors))


TRANSITIONS: dict[str, LineTransitionSpec] = dict(
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

INPUTS: dict[str, list[str]] = {
    "request": ["amount_requested"],
    "approve": ["amount_committed", "decision_on", "committee_session"],
    "decline": ["decision_on", "committee_session"],
    "withdraw": [],
    "disburse": ["amount_disbursed", "disbursed_on"],
    "repay": [],
    "write_off": [],
}


@dataclass
class LineTransitionContext:
    by: Any = None
    today: datetime.date = field(default_factory=timezone.localdate)


Guard = Callable[[Any, LineTransitionContext], list[str]]


def spec(name: str) -> LineTransitionSpec:
    try:
        return TRANSITIONS[name]
    except KeyError:
        raise UnknownLineTransition(
            _("“%(name)s” is not a transition of the financing-line workflow.") % {"name": name}
        ) from None


def split_input(name: str, data: dict[str, Any]) -> dict[str, Any]:
    unexpected = sorted(set(data) - set(INPUTS[spec(name).name]))
    if unexpected:
        raise UnexpectedLineInput(
            _("The transition “%(name)s” does not take: %(fields)s.")
            % {"name": name, "fields": ", ".join(unexpected)}
        )
    return dict(data)


def apply_defaults(line, name: str, ctx: LineTransitionContext) -> None:
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


# --- Guards: each returns the reasons it blocks (empty list: no objection) -------------------


def _euros(value: Decimal) -> str:
    from django.utils.formats import number_format

    return number_format(value, 2, force_grouping=True)


def _positive(line, field_name: str, label: str) -> list[str]:
    value = getattr(line, field_name)
    if value is None:
        return [_("%(field)s is missing.") % {"field": label}]
    if value < 0:
        return [_("%(field)s cannot be negative.") % {"field": label}]
    if value == 0:
        return [_("%(field)s must be more than zero.") % {"field": label}]
    return []


def _not_future(value, label: str, ctx) -> list[str]:
    if value is not None and value > ctx.today:
        return [_("%(field)s cannot be in the future.") % {"field": label}]
    return []


def _committee(line) -> list[str]:
    reasons = []
    session = line.committee_session
    if line.is_movement_tool and session is None:
        reasons.append(
            _(
                "The committee session is missing: the movement's tools are decided by the "
                "regional commitment committee."
            )
        )
    if session is not None and session.regional_union_id != line.plan.case.regional_union_id:
        reasons.append(_("The committee session belongs to another regional union than the case."))
    return reasons


def _secured_line_alive(line) -> list[str]:
    if line.family != InstrumentFamily.GUARANTEE or line.secures_id is None:
        return []
    if line.secures.status in (LineStatus.DECLINED, LineStatus.WITHDRAWN):
        return [_("The line this guarantee secures was declined or withdrawn.")]
    return []


def guard_request(line, ctx) -> list[str]:
    return _positive(line, "amount_requested", _("The amount requested")) + _secured_line_alive(
        line
    )


def guard_approve(line, ctx) -> list[str]:
    reasons = _positive(line, "amount_committed", _("The amount committed"))
    if not reasons and line.amount_committed > line.amount_requested:
        reasons.append(
            _(
                "The amount committed (%(committed)s €) cannot exceed the amount requested "
                "(%(requested)s €)."
            )
            % {
                "committed": _euros(line.amount_committed),
                "requested": _euros(line.amount_requested),
            }
        )
    if line.decision_on is None:
        reasons.append(_("The decision date is missing."))
    reasons += _not_future(line.decision_on, _("The decision date"), ctx)
    reasons += _committee(line)
    reasons += _secured_line_alive(line)
    return reasons


def guard_decline(line, ctx) -> list[str]:
    reasons = []
    if line.decision_on is None:
        reasons.append(_("The decision date is missing."))
    reasons += _not_future(line.decision_on, _("The decision date"), ctx)
    reasons += _committee(line)
    return reasons


def guard_withdraw(line, ctx) -> list[str]:
    return []


def guard_disburse(line, ctx) -> list[str]:
    if line.family == InstrumentFamily.GUARANTEE:
        return [_("A guarantee is never paid out: it secures another line.")]
    reasons = _positive(line, "amount_disbursed", _("The amount disbursed"))
    if not reasons and line.amount_disbursed > (line.amount_committed or 0):
        reasons.append(
            _(
                "The amount disbursed (%(disbursed)s €) cannot exceed the amount committed "
                "(%(committed)s €)."
            )
            % {
                "disbursed": _euros(line.amount_disbursed),
                "committed": _euros(line.amount_committed or 0),
            }
        )
    if line.disbursed_on is None:
        reasons.append(_("The payment date is missing."))
    reasons += _not_future(line.disbursed_on, _("The payment date"), ctx)
    if line.disbursed_on and line.decision_on and line.disbursed_on < line.decision_on:
        reasons.append(_("The payment date cannot precede the decision date."))
    return reasons


def guard_repay(line, ctx) -> list[str]:
    return []


def guard_write_off(line, ctx) -> list[str]:
    return []


GUARDS: dict[str, list[Guard]] = {
    "request": [guard_request],
    "approve": [guard_approve],
    "decline": [guard_decline],
    "withdraw": [guard_withdraw],
    "disburse": [guard_disburse],
    "repay": [guard_repay],
    "write_off": [guard_write_off],
}


def status_refusal(line, name: str) -> str | None:
    if line.status not in spec(name).sources:
        return _("“%(transition)s” is not possible for a line in the status “%(status)s”.") % {
            "transition": spec(name).label,
            "status": LineStatus(line.status).label,
        }
    return None


# --- Who may act on a line ------------------------------------------------------------------


def is_applicant(user, case) -> bool:
    return case_workflow.is_assigned_officer(user, case) or case_workflow.is_director_of(user, case)


def is_financial_officer_of(user, regional_union_id: int) -> bool:
    """A financial-tools officer of that UR, or a national one."""
    profile = scoping.staff_profile(user)
    return (
        profile is not None
        and user.is_active
        and profile.role == Role.FINANCIAL_OFFICER
        and profile.regional_union_id in (None, regional_union_id)
    )


def is_financial_officer_for(user, case) -> bool:
    return is_financial_officer_of(user, case.regional_union_id)


def is_decider(user, line) -> bool:
    case = line.plan.case
    if line.is_movement_tool:
        return is_financial_officer_for(user, case)
    return is_applicant(user, case)


def _of_another_ur(user, case) -> bool:
    profile = scoping.staff_profile(user)
    return (
        profile is not None
        and profile.regional_union_id is not None
        and profile.regional_union_id != case.regional_union_id
    )


def permission_refusal(line, name: str, user) -> str | None:
    """Why ``user`` may not run ``name`` on ``line`` (None: they may)."""
    case = line.plan.case
    if _of_another_ur(user, case):
        return _("This line belongs to a case of another regional union.")
    actors = spec(name).actors
    if APPLICANT in actors and is_applicant(user, case):
        return None
    if DECIDER in actors and is_decider(user, line):
        return None
    if DECIDER not in actors:
        return _(
            "Only the assigned officer or a director of the case's regional union may do this."
        )
    if line.is_movement_tool:
        return _("Only a financial-tools officer decides on the movement's own tools.")
    return _(
        "Only the assigned officer or a director of the case's regional union records a "
        "partner's decision."
    )


# --- Glue for the fsm decorators (models.py) ------------------------------------------------


def fsm_condition(name: str) -> Callable[[Any], bool]:
    def condition(line) -> bool:
        context = getattr(line, "_transition_context", None) or LineTransitionContext()
        return not any(guard(line, context) for guard in GUARDS[name])

    condition.__name__ = f"guards_of_{name}"
    return condition


def fsm_permission(name: str) -> Callable[[Any, Any], bool]:
    def permission(line, user) -> bool:
        return permission_refusal(line, name, user) is None

    permission.__name__ = f"may_{name}"
    return permission


@dataclass
class AvailableLineTransition:
    name: str
    label: str
    allowed: bool
    reasons: list[str]
    fields: list[str]


def available_transitions(line, user) -> list[AvailableLineTransition]:
    """The transitions starting from the line's status, with what forbids each (permission
    only: the guards depend on the data the form collects)."""
    result = []
    for name, transition in TRANSITIONS.items():
        if line.status not in transition.sources:
            continue
        refusal = permission_refusal(line, name, user)
        result.append(
            AvailableLineTransition(
                name=name,
                label=str(transition.label),
                allowed=refusal is None,
                reasons=[refusal] if refusal else [],
                fields=list(INPUTS[name]),
            )
        )
    return result
