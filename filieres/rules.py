"""Object-level permissions on regional priorities (django-rules, autodiscovered).

Model permissions come from the role's group; with an object, changing a designation also
needs ``filieres.services.can_designate``: administrators anywhere, a director for their
own UR only (région-level designations are national: administrators only).
"""

import rules

from crm.rules import in_territory


def _model_permission(codename: str):
    @rules.predicate(name=f"holds_{codename}")
    def predicate(user) -> bool:
        from django.contrib.auth.backends import ModelBackend

        return ModelBackend().has_perm(user, codename)

    return predicate


@rules.predicate
def may_designate(user, priority) -> bool:
    if priority is None:
        return True
    from filieres.services import can_designate

    return can_designate(user, regional_union_id=priority.regional_union_id)


rules.add_perm(
    "filieres.view_regionalpriority",
    _model_permission("filieres.view_regionalpriority") & in_territory,
)
for action in ("change", "delete"):
    permission = f"filieres.{action}_regionalpriority"
    rules.add_perm(permission, _model_permission(permission) & may_designate)
