"""Révision coopérative due dates: five years (or the statutes' interval), early triggers."""

import datetime
from decimal import Decimal

from followup.revision import YearFigures, revision_due

SINCE = datetime.date(2020, 3, 1)


def test_first_revision_five_years_after_incorporation_then_after_the_last():
    assert revision_due(since=SINCE, last_revision_on=None, interval_years=5).due_on == (
        datetime.date(2025, 3, 1)
    )
    due = revision_due(since=SINCE, last_revision_on=datetime.date(2025, 2, 10), interval_years=5)
    assert due.due_on == datetime.date(2030, 2, 10) and due.reason == "periodic"


def test_statutes_may_shorten_the_interval():
    assert revision_due(since=SINCE, last_revision_on=None, interval_years=3).due_on == (
        datetime.date(2023, 3, 1)
    )


def test_three_consecutive_losses_bring_it_forward():
    figures = [
        YearFigures(2020, Decimal("-10"), None),
        YearFigures(2021, Decimal("-10"), None),
        YearFigures(2022, Decimal("5"), None),  # the run is broken
        YearFigures(2023, Decimal("-1"), None),
    ]
    assert revision_due(since=SINCE, last_revision_on=None, interval_years=5, figures=figures) == (
        revision_due(since=SINCE, last_revision_on=None, interval_years=5)
    )
    figures = [YearFigures(year, Decimal("-10"), None) for year in (2020, 2021, 2022)]
    due = revision_due(since=SINCE, last_revision_on=None, interval_years=5, figures=figures)
    assert due.due_on == datetime.date(2023, 6, 30) and due.reason == "three_losses"


def test_losing_half_of_the_highest_capital_brings_it_forward():
    figures = [
        YearFigures(2020, Decimal("1000"), Decimal("40000")),
        YearFigures(2021, Decimal("-19999"), Decimal("30000")),
        YearFigures(2022, Decimal("-20000"), Decimal("30000")),
    ]
    due = revision_due(since=SINCE, last_revision_on=None, interval_years=5, figures=figures)
    assert due.due_on == datetime.date(2023, 6, 30) and due.reason == "half_capital_lost"


def test_a_revision_after_the_trigger_answers_it():
    figures = [YearFigures(year, Decimal("-10"), None) for year in (2020, 2021, 2022)]
    due = revision_due(
        since=SINCE,
        last_revision_on=datetime.date(2023, 5, 1),
        interval_years=5,
        figures=figures,
    )
    assert due.due_on == datetime.date(2028, 5, 1)
