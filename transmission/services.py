"""Writes on cases: creation, transitions, reassignment, next action, activities.

Every service is atomic, locks the case row it changes, checks permission, and defers side
effects with ``transaction.on_commit``. The stage changes in ``case_transition`` only.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import scoping
from crm.actors import is_system
from crm.models import CooperativeType, Organisation, OrganisationStatus, Partner, RegionalUnion
from crm.roles import Role
from crm.territories import regional_union_for_departement
from crm.validation import full_clean_resolved
from crm.workflow_engine import (
    Applied,
    TransitionForbidden,
    TransitionRefused,
    WorkflowError,
    refuse_other_fields,
    run_transition,
    validation_reasons,
)
from transmission import events, legal, workflow
from transmission.choices import (
    OPEN_STAGES,
    ActivityKind,
    CaseKind,
    CaseSource,
    MemberCategory,
    TargetForm,
)
from transmission.choices import CaseTag as CaseTagChoice
from transmission.models import Activity, Case, CaseReferenceCounter, CaseTag, Membership
from transmission.workflow import CaseConflict, UnexpectedInput, UnknownTransition

__all__ = [
    "CaseConflict",
    "CaseWorkflowError",
    "TransitionForbidden",
    "TransitionRefused",
    "UnexpectedInput",
    "UnknownTransition",
    "activity_complete",
    "activity_create",
    "case_create",
    "case_next_action_set",
    "case_reassign",
    "case_reference_next",
    "case_transition",
    "case_update",
]


# One hierarchy for every workflow (crm.workflow_engine): a conflict is a refusal too.
CaseWorkflowError = WorkflowError


def case_transition(*, case: Case, name: str, by, comment: str = "", **data: Any) -> Case:
    """Run the transition ``name`` on ``case`` for the user ``by``, through the one engine.

    ``data`` are the fields the transition collects for this kind of case
    (``workflow.INPUTS``) and its extra inputs (``override_reason`` when leaving financing).
    Raises ``UnknownTransition`` / ``UnexpectedInput`` for a wrong call,
    ``TransitionForbidden`` (permission), ``TransitionRefused`` (guards, every reason at once,
    each naming its field) or ``CaseConflict``; then nothing is written. Returns the saved
    case and refreshes the caller's copy.
    """
    return run_transition(
        workflow.CASE_WORKFLOW,
        obj=case,
        name=name,
        by=by,
        comment=comment,
        after_apply=_after_transition,
        before_save=_before_save,
        **data,
    )


def _after_transition(applied: Applied) -> None:
    """Inside the transition's transaction: what commits or rolls back with the stage change."""
    case = applied.obj
    events.stage_change_notify(
        case=case,
        source_stage=applied.source,
        target_stage=case.stage,
        stage_change=applied.record,
    )


def _before_save(case: Case, name: str, extra: dict) -> None:
    """Inside the transition's transaction, before the case is saved: an incorporated case
    points to its cooperative (a check constraint), created or converted here."""
    if name == "incorporate":
        case.cooperative = _cooperative_record(
            case, name=extra.get(workflow.COOPERATIVE_NAME) or ""
        )
        memberships_hand_over(case)


def memberships_hand_over(case: Case) -> int:
    """The members entered on the case become the registered cooperative's (its annual
    reviews record how they change afterwards); returns how many categories were handed over."""
    return Membership.objects.filter(case=case).update(cooperative=case.cooperative)


def _cooperative_record(case: Case, *, name: str) -> Organisation:
    """The cooperative's legal person, recorded on ``case.cooperative`` (docs/legal-model.md).

    Transformation or conversion: the case's organisation itself takes the cooperative form.
    Newco routes: a new organisation with the cooperative's own SIREN, at the target's address;
    the target keeps its history, is marked sold or liquidated and points to the newco.
    """
    target = Organisation.objects.select_for_update().get(pk=case.organisation_id)
    form = TargetForm(case.target_form)
    if legal.is_newco(case.route):
        cooperative = Organisation(
            name=(name.strip() or target.name)[:200],
            siren=case.cooperative_siren,
            naf_code=target.naf_code,
            naf_version=target.naf_version,
            postal_code=target.postal_code,
            city=target.city,
            employees=case.jobs_at_incorporation or target.employees,
        )
        # The newco sits where the business is: same address, hence the same département.
        cooperative.departement_resolved(target.departement)
        target.status = legal.target_status_after(case.route)
    else:
        cooperative = target
        if not cooperative.siren:
            cooperative.siren = case.cooperative_siren
    cooperative.cooperative_type = CooperativeType.SCIC if form.is_scic else CooperativeType.SCOP
    cooperative.legal_form = form.legal_form
    cooperative.cooperative_since = case.registered_on
    cooperative.cooperative_ceased_on = None
    cooperative.status = OrganisationStatus.ACTIVE
    cooperative.seed_scop_until = (
        legal.seed_scop_deadline(case.registered_on) if case.seed_scop else None
    )
    try:
        cooperative.full_clean()
    except ValidationError as error:
        raise TransitionRefused(validation_reasons(error)) from error
    cooperative.save()
    if cooperative.pk != target.pk:
        target.taken_over_by = cooperative
        target.save(update_fields=["status", "taken_over_by", "updated_at"])
    return cooperative


