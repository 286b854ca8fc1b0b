"""What a dashboard page is: panels (one aggregated table, its charts, its CSV) and headlines.

A panel's ``build`` turns a ``DashboardQuery`` into a ``Table`` (the database aggregates,
pandas reshapes); its ``draw`` turns the table (small cells already hidden where needed) into
plotly figures. The table, the charts and the CSV of a panel are the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format

from dashboards.selectors.common import DashboardQuery
from dashboards.tables import Table
from financement.choices import InstrumentFamily
from transmission.choices import AbandonReason, CaseKind, Stage


@dataclass
class Options:
    """Page-specific choices (the equity page's resource, level, window) and static URLs."""

    resource: str = "cases"
    level: str = "departement"
    geojson_url: str = ""
    report: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PanelSpec:
    slug: str
    title: str
    build: Callable[[DashboardQuery, Options], Table]
    draw: Callable[[Table, Options, str], list[dict]]
    note: str = ""
    in_report: bool = False


@dataclass(frozen=True)
class PageSpec:
    slug: str
    title: str
    intro: str
    panels: list[PanelSpec]
    # (label, panel slug, function(table) -> text) computed from the panels' own tables.
    headlines: list[tuple[str, str, Callable[[Table], str]]] = field(default_factory=list)
    method: str = ""
    definitions: str = ""  # the URL name of the page defining its figures, if any

    def panel(self, slug: str) -> PanelSpec:
        for panel in self.panels:
            if panel.slug == slug:
                return panel
        raise KeyError(slug)


def stage_label(code: str) -> str:
    return str(Stage(code).label) if code in Stage.values else str(code or "–")


def kind_label(code: str) -> str:
    return str(CaseKind(code).label) if code in CaseKind.values else str(code or "–")


def reason_label(code: str) -> str:
    return str(AbandonReason(code).label) if code in AbandonReason.values else str(code or "–")


def family_label(code: str) -> str:
    return str(InstrumentFamily(code).label) if code in InstrumentFamily.values else str(code)


def month_label(value) -> str:
    return date_format(value, "m/Y") if value else "–"


def year_label(value) -> str:
    return str(value.year if hasattr(value, "year") else value)


def cell(table: Table, key: str, where: dict | None = None, row: int = 0) -> str:
    """One displayed cell of a table (the first row matching ``where``), "–" when absent."""
    frame = table.frame
    if where:
        for column, value in where.items():
            frame = frame[frame[column] == value]
    if frame.empty:
        return "–"
    index = frame.index[row]
    texts = dict(zip(table.frame.index, table.texts(key), strict=True))
    return texts[index]
