"""The supports to existing cooperatives: their list, their page, the officer's open ones.

Every read goes through ``financement.selectors`` (scoped to the user's territory there): a
support of another UR is simply not found.
"""

from __future__ import annotations

from django.db.models import QuerySet

from financement import selectors as financing
from financement.models import FinancingLine, FinancingPlan, SupportRequest, SupportStatusChange

DAY_LIMIT = 20


def support_rows(*, user, open_only: bool = False) -> QuerySet[SupportRequest]:
    """The list page's rows, newest first (one query per page)."""
    return financing.support_list(user=user, open_only=open_only).order_by("-opened_on", "-pk")


def support_page_get(*, user, pk: int) -> SupportRequest:
    """The support if the user may see it (``SupportRequest.DoesNotExist`` otherwise)."""
    return financing.support_get(user=user, pk=pk)


def organisation_supports(*, user, organisation) -> QuerySet[SupportRequest]:
    return financing.support_list(user=user, organisation=organisation)


def support_plan(*, user, support: SupportRequest) -> tuple[FinancingPlan, list[FinancingLine]]:
    """The support's plan with its figures (``plan.figures``) and its lines, in a fixed number
    of queries whatever the number of lines."""
    plan, figures, lines = financing.support_financing(user=user, support=support)
    plan.figures = figures
    plan.support = support
    lines = list(lines.order_by("created_at", "pk"))
    for line in lines:
        # The line workflow's permission reads line.plan.holder: no query per line.
        line.plan = plan
    return plan, lines


def line_of_support_get(*, user, support: SupportRequest, pk: int) -> FinancingLine:
    """A financing line of the support's plan (``FinancingLine.DoesNotExist`` otherwise)."""
    line = financing.line_get(user=user, pk=pk)
    if line.plan.support_id != support.pk:
        raise FinancingLine.DoesNotExist
    return line


def support_history(*, user, support: SupportRequest) -> list[SupportStatusChange]:
    return list(financing.support_history(user=user, support=support))


def my_open_supports(*, user) -> list[SupportRequest]:
    """The open supports assigned to the user, oldest first (one query)."""
    return list(
        financing.support_list(user=user, open_only=True)
        .filter(assigned_officer=user)
        .order_by("opened_on", "pk")[:DAY_LIMIT]
    )
