"""Ma journée: what an officer or a director has to do today."""

from __future__ import annotations

import datetime

from django.db.models import Count, QuerySet

from backoffice.access import is_director
from crm.scoping import scope_queryset
from followup import selectors as followup_selectors
from transmission import employee_information
from transmission.choices import OPEN_STAGES, ActivityKind, Stage
from transmission.models import Activity, Case
from transmission.selectors import case_alerts, case_list, officer_day

ALERT_LIMIT = 20


def tasks_due(*, user, today: datetime.date) -> QuerySet[Activity]:
    """The user's open tasks due today or overdue, oldest first."""
    return (
        scope_queryset(Activity.objects.all(), user)
        .filter(kind=ActivityKind.TASK, done=False, assignee=user, due_on__lte=today)
        .select_related("case__organisation")
        .order_by("due_on", "pk")
    )


def next_actions_due(*, user, today: datetime.date) -> QuerySet[Case]:
    return officer_day(user=user, on=today)


def workflow_alerts(*, user, today: datetime.date) -> dict[str, list[Case]]:
    """The workflow alerts: of the whole UR for a director, of their own cases for an officer."""
    result = {}
    for name, cases in case_alerts(user=user, today=today).items():
        if not is_director(user):
            cases = cases.filter(assigned_officer=user)
        result[name] = list(cases[:ALERT_LIMIT])
    for case in result.get("employee_information", []):
        # What the rule found, for the line of the alert (the cases are already loaded).
        case.employee_information = employee_information.assess(case, today=today)
    return result


def unassigned_leads(*, user) -> QuerySet[Case]:
    return (
        case_list(user=user)
        .filter(stage=Stage.LEAD, assigned_officer__isnull=True)
        .order_by("-created_at")
    )


def my_cases_by_stage(*, user) -> list[dict]:
    """``[{"stage": code, "count": n}, ...]`` for the user's open cases, in pipeline order."""
    counts = dict(
        case_list(user=user)
        .filter(assigned_officer=user, stage__in=OPEN_STAGES)
        .order_by()
        .values_list("stage")
        .annotate(count=Count("pk"))
    )
    return [{"stage": stage, "count": counts.get(stage, 0)} for stage in OPEN_STAGES]


def follow_up_reminders(*, user, today: datetime.date) -> dict[str, dict]:
    """The follow-up of the UR's cooperatives: annual reviews to collect, révisions
    coopératives due (or soon), Scop d'amorçage behind their path to 50 %; each as
    ``{"count": all of them, "rows": the first ALERT_LIMIT}``. Six queries.

    Cooperatives are the regional union's, not one officer's: the lists are the UR's.
    """
    lists = {
        "reviews": followup_selectors.reviews_due(on=today, user=user),
        "revisions": followup_selectors.revisions_due(on=today, user=user),
        "seed_scops": followup_selectors.seed_scops_behind(user=user),
    }
    return {name: {"count": len(rows), "rows": rows[:ALERT_LIMIT]} for name, rows in lists.items()}
