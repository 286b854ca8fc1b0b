"""seed_demo's cases: kinds, durations and outcomes as DOMAIN.md says, histories that replay."""

import io
import itertools
import statistics
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command

from tests.transmission.test_workflow_stateful import holds_required_data, members_problems
from transmission import selectors
from transmission.choices import OPEN_STAGES, CaseKind, Stage
from transmission.demo import DURATION_DAYS
from transmission.models import Activity, Case, StageChange

pytestmark = pytest.mark.django_db

CASES = 600


@pytest.fixture
def seeded():
    call_command(
        "seed_demo",
        "--seed=11",
        "--today=2026-06-30",
        "--cooperatives=20",
        f"--cases={CASES}",
        stdout=io.StringIO(),
    )


def test_kind_shares_follow_the_movement(seeded):
    kinds = Counter(Case.objects.values_list("kind", flat=True))
    assert sum(kinds.values()) == CASES
    expected = {"creation": 0.58, "takeover": 0.19, "conversion": 0.16, "takeover_distress": 0.07}
    for kind, share in expected.items():
        assert abs(kinds[kind] / CASES - share) < 0.05, (kind, kinds)


def test_every_stage_is_represented_and_closed_cases_say_why(seeded):
    stages = Counter(Case.objects.values_list("stage", flat=True))
    for stage in Stage:
        assert stages[stage] > 0, (stage, stages)
    assert 0.2 < stages[Stage.ABANDONED] / CASES < 0.4
    reasons = Counter(
        Case.objects.filter(stage=Stage.ABANDONED).values_list("abandon_reason", flat=True)
    )
    assert "" not in reasons and len(reasons) >= 6
    assert StageChange.objects.filter(transition="reopen").exists()
    assert Activity.objects.filter(kind="task", case__stage__in=OPEN_STAGES).exists()


def test_histories_replay_and_cases_hold_their_data(seeded):
    for case in Case.objects.all():
        assert selectors.replayed_stage(case) == case.stage, case.reference
        assert holds_required_data(case) == [], case.reference
        case.full_clean(exclude=["stage"])
    references = list(Case.objects.values_list("reference", flat=True))
    assert len(set(references)) == CASES


def test_durations_follow_domain_figures(seeded):
    """Active days (on hold excluded) from the first signal to registration, by kind."""
    rows = defaultdict(list)
    for case_id, transition, target, at in StageChange.objects.order_by(
        "case_id", "at", "id"
    ).values_list("case_id", "transition", "target_stage", "at"):
        rows[case_id].append((transition, target, at))
    scic = set(Case.objects.filter(target_form__startswith="scic").values_list("pk", flat=True))
    kinds = dict(Case.objects.values_list("pk", "kind"))
    durations = defaultdict(list)
    for case_id, history in rows.items():
        names = [transition for transition, _, _ in history]
        if names[-1] != "incorporate" or "reopen" in names:
            continue
        active = 0.0
        for (_, stage, entered), (_, _, left) in itertools.pairwise(history):
            if stage != Stage.ON_HOLD:
                active += (left - entered).total_seconds() / 86400
        kind = kinds[case_id]
        key = "creation_scic" if kind == CaseKind.CREATION and case_id in scic else kind
        durations[key].append(active)
    assert set(durations) == set(DURATION_DAYS)
    for key, values in durations.items():
        low, high = DURATION_DAYS[key]
        assert low - 3 <= min(values) and max(values) <= high + 3, (key, min(values), max(values))
        assert low <= statistics.median(values) <= high
    assert statistics.median(durations[CaseKind.TAKEOVER_DISTRESS]) < 125
    assert statistics.median(durations["creation_scic"]) > statistics.median(
        durations[CaseKind.CREATION]
    )


def test_court_plans_carry_their_calendar_in_order(seeded):
    incorporated = Case.objects.filter(kind=CaseKind.TAKEOVER_DISTRESS, stage=Stage.INCORPORATED)
    assert incorporated.exists()
    for case in incorporated:
        assert case.opening_judgment_on <= case.court_hearing_on, case.reference
        assert case.court_hearing_on <= case.plan_judgment_on <= case.possession_on
        assert case.possession_on <= case.registered_on, case.reference


def test_members_obey_the_law_from_signing_on_and_stay_with_the_cooperative(seeded):
    signed = Case.objects.filter(stage__in=[Stage.CLOSING, Stage.INCORPORATED]).prefetch_related(
        "memberships"
    )
    assert signed.count() > 20
    for case in signed:
        assert members_problems(case) == [], case.reference
        if case.stage == Stage.INCORPORATED:
            assert {row.cooperative_id for row in case.memberships.all()} == {
                case.cooperative_id
            }, case.reference
    # Before signing, some are still short: the case page shows what is missing.
    structuring = Case.objects.filter(stage__in=[Stage.STRUCTURING, Stage.FINANCING])
    short = [case for case in structuring if members_problems(case)]
    assert 0 < len(short) < structuring.count()
    # A lead or a diagnostic has no members yet.
    assert not Case.objects.filter(
        stage__in=[Stage.LEAD, Stage.QUALIFICATION], memberships__isnull=False
    ).exists()
