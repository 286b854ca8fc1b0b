"""The Scop d'amorçage path (pure function, no database).

A Scop d'amorçage (loi 78-763, art. 49 ter) is an existing company transformed into a Scop
whose employees hold the majority of votes at once and must hold 50 % of the capital by
31 December of the 7th year after the transformation (DOMAIN.md). The path is the straight
line from the employees' share at the transformation (``start_share``, at the end of the
transformation year, year 0 = ``deadline.year − 7``) to 50 % at the deadline; each year's
share (from that year's annual review) is compared with the line at the end of that year.
A cooperative at or above 50 % is never behind; a year without a review is unknown.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from transmission.legal import SEED_SCOP_YEARS as PATH_YEARS
from transmission.legal import seed_scop_deadline

# The date rule lives with the legal model (transmission.legal), set on the cooperative at
# incorporation (``Organisation.seed_scop_until``); re-exported for the path's callers.
__all__ = [
    "PATH_YEARS",
    "TARGET_SHARE",
    "SeedScopYear",
    "expected_share",
    "is_behind",
    "seed_scop_deadline",
    "seed_scop_path",
]

TARGET_SHARE = Decimal(50)
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class SeedScopYear:
    year: int
    expected_share: Decimal
    actual_share: Decimal | None
    behind: bool | None  # None: no review that year


def _pairs(reviews) -> dict[int, Decimal]:
    shares = {}
    for review in reviews:
        if isinstance(review, tuple):
            year, share = review
        else:
            year, share = review.year, review.employee_capital_share
        shares[int(year)] = None if share is None else Decimal(share)
    return shares


def expected_share(year: int, deadline: datetime.date, start_share: Decimal) -> Decimal:
    """The straight-line share at the end of ``year`` (start share at year 0, 50 % at the
    deadline's year, 50 % after)."""
    start_year = deadline.year - PATH_YEARS
    start_share = Decimal(start_share)
    if year <= start_year:
        return start_share.quantize(_CENT, ROUND_HALF_UP)
    if year >= deadline.year or start_share >= TARGET_SHARE:
        return max(TARGET_SHARE, start_share).quantize(_CENT, ROUND_HALF_UP)
    step = (TARGET_SHARE - start_share) * (year - start_year) / PATH_YEARS
    return (start_share + step).quantize(_CENT, ROUND_HALF_UP)


def seed_scop_path(
    reviews: Iterable, deadline: datetime.date, start_share: Decimal | float | int
) -> list[SeedScopYear]:
    """Per year from the transformation to the deadline (and any later review): the
    expected share, the actual one and whether the cooperative is behind the line.

    ``reviews``: annual reviews (``.year``, ``.employee_capital_share``) or
    ``(year, share)`` pairs.
    """
    start_share = Decimal(str(start_share))
    if not Decimal(0) <= start_share <= Decimal(100):
        raise ValueError("start_share must be between 0 and 100")
    shares = _pairs(reviews)
    start_year = deadline.year - PATH_YEARS
    last_year = max([deadline.year, *shares])
    path = []
    for year in range(start_year, last_year + 1):
        expected = expected_share(year, deadline, start_share)
        actual = shares.get(year)
        behind = None if actual is None else (actual < expected and actual < TARGET_SHARE)
        path.append(SeedScopYear(year, expected, actual, behind))
    return path


def is_behind(path: list[SeedScopYear]) -> bool:
    """Behind on the latest year with a review (what an alert shows)."""
    known = [year for year in path if year.behind is not None]
    return bool(known) and bool(known[-1].behind)
