"""Reads on financing, scoped to the user's territory, with figures computed in the database.

Definitions (PRODUCT.md §3, DOMAIN.md):
- needs = price or investment + working capital + other needs;
- committed resources = the committed amounts of the lines that are not guarantees (a line
  carries a committed amount from its approval on: approved, disbursed, repaid, written off);
- gap = needs − committed resources (positive: money still missing);
- balanced = needs entered (> 0) and committed resources ≥ needs (the financing gate's rule);
- movement-tool share = committed by the movement's tools ÷ committed resources;
- leverage = committed resources ÷ committed by the movement's tools (None when the movement
  commits nothing).

The year of a figure is the year of the line's decision date: money counts in the year it was
committed, as the tools report their activity. Needs have no date: they are given per plan
and per UR, not per year. Ratios are computed from the sums the database returns (a handful
of numbers per group); no row is ever looped over in Python.

Board members read the aggregate selectors over the whole country (numbers only, never a
case); row-level selectors follow ``crm.scoping`` and give them nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear

from crm import scoping
from crm.roles import AGGREGATE_ONLY_ROLES
from crm.scoping import scope_queryset, territory_filter
from financement.choices import (
    COMMITTED_STATUSES,
    OPEN_SUPPORT_STATUSES,
    InstrumentFamily,
    LineStatus,
)
from financement.models import (
    CommitteeSession,
    FinancingLine,
    FinancingPlan,
    Instrument,
    LineDecision,
    SupportRequest,
    SupportStatusChange,
)
from transmission.models import Case

ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=16, decimal_places=2)
RESOURCE = ~Q(family=InstrumentFamily.GUARANTEE)
MOVEMENT_RESOURCE = RESOURCE & Q(is_movement_tool=True)


@dataclass(frozen=True)
class FinancingFigures:
    needs: Decimal | None
    committed: Decimal
    movement_committed: Decimal
    requested: Decimal = ZERO

    @property
    def gap(self) -> Decimal | None:
        return None if self.needs is None else self.needs - self.committed

    @property
    def needs_entered(self) -> bool:
        return self.needs is not None and self.needs > 0

    @property
    def balanced(self) -> bool:
        """Needs entered and covered by committed resources: the one definition, which the
        workflow's financing gate (financement.gate) applies to let a case leave financing."""
        return self.needs_entered and self.committed >= self.needs

    @property
    def movement_share(self) -> Decimal | None:
        return self.movement_committed / self.committed if self.committed else None

    @property
    def leverage(self) -> Decimal | None:
        return self.committed / self.movement_committed if self.movement_committed else None

    def as_dict(self) -> dict:
        return {
            "needs": self.needs,
            "committed": self.committed,
            "movement_committed": self.movement_committed,
            "requested": self.requested,
            "gap": self.gap,
            "movement_share": self.movement_share,
            "leverage": self.leverage,
        }


def _sum(field: str, condition: Q | None = None) -> Coalesce:
    return Coalesce(Sum(field, filter=condition), Value(ZERO), output_field=_MONEY)


def _prefixed(condition: Q, prefix: str) -> Q:
    """``condition`` on lines, seen from a model that reaches lines through ``prefix``."""
    if not prefix:
        return condition
    result = Q()
    result.connector, result.negated = condition.connector, condition.negated
    for child in condition.children:
        if isinstance(child, Q):
            result.children.append(_prefixed(child, prefix))
        else:
            result.children.append((f"{prefix}{child[0]}", child[1]))
    return result


def _line_sums(prefix: str = "") -> dict:
    """Aggregates over lines: committed resources, committed by the movement, requested."""
    live = Q(status__in=[LineStatus.PLANNED, LineStatus.REQUESTED]) & RESOURCE
    return {
        "committed": _sum(f"{prefix}amount_committed", _prefixed(RESOURCE, prefix)),
        "movement_committed": _sum(
            f"{prefix}amount_committed", _prefixed(MOVEMENT_RESOURCE, prefix)
        ),
        "pending": _sum(f"{prefix}amount_requested", _prefixed(live, prefix)),
    }


NEEDS = F("price_or_investment") + F("working_capital") + F("other_needs")


def holder_field(path: str, prefix: str = "") -> Coalesce:
    """A field of the plan's holder (its case, or its support to a cooperative), seen from a
    model reaching plans through ``prefix`` (``"plan__"`` from lines): e.g.
    ``holder_field("regional_union")``, ``holder_field("organisation__departement",
    "plan__")``. The one place that knows a plan has two kinds of holder."""
    return Coalesce(F(f"{prefix}case__{path}"), F(f"{prefix}support__{path}"))


# --- Row-level reads ----------------------------------------------------------------------------


def instrument_list(*, active_only: bool = True) -> QuerySet[Instrument]:
    instruments = Instrument.objects.all()
    return instruments.filter(active=True) if active_only else instruments


