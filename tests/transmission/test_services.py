"""case_transition: permission, guards (every reason at once), history, conflicts, references."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone, translation

from crm.roles import Role
from tests.factories import OrganisationFactory, staff_user, valid_siren
from tests.transmission.factories import (
    CaseFactory,
    add_members,
    complete_data,
    lawful_members,
    officer_and_director,
)
from transmission import selectors, services
from transmission.choices import ActivityKind, CaseKind, Stage
from transmission.models import Case, StageChange

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today


@pytest.fixture
def team():
    officer, director = officer_and_director("ouest")
    return {"officer": officer, "director": director}


def _new_case(team, kind=CaseKind.TAKEOVER, **fields):
    return services.case_create(
        organisation=OrganisationFactory(postal_code="35000"),
        kind=kind,
        by=team["officer"],
        assigned_officer=team["officer"],
        **fields,
    )


def test_case_create_derives_the_ur_and_a_reference(team):
    case = _new_case(team)
    year = timezone.localdate().year
    assert case.regional_union.code == "ouest"
    assert case.reference == f"OUEST-{year}-0001"
    assert _new_case(team).reference == f"OUEST-{year}-0002"
    lyon_officer = staff_user(Role.OFFICER, "ara")
    other = services.case_create(
        organisation=OrganisationFactory(postal_code="69001"),
        kind=CaseKind.CREATION,
        by=lyon_officer,
    )
    assert other.reference == f"ARA-{year}-0001"
    assert case.stage == Stage.LEAD
    assert list(case.stage_changes.values_list("transition", "target_stage")) == [
        ("create", "lead")
    ]


def test_an_officer_cannot_open_a_case_in_another_ur(team):
    with pytest.raises(PermissionDenied):
        services.case_create(
            organisation=OrganisationFactory(postal_code="69001"),
            kind=CaseKind.CREATION,
            by=team["officer"],
        )


def test_a_transition_saves_and_records_history(team):
    case = _new_case(team)
    services.case_transition(case=case, name="qualify", by=team["officer"], comment="RDV")
    assert case.stage == Stage.QUALIFICATION  # the caller's copy is refreshed
    change = case.stage_changes.last()
    assert (change.transition, change.source_stage, change.target_stage, change.by) == (
        "qualify",
        "lead",
        "qualification",
        team["officer"],
    )
    assert change.comment == "RDV"
    assert case.version == 1


def test_refusal_lists_every_missing_item_in_french_and_changes_nothing(team, gate):
    case = _new_case(team)
    services.case_transition(case=case, name="qualify", by=team["officer"])
    services.case_transition(
        case=case, name="start_feasibility", by=team["officer"], jobs_at_stake=8
    )
    with translation.override("fr"), pytest.raises(services.TransitionRefused) as refused:
        services.case_transition(case=case, name="start_structuring", by=team["officer"])
    assert refused.value.reasons == [
        "La valorisation de l'entreprise manque.",
        "La date de l'accord de principe du cédant manque.",
    ]
    case.refresh_from_db()
    assert case.stage == Stage.FEASIBILITY
    assert case.stage_changes.count() == 3


def test_incorporation_needs_siren_form_and_date(team, gate):
    case = CaseFactory(stage=Stage.CLOSING, assigned_officer=team["officer"])
    with translation.override("fr"), pytest.raises(services.TransitionRefused) as refused:
        services.case_transition(
            case=case, name="incorporate", by=team["officer"], cooperative_siren="123456789"
        )
    assert refused.value.reasons == [
        "Le SIREN « 123456789 » est invalide : sa clé de contrôle est fausse.",
        "La forme juridique de la coopérative manque.",
        "La date d'immatriculation manque.",
    ]
    add_members(case, lawful_members("scic_sas"))  # a Scic's categories of members
    services.case_transition(
        case=case,
        name="incorporate",
        by=team["officer"],
        cooperative_siren=valid_siren(4242),
        target_form="scic_sas",
        registered_on=TODAY(),
    )
    case.organisation.refresh_from_db()
    assert case.stage == Stage.INCORPORATED
    # A takeover through a new cooperative: the cooperative is its own organisation.
    cooperative = case.cooperative
    assert cooperative.pk != case.organisation.pk
    assert cooperative.siren == valid_siren(4242)
    assert cooperative.cooperative_type == "scic"
    assert cooperative.legal_form == "sas"
    assert cooperative.cooperative_since == TODAY()
    assert case.organisation.cooperative_type == ""


def test_unknown_transition_and_unexpected_input_are_errors(team):
    case = _new_case(team)
    with pytest.raises(services.UnknownTransition):
        services.case_transition(case=case, name="teleport", by=team["officer"])
    with pytest.raises(services.UnexpectedInput):
        services.case_transition(case=case, name="qualify", by=team["officer"], valuation=1)
    with pytest.raises(services.UnexpectedInput):
        services.case_transition(case=case, name="qualify", by=team["officer"], stage="closing")
    case.refresh_from_db()
    assert case.stage == Stage.LEAD


def test_the_stage_cannot_be_assigned_directly(team):
    case = _new_case(team)
    with pytest.raises(AttributeError):
        case.stage = Stage.INCORPORATED


@pytest.mark.parametrize(
    "who",
    ["officer_other_ur", "director_other_ur", "unassigned_officer", "financial", "admin", "board"],
)
def test_only_the_assigned_officer_and_the_urs_directors_move_a_case(team, who):
    users = {
        "officer_other_ur": lambda: staff_user(Role.OFFICER, "ara"),
        "director_other_ur": lambda: staff_user(Role.DIRECTOR, "ara"),
        "unassigned_officer": lambda: staff_user(Role.OFFICER, "ouest"),
        "financial": lambda: staff_user(Role.FINANCIAL_OFFICER, "ouest"),
        "admin": lambda: staff_user(Role.ADMINISTRATOR, is_superuser=True),
        "board": lambda: staff_user(Role.BOARD_MEMBER),
    }
    case = _new_case(team)
    with pytest.raises(services.TransitionForbidden):
        services.case_transition(case=case, name="qualify", by=users[who]())
    assert case.stage_changes.count() == 1
    services.case_transition(case=case, name="qualify", by=team["director"])


def test_only_a_director_reopens(team):
    case = CaseFactory(
        stage=Stage.ABANDONED,
        previous_stage=Stage.FINANCING,
        abandon_reason="price_gap",
        assigned_officer=team["officer"],
    )
    with translation.override("fr"), pytest.raises(services.TransitionForbidden) as refused:
        services.case_transition(case=case, name="reopen", by=team["officer"])
    assert "directeur" in str(refused.value) or "direction" in str(refused.value)
    services.case_transition(case=case, name="reopen", by=team["director"])
    assert case.stage == Stage.FINANCING
    assert case.abandon_reason == ""


def test_hold_and_resume_return_to_the_stage_left(team):
    case = CaseFactory(stage=Stage.STRUCTURING, assigned_officer=team["officer"])
    review = TODAY() + datetime.timedelta(days=20)
    services.case_transition(case=case, name="put_on_hold", by=team["officer"], review_on=review)
    assert (case.stage, case.review_on) == (Stage.ON_HOLD, review)
    services.case_transition(case=case, name="resume", by=team["officer"])
    assert case.stage == Stage.STRUCTURING
    assert case.stage_changes.last().data == {}


def test_default_gate_keeps_every_case_out_of_financing(team):
    case = CaseFactory(
        stage=Stage.STRUCTURING, assigned_officer=team["officer"], **complete_data("takeover")
    )
    with translation.override("fr"), pytest.raises(services.TransitionRefused) as refused:
        services.case_transition(case=case, name="start_financing", by=team["officer"])
    assert refused.value.reasons == ["Le dossier n'a pas de plan de financement."]


def test_unbalanced_plan_needs_a_directors_override_with_a_reason(team, gate):
    gate.balanced = False
    case = CaseFactory(
        stage=Stage.FINANCING, assigned_officer=team["officer"], **complete_data("takeover")
    )
    with pytest.raises(services.TransitionRefused) as refused:
        services.case_transition(case=case, name="start_closing", by=team["director"])
    assert refused.value.reasons == ["Le plan de financement n'est pas équilibré."]
    with translation.override("fr"), pytest.raises(services.TransitionRefused) as refused:
        services.case_transition(
            case=case, name="start_closing", by=team["officer"], override_reason="urgent"
        )
    assert refused.value.reasons == [
        "Seule la direction régionale peut passer outre la règle du plan de financement."
    ]
    services.case_transition(
        case=case, name="start_closing", by=team["director"], override_reason="Banque OK oral"
    )
    assert case.stage == Stage.CLOSING
    data = case.stage_changes.last().data
    assert data["override_reason"] == "Banque OK oral"
    assert data["overridden"] == ["Le plan de financement n'est pas équilibré."]


def test_a_stale_copy_gets_a_conflict_and_changes_nothing(team):
    case = _new_case(team)
    stale = Case.objects.get(pk=case.pk)
    services.case_transition(case=case, name="qualify", by=team["officer"])
    with pytest.raises(services.CaseConflict):
        services.case_transition(
            case=stale, name="decline", by=team["officer"], decline_reason="spam"
        )
    case.refresh_from_db()
    assert case.stage == Stage.QUALIFICATION
    assert case.stage_changes.count() == 2


def test_history_rows_cannot_be_edited_or_deleted(team):
    case = _new_case(team)
    change = case.stage_changes.get()
    change.comment = "rewritten"
    with pytest.raises(PermissionDenied):
        change.save()
    with pytest.raises(PermissionDenied):
        change.delete()
    with pytest.raises(PermissionDenied):
        StageChange.objects.filter(pk=change.pk).update(comment="x")
    with pytest.raises(PermissionDenied):
        StageChange.objects.filter(pk=change.pk).delete()
    # Even bypassing the ORM's guards, the database trigger refuses an UPDATE.
    with (
        pytest.raises((DatabaseError, IntegrityError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE transmission_stagechange SET comment = %s WHERE id = %s",
            ["rewritten", change.pk],
        )
    assert StageChange.objects.get(pk=change.pk).comment == ""


def test_time_in_stage_is_derived_from_history(team):
    case = _new_case(team)
    services.case_transition(case=case, name="qualify", by=team["officer"])
    durations = selectors.time_in_stages(case)
    assert set(durations) == {Stage.LEAD, Stage.QUALIFICATION}
    assert selectors.replayed_stage(case) == case.stage


def test_activities_and_reassignment(team):
    case = _new_case(team)
    task = services.activity_create(
        case=case,
        by=team["officer"],
        kind="task",
        subject="Envoyer les statuts",
        due_on=TODAY() + datetime.timedelta(days=3),
    )
    assert task.assignee == team["officer"] and not task.done
    services.activity_complete(activity=task, by=team["officer"], minutes_spent=45)
    task.refresh_from_db()
    assert task.done and task.minutes_spent == 45
    with pytest.raises(ValidationError):
        services.activity_create(case=case, by=team["officer"], kind="task", subject="Sans date")
    other = staff_user(Role.OFFICER, "ouest")
    with pytest.raises(PermissionDenied):
        services.case_reassign(case=case, officer=other, by=team["officer"])
    with pytest.raises(ValidationError):
        services.case_reassign(
            case=case, officer=staff_user(Role.OFFICER, "ara"), by=team["director"]
        )
    services.case_reassign(case=case, officer=other, by=team["director"])
    case.refresh_from_db()
    assert case.assigned_officer == other
    with pytest.raises(PermissionDenied):
        services.case_next_action_set(case=case, by=team["officer"], text="x", on=None)
    services.case_next_action_set(case=case, by=other, text="Rappeler", on=TODAY())
    case.refresh_from_db()
    assert (case.next_action, case.next_action_on) == ("Rappeler", TODAY())


def test_a_task_is_never_assigned_outside_the_cases_regional_union(team):
    case = _new_case(team)
    elsewhere = staff_user(Role.OFFICER, "ara")
    board = staff_user(Role.BOARD_MEMBER)
    for assignee in (elsewhere, board):
        with pytest.raises(ValidationError) as refused:
            services.activity_create(
                case=case,
                by=team["director"],
                kind=ActivityKind.TASK,
                subject="Rappeler le cédant",
                due_on=datetime.date(2030, 1, 1),
                assignee=assignee,
            )
        assert "assignee" in refused.value.message_dict
    assert not case.activities.exists()
    colleague = staff_user(Role.OFFICER, "ouest")
    task = services.activity_create(
        case=case,
        by=team["director"],
        kind=ActivityKind.TASK,
        subject="Rappeler le cédant",
        due_on=datetime.date(2030, 1, 1),
        assignee=colleague,
    )
    assert task.assignee == colleague
