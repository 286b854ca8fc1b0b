"""The movement's money to existing cooperatives (supports) counts in the financing and equity
dashboards, with the same filters as the cases' money (resolutions 9 and 11)."""

import datetime
from decimal import Decimal

import pytest

from crm.roles import Role
from dashboards.selectors import equity, financing
from dashboards.selectors.common import DashboardQuery
from filieres.models import Filiere
from financement import services
from tests.dashboards.builders import NOW
from tests.factories import OrganisationFactory, regional_union, staff_user
from tests.financement.factories import BANK_LOAN, MOVEMENT_LOAN, line_in, plan_for
from tests.transmission.factories import CaseFactory, complete_data
from transmission.choices import Stage

TODAY = NOW.date()


def period(**kwargs) -> DashboardQuery:
    return DashboardQuery(start=TODAY - datetime.timedelta(days=200), end=TODAY, now=NOW, **kwargs)


@pytest.fixture
def money(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    officer = staff_user(Role.OFFICER, "ouest")
    case = CaseFactory(stage=Stage.FINANCING, assigned_officer=officer, **complete_data("takeover"))
    case_plan = plan_for(case, price="1000")
    line_in(case_plan, MOVEMENT_LOAN, 100, status="approved")
    line_in(case_plan, BANK_LOAN, 300, status="approved")
    cooperative = OrganisationFactory(
        name="Scop Ancienne",
        postal_code="44000",
        naf_code="62.01Z",
        cooperative_type="scop",
        cooperative_since=datetime.date(2015, 1, 1),
    )
    support = services.support_request_open(
        organisation=cooperative, need="development", by=officer, price_or_investment=500
    )
    line_in(support.financing_plan, MOVEMENT_LOAN, 200, status="approved")
    line_in(support.financing_plan, BANK_LOAN, 200, status="approved")
    return case, support


def test_financing_totals_count_the_supports_lines(money):
    totals = financing.totals(period())
    assert totals["committed"] == Decimal("800")
    assert totals["movement_committed"] == Decimal("300")
    assert totals["cases"] == 2
    by_ur = financing.leverage_by_ur_year(period()).set_index("regional_union")
    assert by_ur.loc["Ouest", "committed"] == Decimal("800")
    assert by_ur.loc["Ouest", "cases"] == 2


def test_a_kind_filter_leaves_supports_out_and_the_perimeter_keeps_them(money):
    assert financing.totals(period(kind="takeover"))["committed"] == Decimal("400")
    ouest = regional_union("ouest").pk
    assert financing.totals(period(regional_union_id=ouest))["committed"] == Decimal("800")
    ara = regional_union("ara").pk
    assert financing.totals(period(regional_union_id=ara))["committed"] == Decimal("0")


def test_a_filiere_filter_reaches_the_supported_cooperative(money):
    case, support = money
    filiere = Filiere.objects.get(naf_codes__naf_code="62.01Z")
    other = Filiere.objects.exclude(naf_codes__naf_code="62.01Z").first()
    assert case.organisation.naf_code == support.organisation.naf_code == "62.01Z"
    assert financing.totals(period(filiere_id=filiere.pk))["committed"] == Decimal("800")
    assert financing.totals(period(filiere_id=other.pk))["committed"] == Decimal("0")


def test_equity_euros_count_the_movements_money_to_existing_cooperatives(money):
    rows = equity.resource_by_departement(period(), "euros").set_index("departement")
    case, support = money
    # The case's company is in Ille-et-Vilaine, the supported cooperative in Loire-Atlantique.
    assert case.organisation.departement_id == "35"
    assert support.organisation.departement_id == "44"
    assert rows.loc["35", "value"] == pytest.approx(100)
    assert rows.loc["44", "value"] == pytest.approx(200)
    assert rows.loc["44", "cases"] == 1
    assert rows["value"].sum() == pytest.approx(300)


def test_the_money_to_new_and_existing_cooperatives_is_shown_apart(money):
    rows = financing.by_holder(period()).set_index("existing")
    assert rows.loc[False, "committed"] == Decimal("400")
    assert rows.loc[True, "committed"] == Decimal("400")
    assert rows.loc[True, "movement_committed"] == Decimal("200")
    assert rows.loc[True, "leverage"] == Decimal("2")
    assert rows.loc[False, "leverage"] == Decimal("4")
    assert list(rows["cases"]) == [1, 1]
    assert list(financing.by_holder(period(kind="takeover"))["existing"]) == [False]
