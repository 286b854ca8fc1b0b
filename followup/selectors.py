"""Reads of the follow-up, scoped to the user's territory (``crm.scoping``).

- ``reviews_due``: the annual reviews an officer should collect (the day's tasks);
- ``revisions_due``: révision coopérative reminders;
- ``seed_scops_behind``: Scop d'amorçage cooperatives behind their path to 50 %;
- ``cooperative_indicators``: one cooperative's indicators, year by year;
- ``indicators_by``: indicators aggregated by UR, kind, filière or cohort, in SQL (two
  queries whatever the number of groups: aggregates filtered per group, plus one to list
  the UR, filières or cohorts), for a perimeter (one UR or the country, optionally one kind
  and one filière) that the caller (dashboards) authorised.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

from crm import scoping
from crm.models import RegionalUnion
from filieres.models import Filiere
from filieres.selectors import in_filiere
from followup import indicators
from followup.models import AnnualReview, CooperativeFollowUp
from followup.revision import REASON_LABELS, REMINDER_DAYS, YearFigures, add_years, revision_due
from followup.seed_scop import is_behind, seed_scop_path
from transmission import selectors as case_selectors
from transmission.choices import CaseKind

# Reviews are expected for the year of incorporation and the next ones, this many years in
# all (at least five, by the brief; seven covers a Scop d'amorçage's path to 50 %).
FOLLOW_UP_YEARS = 7
# A year's review is due once its accounts are approved: by 30 June of the next year
# (general meeting within six months of the year end). The task shows a month before.
REVIEW_DUE_MONTH_DAY = (6, 30)
REVIEW_TASK_LEAD_DAYS = 30
DIMENSIONS = ("ur", "kind", "filiere", "cohort")


def follow_ups(user) -> QuerySet[CooperativeFollowUp]:
    return scoping.scope_queryset(
        CooperativeFollowUp.objects.select_related("organisation", "case"), user
    )


def review_due_on(year: int) -> datetime.date:
    month, day = REVIEW_DUE_MONTH_DAY
    return datetime.date(year + 1, month, day)


@dataclass(frozen=True)
class ReviewTask:
    follow_up_id: int
    organisation_id: int
    organisation_name: str
    year: int
    due_on: datetime.date

    def overdue_on(self, on: datetime.date) -> bool:
        return on > self.due_on


def expected_review_years(
    since: datetime.date, ceased_on: datetime.date | None, on: datetime.date
) -> list[int]:
    """The years whose review is expected and already shown as a task on ``on``."""
    last = since.year + FOLLOW_UP_YEARS - 1
    if ceased_on is not None:
        last = min(last, ceased_on.year - 1)
    return [
        year
        for year in range(since.year, last + 1)
        if on >= review_due_on(year) - datetime.timedelta(days=REVIEW_TASK_LEAD_DAYS)
    ]


def reviews_due(*, on: datetime.date, user) -> list[ReviewTask]:
    """The annual reviews to collect on ``on`` in the user's territory, oldest due first.

    Two queries whatever the number of cooperatives.
    """
    rows = list(
        follow_ups(user)
        .filter(organisation__cooperative_since__isnull=False)
        .filter(organisation__cooperative_since__year__gte=on.year - FOLLOW_UP_YEARS)
        .values_list(
            "pk",
            "organisation_id",
            "organisation__name",
            "organisation__cooperative_since",
            "organisation__cooperative_ceased_on",
        )
    )
    done = set(
        AnnualReview.objects.filter(follow_up__in=[row[0] for row in rows]).values_list(
            "follow_up_id", "year"
        )
    )
    tasks = [
        ReviewTask(pk, organisation_id, name, year, review_due_on(year))
        for pk, organisation_id, name, since, ceased in rows
        for year in expected_review_years(since, ceased, on)
        if (pk, year) not in done
    ]
    return sorted(tasks, key=lambda t: (t.due_on, t.organisation_name, t.follow_up_id))


@dataclass(frozen=True)
class RevisionReminder:
    follow_up_id: int
    organisation_name: str
    due_on: datetime.date
    reason: str
    organisation_id: int

    def overdue_on(self, on: datetime.date) -> bool:
        return on > self.due_on

    @property
    def reason_label(self) -> str:
        return str(REASON_LABELS[self.reason])


def revision_of(follow_up: CooperativeFollowUp):
    figures = [
        YearFigures(year, result, capital)
        for year, result, capital in follow_up.reviews.values_list(
            "year", "result", "share_capital"
        )
    ]
    return revision_due(
        since=follow_up.organisation.cooperative_since,
        last_revision_on=follow_up.last_revision_on,
        interval_years=follow_up.revision_interval_years,
        figures=figures,
    )


def revisions_due(*, on: datetime.date, user) -> list[RevisionReminder]:
    """Active cooperatives whose révision is due within ``REMINDER_DAYS`` or overdue."""
    candidates = list(
        follow_ups(user).filter(
            organisation__cooperative_since__isnull=False,
            organisation__cooperative_ceased_on__isnull=True,
        )
    )
    figures: dict[int, list[YearFigures]] = defaultdict(list)
    for follow_up_id, year, result, capital in AnnualReview.objects.filter(
        follow_up__in=candidates
    ).values_list("follow_up_id", "year", "result", "share_capital"):
        figures[follow_up_id].append(YearFigures(year, result, capital))
    reminders = []
    horizon = on + datetime.timedelta(days=REMINDER_DAYS)
    for follow_up in candidates:
        due = revision_due(
            since=follow_up.organisation.cooperative_since,
            last_revision_on=follow_up.last_revision_on,
            interval_years=follow_up.revision_interval_years,
            figures=figures[follow_up.pk],
        )
        if due.due_on <= horizon:
            reminders.append(
                RevisionReminder(
                    follow_up.pk,
                    follow_up.organisation.name,
                    due.due_on,
                    due.reason,
                    follow_up.organisation_id,
                )
            )
    return sorted(reminders, key=lambda r: (r.due_on, r.organisation_name))


@dataclass(frozen=True)
class SeedScopAlert:
    follow_up_id: int
    organisation_id: int
    organisation_name: str
    year: int  # the latest year with a review
    actual_share: Decimal
    expected_share: Decimal
    deadline: datetime.date


def seed_scops_behind(*, user) -> list[SeedScopAlert]:
    """Active Scop d'amorçage cooperatives in the user's territory whose employees' share of
    capital, on their latest annual review, is behind the straight line to 50 %.

    A cooperative is a Scop d'amorçage when it carries its deadline
    (``Organisation.seed_scop_until``, set at the transformation, its ``cooperative_since``).
    The line starts from the share of the transformation year's review; without that review,
    from the employees' share of the capital among the members the cooperative was registered
    with (``transmission.Membership``); without either, from 0 % (the most lenient line).
    Three queries whatever the number of cooperatives.
    """
    rows = list(
        follow_ups(user)
        .filter(
            organisation__seed_scop_until__isnull=False,
            organisation__cooperative_since__isnull=False,
            organisation__cooperative_ceased_on__isnull=True,
        )
        .values_list(
            "pk",
            "organisation_id",
            "organisation__name",
            "organisation__cooperative_since",
            "organisation__seed_scop_until",
        )
    )
    shares: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for follow_up_id, year, share in AnnualReview.objects.filter(
        follow_up__in=[row[0] for row in rows]
    ).values_list("follow_up_id", "year", "employee_capital_share"):
        shares[follow_up_id].append((year, share))
    at_registration = case_selectors.employees_capital_shares_at_registration(
        [row[1] for row in rows]
    )
    alerts = []
    for pk, organisation_id, name, since, deadline in rows:
        reviews = shares[pk]
        start_share = dict(reviews).get(since.year) or at_registration.get(organisation_id) or 0
        path = seed_scop_path(reviews, deadline, start_share)
        if not is_behind(path):
            continue
        latest = [year for year in path if year.behind is not None][-1]
        alerts.append(
            SeedScopAlert(
                pk,
                organisation_id,
                name,
                latest.year,
                latest.actual_share,
                latest.expected_share,
                deadline,
            )
        )
    return sorted(alerts, key=lambda a: (a.deadline, a.organisation_name))


def cooperative_indicators(*, follow_up: CooperativeFollowUp, user) -> dict[int, dict]:
    """``{year: {indicator code: value}}`` for one cooperative inside the user's territory."""
    if not scoping.can_access(user, follow_up):
        return {}
    return {review.year: indicators.for_review(review) for review in follow_up.reviews.all()}


