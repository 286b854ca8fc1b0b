"""Who may read the dashboards, over which perimeters, and with which cells hidden.

- Board members: the whole country (or the one UR they filter on), aggregates only, and every
  cell counting fewer than 5 cases is shown as "< 5".
- Regional directors and officers: their own UR (nothing hidden) next to the national
  figures (small cells hidden, as for board members).
- A financial-tools officer: national ones see the whole country like an administrator; one
  attached to a UR reads like a director.
- Administrators (and superusers): the whole country, nothing hidden.
- Anyone else signed in: refused (a French 403 page); anonymous: the login form.

The UR perimeter is applied by ``crm.scoping.territory_filter`` (see ``DashboardQuery``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from crm import scoping
from crm.models import RegionalUnion
from crm.roles import Role

SMALL_CELL = 5  # cells counting 1 to 4 cases are hidden where suppression applies


@dataclass(frozen=True)
class Perimeter:
    label: str
    regional_union_id: int | None
    suppress: bool


@dataclass(frozen=True)
class Viewer:
    role: Role | None
    regional_union: RegionalUnion | None  # the viewer's own UR (regional roles)
    suppress_national: bool

    @property
    def is_regional(self) -> bool:
        return self.regional_union is not None

    def perimeters(self, chosen_union: RegionalUnion | None) -> list[Perimeter]:
        """What a page shows: the viewer's UR then the nation, or one national perimeter
        (narrowed to ``chosen_union`` when the filter names one)."""
        if self.regional_union is not None:
            return [
                Perimeter(str(self.regional_union), self.regional_union.pk, suppress=False),
                Perimeter(str(_("National")), None, suppress=self.suppress_national),
            ]
        if chosen_union is not None:
            return [Perimeter(str(chosen_union), chosen_union.pk, self.suppress_national)]
        return [Perimeter(str(_("National")), None, self.suppress_national)]


def viewer_for(user) -> Viewer | None:
    """The viewer a signed-in user is, or None when the dashboards are not for them."""
    if not user.is_authenticated or not user.is_active:
        return None
    profile = scoping.staff_profile(user)
    if profile is None:
        return Viewer(None, None, suppress_national=False) if user.is_superuser else None
    role = Role(profile.role)
    if role == Role.BOARD_MEMBER:
        return Viewer(role, None, suppress_national=True)
    if role == Role.ADMINISTRATOR or user.is_superuser:
        return Viewer(role, None, suppress_national=False)
    if role in (Role.DIRECTOR, Role.OFFICER) or (
        role == Role.FINANCIAL_OFFICER and profile.regional_union_id
    ):
        return Viewer(role, profile.regional_union, suppress_national=True)
    if role == Role.FINANCIAL_OFFICER:
        return Viewer(role, None, suppress_national=False)
    return None
