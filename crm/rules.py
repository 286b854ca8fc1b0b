"""Object-level permission predicates (django-rules), built on crm.scoping.

Model permissions (which kinds of rows a role may view or change) come from groups; these
rules add the territory: with an object, a permission holds only inside the user's territory.
"""

import rules

from crm import scoping
from crm.roles import Role


def has_role(*roles: Role):
    names = "_or_".join(roles)

    @rules.predicate(name=f"has_role_{names}")
    def predicate(user) -> bool:
        return scoping.user_role(user) in roles

    return predicate


is_officer = has_role(Role.OFFICER)
is_director = has_role(Role.DIRECTOR)
is_financial_officer = has_role(Role.FINANCIAL_OFFICER)
is_board_member = has_role(Role.BOARD_MEMBER)
is_administrator = rules.is_superuser | has_role(Role.ADMINISTRATOR)


@rules.predicate
def in_territory(user, obj) -> bool:
    """True without an object (model-level checks are left to groups), else the scoping rule."""
    if obj is None:
        return True
    return scoping.can_access(user, obj)


def _model_permission(codename: str):
    @rules.predicate(name=f"holds_{codename}")
    def predicate(user) -> bool:
        from django.contrib.auth.backends import ModelBackend

        return ModelBackend().has_perm(user, codename)

    return predicate


for model_name in ("organisation", "person", "partner"):
    for action in ("view", "change", "delete"):
        permission = f"crm.{action}_{model_name}"
        rules.add_perm(permission, _model_permission(permission) & in_territory)