def case_reference_next(*, regional_union: RegionalUnion, year: int) -> str:
    """The next human reference of a UR for a year, e.g. ``OUEST-2026-0042``.

    One statement: insert the (UR, year) counter at 1 or add one to it, returning the number
    (``INSERT … ON CONFLICT DO UPDATE … RETURNING``, PostgreSQL and SQLite ≥ 3.35). The row
    stays locked until the caller's transaction ends: two cases created at the same moment
    never share a number.
    """
    table = connection.ops.quote_name(CaseReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (regional_union_id, year, last_number) VALUES (%s, %s, 1) "
            f"ON CONFLICT (regional_union_id, year) "
            f"DO UPDATE SET last_number = {table}.last_number + 1 RETURNING last_number",
            [regional_union.pk, year],
        )
        (number,) = cursor.fetchone()
    return format_reference(regional_union.code, year, number)


def format_reference(ur_code: str, year: int, number: int) -> str:
    return f"{ur_code.upper()}-{year}-{number:04d}"


def _may_create_or_edit(user, regional_union_id: int) -> bool:
    profile = scoping.staff_profile(user)
    return (
        profile is not None
        and user.is_active
        and profile.role in (Role.OFFICER, Role.DIRECTOR)
        and profile.regional_union_id == regional_union_id
    )


def case_create(
    *,
    organisation: Organisation,
    kind: CaseKind | str,
    by,
    assigned_officer=None,
    source: CaseSource | str = CaseSource.DIRECT,
    source_partner: Partner | None = None,
    jobs_at_stake: int | None = None,
    comment: str = "",
    **fields: Any,
) -> Case:
    """Open a case (stage ``lead``) for an organisation, in the UR of its département.

    ``by`` is None only for a case opened by a partner's lead (``transmission.intake``): the
    history then records no user and the case's source is that partner. The intake runs as
    one unit retried whole (crm.transactions): no savepoint of its own then.
    """
    partner_lead = by is None and source == CaseSource.PARTNER and source_partner is not None
    with transaction.atomic(savepoint=not partner_lead):
        return _case_create(
            organisation=organisation,
            kind=kind,
            by=by,
            assigned_officer=assigned_officer,
            source=source,
            source_partner=source_partner,
            jobs_at_stake=jobs_at_stake,
            comment=comment,
            **fields,
        )


def _case_create(
    *,
    organisation: Organisation,
    kind: CaseKind | str,
    by,
    assigned_officer,
    source: CaseSource | str,
    source_partner: Partner | None,
    jobs_at_stake: int | None,
    comment: str,
    **fields: Any,
) -> Case:
    regional_union = regional_union_for_departement(organisation.departement_id)
    if regional_union is None:
        raise ValidationError(_("No regional union covers this organisation's département."))
    if by is None:
        if source != CaseSource.PARTNER or source_partner is None:
            raise PermissionDenied(_("Only the staff of the case's regional union may open it."))
    elif not _may_create_or_edit(by, regional_union.pk):
        raise PermissionDenied(_("Only the staff of the case's regional union may open it."))
    if assigned_officer is not None and not _may_create_or_edit(
        assigned_officer, regional_union.pk
    ):
        raise ValidationError(
            {
                "assigned_officer": _(
                    "The assigned officer must belong to the case's regional union."
                )
            }
        )
    if "stage" in fields:
        raise ValidationError(_("A case starts as a lead: its stage is set by transitions."))
    now = timezone.now()
    case = Case(
        reference=case_reference_next(
            regional_union=regional_union, year=timezone.localdate(now).year
        ),
        kind=kind,
        organisation=organisation,
        regional_union=regional_union,
        assigned_officer=assigned_officer,
        source=source,
        source_partner=source_partner,
        jobs_at_stake=jobs_at_stake,
        created_at=now,
        stage_changed_at=now,
        **fields,
    )
    if not case.route:
        case.route = legal.default_route(case.kind)
    _legal_choices_check(case)
    # A partner's lead (by None) loaded every related row itself and handles the database's
    # refusals: no query re-reads them (issue 14).
    workflow.CASE_WORKFLOW.create(case, by=by, comment=comment, at=now, resolved=by is None)
    return case


