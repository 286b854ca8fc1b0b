"""The pipeline board: one column per active stage, filtered, paged, in constant queries.

A column shows its first ``PAGE_SIZE`` cards; "voir plus" asks for the next page of that
column only. Counts and jobs come from one grouped query, cards from one query per column:
the number of queries depends on the number of stages, never on the number of cases.

Each card's display values (its links, its menu's targets, its texts) are computed here in
plain Python, once per card: the template then only prints them. Reversing a URL per menu
entry or including a template per card cost more than the queries (issue 14, B7).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet, Sum
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

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
# What a card's menu offers (the view then finds the transition leading there, if any).
MOVE_TARGETS = Stage.choices
# What a card prints, and nothing else: a card row carried three whole models.
CARD_FIELDS = (
    "pk",
    "reference",
    "kind",
    "stage",
    "jobs_at_stake",
    "next_action_on",
    "organisation__name",
    "assigned_officer__display_name",
    "assigned_officer__first_name",
    "assigned_officer__last_name",
    "assigned_officer__username",
)


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
    """The user's active cases matching ``filters`` (a card's priority is read for the cards
    shown, ``_with_display``: as an annotation it was computed for every case of a column
    before the sort kept twenty)."""
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
    return cases


def _ordered(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.order_by(F("next_action_on").asc(nulls_last=True), "reference", "pk")


def _with_display(cards: list[Case], today: datetime.date) -> list[Case]:
    """Give each card what the template prints (one query, for the priority sectors):
    ``is_priority``, ``url``, ``kind_label``, ``jobs_text``,
    ``officer_name``, ``overdue`` and ``moves`` (the menu's items, as HTML)."""
    # One reverse per page, not one per card and stage: the pattern is filled in by hand.
    case_url = reverse("backoffice:case", args=[0]).replace("/0/", "/{pk}/")
    move_url = (
        reverse("backoffice:case_move", args=[0, "STAGE"])
        .replace("/0/", "/{pk}/")
        .replace("STAGE", "{stage}")
    )
    targets = [(str(code), str(label)) for code, label in MOVE_TARGETS]
    # The menu is the same for every card but its number: its HTML is escaped once.
    move_items = {
        code: "".join(
            format_html(
                '<li><button type="button" hx-get="{}" hx-target="#modal-body">{}</button></li>',
                move_url.format(pk="{pk}", stage=target),
                label,
            )
            for target, label in targets
            if target != code
        )
        for code, _label in targets
    }
    priority = (
        set(
            Case.objects.filter(pk__in=[card.pk for card in cards])
            .filter(in_priority_filiere(today))
            .values_list("pk", flat=True)
        )
        if cards
        else set()
    )
    for card in cards:
        card.is_priority = card.pk in priority
        card.url = case_url.format(pk=card.pk)
        card.kind_label = card.get_kind_display()
        card.jobs_text = (
            ngettext("%(jobs)s job", "%(jobs)s jobs", card.jobs_at_stake)
            % {"jobs": card.jobs_at_stake}
            if card.jobs_at_stake is not None
            else ""
        )
        officer = card.assigned_officer
        card.officer_name = officer.full_name if officer is not None else ""
        card.overdue = card.next_action_on is not None and card.next_action_on < today
        card.moves = mark_safe(move_items[card.stage].replace("{pk}", str(int(card.pk))))
    return cards


def column_page(
    *, user, filters: BoardFilters, today: datetime.date, stage: str, page: int = 1
) -> tuple[list[Case], bool]:
    """One page of one column's cards, with their display values, and whether more follow
    (two queries)."""
    cards, more = _column_rows(user=user, filters=filters, today=today, stage=stage, page=page)
    return _with_display(cards, today), more


def _column_rows(
    *, user, filters: BoardFilters, today: datetime.date, stage: str, page: int = 1
) -> tuple[list[Case], bool]:
    start = (max(page, 1) - 1) * PAGE_SIZE
    rows = list(
        _ordered(board_cases(user=user, filters=filters, today=today).filter(stage=stage))
        .select_related(None)
        .select_related("organisation", "assigned_officer")
        .only(*CARD_FIELDS)[start : start + PAGE_SIZE + 1]
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
            column.cards, column.has_more = _column_rows(
                user=user, filters=filters, today=today, stage=stage
            )
        columns.append(column)
    # Every column's display values at once: one priority query for the whole board.
    _with_display([card for column in columns for card in column.cards], today)
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
