"""Aggregated tables: what a chart draws, what its table shows and what its CSV holds.

A ``Table`` is a small pandas frame plus its columns' French labels and kinds. Small-cell
suppression happens here, once, for the three outputs: where it applies, every cell of a
column guarded by a count of 1 to 4 cases becomes ``SUPPRESSED`` ("< 5"); a count of 0
reveals no project and stays. A chart draws the suppressed frame, where hidden cells are
missing values (no bar, no colour) and the hover text says "< 5".
"""

from __future__ import annotations

import csv
import functools
import html
import io
import math
from dataclasses import dataclass, field, replace
from decimal import Decimal

import numpy as np
import pandas as pd
from django.conf import settings
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dashboards.access import SMALL_CELL

SUPPRESSED = "< 5"
KINDS = {
    "text",
    "count",
    "integer",
    "number",
    "money",
    "share",
    "days",
    "index",
    "ratio",
    "decimal",
    "bool",
}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "count"
    # Count columns whose small values hide this cell; a count column guards itself.
    guards: tuple[str, ...] = ()

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(self.kind)

    @property
    def guarded_by(self) -> tuple[str, ...]:
        if self.guards:
            return self.guards
        return (self.key,) if self.kind == "count" else ()


@dataclass
class _Formats:
    """What a table computed from its frame and mask, shared with its relabelled copies
    (``Table.relabelled``): the texts of each column, its hidden cells, and the suppressed
    table's own ``_Formats`` once ``suppress`` ran."""

    texts: dict = field(default_factory=dict)
    hidden: dict = field(default_factory=dict)
    suppressed: tuple | None = None  # (mask, _Formats) of the suppressed table
    rows_html: SafeString | None = None


