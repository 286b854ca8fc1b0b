"""Reads on cases, always scoped to the user's territory (crm.scoping)."""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, QuerySet
from django.utils import timezone

from crm.scoping import scope_queryset
from transmission import employee_information, legal
from transmission.choices import (
    CLOSED_STAGES,
    OPEN_STAGES,
    CaseKind,
    MemberCategory,
    Stage,
    TargetForm,
)
from transmission.choices import CaseTag as CaseTagChoice
from transmission.models import Activity, Case, CaseTag, LeadSubmission, Membership, StageChange
from transmission.workflow import COURT_DEADLINE_ALERT_DAYS, COURT_HEARING_ALERT_DAYS


def case_list(*, user) -> QuerySet[Case]:
    return scope_queryset(
        Case.objects.select_related("organisation", "regional_union", "assigned_officer"), user
    )


def case_get(*, user, pk: int) -> Case:
    """The case if the user may see it (``Case.DoesNotExist`` otherwise: no leak)."""
    return case_list(user=user).get(pk=pk)


def case_history(*, user, case: Case) -> QuerySet[StageChange]:
    return scope_queryset(StageChange.objects.filter(case=case), user).select_related("by")


def case_activities(*, user, case: Case) -> QuerySet[Activity]:
    return scope_queryset(Activity.objects.filter(case=case), user)


def officer_day(*, user, on: datetime.date | None = None) -> QuerySet[Case]:
    """The open cases assigned to ``user``, by next-action date (undated last): their day.

    ``on`` limits to actions due that day or before (overdue first); without it, all of them.
    """
    cases = case_list(user=user).filter(assigned_officer=user, stage__in=OPEN_STAGES)
    if on is not None:
        cases = cases.filter(next_action_on__lte=on)
    return cases.order_by(F("next_action_on").asc(nulls_last=True), "reference")


# --- Alerts -----------------------------------------------------------------------------------


def _court_date_within(user, today, field: str, days: int) -> QuerySet[Case]:
    """Open takeovers in difficulty whose court date ``field`` falls in the next ``days``."""
    today = today or timezone.localdate()
    return (
        case_list(user=user)
        .filter(
            kind=CaseKind.TAKEOVER_DISTRESS,
            stage__in=OPEN_STAGES,
            **{f"{field}__gte": today, f"{field}__lte": today + datetime.timedelta(days=days)},
        )
        .order_by(field, "reference")
    )


def alert_court_deadline_near(*, user, today: datetime.date | None = None) -> QuerySet[Case]:
    """Takeovers in difficulty whose court offer deadline falls within the next 10 days."""
    return _court_date_within(user, today, "court_offer_deadline", COURT_DEADLINE_ALERT_DAYS)


def alert_court_hearing_near(*, user, today: datetime.date | None = None) -> QuerySet[Case]:
    """Takeovers in difficulty whose court hearing falls within the next 15 days."""
    return _court_date_within(user, today, "court_hearing_on", COURT_HEARING_ALERT_DAYS)


def alert_employee_information(*, user, today: datetime.date | None = None) -> QuerySet[Case]:
    """Sales about to sign whose information of employees is short, stale, late for the CSE,
    missing or cannot be checked (transmission.employee_information, the one rule).

    "About to sign": at the signing stage; the few cases there are assessed in Python (the
    rule reads calendar months and the headcount band), then returned as a queryset.
    """
    today = today or timezone.localdate()
    candidates = case_list(user=user).filter(
        kind__in=employee_information.APPLICABLE_KINDS, stage=Stage.CLOSING
    )
    warned = [
        case.pk for case in candidates if employee_information.assess(case, today=today).is_warning
    ]
    return candidates.filter(pk__in=warned).order_by(
        F("signing_on").asc(nulls_last=True), "reference"
    )


def alert_next_action_overdue(*, user, today: datetime.date | None = None) -> QuerySet[Case]:
    today = today or timezone.localdate()
    return (
        case_list(user=user)
        .filter(stage__in=OPEN_STAGES, next_action_on__lt=today)
        .order_by("next_action_on", "reference")
    )


def alert_review_date_passed(*, user, today: datetime.date | None = None) -> QuerySet[Case]:
    today = today or timezone.localdate()
    return (
        case_list(user=user)
        .filter(stage=Stage.ON_HOLD, review_on__lt=today)
        .order_by("review_on", "reference")
    )


def case_alerts(*, user, today: datetime.date | None = None) -> dict[str, QuerySet[Case]]:
    """Every alert for the user's territory, by name."""
    return {
        "court_deadline_near": alert_court_deadline_near(user=user, today=today),
        "court_hearing_near": alert_court_hearing_near(user=user, today=today),
        "employee_information": alert_employee_information(user=user, today=today),
        "next_action_overdue": alert_next_action_overdue(user=user, today=today),
        "review_date_passed": alert_review_date_passed(user=user, today=today),
    }


# --- Derived from the history -----------------------------------------------------------------