def plan_list(*, user) -> QuerySet[FinancingPlan]:
    return scope_queryset(
        FinancingPlan.objects.select_related(
            "case", "case__regional_union", "support", "support__regional_union"
        ),
        user,
    )


def plan_for_case(*, user, case: Case) -> FinancingPlan:
    """The plan of a case if the user may see it (``FinancingPlan.DoesNotExist`` otherwise)."""
    return plan_list(user=user).get(case=case)


def plan_lines(*, user, plan: FinancingPlan) -> QuerySet[FinancingLine]:
    return scope_queryset(
        FinancingLine.objects.filter(plan=plan).select_related(
            "instrument", "committee_session", "secures__instrument"
        ),
        user,
    )


def line_get(*, user, pk: int) -> FinancingLine:
    return scope_queryset(
        FinancingLine.objects.select_related(
            "plan__case", "plan__support", "instrument", "committee_session"
        ),
        user,
    ).get(pk=pk)


def line_decisions(*, user, line: FinancingLine) -> QuerySet[LineDecision]:
    return scope_queryset(LineDecision.objects.filter(line=line), user).select_related("by")


def committee_session_list(*, user) -> QuerySet[CommitteeSession]:
    return scope_queryset(CommitteeSession.objects.select_related("regional_union"), user)


ABOVE_DELEGATION = Q(instrument__regional_delegation_ceiling__isnull=False) & Q(
    amount_requested__gt=F("instrument__regional_delegation_ceiling")
)


def committee_agenda(*, user, session: CommitteeSession) -> QuerySet[FinancingLine]:
    """Lines awaiting the committee's decision: requested movement-tool lines within the
    regional delegation for a UR's committee (its UR's), above it for the national one (all
    URs; see ``Instrument.needs_national_committee``)."""
    lines = FinancingLine.objects.filter(status=LineStatus.REQUESTED, is_movement_tool=True)
    if session.is_national:
        lines = lines.filter(ABOVE_DELEGATION)
    else:
        lines = lines.filter(territory_filter(FinancingLine, session.regional_union_id)).exclude(
            ABOVE_DELEGATION
        )
    return scope_queryset(
        lines.select_related(
            "plan__case__organisation", "plan__support__organisation", "instrument"
        ),
        user,
    ).order_by("created_at", "id")


def committee_session_lines(*, user, session: CommitteeSession) -> QuerySet[FinancingLine]:
    """Lines decided in the session."""
    return scope_queryset(
        FinancingLine.objects.filter(committee_session=session).select_related(
            "plan__case", "plan__support", "instrument"
        ),
        user,
    )


# --- Figures per plan ---------------------------------------------------------------------------


def with_figures(plans: QuerySet[FinancingPlan]) -> QuerySet[FinancingPlan]:
    """``plans`` annotated with ``needs``, ``committed``, ``movement_committed`` and
    ``pending`` (one query; ``figures_of(plan)`` gives the ratios). The caller scopes.

    Line sums are correlated subqueries rather than a join: joining lines would repeat the
    plan's needs once per line.
    """
    annotations = {}
    for name, expression in _line_sums().items():
        subquery = (
            FinancingLine.objects.filter(plan=OuterRef("pk"))
            .order_by()
            .values("plan")
            .annotate(total=expression)
            .values("total")
        )
        annotations[name] = Coalesce(Subquery(subquery), Value(ZERO), output_field=_MONEY)
    return plans.annotate(needs=ExpressionWrapper(NEEDS, output_field=_MONEY), **annotations)


def plans_with_figures(*, user) -> QuerySet[FinancingPlan]:
    """The user's plans with their figures (see ``with_figures``)."""
    return with_figures(plan_list(user=user))


def figures_of(plan: FinancingPlan) -> FinancingFigures:
    """Figures of a plan from ``plans_with_figures``."""
    return FinancingFigures(
        needs=plan.needs,
        committed=plan.committed,
        movement_committed=plan.movement_committed,
        requested=plan.pending,
    )


def plan_figures(*, user, plan: FinancingPlan) -> FinancingFigures:
    """Figures of one plan (``FinancingPlan.DoesNotExist`` outside the user's territory)."""
    return figures_of(plans_with_figures(user=user).get(pk=plan.pk))


def case_financing(*, user, case: Case) -> tuple[FinancingPlan, FinancingFigures, QuerySet]:
    """The plan of a case with its figures and its lines, as the user may see them
    (``FinancingPlan.DoesNotExist`` when the case has none or it is out of the territory)."""
    plan = plans_with_figures(user=user).get(case=case)
    return plan, figures_of(plan), plan_lines(user=user, plan=plan)


def leverage_for_case(*, user, case: Case) -> Decimal | None:
    return plan_figures(user=user, plan=plan_for_case(user=user, case=case)).leverage


# --- Aggregates (board members included: numbers only) -----------------------------------------


def _aggregate_scope(queryset: QuerySet, user) -> QuerySet:
    """Rows that feed an aggregate: the whole country for board members, else the territory."""
    if scoping.user_role(user) in AGGREGATE_ONLY_ROLES and user.is_active:
        return queryset
    return scope_queryset(queryset, user)


