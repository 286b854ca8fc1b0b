"""The Scop d'amorçage path: straight line to 50 % by 31 December of the 7th year."""

import datetime
from decimal import Decimal

import pytest

from followup.seed_scop import is_behind, seed_scop_path

DEADLINE = datetime.date(2027, 12, 31)  # transformed in 2020


def test_straight_line_from_the_start_share_to_half_the_capital():
    # From 15 % at the end of 2020 to 50 % at the end of 2027: +5 points a year.
    path = seed_scop_path([], DEADLINE, Decimal("15"))
    assert [(row.year, row.expected_share) for row in path] == [
        (2020, Decimal("15.00")),
        (2021, Decimal("20.00")),
        (2022, Decimal("25.00")),
        (2023, Decimal("30.00")),
        (2024, Decimal("35.00")),
        (2025, Decimal("40.00")),
        (2026, Decimal("45.00")),
        (2027, Decimal("50.00")),
    ]
    assert all(row.behind is None for row in path)


def test_behind_when_below_the_line_and_ahead_otherwise():
    reviews = [(2021, Decimal("20")), (2022, Decimal("24.99")), (2023, Decimal("31"))]
    path = {row.year: row for row in seed_scop_path(reviews, DEADLINE, 15)}
    assert path[2021].behind is False  # exactly on the line
    assert path[2022].behind is True
    assert path[2023].behind is False
    assert path[2024].behind is None and path[2024].actual_share is None


def test_uneven_steps_are_rounded_to_the_cent():
    path = {row.year: row.expected_share for row in seed_scop_path([], DEADLINE, 10)}
    # 10 + 40 × 3 / 7 = 27.142857…
    assert path[2023] == Decimal("27.14")


def test_after_the_deadline_the_target_stays_half_and_later_reviews_count():
    path = {row.year: row for row in seed_scop_path([(2028, Decimal("49"))], DEADLINE, 15)}
    assert path[2028].expected_share == Decimal("50.00") and path[2028].behind is True


def test_at_or_above_half_is_never_behind():
    path = seed_scop_path([(2021, Decimal("55"))], DEADLINE, 60)
    assert {row.year: row.behind for row in path}[2021] is False


def test_latest_known_year_decides_the_flag():
    reviews = [(2021, Decimal("10")), (2022, Decimal("26"))]
    assert not is_behind(seed_scop_path(reviews, DEADLINE, 15))
    assert is_behind(seed_scop_path(reviews[:1], DEADLINE, 15))
    assert not is_behind(seed_scop_path([], DEADLINE, 15))


def test_review_objects_are_accepted():
    class Review:
        year = 2022
        employee_capital_share = Decimal("20")

    assert {row.year: row.behind for row in seed_scop_path([Review()], DEADLINE, 15)}[2022]


def test_start_share_must_be_a_share():
    with pytest.raises(ValueError):
        seed_scop_path([], DEADLINE, 120)
