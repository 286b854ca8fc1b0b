"""Every rule of the case workflow, in one place.

- ``TRANSITIONS``: each transition's sources, target, label and whether only a director may run it;
- ``INPUTS``: the case fields a transition may set (what its form or API call collects);
- ``GUARDS``: per transition, functions that each return the reasons (French, readable) that
  block it; ``blocking_reasons`` runs them all so a refusal lists every missing item at once;
- ``permission_refusal``: who may run a transition on which case.

The decorated methods on ``Case`` (models.py) take their sources and targets from this table
and their fsm ``conditions`` / ``permission`` from the functions below; the service
(services.case_transition) calls the same functions to refuse with reasons. A rule changed
here is changed everywhere.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm import scoping
from crm.identifiers import luhn_valid, strip_spaces
from crm.roles import Role
from transmission.choices import (
    ACTIVE_STAGES,
    AbandonReason,
    CaseKind,
    Stage,
    TargetForm,
)
from transmission.financing_gate import financing_gate

TAKEOVERS = (CaseKind.TAKEOVER, CaseKind.TAKEOVER_DISTRESS)
# Minimum membership when leaving structuring, for a creation (DOMAIN.md: SARL/SAS Scop: 2
# associates; Scic: 3 categories of members).
MIN_SCOP_FOUNDERS = 2
MIN_SCIC_CATEGORIES = 3
# French law: employees hear of a sale at least two months before it (under 250 employees).
EMPLOYEES_NOTICE_MONTHS = 2
# A takeover in difficulty is flagged this many days before the court's offer deadline.
COURT_DEADLINE_ALERT_DAYS = 10


class UnknownTransition(ValueError):
    """The name is not a transition of the case workflow (never a silent no-op)."""


class UnexpectedInput(ValueError):
    """Data given to a transition that it does not collect."""


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    label: Promise
    sources: tuple[str, ...]
    # None: back to the active stage the case left (``Case.previous_stage``).
    target: str | None
    director_only: bool = False


def _spec(name, label, sources, target, **kwargs) -> tuple[str, TransitionSpec]:
    return name, TransitionSpec(name, label, tuple(sources), target, **kwargs)


TRANSITIONS: dict[str, TransitionSpec] = dict(
    [
        _spec("qualify", gettext_lazy("Qualify"), [Stage.LEAD], Stage.QUALIFICATION),
        _spec(
            "start_feasibility",
            gettext_lazy("Start the diagnostic"),
            [Stage.QUALIFICATION],
            Stage.FEASIBILITY,
        ),
        # From qualification only for a takeover in difficulty (guard below): courts give weeks.
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
        _spec("resume", gettext_lazy("Resume"), [Stage.ON_HOLD], None),
        _spec("abandon", gettext_lazy("Abandon"), [*ACTIVE_STAGES, Stage.ON_HOLD], Stage.ABANDONED),
        _spec(
            "decline", gettext_lazy("Decline"), [Stage.LEAD, Stage.QUALIFICATION], Stage.DECLINED
        ),
        _spec("reopen", gettext_lazy("Reopen"), [Stage.ABANDONED], None, director_only=True),
    ]
)
TRANSITION_NAMES = list(TRANSITIONS)

# Case fields each transition may set (its form / API payload), by kind where it matters.
_ALL_KINDS = tuple(CaseKind)
INPUTS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "qualify": [],
    "start_feasibility": [("jobs_at_stake", _ALL_KINDS)],
    "start_structuring": [
        ("valuation", (CaseKind.TAKEOVER,)),
        ("owner_agreement_on", (CaseKind.TAKEOVER,)),
        ("court_offer_deadline", (CaseKind.TAKEOVER_DISTRESS,)),
    ],
    "start_financing": [
        ("target_form", _ALL_KINDS),
        ("founding_members", (CaseKind.CREATION,)),
        ("member_categories", (CaseKind.CREATION,)),
    ],
    "start_closing": [("employees_informed_on", (CaseKind.TAKEOVER,))],
    "incorporate": [
        ("cooperative_siren", _ALL_KINDS),
        ("target_form", _ALL_KINDS),
        ("registered_on", _ALL_KINDS),
        ("jobs_at_incorporation", _ALL_KINDS),
    ],
    "put_on_hold": [("review_on", _ALL_KINDS)],
    "resume": [],
    "abandon": [("abandon_reason", _ALL_KINDS), ("abandon_comment", _ALL_KINDS)],
    "decline": [("decline_reason", _ALL_KINDS)],
    "reopen": [],
}
# Inputs that are not case fields: kept in the history row's data.
OVERRIDE_REASON = "override_reason"
EXTRA_INPUTS = {"start_closing": [OVERRIDE_REASON]}


@dataclass
class TransitionContext:
    """Who runs the transition and what they gave that is not a case field."""

    by: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


Guard = Callable[[Any, TransitionContext], list[str]]


def spec(name: str) -> TransitionSpec:
    try:
        return TRANSITIONS[name]
    except KeyError:
        raise UnknownTransition(
            _("“%(name)s” is not a transition of the case workflow.") % {"name": name}
        ) from None


def input_fields(case, name: str) -> list[str]:
    """The case fields the transition ``name`` collects for this case's kind."""
    spec(name)
    return [field for field, kinds in INPUTS[name] if case.kind in kinds]


