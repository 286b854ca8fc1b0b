"""The case page: the case, its story newest first, its tasks, contacts and financing.

The timeline merges four sources (stage changes, activities, partner submissions, financing
decisions), one query each: the page's query count does not grow with the story. It is paged
like the board's columns: the page shows the newest ``TIMELINE_PAGE_SIZE`` entries and "voir
plus" asks for the next ones, so a case with years of notes costs what a young one does.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from backoffice import workflow_forms
from crm.models import Person
from crm.scoping import scope_queryset
from filieres.models import Filiere
from filieres.selectors import filieres_of
from financement.models import FinancingLine, FinancingPlan, LineDecision
from financement.selectors import figures_of, plan_lines, plans_with_figures
from transmission import employee_information
from transmission.choices import ActivityKind, CaseKind, Stage
from transmission.employee_information import Assessment
from transmission.models import Activity, Case, LeadSubmission
from transmission.selectors import case_activities, case_history, case_list

# The case's dates worth a line of their own on the page, in the order they usually come.
MILESTONE_FIELDS = [
    "owner_agreement_on",
    "employees_informed_on",
    "cse_consulted_on",
    "employees_waived_bid_on",
    "general_meeting_on",
    "signing_on",
    "registered_on",
    "review_on",
]
# A takeover in difficulty follows the court's calendar instead of an owner's agreement.
COURT_MILESTONE_FIELDS = [
    "opening_judgment_on",
    "court_offer_deadline",
    "court_hearing_on",
    "plan_judgment_on",
    "possession_on",
    "general_meeting_on",
    "signing_on",
    "registered_on",
    "review_on",
]

TIMELINE_PAGE_SIZE = 20


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    kind: str  # "stage", "activity", "submission", "decision"
    title: str
    detail: str = ""
    by: str = ""
    done: bool | None = None


def case_page_get(*, user, pk: int) -> Case:
    """The case with what its header shows (``Case.DoesNotExist`` outside the territory)."""
    return (
        case_list(user=user)
        .select_related("source_partner", "organisation__departement")
        .get(pk=pk)
    )


def _stage_entries(user, case: Case, limit: int) -> list[TimelineEntry]:
    entries = []
    for change in case_history(user=user, case=case).order_by("-at", "-pk")[:limit]:
        target = Stage(change.target_stage).label
        if change.source_stage:
            detail = f"{Stage(change.source_stage).label} → {target}"
        else:
            detail = str(target)
        if change.comment:
            detail = f"{detail} — {change.comment}"
        # The compliance warnings the transition ran with (employee_information), as worded then.
        for warning in (change.data or {}).get("warnings", []):
            detail = f"{detail} — ⚠ {warning.get('message', '')}"
        entries.append(
            TimelineEntry(
                at=change.at,
                kind="stage",
                title=workflow_forms.case_transition_label(change.transition),
                detail=detail,
                by=str(change.by) if change.by else "",
            )
        )
    return entries


def _activity_entries(user, case: Case, limit: int) -> list[TimelineEntry]:
    rows = (
        case_activities(user=user, case=case)
        .select_related("created_by")
        .order_by("-created_at", "-pk")[:limit]
    )
    return [
        TimelineEntry(
            at=activity.created_at,
            kind="activity",
            title=f"{activity.get_kind_display().capitalize()} : {activity.subject}",
            detail=activity.notes,
            by=str(activity.created_by) if activity.created_by else "",
            done=activity.done if activity.kind == ActivityKind.TASK else None,
        )
        for activity in rows
    ]


def _submission_entries(user, case: Case, limit: int) -> list[TimelineEntry]:
    rows = (
        scope_queryset(LeadSubmission.objects.filter(case=case), user)
        .select_related("partner")
        .order_by("-created_at", "-pk")[:limit]
    )
    return [
        TimelineEntry(
            at=submission.created_at,
            kind="submission",
            title=_("Lead sent by %(partner)s") % {"partner": submission.partner},
            detail=submission.external_ref,
        )
        for submission in rows
    ]


def _decision_entries(user, case: Case, limit: int) -> list[TimelineEntry]:
    rows = (
        scope_queryset(LineDecision.objects.filter(line__plan__case=case), user)
        .select_related("by", "line__instrument")
        .order_by("-at", "-pk")[:limit]
    )
    return [
        TimelineEntry(
            at=decision.at,
            kind="decision",
            title=f"{workflow_forms.line_transition_label(decision.transition)} : "
            f"{decision.line.instrument}",
            detail=decision.comment,
            by=str(decision.by) if decision.by else "",
        )
        for decision in rows
    ]


def case_timeline(*, user, case: Case, page: int = 1) -> tuple[list[TimelineEntry], bool]:
    """One page of the case's events, newest first, and whether older ones follow (four
    queries whatever the length).

    The newest ``page × size`` entries of the merge are among the newest ``page × size`` of
    each source, so each query is bounded by the page, never by the story; one more row tells
    whether a next page exists."""
    page = max(page, 1)
    start = (page - 1) * TIMELINE_PAGE_SIZE
    limit = start + TIMELINE_PAGE_SIZE + 1
    entries = [
        *_stage_entries(user, case, limit),
        *_activity_entries(user, case, limit),
        *_submission_entries(user, case, limit),
        *_decision_entries(user, case, limit),
    ]
    # Stable sort: entries at the same instant keep the sources' order.
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[start : start + TIMELINE_PAGE_SIZE], len(entries) > start + TIMELINE_PAGE_SIZE


def case_tasks(*, user, case: Case) -> QuerySet[Activity]:
    return (
        case_activities(user=user, case=case)
        .filter(kind=ActivityKind.TASK)
        .select_related("assignee")
        .order_by("done", "due_on", "pk")
    )


def case_contacts(*, user, case: Case) -> QuerySet[Person]:
    return scope_queryset(Person.objects.filter(organisation_id=case.organisation_id), user)


def case_filieres(case: Case) -> QuerySet[Filiere]:
    return filieres_of(case)


def case_milestones(case: Case) -> list[tuple[str, datetime.date | None]]:
    names = COURT_MILESTONE_FIELDS if case.kind == CaseKind.TAKEOVER_DISTRESS else MILESTONE_FIELDS
    return [(str(Case._meta.get_field(name).verbose_name), getattr(case, name)) for name in names]


def case_employee_information(case: Case, *, today: datetime.date) -> Assessment | None:
    """What the information rule says of the case; None where it does not apply (no panel)."""
    if case.kind not in employee_information.APPLICABLE_KINDS:
        return None
    return employee_information.assess(case, today=today)


def case_plan(*, user, case: Case) -> tuple[FinancingPlan | None, list[FinancingLine]]:
    """The case's plan annotated with its figures, and its lines (three queries)."""
    plan = plans_with_figures(user=user).filter(case=case).first()
    if plan is None:
        return None, []
    plan.figures = figures_of(plan)
    plan.case = case
    lines = list(plan_lines(user=user, plan=plan).order_by("created_at", "pk"))
    for line in lines:
        # The workflow's permission reads line.plan.case: no query per line.
        line.plan = plan
    return plan, lines


def line_of_case_get(*, user, case: Case, pk: int) -> FinancingLine:
    """A financing line of the case (``FinancingLine.DoesNotExist`` otherwise)."""
    return scope_queryset(
        FinancingLine.objects.filter(plan__case=case).select_related(
            "plan__case", "instrument", "committee_session"
        ),
        user,
    ).get(pk=pk)
