"""The equity selector sums its levels in plain Python (B5): the same units, indices and
order as the pandas merge and group-by it replaced, recomputed here from the selector's own
queries (``territories``, ``resource_by_departement``)."""

import datetime

import pandas as pd
import pytest
from django.utils import timezone

from dashboards import indices
from dashboards.selectors import equity
from dashboards.selectors.common import DashboardQuery
from tests.dashboards.builders import NOW, case_with_history
from tests.factories import regional_union
from transmission.models import Activity, Case

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _query(**kwargs) -> DashboardQuery:
    return DashboardQuery(start=TODAY - datetime.timedelta(days=200), end=TODAY, now=NOW, **kwargs)


def _reference(query, resource, level) -> pd.DataFrame:
    """The pandas computation the selector used to run: merge, fill, group by, sort."""
    departements = equity.territories(query).merge(
        equity.resource_by_departement(query, resource),
        how="left",
        left_on="code",
        right_on="departement",
    )
    departements[["value", "cases"]] = departements[["value", "cases"]].fillna(0)
    departements["cases"] = departements["cases"].astype(int)
    if level == "departement":
        frame = departements[["code", "name", "value", "cases", "population"]]
    else:
        code, name = {"region": ("region_code", "region_name")}.get(level, ("ur_code", "ur_name"))
        frame = (
            departements.groupby([code, name], as_index=False)[["value", "cases", "population"]]
            .sum()
            .rename(columns={code: "code", name: "name"})
            .sort_values("name")
            .reset_index(drop=True)
        )
    frame = frame.copy()
    frame["per_100k"] = [
        indices.per_inhabitants(a, e)
        for a, e in zip(frame["value"], frame["population"], strict=True)
    ]
    frame["index"] = indices.intensity_indices(frame["value"], frame["population"])
    frame["under_served"] = indices.under_served(frame["index"])
    return frame


@pytest.fixture
def spread():
    for postal_code, ur, count in (
        ("35000", "ouest", 3),
        ("29200", "ouest", 1),
        ("69001", "ara", 2),
        ("13001", None, 1),
    ):
        for _ in range(count):
            fields = {"ur": ur} if ur else {}
            case_with_history([], created_days_ago=10, postal_code=postal_code, **fields)
    case = Case.objects.order_by("pk").first()
    Activity.objects.create(case=case, kind="call", subject="Appel", minutes_spent=45)


@pytest.mark.parametrize("level", ["departement", "region", "regional_union"])
@pytest.mark.parametrize("resource", ["cases", "minutes", "euros"])
def test_levels_are_the_group_by_they_replaced(spread, resource, level):
    query = _query()
    result = equity.equity(query, resource, level)
    expected = _reference(query, resource, level)
    pd.testing.assert_frame_equal(
        result.units.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=True
    )
    # No euro committed in ``spread``: no average, every index missing.
    assert (result.units["value"].sum() > 0) == (resource != "euros")
    departements = _reference(query, resource, "departement")
    pd.testing.assert_frame_equal(result.departements, departements, check_dtype=True)
    summary = result.summary.set_index("level")
    for name in equity.LEVELS:
        frame = _reference(query, resource, name)
        assert summary.loc[name, "units"] == len(frame)
        assert summary.loc[name, "gini"] == pytest.approx(
            indices.gini_index(frame["value"], frame["population"])
        )
        assert summary.loc[name, "theil"] == pytest.approx(
            indices.theil_index(frame["value"], frame["population"])
        )


def test_a_regional_perimeter_keeps_only_its_departements(spread):
    query = _query(regional_union_id=regional_union("ouest").pk)
    result = equity.equity(query, "cases", "regional_union")
    pd.testing.assert_frame_equal(
        result.units, _reference(query, "cases", "regional_union"), check_dtype=True
    )
    assert list(result.units["code"]) == ["ouest"] and result.units["value"].tolist() == [4.0]
