"""Who may use the back office, and who may change things in it.

Development officers and regional directors work here; financial-tools officers read the
cases of their territory and decide on the movement's financing lines, but change nothing
else (the services would refuse them anyway: the screens simply offer no such button).
Board members read aggregates only (the dashboards): they get the French 403 page, as do
administrators, who manage reference data in the Django admin and hold no territory of
cases. Anonymous visitors go to the login page.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from crm.roles import Role
from crm.scoping import user_role

BACKOFFICE_ROLES = frozenset({Role.OFFICER, Role.DIRECTOR, Role.FINANCIAL_OFFICER})
CASE_WORKER_ROLES = frozenset({Role.OFFICER, Role.DIRECTOR})


def may_use_backoffice(user) -> bool:
    return user.is_authenticated and user.is_active and user_role(user) in BACKOFFICE_ROLES


def works_on_cases(user) -> bool:
    """Officers and directors: they open, move and annotate cases (the services decide which)."""
    return user_role(user) in CASE_WORKER_ROLES


def is_director(user) -> bool:
    return user_role(user) == Role.DIRECTOR


def backoffice_view(view):
    """Login required, then the back-office roles only (403 otherwise, never a redirect loop)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_use_backoffice(request.user):
            raise PermissionDenied(_("The back office is for development officers and directors."))
        return view(request, *args, **kwargs)

    return wrapper
