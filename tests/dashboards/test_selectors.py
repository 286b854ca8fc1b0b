"""Dashboard figures against hand-computed values and independent recomputations from the
raw rows (cases, history, lines, populations), on hand-made data."""

import datetime
from collections import Counter
from dataclasses import replace
from decimal import Decimal

import pandas as pd
import pytest
from django.utils import timezone

from crm.actors import SYSTEM
from crm.models import Departement, RegionalUnionDepartement
from crm.territories import coverage_on
from dashboards import indices
from dashboards.selectors import equity, financing, funnel, outcomes, partners, sectors, velocity
from dashboards.selectors.common import DashboardQuery
from financement.models import FinancingLine
from tests.dashboards.builders import NOW, case_with_history
from tests.factories import PartnerFactory, regional_union
from tests.financement.factories import (
    BANK_LOAN,
    GRANT,
    MEMBERS,
    MOVEMENT_GUARANTEE,
    MOVEMENT_LOAN,
    line_in,
    plan_for,
)
from transmission.choices import Stage
from transmission.models import Case, CaseTag, StageChange

pytestmark = pytest.mark.django_db

S = Stage
TODAY = timezone.localdate()


def period(days=200, **kwargs) -> DashboardQuery:
    return DashboardQuery(start=TODAY - datetime.timedelta(days=days), end=TODAY, now=NOW, **kwargs)


@pytest.fixture
def cohort():
    """Four cases opened in the period, one before it."""
    return {
        "x": case_with_history(
            [
                (90, S.QUALIFICATION),
                (80, S.FEASIBILITY),
                (70, S.STRUCTURING),
                (60, S.FINANCING),
                (50, S.ABANDONED),
            ],
            created_days_ago=100,
        ),
        # Abandoned in financing with only its creation in the history (as imported data
        # would be): still counts as having reached the financing round.
        "y": case_with_history(
            [(20, S.ABANDONED)],
            created_days_ago=40,
            previous_stage=S.FINANCING,
            abandon_reason="financing_refused",
            kind="creation",
        ),
        "z": case_with_history(
            [(25, S.DECLINED)], created_days_ago=30, ur="ara", postal_code="69001"
        ),
        "w": case_with_history(
            [
                (95, S.QUALIFICATION),
                (90, S.FEASIBILITY),
                (85, S.STRUCTURING),
                (80, S.FINANCING),
                (60, S.CLOSING),
                (10, S.INCORPORATED),
            ],
            created_days_ago=99,
            jobs_at_incorporation=7,
        ),
        "old": case_with_history([(300, S.QUALIFICATION)], created_days_ago=400),
    }


def _reached_from_raw_rows(case_ids, stage):
    """Independent recomputation: loop over the raw rows of cases and history."""
    rows = list(
        StageChange.objects.filter(case_id__in=case_ids).values(
            "case_id", "source_stage", "target_stage"
        )
    )
    cases = {
        c["pk"]: c
        for c in Case.objects.filter(pk__in=case_ids).values("pk", "stage", "previous_stage")
    }
    count = 0
    for pk, case in cases.items():
        seen = {r["target_stage"] for r in rows if r["case_id"] == pk} | {
            r["source_stage"] for r in rows if r["case_id"] == pk
        }
        if stage in seen or case["stage"] == stage or case["previous_stage"] == stage:
            count += 1
    return count


def test_cohort_conversion_by_hand_and_from_raw_rows(cohort):
    frame = funnel.cohort_conversion(period()).set_index("stage")
    expected = {
        S.LEAD: 4,
        S.QUALIFICATION: 2,
        S.FEASIBILITY: 2,
        S.STRUCTURING: 2,
        S.FINANCING: 3,  # x, w, and y abandoned in financing
        S.CLOSING: 1,
        S.INCORPORATED: 1,
    }
    assert frame["reached"].to_dict() == expected
    assert set(frame["opened"]) == {4}
    assert frame.loc[S.FINANCING, "share"] == pytest.approx(0.75)
    opened = [c.pk for k, c in cohort.items() if k != "old"]
    for stage, count in expected.items():
        assert _reached_from_raw_rows(opened, stage) == count


def test_cohort_conversion_by_kind_and_ur(cohort):
    by_kind = funnel.cohort_conversion(period(), "kind")
    creation = by_kind[(by_kind["group"] == "creation")].set_index("stage")
    assert creation.loc[S.FINANCING, "reached"] == 1
    assert creation.loc[S.STRUCTURING, "reached"] == 0
    assert set(creation["opened"]) == {1}
    by_ur = funnel.cohort_conversion(period(), "regional_union")
    assert set(by_ur["group"]) == {"Ouest", "Auvergne-Rhône-Alpes"}
    ouest = by_ur[by_ur["group"] == "Ouest"].set_index("stage")
    assert ouest.loc[S.LEAD, "opened"] == 3


