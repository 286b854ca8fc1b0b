"""Writes on financing: plans, lines, committee sessions and the line decisions.

Every service is atomic, locks the row it changes, checks permission, validates, and keeps an
immutable record of each line transition (``LineDecision``). The status of a line changes in
``financing_line_decide`` only, run by the engine that runs case transitions: its errors are
the same hierarchy (``crm.workflow_engine.TransitionRefused``), so callers (API, admin) handle
a refused case transition and a refused line decision the same way.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm import scoping
from crm.models import Organisation, RegionalUnion
from crm.roles import Role
from crm.territories import regional_union_for_departement
from crm.workflow_engine import refuse_other_fields, run_transition
from financement import support_workflow, workflow
from financement.choices import LineStatus, SupportNeed
from financement.models import (
    CommitteeSession,
    FinancingLine,
    FinancingPlan,
    Instrument,
    SupportRequest,
)
from financement.workflow import (
    LineConflict,
    LineDecisionForbidden,
    LineDecisionRefused,
    UnexpectedLineInput,
    UnknownLineTransition,
)
from transmission.models import Case
from transmission.workflow import works_on_case_refusal

__all__ = [
    "FinancingForbidden",
    "LineConflict",
    "LineDecisionForbidden",
    "LineDecisionRefused",
    "UnexpectedLineInput",
    "UnknownLineTransition",
    "committee_session_create",
    "financing_line_create",
    "financing_line_decide",
    "financing_line_delete",
    "financing_line_update",
    "financing_plan_create",
    "financing_plan_update",
    "support_request_open",
    "support_request_reassign",
    "support_request_transition",
]


class FinancingForbidden(PermissionDenied):
    """The user may not change this plan (API: 403)."""


# --- Plans and lines (drafting) --------------------------------------------------------------


def _check_applicant(by, holder: Case | SupportRequest) -> None:
    refusal = works_on_case_refusal(by, holder)
    if refusal:
        raise FinancingForbidden(refusal)


def _check_drafting(holder: Case | SupportRequest) -> None:
    """A granted or dropped support's plan is its record: drafting it again needs the support
    reopened (its lines' decisions — a payment, a repayment — still go on)."""
    if isinstance(holder, SupportRequest) and not holder.is_open:
        raise ValidationError(
            _("This support is closed: reopen it before changing its financing plan.")
        )


@transaction.atomic
def financing_plan_create(
    *,
    case: Case,
    by,
    price_or_investment: Decimal = Decimal("0"),
    working_capital: Decimal = Decimal("0"),
    other_needs: Decimal = Decimal("0"),
    notes: str = "",
) -> FinancingPlan:
    """Open the financing plan of a case (one per case)."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    _check_applicant(by, locked)
    if FinancingPlan.objects.filter(case=locked).exists():
        raise ValidationError(_("This case already has a financing plan."))
    plan = FinancingPlan(
        case=locked,
        price_or_investment=price_or_investment,
        working_capital=working_capital,
        other_needs=other_needs,
        notes=notes,
    )
    plan.full_clean()
    plan.save()
    return plan


PLAN_EDITABLE_FIELDS = {"price_or_investment", "working_capital", "other_needs", "notes"}


@transaction.atomic
def financing_plan_update(*, plan: FinancingPlan, by, **fields: Any) -> FinancingPlan:
    refuse_other_fields(
        fields, PLAN_EDITABLE_FIELDS, _("These fields cannot be changed here: %(fields)s.")
    )
    locked = (
        FinancingPlan.objects.select_for_update(of=("self",))
        .select_related("case", "support")
        .get(pk=plan.pk)
    )
    _check_applicant(by, locked.holder)
    _check_drafting(locked.holder)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def financing_line_create(
    *,
    plan: FinancingPlan,
    by,
    instrument: Instrument,
    amount_requested: Decimal,
    secures: FinancingLine | None = None,
    comment: str = "",
) -> FinancingLine:
    """Add a planned line to a plan (the applicant drafts; decisions come later)."""
    locked = (
        FinancingPlan.objects.select_for_update(of=("self",))
        .select_related("case", "support")
        .get(pk=plan.pk)
    )
    _check_applicant(by, locked.holder)
    _check_drafting(locked.holder)
    if not instrument.active:
        raise ValidationError({"instrument": _("This instrument is no longer offered.")})
    line = FinancingLine.from_instrument(
        instrument,
        plan=locked,
        amount_requested=amount_requested,
        secures=secures,
        comment=comment,
    )
    workflow.LINE_WORKFLOW.create(line, by=by, data={"amount_requested": amount_requested})
    return line


LINE_EDITABLE_FIELDS = {"amount_requested", "secures", "comment"}


@transaction.atomic
def financing_line_update(*, line: FinancingLine, by, **fields: Any) -> FinancingLine:
    """Change a line still being drafted (status ``planned``); the comment any time."""
    refuse_other_fields(
        fields, LINE_EDITABLE_FIELDS, _("These fields change through a decision: %(fields)s.")
    )
    locked = FinancingLine.objects.select_for_update().get(pk=line.pk)
    _check_applicant(by, locked.plan.holder)
    if set(fields) - {"comment"}:
        _check_drafting(locked.plan.holder)
    if locked.status != LineStatus.PLANNED and set(fields) - {"comment"}:
        raise ValidationError(_("Only a planned line can be changed; record a decision instead."))
    for name, value in fields.items():
        setattr(locked, name, value)
    # The status is the workflow's (a protected fsm field: full_clean would set it again).
    locked.full_clean(exclude=["status"])
    locked.save()
    return locked


@transaction.atomic
def financing_line_delete(*, line: FinancingLine, by) -> None:
    """Delete a planned line that was never requested (its record goes with it)."""
    locked = FinancingLine.objects.select_for_update().get(pk=line.pk)
    _check_applicant(by, locked.plan.holder)
    _check_drafting(locked.plan.holder)
    if locked.status != LineStatus.PLANNED or locked.guarantees.exists():
        raise ValidationError(
            _("Only a planned line that no guarantee secures can be deleted; withdraw it instead.")
        )
    # Its "create" record goes with it (cascade): nothing was ever decided on that line.
    FinancingLine.objects.filter(pk=locked.pk).delete()


# --- Committee sessions -----------------------------------------------------------------------


@transaction.atomic
def committee_session_create(
    *,
    regional_union: RegionalUnion | None,
    held_on: datetime.date,
    by,
    members_present=(),
    other_members: str = "",
    notes: str = "",
) -> CommitteeSession:
    """Record a committee sitting (financial-tools officers, national or of that UR); with no
    ``regional_union``, a sitting of the national committee (national officers only)."""
    if not workflow.is_financial_officer_of(by, regional_union.pk if regional_union else None):
        raise FinancingForbidden(
            _("Only a financial-tools officer of this regional union records its committees.")
        )
    session = CommitteeSession(
        regional_union=regional_union, held_on=held_on, other_members=other_members, notes=notes
    )
    session.full_clean()
    session.save()
    if members_present:
        session.members_present.set(members_present)
    return session


# --- The line workflow ------------------------------------------------------------------------


def financing_line_decide(
    *, line: FinancingLine, name: str, by, comment: str = "", **data: Any
) -> FinancingLine:
    """Run the transition ``name`` (``workflow.TRANSITIONS``) on ``line`` for the user ``by``,
    through the engine that runs case transitions (``crm.workflow_engine``).

    ``data`` are the fields the transition collects (``workflow.INPUTS``): ``approve`` takes
    ``amount_committed`` (default: the amount requested), ``decision_on`` (default: the
    session's date, else today) and ``committee_session`` (required for the movement's tools);
    ``decline`` the date and session; ``disburse`` ``amount_disbursed`` (default: the amount
    committed) and ``disbursed_on`` (default today). The caller's ``line.version`` is the one
    they read.

    Raises ``UnknownLineTransition`` / ``UnexpectedLineInput`` for a wrong call,
    ``LineDecisionForbidden`` (permission; another UR), ``LineDecisionRefused`` (every reason
    at once, each naming its field) or ``LineConflict``; then nothing is written. Returns the
    saved line and refreshes the caller's copy.
    """
    return run_transition(
        workflow.LINE_WORKFLOW, obj=line, name=name, by=by, comment=comment, **data
    )


# --- Support to existing cooperatives (financement.support_workflow) --------------------------


def _staff_of_ur(user, regional_union_id: int, roles) -> bool:
    profile = scoping.staff_profile(user)
    return (
        profile is not None
        and user.is_active
        and profile.role in roles
        and profile.regional_union_id == regional_union_id
    )


@transaction.atomic
def support_request_open(
    *,
    organisation: Organisation,
    need: SupportNeed | str,
    by,
    description: str = "",
    assigned_officer=None,
    price_or_investment: Decimal = Decimal("0"),
    working_capital: Decimal = Decimal("0"),
    other_needs: Decimal = Decimal("0"),
) -> SupportRequest:
    """Open a support to an active cooperative, with its financing plan, in the UR covering
    the cooperative today (its officers and directors open it; the assigned officer defaults
    to the officer who opens it)."""
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not locked.is_active_cooperative:
        raise ValidationError(
            {"organisation": _("Only an active cooperative can be supported this way.")}
        )
    regional_union = regional_union_for_departement(locked.departement_id)
    if regional_union is None:
        raise ValidationError(
            {"organisation": _("No regional union covers this cooperative's département.")}
        )
    if not _staff_of_ur(by, regional_union.pk, (Role.OFFICER, Role.DIRECTOR)):
        raise FinancingForbidden(
            _("Only an officer or a director of the cooperative's regional union may do this.")
        )
    if assigned_officer is None and scoping.user_role(by) == Role.OFFICER:
        assigned_officer = by
    if assigned_officer is not None and not _staff_of_ur(
        assigned_officer, regional_union.pk, (Role.OFFICER,)
    ):
        raise ValidationError(
            {"assigned_officer": _("The assigned officer must be an officer of this UR.")}
        )
    support = SupportRequest(
        organisation=locked,
        regional_union=regional_union,
        assigned_officer=assigned_officer,
        need=need,
        description=description,
    )
    support_workflow.SUPPORT_WORKFLOW.create(support, by=by, data={"need": str(need)})
    plan = FinancingPlan(
        support=support,
        price_or_investment=price_or_investment,
        working_capital=working_capital,
        other_needs=other_needs,
    )
    plan.full_clean()
    plan.save()
    return support


def support_request_transition(
    *, support: SupportRequest, name: str, by, comment: str = "", **data: Any
) -> SupportRequest:
    """Run the transition ``name`` (``support_workflow.TRANSITIONS``) on ``support`` for the
    user ``by``: ``grant`` takes ``decided_on`` (default today; the plan must be balanced),
    ``drop`` a ``drop_reason`` (required) and ``decided_on``. Raises the workflow's errors
    (``SupportTransitionRefused`` with every reason at once, ``SupportTransitionForbidden``,
    ``SupportConflict``); then nothing is written."""
    return run_transition(
        support_workflow.SUPPORT_WORKFLOW, obj=support, name=name, by=by, comment=comment, **data
    )


@transaction.atomic
def support_request_reassign(*, support: SupportRequest, officer, by) -> SupportRequest:
    """Give the support to another officer of its UR, or to nobody (directors only, as for a
    case)."""
    locked = SupportRequest.objects.select_for_update().get(pk=support.pk)
    if not _staff_of_ur(by, locked.regional_union_id, (Role.DIRECTOR,)):
        raise FinancingForbidden(
            _("Only a director of the support's regional union may reassign it.")
        )
    if officer is not None and not _staff_of_ur(officer, locked.regional_union_id, (Role.OFFICER,)):
        raise ValidationError(
            {"assigned_officer": _("The assigned officer must be an officer of this UR.")}
        )
    locked.assigned_officer = officer
    locked.save(update_fields=["assigned_officer"])
    return locked
