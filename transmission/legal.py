"""The legal model of a case: which routes a kind of case may take, which legal person the
cooperative is on each route, the Scop d'amorçage rule, and what the law asks of the members
(docs/legal-model.md).

Pure rules (no database): the guards, the services, the demo and the follow-up read them here.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from crm.models import OrganisationStatus
from transmission.choices import CaseKind, CaseRoute, MemberCategory, TargetForm

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


# --- Members, capital and votes (DOMAIN.md, "Legal facts useful as rules") --------------------

# A Scop has employee members and other members; a Scic any of the categories.
SCOP_CATEGORIES = (MemberCategory.EMPLOYEES, MemberCategory.OTHERS)
# Scop: the employee members' minimum shares, in per cent.
SCOP_EMPLOYEES_CAPITAL_MIN = Decimal("51")
SCOP_EMPLOYEES_VOTES_MIN = Decimal("65")
# A Scop d'amorçage: employees may hold a minority of the capital for 7 years, but they hold
# the majority of the votes from the start (more than half).
SEED_SCOP_EMPLOYEES_VOTES_ABOVE = Decimal("50")
# Scop: the minimum number of members by legal form (company law: 7 shareholders for an SA).
SCOP_MIN_MEMBERS = {"sarl": 2, "sas": 2, "sa": 7}
# Scic: at least 3 categories, including employees (or producers) and beneficiaries.
SCIC_MIN_CATEGORIES = 3
SCIC_WORKING_CATEGORIES = (MemberCategory.EMPLOYEES, MemberCategory.PRODUCERS)
# Scic: public bodies hold at most half of the capital.
SCIC_PUBLIC_BODIES_CAPITAL_MAX = Decimal("50")

# The field a refusal about the members is reported on (the case page's members section).
MEMBERS_FIELD = "members"

_HUNDRED = Decimal("100")


@dataclass(frozen=True)
class MemberFigures:
    """One category's figures: members, capital held (euros) and votes held."""

    members: int
    capital: Decimal
    votes: Decimal


def figures_by_category(memberships) -> dict[str, MemberFigures]:
    """The figures of membership rows (anything with category, members, capital, votes)."""
    return {row.category: MemberFigures(row.members, row.capital, row.votes) for row in memberships}


def categories_for(target_form: str) -> tuple[str, ...]:
    """The member categories a target form admits (all of them while the form is unknown)."""
    if target_form and not TargetForm(target_form).is_scic:
        return tuple(SCOP_CATEGORIES)
    return tuple(MemberCategory.values)