# ---------------------------------------------------------------------------- aggregates


@dataclass(frozen=True)
class Perimeter:
    """Which cooperatives an aggregate covers: one UR or the country, optionally one kind of
    case of origin and one filière (the dashboards' filters)."""

    regional_union_id: int | None = None
    kind: str = ""
    filiere_id: int | None = None

    def filter(self, queryset: QuerySet, organisation_path: str, case_path: str) -> QuerySet:
        model = queryset.model
        if self.regional_union_id is not None:
            queryset = queryset.filter(scoping.territory_filter(model, self.regional_union_id))
        if self.kind:
            queryset = queryset.filter(**{f"{case_path}__kind": self.kind})
        if self.filiere_id is not None:
            queryset = queryset.filter(
                in_filiere(self.filiere_id, organisation_path=organisation_path)
            )
        return queryset


def _reviews(year: int, perimeter: Perimeter) -> QuerySet[AnnualReview]:
    queryset = AnnualReview.objects.filter(year=year).order_by()
    return perimeter.filter(queryset, "follow_up__organisation", "follow_up__case")


def _follow_ups(perimeter: Perimeter) -> QuerySet[CooperativeFollowUp]:
    queryset = CooperativeFollowUp.objects.filter(
        organisation__cooperative_since__isnull=False
    ).order_by()
    return perimeter.filter(queryset, "organisation", "case")


