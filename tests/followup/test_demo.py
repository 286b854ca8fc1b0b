"""seed_demo's follow-up: records for incorporated cooperatives, reviews, realistic survival."""

import datetime
import io

import pytest
from django.core.management import call_command

from crm.models import Organisation
from followup import selectors
from followup.demo import SURVIVAL_5_YEARS, annual_cease_probability
from followup.models import AnnualReview, CooperativeFollowUp
from transmission.choices import Stage
from transmission.models import Case

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 30)


def test_the_annual_hazard_gives_the_five_year_survival():
    for survival in SURVIVAL_5_YEARS.values():
        assert (1 - annual_cease_probability(survival)) ** 5 == pytest.approx(survival)


@pytest.fixture
def seeded():
    call_command(
        "seed_demo",
        "--seed=7",
        f"--today={TODAY.isoformat()}",
        "--cooperatives=400",
        "--cases=300",
        "--case-years=9",
        stdout=io.StringIO(),
    )


def test_demo_obeys_the_legal_model(seeded):
    from crm.models import Organisation
    from transmission import legal

    incorporated = Case.objects.filter(stage=Stage.INCORPORATED).select_related(
        "organisation", "cooperative"
    )
    assert incorporated.exists()
    routes = set()
    for case in incorporated:
        routes.add(case.route)
        assert legal.route_allowed(case.kind, case.route)
        cooperative = case.cooperative
        assert cooperative.cooperative_type in ("scop", "scic")
        assert cooperative.legal_form in ("sarl", "sas", "sa")
        assert cooperative.siren == case.cooperative_siren
        if legal.is_newco(case.route):
            assert cooperative.pk != case.organisation_id
            assert case.organisation.taken_over_by_id == cooperative.pk
            assert case.organisation.status == legal.target_status_after(case.route)
            assert case.organisation.cooperative_type == ""
        else:
            assert cooperative.pk == case.organisation_id
    assert {"newco_purchase", "transformation"} <= routes
    # No organisation anywhere is a cooperative without a cooperative legal form.
    assert not (
        Organisation.objects.exclude(cooperative_type="")
        .exclude(legal_form__in=["sarl", "sas", "sa"])
        .exists()
    )
    assert not Case.objects.filter(seed_scop=True).exclude(route="transformation").exists()


def test_demo_follows_cooperatives_with_reviews_and_realistic_survival(seeded):
    incorporated = Case.objects.filter(stage=Stage.INCORPORATED)
    assert incorporated.exists()
    # Every cooperative born from the pipeline has its record, the case as origin.
    # (the cooperative's own record: the newco, or the company that transformed itself)
    assert set(incorporated.values_list("cooperative_id", flat=True)) <= set(
        CooperativeFollowUp.objects.filter(case__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )
    assert AnnualReview.objects.count() > 3 * CooperativeFollowUp.objects.count() / 2
    # Ceased ones have a date (on the organisation) and a cause (on the record), and no
    # review after the year they ceased.
    ceased = CooperativeFollowUp.objects.filter(organisation__cooperative_ceased_on__isnull=False)
    assert ceased.exists()
    assert not ceased.filter(cease_cause="").exists()
    for follow_up in ceased.select_related("organisation"):
        last = follow_up.reviews.order_by("-year").values_list("year", flat=True).first()
        assert last is None or last < follow_up.organisation.cooperative_ceased_on.year
    # About 79 % alive five years after incorporation (DOMAIN.md), within sampling noise.
    alive, observed = selectors.survival_counts(CooperativeFollowUp.objects.all(), TODAY)
    assert observed >= 40
    assert 0.65 <= alive / observed <= 0.92, (alive, observed)
    overall = selectors.indicators_overall(year=2025, on=TODAY)
    assert 55 <= overall.values["membership_rate"] <= 80
    assert overall.values["result_to_employees"] is not None


def test_demo_leaves_tasks_for_the_officers(seeded):
    from crm.models import OfficerProfile

    officer = OfficerProfile.objects.filter(role="officer").first().user
    tasks = selectors.reviews_due(on=TODAY, user=officer)
    assert tasks and all(
        Organisation.objects.get(pk=t.organisation_id).departement_id for t in tasks
    )


def test_demo_supports_existing_cooperatives_with_the_movements_money(seeded):
    from financement.choices import COMMITTED_STATUSES, SupportStatus
    from financement.models import FinancingLine, SupportRequest

    supports = SupportRequest.objects.select_related("organisation")
    statuses = set(supports.values_list("status", flat=True))
    assert {SupportStatus.GRANTED, SupportStatus.DROPPED, SupportStatus.FINANCING} <= statuses
    assert all(s.organisation.is_active_cooperative for s in supports)
    granted_money = FinancingLine.objects.filter(
        plan__support__status=SupportStatus.GRANTED,
        is_movement_tool=True,
        status__in=COMMITTED_STATUSES,
    )
    assert granted_money.exists()
    assert all(
        s.decided_on and s.decided_on >= s.opened_on
        for s in supports.filter(status__in=[SupportStatus.GRANTED, SupportStatus.DROPPED])
    )