def test_the_three_cohort_groupings_share_one_query_and_add_up(cohort, django_assert_num_queries):
    query = period()
    with django_assert_num_queries(1):
        frames = {
            by: funnel.cohort_conversion(query, by) for by in (None, "kind", "regional_union")
        }
    total = frames[None].set_index("stage")
    for by in ("kind", "regional_union"):
        summed = frames[by].groupby("stage")[["reached"]].sum()["reached"]
        assert summed.to_dict() == total["reached"].to_dict()
        opened = frames[by].drop_duplicates("group")["opened"].sum()
        assert opened == total["opened"].iloc[0] == 4
    # Each grouping equals its own count, as a query of its own gives it.
    for by in ("kind", "regional_union"):
        fresh = funnel.cohort_conversion(period(), by)
        pd.testing.assert_frame_equal(fresh, frames[by])
    # A query replaced by another period shares nothing with the first.
    emptier = replace(query, start=TODAY, end=TODAY)
    assert funnel.cohort_conversion(emptier)["opened"].iloc[0] == 0


def test_stages_now_equal_the_raw_count(cohort):
    frame = funnel.stages_now(period()).set_index("stage")["cases"].to_dict()
    raw = Counter(Case.objects.values_list("stage", flat=True))
    assert {stage: n for stage, n in frame.items() if n} == dict(raw)
    assert frame[S.ABANDONED] == 2


def test_filters_narrow_every_count(cohort):
    assert funnel.cohort_conversion(period(kind="creation"))["opened"].iloc[0] == 1
    ara = regional_union("ara").pk
    assert funnel.cohort_conversion(period(regional_union_id=ara))["opened"].iloc[0] == 1
    short = DashboardQuery(start=TODAY - datetime.timedelta(days=35), end=TODAY, now=NOW)
    assert funnel.cohort_conversion(short)["opened"].iloc[0] == 1  # z only


def test_abandonment_reasons_by_stage(cohort):
    frame = funnel.abandonment_reasons(period())
    rows = {(r.previous_stage, r.abandon_reason): r.cases for r in frame.itertuples()}
    assert rows == {(S.FINANCING, "not_viable"): 1, (S.FINANCING, "financing_refused"): 1}


def test_cases_by_tag_counts_the_period_s_cases_registered_and_jobs(cohort):
    tag = lambda case, *tags: [CaseTag.objects.create(case=case, tag=t) for t in tags]  # noqa: E731
    Case.objects.filter(pk=cohort["w"].pk).update(jobs_at_stake=7)
    Case.objects.filter(pk=cohort["x"].pk).update(jobs_at_stake=3)
    tag(cohort["w"], "relocation", "collective_know_how")
    tag(cohort["x"], "relocation")
    tag(cohort["old"], "ecological_transition")  # opened before the period: not counted
    frame = funnel.cases_by_tag(period()).set_index("tag")
    assert frame.to_dict("index") == {
        "relocation": {"cases": 2, "registered": 1, "jobs": 10},
        "ecological_transition": {"cases": 0, "registered": 0, "jobs": 0},
        "collective_know_how": {"cases": 1, "registered": 1, "jobs": 7},
    }
    ara = regional_union("ara").pk
    assert set(funnel.cases_by_tag(period(regional_union_id=ara))["cases"]) == {0}


def test_time_in_stage_kaplan_meier_by_hand():
    # A: lead 10 days (ended), qualification 30 days (ended), feasibility running 60 days.
    case_with_history([(90, S.QUALIFICATION), (60, S.FEASIBILITY)], created_days_ago=100)
    # B: lead 5 days; qualification 10 days then on hold (censored); resumed 20 days ago.
    case_with_history(
        [(45, S.QUALIFICATION), (35, S.ON_HOLD), (20, S.QUALIFICATION)], created_days_ago=50
    )
    # C: in lead for 30 days (censored).
    case_with_history([], created_days_ago=30)
    frame = velocity.time_in_stage(period()).set_index("stage")
    # Lead: 5 (event), 10 (event), 30 (censored): S(5) = 2/3, S(10) = 1/3 → median 10;
    # S never reaches 0.1 → the 90th percentile is unknown.
    assert frame.loc[S.LEAD, ["spells", "events", "censored"]].tolist() == [3, 2, 1]
    assert frame.loc[S.LEAD, "median"] == 10
    assert pd.isna(frame.loc[S.LEAD, "p90"])
    # Qualification: 10 (censored, hold), 20 (censored, running), 30 (event) → S(30) = 0.
    assert frame.loc[S.QUALIFICATION, ["spells", "events", "censored"]].tolist() == [3, 1, 2]
    assert frame.loc[S.QUALIFICATION, "median"] == 30
    assert frame.loc[S.QUALIFICATION, "p90"] == 30
    assert frame.loc[S.FEASIBILITY, "censored"] == 1