def _day_number(path: str):
    """A date as the integer yyyymmdd: adding 50000 gives its fifth anniversary, exactly, in
    portable SQL (no date arithmetic, which SQLite and PostgreSQL spell differently)."""
    return ExtractYear(path) * 10000 + ExtractMonth(path) * 100 + ExtractDay(path)


def survival_counts(queryset: QuerySet[CooperativeFollowUp], on: datetime.date) -> tuple[int, int]:
    """(alive 5 years after incorporation, observed for 5 years) among ``queryset``: one query.

    Observed: incorporated at least five years before ``on``. Alive: not ceased before the
    fifth anniversary of the incorporation.
    """
    cutoff = add_years(on, -indicators.SURVIVAL_YEARS)
    counts = _survival_aggregate(queryset.filter(organisation__cooperative_since__lte=cutoff))
    return counts["alive"], counts["observed"]


_SINCE = "organisation__cooperative_since"
_CEASED = "organisation__cooperative_ceased_on"
# Alive at the fifth anniversary (on rows annotated by ``_with_day_numbers``).
_ALIVE_5_YEARS = Q(**{f"{_CEASED}__isnull": True}) | Q(
    ceased_number__gte=F("since_number") + indicators.SURVIVAL_YEARS * 10000
)


def _with_day_numbers(queryset):
    return queryset.annotate(since_number=_day_number(_SINCE), ceased_number=_day_number(_CEASED))


def _survival_aggregate(queryset):
    return _with_day_numbers(queryset).aggregate(
        observed=Count("pk"), alive=Count("pk", filter=_ALIVE_5_YEARS)
    )


def _filtered(aggregate, condition: Q):
    """``aggregate`` over the rows matching ``condition`` only (SQL ``FILTER``/``CASE``)."""
    if not condition:
        return aggregate
    clone = aggregate.copy()
    clone.filter = condition if clone.filter is None else condition & clone.filter
    return clone


@dataclass
class GroupIndicators:
    key: str
    label: str
    reviews: int
    values: dict[str, float | None]
    observed: int = 0  # cooperatives observed for five years (the survival's denominator)


