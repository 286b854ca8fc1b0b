"""The case workflow's rules, called through the service (every caller's path): the forward
guards, inputs by kind, the override permission, the one "works on the case" rule, and the
engine running each guard once."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from crm.roles import Role
from crm.services import ROLE_GROUP_NAMES
from crm.workflow_engine import Reason, TransitionConflict, TransitionRefused
from tests.factories import staff_user
from tests.transmission.factories import CaseFactory, complete_data, officer_and_director
from transmission import services, workflow
from transmission.choices import ActivityKind, CaseKind, Stage
from transmission.models import Case

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def team():
    officer, director = officer_and_director("ouest")
    return {"officer": officer, "director": director}


def _at(stage, team, kind=CaseKind.TAKEOVER, **fields):
    data = {**complete_data(kind), **fields}
    return CaseFactory(stage=stage, kind=kind, assigned_officer=team["officer"], **data)


# --- start_closing: the employees are informed before the sale --------------------------------


def test_going_to_signing_needs_the_date_the_employees_were_informed(team, gate):
    case = _at(Stage.FINANCING, team, employees_informed_on=None)
    with translation.override("fr"), pytest.raises(services.TransitionRefused) as refused:
        services.case_transition(case=case, name="start_closing", by=team["officer"])
    assert refused.value.refusals == [
        Reason(
            "employees_informed_on",
            "La date d'information des salariés sur la cession manque.",
        )
    ]
    case.refresh_from_db()
    assert (case.stage, case.version) == (Stage.FINANCING, 0)


def test_the_employees_information_date_cannot_be_in_the_future(team, gate):
    case = _at(Stage.FINANCING, team, employees_informed_on=None)
    tomorrow = TODAY() + datetime.timedelta(days=1)
    with translation.override("fr"), pytest.raises(services.TransitionRefused) as refused:
        services.case_transition(
            case=case, name="start_closing", by=team["officer"], employees_informed_on=tomorrow
        )
    assert refused.value.field_errors == {
        "employees_informed_on": [
            "La date d'information des salariés ne peut pas être dans le futur."
        ]
    }
    case.refresh_from_db()
    assert case.stage == Stage.FINANCING and case.employees_informed_on is None
    services.case_transition(
        case=case, name="start_closing", by=team["officer"], employees_informed_on=TODAY()
    )
    assert case.stage == Stage.CLOSING


def test_a_case_without_an_officer_cannot_be_qualified(team):
    case = CaseFactory(stage=Stage.LEAD)
    with translation.override("fr"), pytest.raises(services.TransitionRefused) as refused:
        services.case_transition(case=case, name="qualify", by=team["director"])
    assert refused.value.refusals[0].field is None
    assert "chargé" in refused.value.reasons[0]
    case.refresh_from_db()
    assert case.stage == Stage.LEAD


# --- Inputs depend on the kind of case ----------------------------------------------------------


def test_a_creation_case_takes_no_valuation(team):
    case = _at(Stage.FEASIBILITY, team, kind=CaseKind.CREATION, valuation=None)
    with pytest.raises(services.UnexpectedInput):
        services.case_transition(
            case=case, name="start_structuring", by=team["officer"], valuation=100_000
        )
    case.refresh_from_db()
    assert (case.stage, case.valuation) == (Stage.FEASIBILITY, None)
    services.case_transition(case=case, name="start_structuring", by=team["officer"])
    assert case.stage == Stage.STRUCTURING and case.valuation is None


def test_a_takeover_takes_no_founding_members(team, gate):
    case = _at(Stage.STRUCTURING, team, founding_members=None)
    with pytest.raises(services.UnexpectedInput):
        services.case_transition(
            case=case, name="start_financing", by=team["officer"], founding_members=3
        )


# --- Overriding the financing rule is a permission ------------------------------------------------


def test_the_override_asks_the_permission_not_the_role(team, gate):
    gate.balanced = False
    case = _at(Stage.FINANCING, team)
    directors = Group.objects.get(name=ROLE_GROUP_NAMES[Role.DIRECTOR])
    permission = Permission.objects.get(codename="override_financing_rule")
    directors.permissions.remove(permission)
    director = type(team["director"]).objects.get(pk=team["director"].pk)  # no cached perms
    with translation.override("fr"), pytest.raises(services.TransitionRefused) as refused:
        services.case_transition(
            case=case, name="start_closing", by=director, override_reason="Accord oral"
        )
    assert refused.value.field_errors == {
        "override_reason": [
            "Seule la direction régionale peut passer outre la règle du plan de financement."
        ]
    }
    directors.permissions.add(permission)
    director = type(director).objects.get(pk=director.pk)
    services.case_transition(
        case=case, name="start_closing", by=director, override_reason="Accord oral"
    )
    assert case.stage == Stage.CLOSING


def test_a_director_of_another_ur_holds_the_permission_but_not_for_this_case(team, gate):
    case = _at(Stage.FINANCING, team)
    other = staff_user(Role.DIRECTOR, "ara")
    assert other.has_perm(workflow.OVERRIDE_PERMISSION)
    assert not workflow.may_override_financing_rule(other, case)
    assert workflow.may_override_financing_rule(team["director"], case)


# --- One rule: the assigned officer or a director of the case's UR -------------------------------


@pytest.mark.parametrize(
    ("who", "works"),
    [
        ("officer", True),
        ("director", True),
        ("unassigned_officer", False),
        ("director_other_ur", False),
        ("financial_officer", False),
        ("administrator", False),
    ],
)
def test_every_service_asks_the_same_rule_with_the_same_words(team, who, works):
    from financement import services as financing

    users = {
        **team,
        "unassigned_officer": staff_user(Role.OFFICER, "ouest"),
        "director_other_ur": staff_user(Role.DIRECTOR, "ara"),
        "financial_officer": staff_user(Role.FINANCIAL_OFFICER, "ouest"),
        "administrator": staff_user(Role.ADMINISTRATOR, is_superuser=True),
    }
    user = users[who]
    case = _at(Stage.LEAD, team)
    attempts = {
        "transition": lambda: services.case_transition(case=case, name="qualify", by=user),
        "update": lambda: services.case_update(case=case, by=user, next_action="Rappeler"),
        "activity": lambda: services.activity_create(
            case=case, by=user, kind=ActivityKind.NOTE, subject="Appel"
        ),
        "plan": lambda: financing.financing_plan_create(case=case, by=user),
    }
    assert workflow.works_on_case(user, case) is works
    if not user.is_superuser:  # Django grants a superuser every permission, rules or not
        assert user.has_perm("transmission.change_case", Case.objects.get(pk=case.pk)) is works
    messages = set()
    for attempt in attempts.values():
        if works:
            attempt()
            case.refresh_from_db()
            continue
        with translation.override("fr"), pytest.raises(PermissionDenied) as refused:
            attempt()
        messages.add(str(refused.value))
    if not works:
        assert messages == {
            "Seuls le ou la chargé·e du dossier et la direction de son union régionale "
            "peuvent le faire."
        }


# --- The engine -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "stage", "data"),
    [
        ("qualify", Stage.LEAD, {}),
        ("start_feasibility", Stage.QUALIFICATION, {}),
        ("start_closing", Stage.FINANCING, {}),
        ("put_on_hold", Stage.STRUCTURING, {"review_on": "in 10 days"}),
    ],
)
def test_each_guard_runs_once_per_transition(team, gate, monkeypatch, name, stage, data):
    calls = []
    real_guards = list(workflow.GUARDS[name])

    def counted(guard):
        def wrapper(case, ctx):
            calls.append(guard.__name__)
            return guard(case, ctx)

        return wrapper

    monkeypatch.setitem(workflow.GUARDS, name, [counted(guard) for guard in real_guards])
    values = {"in 10 days": TODAY() + datetime.timedelta(days=10)}
    data = {key: values.get(value, value) for key, value in data.items()}
    case = _at(stage, team)
    services.case_transition(case=case, name=name, by=team["officer"], **data)
    assert case.stage != stage
    assert calls == [guard.__name__ for guard in real_guards]


def test_conflicts_are_refusals_too():
    assert issubclass(services.CaseConflict, TransitionConflict)
    assert issubclass(services.CaseConflict, TransitionRefused)
    assert services.TransitionRefused is TransitionRefused


def test_available_transitions_mean_one_thing(team, gate):
    case = _at(Stage.FEASIBILITY, team, valuation=None)
    items = {item.name: item for item in workflow.available_transitions(case, team["officer"])}
    structuring = items["start_structuring"]
    assert structuring.permitted and not structuring.allowed
    assert structuring.reasons and structuring.fields == [
        "route",
        "valuation",
        "owner_agreement_on",
    ]
    assert items["put_on_hold"].permitted
    stranger = staff_user(Role.OFFICER, "ouest")
    for item in workflow.available_transitions(case, stranger):
        assert not item.permitted and not item.allowed


def test_no_override_makes_up_for_a_case_without_a_plan(team, gate):
    gate.has_plan = False
    case = _at(Stage.FINANCING, team)
    with translation.override("fr"), pytest.raises(services.TransitionRefused) as refused:
        services.case_transition(
            case=case, name="start_closing", by=team["director"], override_reason="Accord oral"
        )
    assert refused.value.field_errors == {
        "__all__": ["Le dossier n'a pas de plan de financement."],
        "override_reason": [
            "La règle du plan de financement ne peut pas être levée pour un dossier sans plan "
            "de financement."
        ],
    }
    case.refresh_from_db()
    assert (case.stage, case.version) == (Stage.FINANCING, 0)


# --- incorporate: the new cooperative's SIREN is a SIREN ------------------------------------------


def _incorporate(case, team, siren):
    return services.case_transition(
        case=case,
        name="incorporate",
        by=team["officer"],
        cooperative_siren=siren,
        registered_on=TODAY(),
    )


@pytest.mark.parametrize(
    "siren, message",
    [
        ("000000000", "Le SIREN « 000000000 » est invalide : sa clé de contrôle est fausse."),
        ("٠٠٠٠٠٠٠٥٩", "Le SIREN « ٠٠٠٠٠٠٠٥٩ » doit comporter exactement 9 chiffres de 0 à 9."),
        ("123456789", "Le SIREN « 123456789 » est invalide : sa clé de contrôle est fausse."),
    ],
)
def test_the_cooperatives_siren_follows_the_one_definition_of_a_siren(team, siren, message):
    case = _at(Stage.CLOSING, team, cooperative_siren="", registered_on=None)
    with translation.override("fr"), pytest.raises(services.TransitionRefused) as refused:
        _incorporate(case, team, siren)
    assert refused.value.field_errors == {"cooperative_siren": [message]}
    case.refresh_from_db()
    assert (case.stage, case.cooperative_siren) == (Stage.CLOSING, "")


def test_the_cooperatives_siren_is_stored_as_nine_digits_whatever_the_separators(team):
    case = _at(Stage.CLOSING, team, cooperative_siren="", registered_on=None)
    _incorporate(case, team, "732.829.320")
    case.refresh_from_db()
    assert (case.stage, case.cooperative_siren) == (Stage.INCORPORATED, "732829320")