def _figures(row: dict, needs: Decimal | None) -> dict:
    figures = FinancingFigures(
        needs=needs,
        committed=row["committed"],
        movement_committed=row["movement_committed"],
        requested=row["pending"],
    )
    return figures.as_dict()


def financing_totals(*, user) -> dict:
    """National (or territorial) totals: needs, committed, gap, share, leverage. Two queries."""
    needs = _aggregate_scope(FinancingPlan.objects.all(), user).aggregate(
        needs=Coalesce(Sum(NEEDS, output_field=_MONEY), Value(ZERO), output_field=_MONEY),
        plans=Count("pk"),
    )
    sums = _aggregate_scope(FinancingLine.objects.all(), user).aggregate(**_line_sums())
    return {"plans": needs["plans"], **_figures(sums, needs["needs"])}


def financing_totals_by_ur(*, user) -> list[dict]:
    """Per regional union (all years): plans, needs, committed, gap, share, leverage.

    Two grouped queries (plans, lines) merged on the UR: constant whatever the number of plans.
    """
    needs_rows = (
        _aggregate_scope(FinancingPlan.objects.all(), user)
        .values(regional_union_id=holder_field("regional_union"))
        .annotate(
            regional_union=holder_field("regional_union__name"),
            needs=Sum(NEEDS, output_field=_MONEY),
            plans=Count("pk"),
        )
        .order_by("regional_union")
    )
    line_rows = {
        row["regional_union_id"]: row
        for row in _aggregate_scope(FinancingLine.objects.all(), user)
        .values(regional_union_id=holder_field("regional_union", "plan__"))
        .annotate(**_line_sums())
        .order_by()
    }
    empty = {"committed": ZERO, "movement_committed": ZERO, "pending": ZERO}
    return [
        {
            "regional_union_id": row["regional_union_id"],
            "regional_union": row["regional_union"],
            "plans": row["plans"],
            **_figures(line_rows.get(row["regional_union_id"], empty), row["needs"]),
        }
        for row in needs_rows
    ]


def _by_year(lines: QuerySet, *keys: str) -> list[dict]:
    committed = Q(status__in=COMMITTED_STATUSES)
    rows = (
        lines.filter(RESOURCE, decision_on__isnull=False)
        .annotate(year=ExtractYear("decision_on"))
        .values(*keys, "year")
        .annotate(
            committed=_sum("amount_committed"),
            movement_committed=_sum("amount_committed", Q(is_movement_tool=True)),
            lines_committed=Count("pk", filter=committed),
            lines_declined=Count("pk", filter=Q(status=LineStatus.DECLINED)),
            plans=Count("plan", distinct=True),
        )
        .order_by(*keys, "year")
    )
    result = []
    for row in rows:
        figures = FinancingFigures(
            needs=None,
            committed=row["committed"],
            movement_committed=row["movement_committed"],
        )
        result.append(
            {
                **row,
                "movement_share": figures.movement_share,
                "leverage": figures.leverage,
            }
        )
    return result


def financing_totals_by_year(*, user) -> list[dict]:
    """Per decision year: committed, committed by the movement, share, leverage, lines, plans."""
    return _by_year(_aggregate_scope(FinancingLine.objects.all(), user))


def financing_totals_by_ur_year(*, user) -> list[dict]:
    """Per regional union and decision year (one grouped query)."""
    lines = _aggregate_scope(FinancingLine.objects.all(), user).annotate(
        regional_union_id=holder_field("regional_union", "plan__"),
    )
    return _by_year(lines, "regional_union_id")


# --- Supports to existing cooperatives ---------------------------------------------------------


def support_list(*, user, organisation=None, open_only: bool = False) -> QuerySet[SupportRequest]:
    """The supports the user may see, newest first, with what a list row prints."""
    supports = scope_queryset(
        SupportRequest.objects.select_related("organisation", "regional_union", "assigned_officer"),
        user,
    )
    if organisation is not None:
        supports = supports.filter(organisation=organisation)
    if open_only:
        supports = supports.filter(status__in=OPEN_SUPPORT_STATUSES)
    return supports


def support_get(*, user, pk: int) -> SupportRequest:
    """One support if the user may see it (``SupportRequest.DoesNotExist`` otherwise)."""
    return support_list(user=user).get(pk=pk)


def support_financing(
    *, user, support: SupportRequest
) -> tuple[FinancingPlan, FinancingFigures, QuerySet]:
    """The plan of a support with its figures and lines, as the user may see them."""
    plan = plans_with_figures(user=user).get(support=support)
    return plan, figures_of(plan), plan_lines(user=user, plan=plan)


def support_history(*, user, support: SupportRequest) -> QuerySet[SupportStatusChange]:
    """The support's status changes, newest first."""
    return (
        scope_queryset(SupportStatusChange.objects.filter(support=support), user)
        .select_related("by")
        .order_by("-at", "-id")
    )