def test_lead_to_incorporation(cohort):
    frame = velocity.lead_to_incorporation(period()).iloc[0]
    # Opened in the period and not abandoned/declined: w (99 − 10 = 89 days, registered).
    assert (frame["spells"], frame["events"], frame["median"]) == (1, 1, 89)


def test_outcomes_per_month(cohort):
    frame = outcomes.incorporations(period(), per="month", by="kind")
    assert frame["incorporations"].sum() == 1
    assert frame["jobs"].sum() == 7


def _recompute_leverage(lines):
    resources = [line for line in lines if line.family != "guarantee" and line.amount_committed]
    committed = sum(line.amount_committed for line in resources)
    movement = sum(line.amount_committed for line in resources if line.is_movement_tool)
    return committed, committed / movement


def test_financing_totals_and_leverage_by_hand_and_from_raw_rows():
    case = case_with_history([(60, S.FINANCING)], created_days_ago=90)
    plan = plan_for(case, price="1000")
    loan = line_in(plan, MOVEMENT_LOAN, 100, status="approved")
    bank = line_in(plan, BANK_LOAN, 300, status="approved")
    line_in(plan, MOVEMENT_GUARANTEE, 150, status="approved", secures=bank)
    line_in(plan, BANK_LOAN, 200, status="declined")
    line_in(plan, GRANT, 40, status="requested")
    other = case_with_history(
        [(60, S.FINANCING)], created_days_ago=90, ur="ara", postal_code="69001"
    )
    other_plan = plan_for(other, price="100")
    line_in(other_plan, MOVEMENT_LOAN, 50, status="disbursed")
    line_in(other_plan, MEMBERS, 50, status="approved")
    assert loan.amount_committed == Decimal("100")

    totals = financing.totals(period())
    # Resources committed: 100 + 300 + 50 + 50 (the guarantee is not a resource); movement 150.
    assert totals["committed"] == Decimal("500")
    assert totals["movement_committed"] == Decimal("150")
    assert totals["leverage"] == pytest.approx(Decimal("500") / Decimal("150"))
    assert totals["disbursed"] == Decimal("50")

    by_ur = financing.leverage_by_ur_year(period()).set_index("regional_union")
    assert by_ur.loc["Ouest", "leverage"] == Decimal("4")
    assert by_ur.loc["Auvergne-Rhône-Alpes", "leverage"] == Decimal("2")
    for name, ur in (
        ("Ouest", case.regional_union_id),
        ("Auvergne-Rhône-Alpes", other.regional_union_id),
    ):
        raw = list(FinancingLine.objects.filter(plan__case__regional_union_id=ur))
        committed, leverage = _recompute_leverage(raw)
        assert by_ur.loc[name, "committed"] == committed
        assert by_ur.loc[name, "leverage"] == pytest.approx(leverage)

    families = financing.by_family(period()).set_index("family")
    assert families.loc["guarantee", "committed"] == Decimal("150")
    assert families.loc["bank_loan", "committed"] == Decimal("300")
    declines = financing.decline_rates(period()).set_index("family")
    assert declines.loc["bank_loan", "rate"] == pytest.approx(0.5)
    providers = financing.by_provider(period())
    assert "guarantee" not in set(providers["provider"])
    assert providers["committed"].sum() == Decimal("500")


def test_equity_index_from_raw_populations():
    for _ in range(3):
        case_with_history([], created_days_ago=10, postal_code="35000")
    case_with_history([], created_days_ago=10, postal_code="69001", ur="ara")
    result = equity.equity(period(), "cases", "departement")
    units = result.units.set_index("code")
    populations = dict(Departement.objects.departements().values_list("code", "population"))
    total = sum(populations.values())
    expected_35 = 100 * (3 / populations["35"]) / (4 / total)
    assert units.loc["35", "index"] == pytest.approx(expected_35)
    assert units.loc["35", "per_100k"] == pytest.approx(3 * 100_000 / populations["35"])
    assert units.loc["01", "index"] == 0 and bool(units.loc["01", "under_served"])
    assert len(result.departements) == 101
    hoover = 0.5 * sum(
        abs((3 if c == "35" else 1 if c == "69" else 0) / 4 - p / total)
        for c, p in populations.items()
    )
    summary = result.summary.set_index("level")
    assert summary.loc["departement", "hoover"] == pytest.approx(hoover)
    parts = result.decomposition.set_index("part")["value"]
    assert abs(parts["between"] + parts["within"] - parts["total"]) < 1e-9

    by_ur = equity.equity(period(), "cases", "regional_union").units.set_index("code")
    covered = RegionalUnionDepartement.objects.filter(coverage_on(TODAY))
    ouest = set(
        covered.filter(regional_union__code="ouest").values_list("departement_id", flat=True)
    )
    ouest_population = sum(populations[c] for c in ouest)
    assert by_ur.loc["ouest", "value"] == 3
    assert by_ur.loc["ouest", "index"] == pytest.approx(100 * (3 / ouest_population) / (4 / total))
    assert by_ur["population"].sum() == total