def replayed_stage(case: Case) -> str | None:
    """The stage the history leads to, checking each row starts where the previous ended."""
    stage = None
    for source, target in case.stage_changes.order_by("at", "id").values_list(
        "source_stage", "target_stage"
    ):
        if (source or None) != stage:
            raise ValueError(f"history of {case.reference} breaks at {source} → {target}")
        stage = target
    return stage


def time_in_stages(
    case: Case, now: datetime.datetime | None = None
) -> dict[str, datetime.timedelta]:
    """Total time the case spent in each stage (the current one counts until ``now``)."""
    now = now or timezone.now()
    totals: dict[str, datetime.timedelta] = defaultdict(datetime.timedelta)
    rows = list(case.stage_changes.order_by("at", "id").values_list("target_stage", "at"))
    for (stage, entered), (_next_stage, left) in itertools.pairwise(rows):
        totals[stage] += left - entered
    if rows and rows[-1][0] not in CLOSED_STAGES:
        totals[rows[-1][0]] += now - rows[-1][1]
    elif rows:
        totals.setdefault(rows[-1][0], datetime.timedelta())
    return dict(totals)


# --- Case tags (resolution 10: what NAF cannot say) -----------------------------------------


def case_tags(case: Case) -> list[str]:
    return list(CaseTag.objects.filter(case=case).values_list("tag", flat=True))


@dataclass(frozen=True)
class MemberRow:
    category: str
    label: str
    members: int
    capital: Decimal
    votes: Decimal
    capital_share: Decimal | None  # per cent of the total
    votes_share: Decimal | None


@dataclass(frozen=True)
class MembersSummary:
    """A case's members by category with their shares, the totals, and what the law finds
    short for its target form (empty when lawful, or while the form is unknown)."""

    rows: list[MemberRow]
    members: int
    capital: Decimal
    votes: Decimal
    refusals: list[str]
    categories: list[tuple[str, str]]  # (code, label) the target form admits

    @property
    def lawful(self) -> bool:
        return bool(self.rows) and not self.refusals


def case_members_summary(case: Case) -> MembersSummary:
    """One query (or none when ``memberships`` is prefetched)."""
    return _members_summary(list(case.memberships.all()), case.target_form, case.seed_scop)


def cooperative_members_summary(organisation) -> MembersSummary:
    """The members a registered cooperative was born with, against the law of its form."""
    form = f"{organisation.cooperative_type}_{organisation.legal_form}"
    return _members_summary(
        list(cooperative_memberships(organisation)),
        form if form in TargetForm.values else "",
        organisation.seed_scop_until is not None,
    )


def _members_summary(memberships, target_form: str, seed_scop: bool) -> MembersSummary:
    memberships.sort(key=lambda row: MemberCategory.values.index(row.category))
    capital = sum((row.capital for row in memberships), Decimal("0"))
    votes = sum((row.votes for row in memberships), Decimal("0"))
    rows = [
        MemberRow(
            category=row.category,
            label=str(row.get_category_display()),
            members=row.members,
            capital=row.capital,
            votes=row.votes,
            capital_share=legal.share(row.capital, capital),
            votes_share=legal.share(row.votes, votes),
        )
        for row in memberships
    ]
    figures = legal.figures_by_category(memberships)
    refusals = legal.membership_refusals(target_form, seed_scop, figures)
    return MembersSummary(
        rows=rows,
        members=sum(row.members for row in memberships),
        capital=capital,
        votes=votes,
        refusals=[message for _field, message in refusals],
        categories=legal.category_choices(target_form),
    )


def cooperative_memberships(organisation) -> QuerySet[Membership]:
    """The members a registered cooperative was born with (handed over at incorporation)."""
    return Membership.objects.filter(cooperative=organisation).order_by("category")


def employees_capital_shares_at_registration(organisation_ids) -> dict[int, Decimal]:
    """``{cooperative id: employees' share of the capital, in per cent}`` among the members
    each cooperative was registered with (those with recorded capital only). One query."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    employees: dict[int, Decimal] = defaultdict(Decimal)
    rows = Membership.objects.filter(cooperative_id__in=list(organisation_ids)).values_list(
        "cooperative_id", "category", "capital"
    )
    for cooperative_id, category, capital in rows:
        totals[cooperative_id] += capital
        if category == MemberCategory.EMPLOYEES:
            employees[cooperative_id] += capital
    return {
        pk: legal.share(employees[pk], total).quantize(Decimal("0.01"))
        for pk, total in totals.items()
        if total
    }


def case_tag_counts(*, user, cases: QuerySet[Case] | None = None) -> dict[str, int]:
    """How many cases carry each tag, every tag listed (0 when none), among ``cases`` (the
    user's territory by default: a dashboard passes its own filtered cases). One query."""
    cases = case_list(user=user) if cases is None else cases
    counts = dict(
        CaseTag.objects.filter(case__in=cases.values("pk"))
        .order_by()
        .values_list("tag")
        .annotate(n=Count("case_id", distinct=True))
    )
    return {tag: counts.get(tag, 0) for tag in CaseTagChoice.values}


def lead_list(*, partner) -> QuerySet[LeadSubmission]:
    """A partner's own leads: a partner never learns whether another partner's lead exists."""
    return LeadSubmission.objects.filter(partner=partner).select_related("case")
