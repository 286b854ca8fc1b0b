"""Who acts on a financing line.

The *applicant* (the people who work on the case: ``transmission.workflow.works_on_case``)
plans, requests and withdraws a line. The *decider* records the decision and what follows
(payment, repayment, write-off): for the movement's own tools, a financial-tools officer
(national or of the case's UR); for external lines, the applicant, who records the
partner's decision.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from crm import scoping
from crm.roles import Role
from financement.workflow.transitions import APPLICANT, DECIDER
from transmission.workflow import works_on_case, works_on_case_refusal

is_applicant = works_on_case


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
    case = line.plan.holder  # a case, or a support to a cooperative (same rules)
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


def permission_refusal(line, transition, user) -> str | None:
    """Why ``user`` may not run ``transition`` on ``line`` (None: they may)."""
    case = line.plan.holder  # a case, or a support to a cooperative (same rules)
    if _of_another_ur(user, case):
        return _("This line belongs to a case of another regional union.")
    actors = transition.actors
    if APPLICANT in actors and is_applicant(user, case):
        return None
    if DECIDER in actors and is_decider(user, line):
        return None
    if DECIDER not in actors:
        return works_on_case_refusal(user, case)
    if line.is_movement_tool:
        return _("Only a financial-tools officer decides on the movement's own tools.")
    return _(
        "Only the assigned officer or a director of the case's regional union records a "
        "partner's decision."
    )
