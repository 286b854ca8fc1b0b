"""Who may move a case, and the one rule "the assigned officer or a director of its UR"."""

from __future__ import annotations

from django.utils.translation import gettext as _

from crm import scoping
from crm.roles import Role
from transmission.workflow.transitions import DIRECTORS


def _staff_of_case_ur(user, case, role: Role) -> bool:
    profile = scoping.staff_profile(user)
    return (
        profile is not None
        and user.is_active
        and profile.role == role
        and profile.regional_union_id == case.regional_union_id
    )


def is_director_of(user, case) -> bool:
    return _staff_of_case_ur(user, case, Role.DIRECTOR)


def is_assigned_officer(user, case) -> bool:
    return _staff_of_case_ur(user, case, Role.OFFICER) and case.assigned_officer_id == user.pk


def works_on_case(user, case) -> bool:
    """The people who work on a case: its assigned officer and the directors of its UR.

    Nobody outside the UR, administrators included: they manage the site, not the cases.
    Moving the case, editing it, its activities and its financing plan all ask this.
    """
    return is_assigned_officer(user, case) or is_director_of(user, case)


def works_on_case_refusal(user, case) -> str | None:
    """Why ``user`` may not work on ``case`` (None: they may), in the one sentence for it."""
    if works_on_case(user, case):
        return None
    return _("Only the assigned officer or a director of the case's regional union may do this.")


def permission_refusal(case, transition, user) -> str | None:
    """Why ``user`` may not run ``transition`` on ``case`` (None: they may); only a director
    reopens a case."""
    if tuple(transition.actors) == DIRECTORS:
        if not is_director_of(user, case):
            return _("Only a director of the case's regional union may do this.")
        return None
    return works_on_case_refusal(user, case)