@dataclass
class Table:
    frame: pd.DataFrame
    columns: list[Column]
    suppressed: pd.DataFrame | None = field(default=None)  # boolean mask, same shape
    # A column's texts, formatted once: the HTML table and the charts both print them.
    # Not an init field, so ``replace`` (``suppress``) starts a new table with empty ones.
    _formats: _Formats = field(default_factory=_Formats, init=False, repr=False, compare=False)

    @property
    def _texts(self) -> dict:
        return self._formats.texts

    @property
    def _hidden_columns(self) -> dict:
        return self._formats.hidden

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    def relabelled(self, columns: list[Column]) -> Table:
        """The same cells under other labels (the map and the units table of the equity
        page at the département level): the frame, the mask and every text are shared, so
        each cell is formatted once for both. The columns must be the same but for their
        labels (same keys, kinds and guards, in the same order)."""
        if [(c.key, c.kind, c.guarded_by) for c in columns] != [
            (c.key, c.kind, c.guarded_by) for c in self.columns
        ]:
            raise ValueError("a relabelled table keeps its columns' keys, kinds and guards")
        table = replace(self, columns=columns)
        table._formats = self._formats
        return table

    def suppress(self) -> Table:
        """The same table with small cells hidden (mask in ``suppressed``). Computed once for
        a table and its relabelled copies."""
        if self._formats.suppressed is None:
            mask, hidden = self._mask()
            self._formats.suppressed = (mask, _Formats(hidden=hidden))
        mask, formats = self._formats.suppressed
        table = replace(self, suppressed=mask)
        table._formats = formats
        return table

    def _mask(self) -> tuple[pd.DataFrame, dict[str, list[bool]]]:
        """The mask, and its columns as lists (what ``_hidden`` reads) when already at hand."""
        frame = self.frame
        # Each guard's small counts once, the mask built in one go (not a column assignment
        # per guarded column: six columns are guarded by the same count on most pages; B5).
        small = {}
        for guard in dict.fromkeys(g for column in self.columns for g in column.guarded_by):
            counts = pd.to_numeric(frame[guard], errors="coerce").fillna(0).to_numpy()
            small[guard] = (counts > 0) & (counts < SMALL_CELL)
        keys = [c.key for c in self.columns]
        if len(set(keys)) < len(keys):  # a key shown twice: the masks of both, column by column
            mask = pd.DataFrame(False, index=frame.index, columns=keys)
            for column in self.columns:
                for guard in column.guarded_by:
                    mask[column.key] |= small[guard]
            return mask, {}
        nothing = np.zeros(len(frame), dtype=bool)
        columns = {}
        for column in self.columns:
            hidden = nothing
            for guard in column.guarded_by:
                hidden = hidden | small[guard]
            columns[column.key] = hidden
        if not columns:
            return pd.DataFrame(columns, index=frame.index, columns=keys), {}
        # One boolean block (a frame from a dict of columns cost ten times more; B5).
        mask = pd.DataFrame(
            np.column_stack(list(columns.values())), index=frame.index, columns=keys
        )
        return mask, {key: hidden.tolist() for key, hidden in columns.items()}

    def is_hidden(self, row_index, key: str) -> bool:
        return self.suppressed is not None and bool(self.suppressed.at[row_index, key])

    def _hidden(self, key: str) -> list[bool]:
        # The whole mask column at once: a lookup per cell (``.at``) cost more than the chart.
        if self.suppressed is None:
            return [False] * len(self.frame)
        if key not in self._hidden_columns:
            self._hidden_columns[key] = (
                self.suppressed[key].reindex(self.frame.index, fill_value=False).tolist()
            )
        return self._hidden_columns[key]

    def values(self, key: str) -> list:
        """A column for a chart: hidden cells and missing values are None."""
        return [
            None if hidden or _missing(value) else _plain(value)
            for value, hidden in zip(self.frame[key].tolist(), self._hidden(key), strict=True)
        ]

    def texts(self, key: str) -> list[str]:
        """A column as shown (French formats, "< 5" where hidden)."""
        if key not in self._texts:
            kind = self.column(key).kind
            separators = _separators(get_language())  # once per column, not once per cell
            values = self.frame[key].tolist()
            if kind == "bool":  # "oui" / "non" translated once per column
                words = {True: str(_("yes")), False: str(_("no"))}
                texts = ["–" if _missing(value) else words[bool(value)] for value in values]
            else:
                texts = column_texts(values, kind, separators)
            self._texts[key] = [
                SUPPRESSED if hidden else text
                for text, hidden in zip(texts, self._hidden(key), strict=True)
            ]
        return list(self._texts[key])

    def rows(self) -> list[list[str]]:
        texts = [self.texts(column.key) for column in self.columns]
        return [list(row) for row in zip(*texts, strict=True)] if texts else []

    def rows_html(self, rows: list[list[str]] | None = None) -> SafeString:
        """The table's body rows (``rows``, else ``self.rows()``) as HTML, each cell escaped
        once: what the template loop ``<tr>{% for value in row %}<td>{{ value }}</td>{%
        endfor %}</tr>`` printed, without a template node per cell (a hundred-row table has a
        thousand cells; B5). ``html.escape`` is what Django's ``escape`` calls. The table's own
        rows are written once for it and its relabelled copies."""
        if rows is None and self._formats.rows_html is not None:
            return self._formats.rows_html
        written = mark_safe(
            "".join(
                "<tr>" + "".join(["<td>" + html.escape(value) + "</td>" for value in row]) + "</tr>"
                for row in (self.rows() if rows is None else rows)
            )
        )
        if rows is None:
            self._formats.rows_html = written
        return written

    def headers(self) -> list[str]:
        return [str(column.label) for column in self.columns]

    def __len__(self) -> int:
        return len(self.frame)


def _missing(value) -> bool:
    if value is None:
        return True
    kind = type(value)
    if kind is int or kind is str or kind is bool:
        return False  # the common cells, without pandas' scalar check
    if kind is float:
        return value != value  # NaN
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _plain(value):
    if isinstance(value, Decimal):
        value = float(value)
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        # Charts need no more: it keeps their JSON small.
        return round(value, 6)
    return value


@functools.lru_cache(maxsize=16)
def _separators(language: str | None) -> tuple[str, object, str]:
    return (
        get_format("DECIMAL_SEPARATOR", language),
        get_format("NUMBER_GROUPING", language),
        get_format("THOUSAND_SEPARATOR", language),
    )


def number_format(value, decimal_pos=None, force_grouping=False, separators=None) -> str:
    """Django's ``number_format`` with the language's separators looked up once: a table
    formats thousands of cells, and the lookups cost five times the formatting (B5).
    ``separators``: those of the current language, when the caller already has them."""
    decimal_sep, grouping, thousand_sep = separators or _separators(get_language())
    grouped = force_grouping or settings.USE_THOUSAND_SEPARATOR
    if type(value) is int and not decimal_pos and grouping == 3 and grouped:
        # Counts, most of a table's cells: Python's own grouping gives Django's text.
        text = f"{abs(value):,}".replace(",", thousand_sep)
        return "-" + text if value < 0 else text
    if type(value) is float and decimal_pos is not None and grouping == 3:
        # What Django does with a float's repr (decimals cut, not rounded), without its
        # digit-by-digit grouping; exponents, infinities and NaN are left to Django.
        text = repr(value)
        if "e" not in text and "n" not in text:
            sign = "-" if text[0] == "-" else ""
            int_part, _dot, dec_part = text.lstrip("-").partition(".")
            if grouped:
                int_part = f"{int(int_part):,}".replace(",", thousand_sep)
            dec_part = dec_part[:decimal_pos].ljust(decimal_pos, "0")
            return sign + int_part + (decimal_sep + dec_part if dec_part else "")
    return numberformat.format(
        value,
        decimal_sep,
        decimal_pos,
        grouping,
        thousand_sep,
        force_grouping=force_grouping or settings.USE_THOUSAND_SEPARATOR,
    )