def category_choices(target_form: str) -> list[tuple[str, str]]:
    """``(code, label)`` of the member categories a target form admits (a form's choices)."""
    return [(code, str(MemberCategory(code).label)) for code in categories_for(target_form)]


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole`` (None when the whole is zero)."""
    if not whole:
        return None
    return Decimal(part) * _HUNDRED / Decimal(whole)


def _percent(value: Decimal) -> str:
    """``45.456`` → ``45,5`` (French decimal comma, one decimal when needed)."""
    rounded = Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    decimals = 0 if rounded == rounded.to_integral_value() else 1
    return number_format(rounded, decimal_pos=decimals, use_l10n=True)


def _gap(value: Decimal) -> str:
    """A shortfall in points: never shown as "0" (a share of 50.96 % is still short of 51)."""
    return _percent(max(Decimal(value), Decimal("0.1")))


def _euros(value: Decimal) -> str:
    amount = Decimal(value).quantize(Decimal("1"), rounding=ROUND_CEILING)
    return number_format(amount, decimal_pos=0, use_l10n=True, force_grouping=True) + "\u00a0€"


def _needed_to_reach(held: Decimal, total: Decimal, minimum: Decimal) -> Decimal:
    """What the category must add (to its own and the total) to hold ``minimum`` per cent."""
    rate = minimum / _HUNDRED
    return max(Decimal("0"), (rate * total - held) / (1 - rate))


def membership_refusals(
    target_form: str, seed_scop: bool, figures: Mapping[str, MemberFigures]
) -> list[tuple[str, str]]:
    """What the law finds short in the members of a cooperative of ``target_form``: a list of
    ``(field, message)``, each message saying which figure is short and by how much (French
    once translated); empty when the members are lawful."""
    if not target_form:
        return []
    if not figures:
        return [(MEMBERS_FIELD, _("The cooperative's members are not recorded yet."))]
    form = TargetForm(target_form)
    refusals = []
    not_admitted = [code for code in figures if code not in categories_for(target_form)]
    if not_admitted:
        labels = ", ".join(str(MemberCategory(code).label) for code in not_admitted)
        refusals.append(
            (
                MEMBERS_FIELD,
                _("A Scop has employee members and other members only, not: %(categories)s.")
                % {"categories": labels},
            )
        )
    capital = sum((f.capital for f in figures.values()), Decimal("0"))
    votes = sum((f.votes for f in figures.values()), Decimal("0"))
    if not capital:
        refusals.append((MEMBERS_FIELD, _("The capital held by the members is not recorded.")))
    if not votes:
        refusals.append((MEMBERS_FIELD, _("The votes held by the members are not recorded.")))
    if form.is_scic:
        refusals += _scic_refusals(figures, capital)
    else:
        refusals += _scop_refusals(form, seed_scop, figures, capital, votes)
    return refusals


def _scop_refusals(form, seed_scop, figures, capital, votes) -> list[tuple[str, str]]:
    refusals = []
    count = sum(f.members for f in figures.values())
    minimum = SCOP_MIN_MEMBERS[form.legal_form]
    if count < minimum:
        refusals.append(
            (
                MEMBERS_FIELD,
                _(
                    "A %(form)s needs at least %(minimum)d members: %(count)d recorded, "
                    "%(missing)d missing."
                )
                % {
                    "form": form.label,
                    "minimum": minimum,
                    "count": count,
                    "missing": minimum - count,
                },
            )
        )
    employees = figures.get(MemberCategory.EMPLOYEES, MemberFigures(0, Decimal(0), Decimal(0)))
    capital_share = share(employees.capital, capital)
    if not seed_scop and capital_share is not None and capital_share < SCOP_EMPLOYEES_CAPITAL_MIN:
        missing = _needed_to_reach(employees.capital, capital, SCOP_EMPLOYEES_CAPITAL_MIN)
        refusals.append(
            (
                MEMBERS_FIELD,
                _(
                    "Employee members hold %(share)s %% of the capital, a Scop needs at least "
                    "%(minimum)s %%: %(gap)s points short (%(amount)s more subscribed by "
                    "employees)."
                )
                % {
                    "share": _percent(capital_share),
                    "minimum": _percent(SCOP_EMPLOYEES_CAPITAL_MIN),
                    "gap": _gap(SCOP_EMPLOYEES_CAPITAL_MIN - capital_share),
                    "amount": _euros(missing),
                },
            )
        )
    votes_share = share(employees.votes, votes)
    if votes_share is None:
        return refusals
    if seed_scop:
        if votes_share <= SEED_SCOP_EMPLOYEES_VOTES_ABOVE:
            refusals.append(
                (
                    MEMBERS_FIELD,
                    _(
                        "Employee members hold %(share)s %% of the votes: in a Scop d'amorçage "
                        "they hold the majority from the start (more than %(minimum)s %%)."
                    )
                    % {
                        "share": _percent(votes_share),
                        "minimum": _percent(SEED_SCOP_EMPLOYEES_VOTES_ABOVE),
                    },
                )
            )
    elif votes_share < SCOP_EMPLOYEES_VOTES_MIN:
        refusals.append(
            (
                MEMBERS_FIELD,
                _(
                    "Employee members hold %(share)s %% of the votes, a Scop needs at least "
                    "%(minimum)s %%: %(gap)s points short."
                )
                % {
                    "share": _percent(votes_share),
                    "minimum": _percent(SCOP_EMPLOYEES_VOTES_MIN),
                    "gap": _gap(SCOP_EMPLOYEES_VOTES_MIN - votes_share),
                },
            )
        )
    return refusals


def _scic_refusals(figures, capital) -> list[tuple[str, str]]:
    refusals = []
    count = len(figures)
    if count < SCIC_MIN_CATEGORIES:
        refusals.append(
            (
                MEMBERS_FIELD,
                _(
                    "A Scic needs at least %(minimum)d categories of members: %(count)d "
                    "recorded, %(missing)d missing."
                )
                % {
                    "minimum": SCIC_MIN_CATEGORIES,
                    "count": count,
                    "missing": SCIC_MIN_CATEGORIES - count,
                },
            )
        )
    if not any(code in figures for code in SCIC_WORKING_CATEGORIES):
        refusals.append(
            (MEMBERS_FIELD, _("A Scic needs employee members (or producers): none recorded."))
        )
    if MemberCategory.BENEFICIARIES not in figures:
        refusals.append(
            (MEMBERS_FIELD, _("A Scic needs beneficiary members (users): none recorded."))
        )
    public = figures.get(MemberCategory.PUBLIC_BODIES)
    public_share = share(public.capital, capital) if public else None
    if public_share is not None and public_share > SCIC_PUBLIC_BODIES_CAPITAL_MAX:
        # What the other members must subscribe for the public bodies to fall to the maximum.
        rate = SCIC_PUBLIC_BODIES_CAPITAL_MAX / _HUNDRED
        excess = (public.capital - rate * capital) / rate
        refusals.append(
            (
                MEMBERS_FIELD,
                _(
                    "Public bodies hold %(share)s %% of the capital, a Scic allows at most "
                    "%(maximum)s %%: %(gap)s points too many (%(amount)s more subscribed by "
                    "the other members)."
                )
                % {
                    "share": _percent(public_share),
                    "maximum": _percent(SCIC_PUBLIC_BODIES_CAPITAL_MAX),
                    "gap": _gap(public_share - SCIC_PUBLIC_BODIES_CAPITAL_MAX),
                    "amount": _euros(excess),
                },
            )
        )
    return refusals
