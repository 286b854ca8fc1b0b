"""What every dashboard aggregate starts from: the filters, as one immutable query.

A ``DashboardQuery`` is the filters of the page (period, kind, filière) and the perimeter
(one regional union, or the whole country). Rows are restricted to a regional union with
``crm.scoping.territory_filter``, the rule every selector of the project uses; which
perimeters a user may read is decided in ``dashboards.access``.

Periods are calendar days in Europe/Paris, both ends included. Durations are computed in the
database (``DaysBetween``) and grouped into whole days, so that medians and percentiles come
from a small life table, never from a loop over cases.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import DateTimeField as DateTimeOutput
from django.db.models import FloatField, Func, Q, QuerySet, Value
from django.db.models.functions import Floor
from django.utils import timezone

from crm.scoping import territory_filter
from filieres.selectors import in_filiere
from transmission.models import Case


class DaysBetween(Func):
    """(end − start) in days, as a float, on SQLite and PostgreSQL."""

    output_field = FloatField()
    arity = 2

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)",
            arg_joiner=" - ",
            **extra,
        )


def whole_days(end, start) -> Floor:
    """Whole days elapsed from ``start`` to ``end`` (a microsecond of slack absorbs the
    rounding of julian-day arithmetic, so that exactly ten days give 10, not 9)."""
    return Floor(DaysBetween(end, start) + Value(1e-6))


@dataclass(frozen=True)
class DashboardQuery:
    start: datetime.date
    end: datetime.date
    kind: str = ""
    filiere_id: int | None = None
    regional_union_id: int | None = None
    now: datetime.datetime = field(default_factory=timezone.now)
    # Results several panels of one page share, computed once for this query (the page's
    # request): not a filter, so neither compared nor hashed, and a ``replace``d query
    # starts empty.
    shared: dict = field(default_factory=dict, init=False, compare=False, hash=False, repr=False)

    def shared_result(self, key: str, compute):
        """``compute()``, once per query for ``key``."""
        if key not in self.shared:
            self.shared[key] = compute()
        return self.shared[key]

    @property
    def since(self) -> datetime.datetime:
        """The first instant of the period (midnight in Paris on its first day)."""
        return _midnight(self.start)

    @property
    def until(self) -> datetime.datetime:
        """The first instant after the period (excluded)."""
        return _midnight(self.end + datetime.timedelta(days=1))

    @property
    def now_value(self) -> Value:
        """When open spells are censored: now. The period chooses which spells (or cases)
        are followed; what happened to them afterwards is known and counts."""
        return Value(self.now, output_field=DateTimeOutput())

    def in_period(self, path: str) -> Q:
        """``path`` (a datetime) falls in the period."""
        return Q(**{f"{path}__gte": self.since, f"{path}__lt": self.until})

    def in_period_dates(self, path: str) -> Q:
        """``path`` (a date) falls in the period."""
        return Q(**{f"{path}__gte": self.start, f"{path}__lte": self.end})

    def case_filter(self, prefix: str = "", model=Case) -> Q:
        """Kind, filière and regional union, seen from a model reaching cases via ``prefix``."""
        condition = Q()
        if self.kind:
            condition &= Q(**{f"{prefix}kind": self.kind})
        if self.regional_union_id is not None:
            condition &= territory_filter(model, self.regional_union_id)
        return condition

    def restrict(self, queryset: QuerySet, prefix: str = "") -> QuerySet:
        """``queryset`` (of cases, or of rows reaching a case through ``prefix``) filtered."""
        queryset = queryset.filter(self.case_filter(prefix, queryset.model))
        if self.filiere_id is not None:
            queryset = queryset.filter(
                in_filiere(self.filiere_id, organisation_path=f"{prefix}organisation")
            )
        return queryset

    def cases(self) -> QuerySet[Case]:
        return self.restrict(Case.objects.all()).order_by()

    def restrict_lines(self, lines: QuerySet) -> QuerySet:
        """Financing lines filtered, whether their plan is a case's or a support's to an
        existing cooperative (resolutions 9 and 11: the movement's money to its members
        counts too). A support has no kind of case: a kind filter leaves supports out."""
        condition = Q()
        if self.kind:
            condition &= Q(plan__case__kind=self.kind)
        if self.regional_union_id is not None:
            condition &= territory_filter(lines.model, self.regional_union_id)
        lines = lines.filter(condition)
        if self.filiere_id is not None:
            lines = lines.filter(
                Q(in_filiere(self.filiere_id, organisation_path="plan__case__organisation"))
                | Q(in_filiere(self.filiere_id, organisation_path="plan__support__organisation"))
            )
        return lines


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