def extra_inputs(name: str) -> list[str]:
    return list(EXTRA_INPUTS.get(name, []))


def split_input(case, name: str, data: dict[str, Any]) -> tuple[dict, dict]:
    """Separate case fields from extra inputs; anything else is an error, not ignored."""
    allowed_fields = {field for field, _kinds in INPUTS[spec(name).name]}
    fields = {k: v for k, v in data.items() if k in allowed_fields}
    extra = {k: v for k, v in data.items() if k in EXTRA_INPUTS.get(name, [])}
    unexpected = sorted(set(data) - set(fields) - set(extra))
    if unexpected:
        raise UnexpectedInput(
            _("The transition “%(name)s” does not take: %(fields)s.")
            % {"name": name, "fields": ", ".join(unexpected)}
        )
    return fields, extra


# --- Guards: each returns the reasons it blocks (empty list: no objection) -------------------


def _today() -> datetime.date:
    return timezone.localdate()


def _needs(case, fields: dict[str, str]) -> list[str]:
    return [message for name, message in fields.items() if getattr(case, name) in (None, "")]


def guard_qualify(case, ctx) -> list[str]:
    if case.assigned_officer_id is None:
        return [_("No development officer is assigned to the case.")]
    return []


def guard_start_feasibility(case, ctx) -> list[str]:
    return _needs(case, {"jobs_at_stake": _("The number of jobs at stake is missing.")})


def guard_start_structuring(case, ctx) -> list[str]:
    reasons = []
    if case.stage == Stage.QUALIFICATION and case.kind != CaseKind.TAKEOVER_DISTRESS:
        reasons.append(
            _("Only a takeover of a company in difficulty may skip the diagnostic stage.")
        )
    if case.kind == CaseKind.TAKEOVER:
        reasons += _needs(
            case,
            {
                "valuation": _("The valuation of the company is missing."),
                "owner_agreement_on": _(
                    "The date of the owner's agreement in principle is missing."
                ),
            },
        )
    if case.kind == CaseKind.TAKEOVER_DISTRESS:
        reasons += _needs(
            case, {"court_offer_deadline": _("The court's offer deadline is missing.")}
        )
    return reasons


def guard_start_financing(case, ctx) -> list[str]:
    reasons = _needs(case, {"target_form": _("The target cooperative form is missing.")})
    if case.kind == CaseKind.CREATION and case.target_form:
        if TargetForm(case.target_form).is_scic:
            if (case.member_categories or 0) < MIN_SCIC_CATEGORIES:
                reasons.append(
                    _("A Scic needs at least %(count)d categories of members.")
                    % {"count": MIN_SCIC_CATEGORIES}
                )
        elif (case.founding_members or 0) < MIN_SCOP_FOUNDERS:
            reasons.append(
                _("A Scop needs at least %(count)d founding members.")
                % {"count": MIN_SCOP_FOUNDERS}
            )
    reasons += financing_gate().reasons_blocking_entry(case)
    return reasons


def guard_start_closing(case, ctx) -> list[str]:
    reasons = []
    plan_reasons = financing_gate().reasons_blocking_exit(case)
    if plan_reasons:
        override = (ctx.extra.get(OVERRIDE_REASON) or "").strip()
        if not override:
            reasons += plan_reasons
        elif not is_director_of(ctx.by, case):
            reasons.append(_("Only a regional director may override the financing plan rule."))
    if case.kind == CaseKind.TAKEOVER:
        reasons += _needs(
            case,
            {
                "employees_informed_on": _(
                    "The date on which the employees were informed of the sale is missing."
                )
            },
        )
        if case.employees_informed_on and case.employees_informed_on > _today():
            reasons.append(_("The employees' information date cannot be in the future."))
    return reasons


def guard_incorporate(case, ctx) -> list[str]:
    reasons = []
    siren = strip_spaces(case.cooperative_siren or "")
    if not siren:
        reasons.append(_("The SIREN of the new cooperative is missing."))
    elif not (len(siren) == 9 and siren.isdigit() and luhn_valid(siren)):
        reasons.append(_("The SIREN of the new cooperative is invalid."))
    reasons += _needs(
        case,
        {
            "target_form": _("The legal form of the cooperative is missing."),
            "registered_on": _("The registration date is missing."),
        },
    )
    if case.registered_on and case.registered_on > _today():
        reasons.append(_("The registration date cannot be in the future."))
    return reasons


def guard_put_on_hold(case, ctx) -> list[str]:
    if not case.review_on:
        return [_("A case on hold needs a review date.")]
    if case.review_on <= _today():
        return [_("The review date must be in the future.")]
    return []