def test_equity_other_resources():
    case = case_with_history([(60, S.FINANCING)], created_days_ago=90)
    plan = plan_for(case, price="1000")
    line_in(plan, MOVEMENT_LOAN, 100, status="approved")
    line_in(plan, BANK_LOAN, 300, status="approved")
    euros = equity.equity(period(), "euros", "departement").units.set_index("code")
    assert euros.loc["35", "value"] == 100  # only the movement's tools
    case.activities.create(kind="call", subject="Appel", minutes_spent=45, happened_on=TODAY)
    case.activities.create(kind="note", subject="Note", minutes_spent=15, happened_on=TODAY)
    minutes = equity.equity(period(), "minutes", "region").units.set_index("code")
    assert minutes.loc["53", "value"] == 60 and minutes.loc["53", "cases"] == 1


def test_partners_leads_and_first_contact():
    partner = PartnerFactory(name="Banque partenaire")
    for steps in (
        [(95, S.QUALIFICATION)],
        [(80, S.QUALIFICATION), (40, S.INCORPORATED)],
        [(50, S.DECLINED)],
    ):
        case_with_history(steps, created_days_ago=100, source="partner", source_partner=partner)
    row = partners.partner_leads(period()).set_index("partner").loc["Banque partenaire"]
    assert (row["leads"], row["accepted"], row["incorporated"]) == (3, 2, 1)
    assert row["conversion"] == pytest.approx(1 / 3)
    # First contact after 5 and 20 days (the declined lead never had one): median 5.
    assert row["median_days"] == 5


def test_sectors_against_the_filieres_rules():
    from filieres import services as filiere_services
    from filieres.models import Filiere
    from filieres.selectors import in_filiere, in_priority_filiere
    from tests.factories import OrganisationFactory

    # 43.22B is in two filières (construction, renewable energy); 62.01Z in the digital one.
    for naf, ur, postal_code in [
        ("43.22B", "ouest", "35000"),
        ("43.22B", "ara", "69001"),
        ("62.01Z", "ouest", "35000"),
        ("10.71C", "ouest", "29000"),
    ]:
        case_with_history(
            [(10, S.INCORPORATED)],
            created_days_ago=20,
            ur=ur,
            organisation=OrganisationFactory(naf_code=naf, postal_code=postal_code),
            jobs_at_incorporation=3,
        )
    construction = Filiere.objects.get(slug="construction-renovation-energetique")
    filiere_services.priority_designate(
        filiere=construction,
        regional_union=regional_union("ouest"),
        start=TODAY - datetime.timedelta(days=400),
        end=None,
        rationale="test",
        by=SYSTEM,
    )
    frame = sectors.by_filiere(period()).set_index("filiere")
    for filiere in Filiere.objects.all():
        expected = Case.objects.filter(in_filiere(filiere, organisation_path="organisation"))
        assert frame.loc[filiere.name, "cases"] == expected.count()
        assert frame.loc[filiere.name, "jobs"] == 3 * expected.count()
    assert frame.loc[construction.name, "cases"] == 2
    by_ur = sectors.by_filiere(period(), by_ur=True).set_index(["regional_union", "filiere"])
    assert by_ur.loc[("Ouest", construction.name), "cases"] == 1
    assert by_ur.loc[("Auvergne-Rhône-Alpes", construction.name), "cases"] == 1

    split = sectors.priority_against_others(period()).set_index(["regional_union", "priority"])
    priority = Case.objects.filter(in_priority_filiere(TODAY))
    assert split.xs(True, level="priority")["cases"].sum() == priority.count() == 1
    assert split.loc[("Ouest", True), "cases"] == 1
    assert split.loc[("Ouest", False), "cases"] == 2
    assert split.loc[("Auvergne-Rhône-Alpes", True), "cases"] == 0


def test_equity_indices_match_the_pure_functions():
    case_with_history([], created_days_ago=5, postal_code="35000")
    result = equity.equity(period(), "cases", "region")
    units = result.units
    assert result.summary.set_index("level").loc["region", "gini"] == pytest.approx(
        indices.gini_index(units["value"], units["population"])
    )


def test_every_panel_builds_on_an_empty_database():
    from dashboards.pages import PAGES, Options

    for page in PAGES.values():
        for panel in page.panels:
            for resource in ("cases", "euros") if page.slug == "equite" else ("cases",):
                table = panel.build(period(), Options(resource=resource, geojson_url="/g.json"))
                assert panel.draw(table.suppress(), Options(geojson_url="/g.json"), "t")