def _require_works_on_case(by, case: Case) -> None:
    refusal = workflow.works_on_case_refusal(by, case)
    if refusal:
        raise PermissionDenied(refusal)


# Fields anyone who may move the case can edit outside a transition (milestones, figures).
EDITABLE_FIELDS = {
    "kind",
    "source",
    "source_partner",
    "jobs_at_stake",
    "jobs_at_incorporation",
    "route",
    "target_form",
    "seed_scop",
    "founding_members",
    "member_categories",
    "valuation",
    "owner_agreement_on",
    "next_action",
    "next_action_on",
    "employees_informed_on",
    "cse_consulted_on",
    "employees_waived_bid_on",
    "general_meeting_on",
    "opening_judgment_on",
    "court_offer_deadline",
    "court_hearing_on",
    "signing_on",
}


@transaction.atomic
def case_set_tags(*, case: Case, by, tags) -> list[str]:
    """Replace the case's tags with ``tags`` (codes of ``choices.CaseTag``); returns them
    sorted. Whoever may change the case may tag it; an unknown code is refused whole."""
    wanted = set(tags)
    unknown = sorted(wanted - set(CaseTagChoice.values))
    if unknown:
        raise ValidationError({"tags": _("Unknown tags: %(tags)s.") % {"tags": ", ".join(unknown)}})
    locked = Case.objects.select_for_update().get(pk=case.pk)
    _require_works_on_case(by, locked)
    current = set(CaseTag.objects.filter(case=locked).values_list("tag", flat=True))
    CaseTag.objects.filter(case=locked, tag__in=current - wanted).delete()
    CaseTag.objects.bulk_create([CaseTag(case=locked, tag=tag) for tag in wanted - current])
    return sorted(wanted)


# --- Members, capital and votes (checked against the law by the workflow's guards) ----------


def _members_editable(by, case: Case) -> None:
    _require_works_on_case(by, case)
    if case.stage not in OPEN_STAGES:
        raise ValidationError(
            {
                legal.MEMBERS_FIELD: _(
                    "The members of a case that is no longer open cannot change: the "
                    "cooperative's annual reviews record how they evolve."
                )
            }
        )