def guard_resume(case, ctx) -> list[str]:
    if case.previous_stage not in ACTIVE_STAGES:
        return [_("The stage the case left is unknown.")]
    return []


def guard_abandon(case, ctx) -> list[str]:
    reasons = _needs(case, {"abandon_reason": _("The reason for abandoning is missing.")})
    if case.abandon_reason == AbandonReason.OTHER and not (case.abandon_comment or "").strip():
        reasons.append(_("Explain the reason in a comment when it is “other”."))
    return reasons


def guard_decline(case, ctx) -> list[str]:
    return _needs(case, {"decline_reason": _("The reason for not retaining the lead is missing.")})


def guard_reopen(case, ctx) -> list[str]:
    return guard_resume(case, ctx)


GUARDS: dict[str, list[Guard]] = {
    "qualify": [guard_qualify],
    "start_feasibility": [guard_start_feasibility],
    "start_structuring": [guard_start_structuring],
    "start_financing": [guard_start_financing],
    "start_closing": [guard_start_closing],
    "incorporate": [guard_incorporate],
    "put_on_hold": [guard_put_on_hold],
    "resume": [guard_resume],
    "abandon": [guard_abandon],
    "decline": [guard_decline],
    "reopen": [guard_reopen],
}


def stage_refusal(case, name: str) -> str | None:
    """Why ``name`` cannot start from the case's stage at all (None: it can)."""
    if case.stage not in spec(name).sources:
        return _("“%(transition)s” is not possible from the stage “%(stage)s”.") % {
            "transition": spec(name).label,
            "stage": Stage(case.stage).label,
        }
    return None


def blocking_reasons(case, name: str, data: dict[str, Any] | None = None, *, by=None) -> list[str]:
    """Every reason the transition ``name`` may not run on ``case`` with ``data`` (empty: it may).

    ``data`` holds what the user gives with the transition (case fields of ``INPUTS`` and the
    extra inputs); it is checked on a copy, the case itself is not changed. Permission is
    separate (``permission_refusal``).
    """
    refusal = stage_refusal(case, name)
    if refusal:
        return [refusal]
    fields, extra = split_input(case, name, data or {})
    preview = copy.copy(case)
    for field_name, value in fields.items():
        setattr(preview, field_name, value)
    context = TransitionContext(by=by, extra=extra)
    reasons: list[str] = []
    for guard in GUARDS[name]:
        reasons += guard(preview, context)
    return reasons


# --- Who may move a case --------------------------------------------------------------------


def is_director_of(user, case) -> bool:
    profile = scoping.staff_profile(user)
    return (
        profile is not None
        and user.is_active
        and profile.role == Role.DIRECTOR
        and profile.regional_union_id == case.regional_union_id
    )


def is_assigned_officer(user, case) -> bool:
    profile = scoping.staff_profile(user)
    return (
        profile is not None
        and user.is_active
        and profile.role == Role.OFFICER
        and profile.regional_union_id == case.regional_union_id
        and case.assigned_officer_id == user.pk
    )


def permission_refusal(case, name: str, user) -> str | None:
    """Why ``user`` may not run ``name`` on ``case`` (None: they may).

    The assigned officer and the directors of the case's UR move a case; only a director
    reopens it. Nobody outside the UR may, administrators included: they manage the site,
    not the cases.
    """
    if spec(name).director_only:
        if not is_director_of(user, case):
            return _("Only a director of the case's regional union may do this.")
        return None
    if not (is_director_of(user, case) or is_assigned_officer(user, case)):
        return _(
            "Only the assigned officer or a director of the case's regional union may move it."
        )
    return None


# --- Glue for the fsm decorators (models.py) ------------------------------------------------


def fsm_condition(name: str) -> Callable[[Any], bool]:
    """The fsm ``conditions`` entry: the guards, with the context the service attached."""

    def condition(case) -> bool:
        context = getattr(case, "_transition_context", None) or TransitionContext()
        return not any(guard(case, context) for guard in GUARDS[name])

    condition.__name__ = f"guards_of_{name}"
    return condition


def fsm_permission(name: str) -> Callable[[Any, Any], bool]:
    def permission(case, user) -> bool:
        return permission_refusal(case, name, user) is None

    permission.__name__ = f"may_{name}"
    return permission


@dataclass
class AvailableTransition:
    name: str
    label: str
    allowed: bool
    reasons: list[str]
    fields: list[str]
    extra_inputs: list[str]


def available_transitions(case, user) -> list[AvailableTransition]:
    """The transitions that start from the case's stage, each with what blocks it as it stands
    and the fields its form collects (for the admin buttons and the API)."""
    result = []
    for name, transition in TRANSITIONS.items():
        if case.stage not in transition.sources:
            continue
        refusal = permission_refusal(case, name, user)
        reasons = [refusal] if refusal else blocking_reasons(case, name, by=user)
        result.append(
            AvailableTransition(
                name=name,
                label=str(transition.label),
                allowed=not reasons,
                reasons=reasons,
                fields=input_fields(case, name),
                extra_inputs=extra_inputs(name),
            )
        )
    return result
