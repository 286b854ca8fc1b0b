"""Plan figures, leverage, aggregates per UR and year (against plain Python), scoping, queries."""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from financement import selectors
from financement.models import FinancingLine
from tests.financement.factories import (
    BANK_LOAN,
    FRANCE_ACTIVE_LOAN,
    GRANT,
    MEMBERS,
    MOVEMENT_EQUITY,
    MOVEMENT_GUARANTEE,
    MOVEMENT_LOAN,
    line_in,
    plan_for,
    session_in,
)
from tests.transmission.factories import CaseFactory
from transmission.choices import Stage

pytestmark = pytest.mark.django_db
D = Decimal


def _hand_computed_plan(plan):
    line_in(plan, MOVEMENT_LOAN, 60_000, status="approved")
    line_in(plan, MOVEMENT_EQUITY, 50_000, status="disbursed", committed=40_000)
    bank = line_in(plan, BANK_LOAN, 120_000, status="approved")
    line_in(plan, MOVEMENT_GUARANTEE, 60_000, status="approved", secures=bank)
    line_in(plan, MEMBERS, 30_000, status="approved")
    line_in(plan, FRANCE_ACTIVE_LOAN, 20_000, status="declined")
    line_in(plan, GRANT, 10_000, status="requested")


def test_plan_figures_on_a_hand_computed_plan(team, plan):
    # needs 200 000 + 50 000 + 10 000 = 260 000
    _hand_computed_plan(plan)
    figures = selectors.plan_figures(user=team["officer"], plan=plan)
    assert figures.needs == D("260000")
    # 60 000 + 40 000 + 120 000 + 30 000; the guarantee and the declined loan excluded
    assert figures.committed == D("250000")
    assert figures.movement_committed == D("100000")
    assert figures.requested == D("10000")
    assert figures.gap == D("10000")
    assert figures.balanced is False
    assert figures.movement_share == D("0.4")
    assert figures.leverage == D("2.5")
    assert selectors.leverage_for_case(user=team["director"], case=plan.case) == D("2.5")


def test_no_movement_money_no_leverage(team, plan):
    bank = line_in(plan, BANK_LOAN, 100_000, status="approved")
    line_in(plan, MOVEMENT_GUARANTEE, 50_000, status="approved", secures=bank)  # not a resource
    line_in(plan, MOVEMENT_LOAN, 30_000, status="requested")  # not committed
    figures = selectors.plan_figures(user=team["officer"], plan=plan)
    assert (figures.committed, figures.movement_committed) == (D("100000"), D("0"))
    assert figures.leverage is None
    assert figures.movement_share == D("0")


def test_an_empty_plan_has_no_ratio(team, plan):
    figures = selectors.plan_figures(user=team["officer"], plan=plan)
    assert (figures.committed, figures.leverage, figures.movement_share) == (D("0"), None, None)
    assert figures.gap == D("260000")


def test_row_selectors_follow_the_territory(team, plan):
    ara_plan = plan_for(CaseFactory(regional_union=team["ara"]), price="1000")
    assert list(selectors.plan_list(user=team["officer"])) == [plan]
    assert list(selectors.plan_list(user=team["officer_ara"])) == [ara_plan]
    assert set(selectors.plan_list(user=team["finance"])) == {plan, ara_plan}
    assert list(selectors.plan_list(user=team["board"])) == []
    with pytest.raises(type(plan).DoesNotExist):
        selectors.plan_figures(user=team["officer_ara"], plan=plan)


def test_committee_agenda_lists_requested_movement_lines_of_its_ur(team, plan):
    waiting = line_in(plan, MOVEMENT_LOAN, 10_000, status="requested")
    line_in(plan, MOVEMENT_LOAN, 10_000, status="planned")
    line_in(plan, BANK_LOAN, 10_000, status="requested")  # a partner decides it
    line_in(plan, MOVEMENT_EQUITY, 30_000, status="approved")
    ara_plan = plan_for(CaseFactory(regional_union=team["ara"]), price="1000")
    line_in(ara_plan, MOVEMENT_LOAN, 10_000, status="requested")
    session = session_in(team["ouest"])
    assert list(selectors.committee_agenda(user=team["finance"], session=session)) == [waiting]
    assert list(selectors.committee_agenda(user=team["finance_ara"], session=session)) == []


# --- Aggregates against an independent computation ---------------------------------------------