@transaction.atomic
def member_category_set(
    *,
    case: Case,
    by,
    category: str,
    members: int,
    capital,
    votes=None,
) -> Membership:
    """Record (or replace) one category's members, capital held and votes held. Votes default
    to one per member (a Scop: one person, one vote)."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    _members_editable(by, locked)
    if category not in MemberCategory.values:
        raise ValidationError(
            {"category": _("Unknown category of members: %(category)s.") % {"category": category}}
        )
    if category not in legal.categories_for(locked.target_form):
        raise ValidationError(
            {
                "category": _("A %(form)s has no members of the category “%(category)s”.")
                % {
                    "form": TargetForm(locked.target_form).label,
                    "category": MemberCategory(category).label,
                }
            }
        )
    membership = Membership.objects.filter(case=locked, category=category).first() or Membership(
        case=locked, category=category
    )
    membership.members = members
    membership.capital = capital
    membership.votes = members if votes in (None, "") else votes
    membership.updated_by = by if getattr(by, "pk", None) else None
    membership.full_clean(exclude=["case", "cooperative", "updated_by"])
    membership.save()
    return membership


@transaction.atomic
def member_category_remove(*, case: Case, by, category: str) -> None:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    _members_editable(by, locked)
    Membership.objects.filter(case=locked, category=category).delete()


@transaction.atomic
def case_update(*, case: Case, by, **fields: Any) -> Case:
    """Change a case's data (never its stage, reference, UR or closing data)."""
    refuse_other_fields(
        fields,
        EDITABLE_FIELDS,
        _("These fields change through a transition or a dedicated action: %(fields)s."),
    )
    locked = Case.objects.select_for_update().get(pk=case.pk)
    _require_works_on_case(by, locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    # A new kind with a single route takes it; with a choice, the officer makes it again.
    if (
        "kind" in fields
        and "route" not in fields
        and not legal.route_allowed(locked.kind, locked.route)
    ):
        locked.route = legal.default_route(locked.kind)
    _legal_choices_check(locked)
    locked.full_clean(exclude=["stage"])
    locked.save()
    return locked


def _legal_choices_check(case: Case) -> None:
    """The route must be one of the kind's (blank until known), and a Scop d'amorçage only an
    existing société transforming itself into a Scop: refused in French, naming the field."""
    errors = {}
    if case.route and not legal.route_allowed(case.kind, case.route):
        errors["route"] = workflow.route_refusal(case.kind, case.route)
    else:
        for reason in workflow.seed_scop_reasons(case):
            errors.setdefault(reason.field, reason.message)
    if errors:
        raise ValidationError(errors)


def case_next_action_set(*, case: Case, by, text: str, on: datetime.date | None) -> Case:
    """The next action and its date: what officers sort their day by."""
    return case_update(case=case, by=by, next_action=text, next_action_on=on)


@transaction.atomic
def case_reassign(*, case: Case, officer, by) -> Case:
    """Give the case to another officer of its UR (directors only)."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not workflow.is_director_of(by, locked):
        raise PermissionDenied(_("Only a director of the case's regional union may reassign it."))
    if officer is not None and not _may_create_or_edit(officer, locked.regional_union_id):
        raise ValidationError(
            {
                "assigned_officer": _(
                    "The assigned officer must belong to the case's regional union."
                )
            }
        )
    locked.assigned_officer = officer
    locked.save(update_fields=["assigned_officer", "updated_at"])
    return locked


def activity_create(
    *,
    case: Case,
    by,
    kind: ActivityKind | str,
    subject: str,
    notes: str = "",
    happened_on: datetime.date | None = None,
    due_on: datetime.date | None = None,
    assignee=None,
    minutes_spent: int | None = None,
) -> Activity:
    """Record a call, meeting, note or task on a case (anyone who may work on the case).

    ``by=SYSTEM``: Relève itself, e.g. the task a partner's lead gives the case's officer.
    A task's assignee works in the case's regional union, whoever assigns it.
    """
    # Relève's own write (a lead's task) comes inside the intake's one unit, retried whole
    # (crm.transactions): no savepoint, and the case it just read needs no second read.
    with transaction.atomic(savepoint=not is_system(by)):
        return _activity_create(
            case=case if is_system(by) else Case.objects.select_for_update().get(pk=case.pk),
            by=by,
            kind=kind,
            subject=subject,
            notes=notes,
            happened_on=happened_on,
            due_on=due_on,
            assignee=assignee,
            minutes_spent=minutes_spent,
        )


def _activity_create(
    *, case: Case, by, kind, subject, notes, happened_on, due_on, assignee, minutes_spent
) -> Activity:
    locked = case
    if not is_system(by):
        _require_works_on_case(by, locked)
    if kind == ActivityKind.TASK and due_on is None:
        raise ValidationError({"due_on": _("A task needs a due date.")})
    if not is_system(by) and kind == ActivityKind.TASK and assignee is None:
        assignee = by
    if assignee is not None and not _may_create_or_edit(assignee, locked.regional_union_id):
        raise ValidationError(
            {
                "assignee": _(
                    "The assignee must be an officer or director of the case's regional union."
                )
            }
        )
    activity = Activity(
        case=locked,
        kind=kind,
        subject=subject,
        notes=notes,
        happened_on=happened_on or (None if kind == ActivityKind.TASK else timezone.localdate()),
        due_on=due_on,
        assignee=assignee,
        minutes_spent=minutes_spent,
        created_by=None if is_system(by) else by,
    )
    # No author when Relève itself writes the activity (created_by is null only then).
    if is_system(by):
        # Relève's own write (a lead's task): the case and assignee were just loaded.
        full_clean_resolved(activity, exclude=["created_by"])
    else:
        activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def activity_complete(*, activity: Activity, by, minutes_spent: int | None = None) -> Activity:
    locked = Activity.objects.select_for_update().select_related("case").get(pk=activity.pk)
    case = locked.case
    if not (workflow.works_on_case(by, case) or locked.assignee_id == by.pk):
        raise PermissionDenied(_("Only the people working on the case may complete this task."))
    locked.done = True
    if minutes_spent is not None:
        locked.minutes_spent = minutes_spent
    locked.save(update_fields=["done", "minutes_spent"])
    return locked


@transaction.atomic
def activity_reassign(*, activity: Activity, assignee, by) -> Activity:
    """Give an open task to another officer or director of the case's UR."""
    locked = Activity.objects.select_for_update().select_related("case").get(pk=activity.pk)
    case = locked.case
    if not (workflow.is_director_of(by, case) or workflow.is_assigned_officer(by, case)):
        raise PermissionDenied(
            _("Only the assigned officer or a director of the case's regional union may change it.")
        )
    if locked.kind != ActivityKind.TASK or locked.done:
        raise ValidationError(_("Only an open task can be given to someone else."))
    if assignee is None or not _may_create_or_edit(assignee, case.regional_union_id):
        raise ValidationError(
            {"assignee": _("The assignee must be an officer or a director of the case's UR.")}
        )
    locked.assignee = assignee
    locked.save(update_fields=["assignee"])
    return locked
