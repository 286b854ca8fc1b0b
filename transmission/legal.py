"""The legal model of a case: which routes a kind of case may take, which legal person the
cooperative is on each route, and the Scop d'amorçage rule (docs/legal-model.md).

Pure rules (no database): the guards, the services, the demo and the follow-up read them here.
"""

from __future__ import annotations

import datetime

from crm.models import OrganisationStatus
from transmission.choices import CaseKind, CaseRoute, TargetForm

# The one table of the routes a kind of case may take (DOMAIN.md, "Transformation vs newco").
# A company in difficulty may still transform itself (a continuation plan), but a court-ordered
# plan de cession always hands the business to a new cooperative.
ROUTES_BY_KIND: dict[str, tuple[str, ...]] = {
    CaseKind.TAKEOVER: (CaseRoute.TRANSFORMATION, CaseRoute.NEWCO_PURCHASE),
    CaseKind.TAKEOVER_DISTRESS: (CaseRoute.COURT_PLAN, CaseRoute.TRANSFORMATION),
    CaseKind.CREATION: (CaseRoute.CREATION,),
    CaseKind.CONVERSION: (CaseRoute.CONVERSION,),
}

# Routes on which the cooperative is a new legal person, with what becomes of the target.
NEWCO_ROUTES: dict[str, str] = {
    CaseRoute.NEWCO_PURCHASE: OrganisationStatus.SOLD,
    CaseRoute.COURT_PLAN: OrganisationStatus.LIQUIDATED,
}
# Routes on which the case's own organisation becomes the cooperative (same SIREN).
SAME_PERSON_ROUTES = (CaseRoute.TRANSFORMATION, CaseRoute.CONVERSION)

# Scop d'amorçage (law of 1978, art. 49 ter): 50 % of the capital by 31 December of the 7th year.
SEED_SCOP_YEARS = 7


def routes_for(kind: str) -> tuple[str, ...]:
    return ROUTES_BY_KIND.get(kind, ())


def route_allowed(kind: str, route: str) -> bool:
    return route in routes_for(kind)


def default_route(kind: str) -> str:
    """The route of a kind that has only one; empty while a choice remains to be made."""
    routes = routes_for(kind)
    return routes[0] if len(routes) == 1 else ""


def is_newco(route: str) -> bool:
    return route in NEWCO_ROUTES


def target_status_after(route: str) -> str:
    """What the target company becomes when a new cooperative takes over (newco routes)."""
    return NEWCO_ROUTES[route]


def seed_scop_allowed(route: str, target_form: str) -> bool:
    """Only an existing société transforming itself into a Scop may be a Scop d'amorçage."""
    return (
        route == CaseRoute.TRANSFORMATION
        and bool(target_form)
        and not TargetForm(target_form).is_scic
    )


def seed_scop_deadline(since: datetime.date) -> datetime.date:
    """31 December of the 7th year after the transformation on ``since`` (DOMAIN.md)."""
    return datetime.date(since.year + SEED_SCOP_YEARS, 12, 31)