def _groups(groups, reviews_qs, follow_ups_qs, on) -> list[GroupIndicators]:
    """Every group's indicators in two queries whatever the number of groups: the reviews'
    aggregates and the survival counts, each filtered by the group's condition.

    ``groups``: ``(key, label, condition on AnnualReview, condition on CooperativeFollowUp)``.
    """
    if not groups:
        return []
    # Aliases may not shadow the model's fields (``jobs``…): prefixed per group.
    raw = reviews_qs.aggregate(
        **{
            f"g{index}_{name}": _filtered(aggregate, review_filter)
            for index, (_key, _label, review_filter, _life) in enumerate(groups)
            for name, aggregate in indicators.AGGREGATES.items()
        }
    )
    cutoff = add_years(on, -indicators.SURVIVAL_YEARS)
    lives = _with_day_numbers(follow_ups_qs.filter(**{f"{_SINCE}__lte": cutoff}))
    counts = lives.aggregate(
        **{
            f"g{index}_{name}": _filtered(Count("pk"), condition)
            for index, (_key, _label, _review, life_filter) in enumerate(groups)
            for name, condition in (
                ("observed", life_filter),
                ("alive", life_filter & _ALIVE_5_YEARS),
            )
        }
    )
    results = []
    for index, (key, label, _review, _life) in enumerate(groups):
        values = {name: raw[f"g{index}_{name}"] for name in indicators.AGGREGATES}
        result = indicators.finish(values)
        alive, observed = counts[f"g{index}_alive"], counts[f"g{index}_observed"]
        result["survival_5_years"] = indicators.survival_share(alive, observed)
        results.append(GroupIndicators(str(key), str(label), values["reviews"], result, observed))
    return results


def indicators_by(
    *,
    dimension: str,
    year: int,
    on: datetime.date,
    perimeter: Perimeter = Perimeter(),
) -> list[GroupIndicators]:
    """Indicators of ``year``'s reviews, per group of ``dimension`` (``ur``, ``kind``,
    ``filiere`` or ``cohort`` — the year of incorporation), in one perimeter (the country by
    default).

    Groups without any review nor any cooperative observed for five years are left out.
    """
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    regional_union_id = perimeter.regional_union_id
    reviews = _reviews(year, perimeter)
    lives = _follow_ups(perimeter)
    groups: list[tuple[str, str, Q, Q]] = []
    if dimension == "ur":
        unions = RegionalUnion.objects.order_by("name")
        if regional_union_id is not None:
            unions = unions.filter(pk=regional_union_id)
        for union in unions:
            groups.append(
                (
                    union.code,
                    union.name,
                    scoping.territory_filter(AnnualReview, union.pk),
                    scoping.territory_filter(CooperativeFollowUp, union.pk),
                )
            )
    elif dimension == "kind":
        for kind in CaseKind:
            groups.append(
                (kind.value, kind.label, Q(follow_up__case__kind=kind), Q(case__kind=kind))
            )
    elif dimension == "filiere":
        for filiere in Filiere.objects.order_by("name"):
            groups.append(
                (
                    filiere.slug,
                    filiere.name,
                    Q(in_filiere(filiere, organisation_path="follow_up__organisation")),
                    Q(in_filiere(filiere, organisation_path="organisation")),
                )
            )
    else:
        cohorts = sorted(
            set(
                lives.annotate(cohort=ExtractYear("organisation__cooperative_since")).values_list(
                    "cohort", flat=True
                )
            )
        )
        for cohort in cohorts:
            groups.append(
                (
                    str(cohort),
                    str(cohort),
                    Q(follow_up__organisation__cooperative_since__year=cohort),
                    Q(organisation__cooperative_since__year=cohort),
                )
            )
    return [
        group
        for group in _groups(groups, reviews, lives, on)
        if group.reviews or group.values["survival_5_years"] is not None
    ]


def indicators_overall(
    *,
    year: int,
    on: datetime.date,
    perimeter: Perimeter = Perimeter(),
) -> GroupIndicators:
    """The same indicators for the whole perimeter (one group)."""
    [group] = _groups(
        [("all", "", Q(), Q())], _reviews(year, perimeter), _follow_ups(perimeter), on
    )
    return group
