"""Every (kind, stage, transition) triple: allowed or refused, and why.

The expectations are written out here, independently of ``transmission.workflow``: a change
to the workflow table shows up as a failing row.
"""

import itertools

import pytest
from django.utils import translation
from django_fsm import can_proceed

from tests.transmission.factories import closing_data_for, complete_data
from transmission import workflow
from transmission.choices import ACTIVE_STAGES, CaseKind, Stage
from transmission.models import Case

ACTIVE = set(ACTIVE_STAGES)
SOURCES = {
    "qualify": {Stage.LEAD},
    "start_feasibility": {Stage.QUALIFICATION},
    "start_structuring": {Stage.FEASIBILITY, Stage.QUALIFICATION},
    "start_financing": {Stage.STRUCTURING},
    "start_closing": {Stage.FINANCING},
    "incorporate": {Stage.CLOSING},
    "put_on_hold": ACTIVE,
    "resume": {Stage.ON_HOLD},
    "abandon": ACTIVE | {Stage.ON_HOLD},
    "decline": {Stage.LEAD, Stage.QUALIFICATION},
    "reopen": {Stage.ABANDONED},
}
TARGETS = {
    "qualify": Stage.QUALIFICATION,
    "start_feasibility": Stage.FEASIBILITY,
    "start_structuring": Stage.STRUCTURING,
    "start_financing": Stage.FINANCING,
    "start_closing": Stage.CLOSING,
    "incorporate": Stage.INCORPORATED,
    "put_on_hold": Stage.ON_HOLD,
    "resume": "previous",
    "abandon": Stage.ABANDONED,
    "decline": Stage.DECLINED,
    "reopen": "previous",
}
# What each transition's form collects, filled in validly.
INPUT = {
    "put_on_hold": {"review_on": "in 30 days"},
    "abandon": {"abandon_reason": "price_gap"},
    "decline": {"decline_reason": "spam"},
    "incorporate": {"cooperative_siren": "000000018", "registered_on": "today"},
}
PREVIOUS = Stage.STRUCTURING
TRIPLES = list(itertools.product(CaseKind, Stage, workflow.TRANSITION_NAMES))


def test_the_table_covers_every_transition():
    assert set(SOURCES) == set(workflow.TRANSITION_NAMES) == set(TARGETS)
    assert len(TRIPLES) == 4 * 10 * 11


def _case(kind, stage) -> Case:
    data = {**complete_data(kind), **closing_data_for(stage, previous_stage=PREVIOUS)}
    return Case(kind=kind, stage=stage, assigned_officer_id=1, regional_union_id=1, **data)


def _input(name):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    values = {"in 30 days": today + datetime.timedelta(days=30), "today": today}
    return {k: values.get(v, v) for k, v in INPUT.get(name, {}).items()}


@pytest.mark.parametrize(("kind", "stage", "name"), TRIPLES)
def test_every_kind_stage_transition(gate, kind, stage, name):
    case = _case(kind, stage)
    skip_allowed = kind == CaseKind.TAKEOVER_DISTRESS or name != "start_structuring"
    from_here = stage in SOURCES[name] and (stage != Stage.QUALIFICATION or skip_allowed)
    with translation.override("fr"):
        reasons = workflow.blocking_reasons(case, name, _input(name))
        if stage not in SOURCES[name]:
            assert reasons == [
                f"« {workflow.TRANSITIONS[name].label} » n'est pas possible depuis l'étape "
                f"« {Stage(stage).label} »."
            ]
            assert not can_proceed(getattr(case, name), check_conditions=False)
        elif not from_here:
            assert can_proceed(getattr(case, name), check_conditions=False)
            assert reasons == [
                "Seule une reprise d'entreprise en difficulté peut sauter l'étape de diagnostic."
            ]
        else:
            assert reasons == []
            for field, value in _input(name).items():
                setattr(case, field, value)
            getattr(case, name)()
            expected = PREVIOUS if TARGETS[name] == "previous" else TARGETS[name]
            assert case.stage == expected
