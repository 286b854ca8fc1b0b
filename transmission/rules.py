"""Object-level permissions on cases (django-rules), on top of the role's model permissions.

With an object, viewing needs the territory; changing a case or its activities needs to be
its assigned officer or a director of its UR (``workflow.works_on_case``, the one predicate;
the workflow holds the transition-specific rules, and asks ``override_financing_rule`` here).
"""

import rules

from crm.rules import _model_permission, in_territory
from transmission import workflow


@rules.predicate
def works_on_case(user, obj) -> bool:
    if obj is None:
        return True
    case = getattr(obj, "case", obj)
    return workflow.works_on_case(user, case)


@rules.predicate
def directs_case(user, obj) -> bool:
    if obj is None:
        return True
    return workflow.is_director_of(user, getattr(obj, "case", obj))


for model_name in ("case", "stagechange", "activity"):
    permission = f"transmission.view_{model_name}"
    rules.add_perm(permission, _model_permission(permission) & in_territory)
for permission in ("transmission.change_case", "transmission.change_activity"):
    rules.add_perm(permission, _model_permission(permission) & works_on_case)
for permission in ("transmission.reassign_case", "transmission.override_financing_rule"):
    rules.add_perm(permission, _model_permission(permission) & directs_case)
