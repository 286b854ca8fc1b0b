"""Object-level permissions on financing (django-rules), on top of the role's model permissions.

With an object, viewing needs the territory; changing a plan or drafting its lines needs to be
the case's assigned officer or a director of its UR; a line's change page (decisions) is open
to whoever may run one of its transitions (workflow.LINE_WORKFLOW.permission_refusal decides which).
"""

import rules

from crm.rules import _model_permission, in_territory
from financement import workflow


def _holder_of(obj):
    """The case or the support a plan, a line or a decision belongs to (the people who work
    on it draft the plan)."""
    if hasattr(obj, "plan"):
        return obj.plan.holder
    if hasattr(obj, "holder"):
        return obj.holder
    return obj


@rules.predicate
def works_on_plan(user, obj) -> bool:
    if obj is None:
        return True
    return workflow.is_applicant(user, _holder_of(obj))


@rules.predicate
def may_act_on_line(user, obj) -> bool:
    if obj is None:
        return True
    return workflow.is_applicant(user, _holder_of(obj)) or workflow.is_decider(user, obj)


@rules.predicate
def records_committees_of(user, obj) -> bool:
    if obj is None:
        return True
    return workflow.is_financial_officer_of(user, obj.regional_union_id)


for model_name in (
    "financingplan",
    "financingline",
    "linedecision",
    "committeesession",
    "supportrequest",
    "supportstatuschange",
):
    permission = f"financement.view_{model_name}"
    rules.add_perm(permission, _model_permission(permission) & in_territory)
rules.add_perm("financement.view_instrument", _model_permission("financement.view_instrument"))
for permission in ("financement.change_financingplan", "financement.delete_financingline"):
    rules.add_perm(permission, _model_permission(permission) & works_on_plan)
rules.add_perm(
    "financement.change_financingline",
    _model_permission("financement.change_financingline") & may_act_on_line,
)
rules.add_perm(
    "financement.change_committeesession",
    _model_permission("financement.change_committeesession") & records_committees_of,
)