def format_value(value, kind: str, separators=None) -> str:
    """French display: "12 500 €", "42,5 %", "1 234", dates already formatted upstream."""
    if _missing(value):
        return "–"
    if kind == "text":
        return str(value)
    if kind == "bool":
        return str(_("yes")) if value else str(_("no"))
    value = _plain(value)
    if kind in ("count", "integer"):
        return number_format(int(value), 0, force_grouping=True, separators=separators)
    if kind == "money":
        return (
            number_format(
                Decimal(str(value)).quantize(Decimal("1")),
                0,
                force_grouping=True,
                separators=separators,
            )
            + "\u00a0€"
        )
    if kind == "share":
        return (
            number_format(100 * float(value), 1, force_grouping=True, separators=separators)
            + "\u00a0%"
        )
    if kind == "days":
        return (
            number_format(int(value), 0, force_grouping=True, separators=separators)
            + "\u00a0"
            + str(_("d."))
        )
    if kind == "index":
        return number_format(round(float(value)), 0, force_grouping=True, separators=separators)
    if kind == "ratio":
        return number_format(float(value), 2, force_grouping=True, separators=separators)
    if kind == "decimal":
        return number_format(float(value), 4, separators=separators)
    if isinstance(value, float) and not math.isfinite(value):
        return "–"
    return number_format(float(value), 1, force_grouping=True, separators=separators)


def column_texts(values: list, kind: str, separators=None) -> list[str]:
    """``format_value`` of each value, a whole column at once: the columns most cells are in
    (names, codes, counts, populations, indices) without the per-cell dispatch (B5). Any
    other column, or one with a value these paths do not expect, goes cell by cell."""
    separators = separators or _separators(get_language())
    _decimal, grouping, thousand_sep = separators
    if kind == "text" and all(type(value) is str for value in values):
        return list(values)
    if kind in ("count", "integer", "index") and grouping == 3:
        types = {type(value) for value in values}
        if types <= {int} and kind != "index":
            return [f"{value:,}".replace(",", thousand_sep) for value in values]
        if types <= {float} and all(math.isfinite(value) for value in values):
            # ``_plain`` rounds to 6 places first; counts are then cut, indices rounded.
            cut = int if kind != "index" else round
            return [f"{cut(round(value, 6)):,}".replace(",", thousand_sep) for value in values]
    return [format_value(value, kind, separators) for value in values]


CSV_UNITS = {"money": " (€)", "share": " (%)", "days": " (j)"}


def csv_value(value, kind: str) -> str:
    """A spreadsheet-friendly cell: plain numbers with a decimal comma, no grouping, no unit
    (the unit is in the header)."""
    if _missing(value):
        return ""
    if kind in ("text", "bool"):
        return format_value(value, kind)
    value = _plain(value)
    if kind in ("count", "integer", "days"):
        text = str(int(value))
    elif kind == "money":
        text = f"{Decimal(str(value)):.2f}"
    elif kind == "share":
        text = f"{100 * float(value):.1f}"
    elif kind == "index":
        text = f"{float(value):.0f}"
    elif kind == "decimal":
        text = f"{float(value):.6f}"
    else:
        text = f"{float(value):.2f}"
    return text.replace(".", ",")


def to_csv(tables: list[tuple[str, Table]], perimeter_label: str) -> str:
    """One CSV (semicolon-separated with decimal commas, as French spreadsheets expect) for
    the tables of a chart, one per perimeter, with the perimeter as first column. Hidden
    cells read "< 5", as on the page."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for number, (label, table) in enumerate(tables):
        if number == 0:
            headers = [f"{c.label}{CSV_UNITS.get(c.kind, '')}" for c in table.columns]
            writer.writerow([perimeter_label, *headers])
        for index, row in table.frame.iterrows():
            writer.writerow(
                [
                    label,
                    *[
                        SUPPRESSED
                        if table.is_hidden(index, column.key)
                        else csv_value(row[column.key], column.kind)
                        for column in table.columns
                    ],
                ]
            )
    return "\ufeff" + out.getvalue()
