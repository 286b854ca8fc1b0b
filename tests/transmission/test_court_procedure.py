"""A takeover in difficulty follows the court's calendar: opening judgment, offer deadline,
hearing, judgment adopting the plan, entry into possession; guards only where the law orders."""

import datetime

import pytest
from django.utils import timezone, translation

from backoffice.selectors.case_page import case_milestones
from crm.models import PartnerType
from tests.factories import valid_siren
from tests.transmission.factories import CaseFactory, complete_data, officer_and_director
from transmission import services, workflow
from transmission.choices import CaseKind, Stage

pytestmark = pytest.mark.django_db

DISTRESS = CaseKind.TAKEOVER_DISTRESS


def _today():
    return timezone.localdate()


def _ago(n):
    return _today() - datetime.timedelta(days=n)


def _distress(stage, officer, **fields):
    return CaseFactory(
        stage=stage,
        kind=DISTRESS,
        assigned_officer=officer,
        **{**complete_data(DISTRESS), **fields},
    )


def _incorporate(case, officer, **data):
    return services.case_transition(
        case=case,
        name="incorporate",
        by=officer,
        cooperative_siren=valid_siren(11),
        registered_on=_today(),
        **data,
    )


def test_each_transition_collects_its_court_dates_for_this_kind_only():
    case = CaseFactory.build(kind=DISTRESS)
    assert "opening_judgment_on" in workflow.input_fields(case, "start_structuring")
    assert {"court_hearing_on", "plan_judgment_on"} <= set(
        workflow.input_fields(case, "start_closing")
    )
    assert {"plan_judgment_on", "possession_on"} <= set(workflow.input_fields(case, "incorporate"))
    healthy = CaseFactory.build(kind=CaseKind.TAKEOVER)
    assert "plan_judgment_on" not in workflow.input_fields(healthy, "incorporate")
    assert "court_hearing_on" not in workflow.input_fields(healthy, "start_closing")


def test_a_court_plan_registers_only_once_the_court_adopted_it():
    officer, _director = officer_and_director()
    case = _distress(Stage.CLOSING, officer, plan_judgment_on=None)
    with translation.override("fr"), pytest.raises(services.TransitionRefused) as refused:
        _incorporate(case, officer)
    assert refused.value.field_errors == {
        "plan_judgment_on": [
            "La date du jugement arrêtant le plan de cession manque : c'est le tribunal qui "
            "ordonne la cession."
        ]
    }
    _incorporate(case, officer, plan_judgment_on=_ago(20), possession_on=_ago(19))
    assert case.stage == Stage.INCORPORATED
    assert (case.plan_judgment_on, case.possession_on) == (_ago(20), _ago(19))


def test_past_court_events_are_not_dated_in_the_future_nor_out_of_order():
    officer, _director = officer_and_director()
    tomorrow = _today() + datetime.timedelta(days=1)
    case = _distress(Stage.CLOSING, officer, opening_judgment_on=_ago(30))
    with translation.override("fr"), pytest.raises(services.TransitionRefused) as refused:
        _incorporate(case, officer, plan_judgment_on=tomorrow, possession_on=_ago(40))
    errors = refused.value.field_errors
    assert errors["plan_judgment_on"] == [
        "La date du jugement arrêtant le plan ne peut pas être dans le futur."
    ]
    assert errors["possession_on"] == [
        "L'entrée en jouissance ne peut pas précéder le jugement arrêtant le plan."
    ]
    with translation.override("fr"), pytest.raises(services.TransitionRefused) as refused:
        _incorporate(case, officer, plan_judgment_on=_ago(31))
    assert refused.value.field_errors == {
        "plan_judgment_on": [
            "Le plan ne peut pas être arrêté avant le jugement d'ouverture de la procédure."
        ]
    }
    case.refresh_from_db()
    assert case.stage == Stage.CLOSING


def test_the_opening_judgment_is_a_past_event_when_structuring(gate):
    officer, _director = officer_and_director()
    case = _distress(Stage.QUALIFICATION, officer, opening_judgment_on=None)
    with translation.override("fr"), pytest.raises(services.TransitionRefused) as refused:
        services.case_transition(
            case=case,
            name="start_structuring",
            by=officer,
            opening_judgment_on=_today() + datetime.timedelta(days=2),
        )
    assert refused.value.field_errors == {
        "opening_judgment_on": ["La date du jugement d'ouverture ne peut pas être dans le futur."]
    }
    # Not required: a lead may arrive before anyone has read the judgment.
    services.case_transition(case=case, name="start_structuring", by=officer)
    assert case.stage == Stage.STRUCTURING


def test_a_hearing_ahead_is_fine_when_going_to_signing(gate):
    officer, _director = officer_and_director()
    case = _distress(Stage.FINANCING, officer, plan_judgment_on=None)
    services.case_transition(
        case=case,
        name="start_closing",
        by=officer,
        court_hearing_on=_today() + datetime.timedelta(days=12),
    )
    assert case.stage == Stage.CLOSING
    # No information-of-employees warning: a court plan is the court's sale.
    assert "warnings" not in case.stage_changes.get(transition="start_closing").data


def test_the_case_page_shows_the_court_calendar_for_a_takeover_in_difficulty():
    officer, _director = officer_and_director()
    case = _distress(Stage.FINANCING, officer, court_hearing_on=_ago(-5))
    with translation.override("fr"):
        labels = [label for label, _value in case_milestones(case)]
    assert labels[:5] == [
        "jugement d'ouverture de la procédure le",
        "date limite de dépôt des offres (tribunal)",
        "audience du tribunal le",
        "jugement arrêtant le plan de cession le",
        "entrée en jouissance le",
    ]
    healthy = CaseFactory.build(kind=CaseKind.TAKEOVER)
    assert "audience du tribunal le" not in [label for label, _value in case_milestones(healthy)]


def test_partner_types_for_the_officers_of_the_court():
    with translation.override("fr"):
        assert PartnerType.COURT_ADMINISTRATOR.label == "administrateur judiciaire"
        assert PartnerType.COURT_REPRESENTATIVE.label == "mandataire judiciaire"