def _random_portfolio(team, count: int, seed: int = 7):
    rng = random.Random(seed)
    codes = [MOVEMENT_LOAN, MOVEMENT_EQUITY, BANK_LOAN, MEMBERS, GRANT, FRANCE_ACTIVE_LOAN]
    statuses = ["planned", "requested", "approved", "declined", "withdrawn", "disbursed", "repaid"]
    for index in range(count):
        ur = team["ouest"] if index % 3 else team["ara"]
        plan = plan_for(
            CaseFactory(regional_union=ur, stage=Stage.FINANCING),
            price=str(rng.randint(10, 500) * 1000),
            working_capital=str(rng.randint(0, 80) * 1000),
            other=str(rng.randint(0, 10) * 500),
        )
        lines = []
        for _ in range(rng.randint(0, 5)):
            requested = rng.randint(1, 200) * 1000
            status = rng.choice(statuses)
            decided = datetime.date(rng.choice([2023, 2024, 2025]), rng.randint(1, 12), 15)
            lines.append(
                line_in(
                    plan,
                    rng.choice(codes),
                    requested,
                    status=status,
                    committed=requested - rng.randint(0, requested // 2000) * 1000
                    if status in ("approved", "disbursed", "repaid")
                    else None,
                    decision_on=decided
                    if status not in ("planned", "requested", "withdrawn")
                    else None,
                )
            )
        if lines and rng.random() < 0.5:
            line_in(plan, MOVEMENT_GUARANTEE, 5_000, status="approved", secures=lines[0])


def _independent_by_ur_year():
    """Plain Python over the raw rows: the reference the selectors must match."""
    totals = defaultdict(lambda: {"committed": D(0), "movement": D(0)})
    for row in FinancingLine.objects.values(
        "family",
        "is_movement_tool",
        "amount_committed",
        "decision_on",
        "plan__case__regional_union",
    ):
        if row["family"] == "guarantee" or row["decision_on"] is None:
            continue
        key = (row["plan__case__regional_union"], row["decision_on"].year)
        committed = row["amount_committed"] or D(0)
        totals[key]["committed"] += committed
        if row["is_movement_tool"]:
            totals[key]["movement"] += committed
    return totals


def test_totals_by_ur_and_year_match_plain_python(team):
    _random_portfolio(team, 24)
    expected = _independent_by_ur_year()
    rows = selectors.financing_totals_by_ur_year(user=team["board"])
    assert {(r["regional_union_id"], r["year"]) for r in rows} == set(expected)
    for row in rows:
        reference = expected[(row["regional_union_id"], row["year"])]
        assert row["committed"] == reference["committed"]
        assert row["movement_committed"] == reference["movement"]
        assert row["leverage"] == (
            reference["committed"] / reference["movement"] if reference["movement"] else None
        )
    by_year = selectors.financing_totals_by_year(user=team["board"])
    for row in by_year:
        assert row["committed"] == sum(
            v["committed"] for (_ur, year), v in expected.items() if year == row["year"]
        )


def test_totals_by_ur_match_plain_python(team):
    _random_portfolio(team, 18)
    needs = defaultdict(lambda: D(0))
    committed = defaultdict(lambda: D(0))
    movement = defaultdict(lambda: D(0))
    for plan in selectors.plan_list(user=team["finance"]):
        needs[plan.case.regional_union_id] += plan.total_needs
    for row in FinancingLine.objects.values(
        "family", "is_movement_tool", "amount_committed", "plan__case__regional_union"
    ):
        if row["family"] != "guarantee" and row["amount_committed"] is not None:
            committed[row["plan__case__regional_union"]] += row["amount_committed"]
            if row["is_movement_tool"]:
                movement[row["plan__case__regional_union"]] += row["amount_committed"]
    rows = {r["regional_union_id"]: r for r in selectors.financing_totals_by_ur(user=team["board"])}
    assert set(rows) == set(needs)
    for ur, row in rows.items():
        assert (row["needs"], row["committed"], row["movement_committed"]) == (
            needs[ur],
            committed[ur],
            movement[ur],
        )
        assert row["gap"] == needs[ur] - committed[ur]
        assert row["leverage"] == (committed[ur] / movement[ur] if movement[ur] else None)
    national = selectors.financing_totals(user=team["board"])
    assert national["needs"] == sum(needs.values())
    assert national["committed"] == sum(committed.values())


def test_aggregates_follow_the_territory_except_for_board_members(team):
    _random_portfolio(team, 9)
    ouest_only = selectors.financing_totals_by_ur(user=team["officer"])
    assert [row["regional_union_id"] for row in ouest_only] == [team["ouest"].pk]
    assert {
        r["regional_union_id"] for r in selectors.financing_totals_by_ur(user=team["board"])
    } == {
        team["ouest"].pk,
        team["ara"].pk,
    }
    board_rows = selectors.financing_totals_by_ur_year(user=team["board"])
    # Numbers only: no case, organisation or person in an aggregate row.
    assert set(board_rows[0]) == {
        "regional_union_id",
        "year",
        "committed",
        "movement_committed",
        "lines_committed",
        "lines_declined",
        "plans",
        "movement_share",
        "leverage",
    }


@pytest.mark.parametrize(
    "selector",
    [
        selectors.financing_totals,
        selectors.financing_totals_by_ur,
        selectors.financing_totals_by_year,
        selectors.financing_totals_by_ur_year,
    ],
)
def test_aggregate_queries_do_not_grow_with_the_number_of_plans(team, selector):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            selector(user=team["finance"])
        return len(context.captured_queries)

    _random_portfolio(team, 3, seed=1)
    few = queries()
    _random_portfolio(team, 15, seed=2)
    assert queries() == few <= 2


def test_plans_with_figures_is_one_query(team):
    _random_portfolio(team, 6)
    with CaptureQueriesContext(connection) as context:
        figures = [
            selectors.figures_of(plan)
            for plan in selectors.plans_with_figures(user=team["finance"])
        ]
    assert len(figures) == 6
    assert len(context.captured_queries) == 1


def test_case_financing_gives_plan_figures_and_lines_within_the_territory(team, plan):
    from financement.models import FinancingPlan as _Plan
    from tests.financement.factories import BANK_LOAN
    from tests.financement.factories import line_in as _line_in

    _line_in(plan, BANK_LOAN, "100000", status="approved")
    found, figures, lines = selectors.case_financing(user=team["officer"], case=plan.case)
    assert found == plan and figures.committed == Decimal("100000") and lines.count() == 1
    with pytest.raises(_Plan.DoesNotExist):
        selectors.case_financing(user=team["officer_ara"], case=plan.case)
