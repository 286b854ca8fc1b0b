"""Economic-citizenship indicators on hand-computed reviews, per cooperative and aggregated."""

import datetime
from decimal import Decimal

import pytest

from crm.actors import SYSTEM
from crm.roles import Role
from followup import indicators, selectors, services
from tests.factories import regional_union, staff_user
from tests.followup.helpers import cooperative, review
from tests.transmission.factories import CaseFactory
from transmission.choices import CaseKind, Stage

pytestmark = pytest.mark.django_db
ON = datetime.date(2026, 6, 30)

B_REVIEW = {
    "jobs": 30,
    "members": 20,
    "employee_members": 15,
    "employee_capital_share": Decimal("80"),
    "employee_vote_share": Decimal("70"),
    "turnover": Decimal("2000000"),
    "result": Decimal("150000"),
    "result_to_employees": Decimal("30"),
    "result_to_dividends": Decimal("20"),
    "result_to_reserves": Decimal("50"),
    "general_meeting_turnout": Decimal("70"),
    "women_members": None,
    "board_members": 10,
    "women_on_board": 5,
    "training_hours": None,
    "staff_turnover": Decimal("20"),
}


@pytest.fixture
def movement():
    """A: Ouest, takeover, 2020, IT. B: Ouest, creation, 2021, construction, ceased 4 years
    and 364 days after incorporation. C: ARA, 2019, ceased 5 years after, to the day."""
    a = cooperative(since=datetime.date(2020, 3, 1))
    b = cooperative(since=datetime.date(2021, 1, 1), naf_code="43.99C")
    c = cooperative(since=datetime.date(2019, 1, 1), postal_code="69001")
    for follow_up, kind in ((a, CaseKind.TAKEOVER), (b, CaseKind.CREATION)):
        organisation = follow_up.organisation
        case = CaseFactory(
            stage=Stage.INCORPORATED,
            kind=kind,
            organisation=organisation,
            cooperative_siren=organisation.siren,
            target_form="scop_sarl",
            registered_on=organisation.cooperative_since,
        )
        services.follow_up_open(organisation=follow_up.organisation, case=case, by=SYSTEM)
    review(a, 2023)
    review(b, 2023, **B_REVIEW)
    review(c, 2023, jobs=4, members=4, employee_members=2)
    services.cooperative_cease(
        organisation=b.organisation, on=datetime.date(2025, 12, 31), cause="liquidation", by=SYSTEM
    )
    services.cooperative_cease(
        organisation=c.organisation, on=datetime.date(2024, 1, 1), cause="dissolution", by=SYSTEM
    )
    return {"a": a, "b": b, "c": c}


def test_every_pillar_has_at_least_two_indicators():
    for pillar in indicators.PILLARS:
        assert len([i for i in indicators.INDICATORS if i.pillar == pillar]) >= 2, pillar


def test_one_cooperatives_indicators(movement):
    officer = staff_user(Role.OFFICER, "ouest")
    values = selectors.cooperative_indicators(follow_up=movement["a"], user=officer)[2023]
    assert values == {
        "membership_rate": 70.0,  # 7 / 10
        "employee_vote_share": 80.0,
        "general_meeting_turnout": 90.0,
        "women_on_board": 40.0,  # 2 / 5
        "net_margin": 5.0,  # 50 000 / 1 000 000
        "employee_capital_share": 60.0,
        "result_to_employees": 40.0,
        "result_to_reserves": 50.0,
        "training_hours_per_job": 15.0,  # 150 / 10
        "staff_turnover": 10.0,
        "jobs": 10.0,
        "women_members": 50.0,  # 4 / 8
    }
    assert (
        selectors.cooperative_indicators(
            follow_up=movement["a"], user=staff_user(Role.OFFICER, "ara")
        )
        == {}
    )


def test_aggregated_by_ur_in_sql(movement):
    groups = {g.key: g for g in selectors.indicators_by(dimension="ur", year=2023, on=ON)}
    ouest = groups[regional_union("ouest").code]
    assert ouest.reviews == 2
    assert ouest.values == {
        "membership_rate": 55.0,  # (7 + 15) / (10 + 30)
        "employee_vote_share": 75.0,  # mean of 80 and 70
        "general_meeting_turnout": 80.0,
        "women_on_board": 46.67,  # (2 + 5) / (5 + 10)
        "net_margin": 6.67,  # 200 000 / 3 000 000
        "employee_capital_share": 70.0,
        "result_to_employees": 32.5,  # (50 000 × 40 + 150 000 × 30) / 200 000
        "result_to_reserves": 50.0,
        "training_hours_per_job": 15.0,  # only A reported: 150 / 10
        "staff_turnover": 15.0,
        "jobs": 40.0,
        "women_members": 50.0,  # only A reported: 4 / 8
        "survival_5_years": 50.0,  # A alive; B ceased a day before its fifth anniversary
    }
    ara = groups[regional_union("ara").code]
    assert ara.values["membership_rate"] == 50.0
    assert ara.values["survival_5_years"] == 100.0  # ceased on its fifth anniversary
    assert ara.values["training_hours_per_job"] == 37.5  # 150 / 4


def test_a_perimeter_keeps_to_its_ur(movement):
    groups = selectors.indicators_by(
        dimension="ur",
        year=2023,
        on=ON,
        perimeter=selectors.Perimeter(regional_union_id=regional_union("ara").pk),
    )
    assert [g.key for g in groups] == [regional_union("ara").code]
    overall = selectors.indicators_overall(
        year=2023,
        on=ON,
        perimeter=selectors.Perimeter(regional_union_id=regional_union("ouest").pk),
    )
    assert overall.reviews == 2 and overall.values["membership_rate"] == 55.0


def test_aggregated_by_kind_cohort_and_filiere(movement):
    kinds = {g.key: g for g in selectors.indicators_by(dimension="kind", year=2023, on=ON)}
    assert kinds["takeover"].values["membership_rate"] == 70.0
    assert kinds["creation"].values["membership_rate"] == 50.0
    assert kinds["creation"].values["survival_5_years"] == 0.0
    cohorts = {g.key: g for g in selectors.indicators_by(dimension="cohort", year=2023, on=ON)}
    assert set(cohorts) == {"2019", "2020", "2021"}
    assert cohorts["2020"].values["survival_5_years"] == 100.0
    filieres = {g.key: g for g in selectors.indicators_by(dimension="filiere", year=2023, on=ON)}
    construction = filieres["construction-renovation-energetique"]
    assert construction.reviews == 1 and construction.values["jobs"] == 30.0


def test_no_data_gives_none_not_zero():
    overall = selectors.indicators_overall(year=2023, on=ON)
    assert overall.reviews == 0
    assert set(overall.values.values()) == {None}


def test_unknown_dimension_is_refused():
    with pytest.raises(ValueError):
        selectors.indicators_by(dimension="planet", year=2023, on=ON)
