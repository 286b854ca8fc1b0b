"""The pipeline board: one column per active stage, filtered, paged, in constant queries.

A column shows its first ``PAGE_SIZE`` cards; "voir plus" asks for the next page of that
column only. Counts and jobs come from one grouped query, cards from one query per column:
the number of queries depends on the number of stages, never on the number of cases.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet, Sum

from backoffice.query import positive_int
from backoffice.selectors.staff import visible_officers
from crm.models import Departement, Partner
from crm.scoping import scope_queryset, territory_of
from crm.territories import departement_codes_of
from filieres.models import Filiere
from filieres.selectors import in_filiere, in_priority_filiere
from transmission.choices import ACTIVE_STAGES, CaseKind, Stage
from transmission.models import Case
from transmission.selectors import case_list

PAGE_SIZE = 20


@dataclass(frozen=True)
class BoardFilters:
    kind: str = ""
    officer_id: int | None = None
    filiere_id: int | None = None
    departement: str = ""
    source_partner_id: int | None = None
    mine: bool = False

    @classmethod
    def from_query(cls, query) -> BoardFilters:
        def number(name):
            return positive_int(query.get(name))

        kind = query.get("type", "")
        return cls(
            kind=kind if kind in CaseKind.values else "",
            officer_id=number("charge"),
            filiere_id=number("filiere"),
            departement=query.get("departement", "")[:3],
            source_partner_id=number("partenaire"),
            mine=query.get("mes_dossiers") == "1",
        )


@dataclass
class Column:
    stage: str
    label: str
    count: int
    jobs: int
    cards: list[Case] = field(default_factory=list)
    has_more: bool = False
    next_page: int = 2


def board_cases(*, user, filters: BoardFilters, today: datetime.date) -> QuerySet[Case]:
    """The user's active cases matching ``filters``, each with ``is_priority`` (filière)."""
    cases = case_list(user=user).filter(stage__in=ACTIVE_STAGES)
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.mine:
        cases = cases.filter(assigned_officer=user)
    elif filters.officer_id:
        cases = cases.filter(assigned_officer_id=filters.officer_id)
    if filters.filiere_id:
        cases = cases.filter(in_filiere(filters.filiere_id, organisation_path="organisation"))
    if filters.departement:
        cases = cases.filter(organisation__departement_id=filters.departement)
    if filters.source_partner_id:
        cases = cases.filter(source_partner_id=filters.source_partner_id)
    return cases.annotate(is_priority=in_priority_filiere(today))


def _ordered(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.order_by(F("next_action_on").asc(nulls_last=True), "reference", "pk")


def column_page(
    *, user, filters: BoardFilters, today: datetime.date, stage: str, page: int = 1
) -> tuple[list[Case], bool]:
    """One page of one column's cards, and whether more follow (one query)."""
    start = (max(page, 1) - 1) * PAGE_SIZE
    rows = list(
        _ordered(board_cases(user=user, filters=filters, today=today).filter(stage=stage))[
            start : start + PAGE_SIZE + 1
        ]
    )
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def board_columns(*, user, filters: BoardFilters, today: datetime.date) -> list[Column]:
    cases = board_cases(user=user, filters=filters, today=today)
    totals = {
        row["stage"]: row
        for row in cases.order_by()
        .values("stage")
        .annotate(count=Count("pk"), jobs=Sum("jobs_at_stake"))
    }
    columns = []
    for stage in ACTIVE_STAGES:
        total = totals.get(stage, {})
        column = Column(
            stage=stage,
            label=str(Stage(stage).label),
            count=total.get("count", 0),
            jobs=total.get("jobs") or 0,
        )
        if column.count:
            column.cards, column.has_more = column_page(
                user=user, filters=filters, today=today, stage=stage
            )
        columns.append(column)
    return columns


def board_filter_choices(*, user) -> dict:
    """What the filter bar offers: only the user's territory's officers, départements, partners."""
    territory = territory_of(user)
    departements = Departement.objects.order_by("code")
    if territory.regional_union_id is not None:
        departements = departements.filter(
            code__in=departement_codes_of(territory.regional_union_id)
        )
    elif territory.nothing:
        departements = departements.none()
    return {
        "kinds": CaseKind.choices,
        "officers": visible_officers(user),
        "filieres": Filiere.objects.order_by("name"),
        "departements": departements,
        "partners": scope_queryset(Partner.objects.filter(is_active=True), user),
    }
