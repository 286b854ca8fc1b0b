"""Follow-up record, cessation and annual reviews: every rule at the service."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from crm.actors import SYSTEM
from crm.models import Organisation
from crm.roles import Role
from followup import services
from followup.models import AnnualReview, CeaseCause, CooperativeFollowUp
from tests.factories import OrganisationFactory, staff_user, valid_siren
from tests.followup.helpers import GOOD_REVIEW, cooperative, review
from tests.transmission.factories import CaseFactory
from transmission import services as case_services
from transmission.choices import Stage

pytestmark = pytest.mark.django_db


def _errors(call) -> dict:
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


def test_incorporation_hands_over_to_the_cooperative_record():
    officer = staff_user(Role.OFFICER, "ouest")
    case = CaseFactory(stage=Stage.CLOSING, assigned_officer=officer)
    assert not CooperativeFollowUp.objects.exists()
    case_services.case_transition(
        case=case,
        name="incorporate",
        by=officer,
        cooperative_siren=valid_siren(4343),
        target_form="scop_sarl",
        registered_on=timezone.localdate(),
    )
    follow_up = CooperativeFollowUp.objects.get()
    # A takeover through a new cooperative: the record follows the newco, not the target.
    assert follow_up.organisation_id == case.cooperative_id != case.organisation_id
    assert follow_up.case_id == case.pk
    assert follow_up.is_active


def test_only_a_cooperative_gets_a_follow_up():
    organisation = OrganisationFactory()
    errors = _errors(lambda: services.follow_up_open(organisation=organisation, by=SYSTEM))
    assert "organisation" in errors


def test_cease_sets_the_date_on_the_organisation_and_the_cause_on_the_record():
    follow_up = cooperative()
    officer = staff_user(Role.OFFICER, "ouest")
    services.cooperative_cease(
        organisation=follow_up.organisation,
        on=datetime.date(2024, 5, 31),
        cause=CeaseCause.LIQUIDATION,
        by=officer,
    )
    organisation = Organisation.objects.get(pk=follow_up.organisation_id)
    follow_up.refresh_from_db()
    assert organisation.cooperative_ceased_on == datetime.date(2024, 5, 31)
    assert follow_up.cease_cause == CeaseCause.LIQUIDATION
    assert not follow_up.is_active


def test_cease_refuses_bad_input_in_french_and_writes_nothing():
    follow_up = cooperative(since=datetime.date(2020, 3, 1))
    organisation = follow_up.organisation
    errors = _errors(
        lambda: services.cooperative_cease(
            organisation=organisation, on=datetime.date(2019, 1, 1), cause="nope", by=SYSTEM
        )
    )
    assert errors["on"] == [
        "La date de cessation ne peut pas précéder le début de la coopérative (01/03/2020)."
    ]
    assert errors["cause"] == ["Choisissez la cause de la cessation."]
    organisation.refresh_from_db()
    follow_up.refresh_from_db()
    assert organisation.cooperative_ceased_on is None and follow_up.cease_cause == ""
    future = timezone.localdate() + datetime.timedelta(days=2)
    errors = _errors(
        lambda: services.cooperative_cease(
            organisation=organisation, on=future, cause=CeaseCause.OTHER, by=SYSTEM
        )
    )
    assert "on" in errors


def test_cease_twice_is_refused():
    follow_up = cooperative()
    services.cooperative_cease(
        organisation=follow_up.organisation,
        on=datetime.date(2023, 1, 1),
        cause=CeaseCause.DISSOLUTION,
        by=SYSTEM,
    )
    errors = _errors(
        lambda: services.cooperative_cease(
            organisation=follow_up.organisation,
            on=datetime.date(2023, 6, 1),
            cause=CeaseCause.DISSOLUTION,
            by=SYSTEM,
        )
    )
    assert errors["on"] == ["Cette coopérative a déjà cessé le 01/01/2023."]


def test_only_the_urs_officers_keep_the_follow_up():
    follow_up = cooperative()  # Ouest
    for outsider in (
        staff_user(Role.OFFICER, "ara"),
        staff_user(Role.BOARD_MEMBER),
        staff_user(Role.FINANCIAL_OFFICER, "ouest"),
    ):
        with pytest.raises(PermissionDenied):
            services.annual_review_record(
                follow_up=follow_up, year=2021, by=outsider, **GOOD_REVIEW
            )
        with pytest.raises(PermissionDenied):
            services.cooperative_cease(
                organisation=follow_up.organisation,
                on=datetime.date(2023, 1, 1),
                cause=CeaseCause.OTHER,
                by=outsider,
            )
    with pytest.raises(PermissionDenied):
        services.annual_review_record(follow_up=follow_up, year=2021, by=None, **GOOD_REVIEW)
    officer = staff_user(Role.OFFICER, "ouest")
    saved = services.annual_review_record(follow_up=follow_up, year=2021, by=officer, **GOOD_REVIEW)
    assert saved.recorded_by == officer


def test_a_review_is_recorded_then_replaced_for_the_same_year():
    follow_up = cooperative()
    review(follow_up, 2021)
    review(follow_up, 2021, jobs=12)
    assert AnnualReview.objects.get().jobs == 12


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"employee_capital_share": Decimal("101")},
            "employee_capital_share",
            "La part du capital détenue par les salariés doit être comprise entre 0 et 100 %.",
        ),
        (
            {"employee_vote_share": Decimal("-1")},
            "employee_vote_share",
            "La part des voix détenue par les salariés doit être comprise entre 0 et 100 %.",
        ),
        (
            {"general_meeting_turnout": Decimal("120")},
            "general_meeting_turnout",
            "La participation à l'assemblée générale doit être comprise entre 0 et 100 %.",
        ),
        (
            {"result_to_reserves": Decimal("40")},
            "result_to_reserves",
            "La répartition du résultat (salariés, dividendes, réserves) doit être donnée en "
            "entier et faire 100 %, et seulement pour un bénéfice.",
        ),
        (
            {"result": Decimal("-1000")},
            "result_to_reserves",
            "La répartition du résultat (salariés, dividendes, réserves) doit être donnée en "
            "entier et faire 100 %, et seulement pour un bénéfice.",
        ),
        (
            {"employee_members": 9},
            "employee_members",
            "Les salariés associés ne peuvent pas être plus nombreux que les associés ou les "
            "emplois.",
        ),
        (
            {"women_on_board": 6},
            "women_on_board",
            "Les femmes au conseil supposent la taille du conseil et ne peuvent la dépasser.",
        ),
        (
            {"women_members": 9},
            "women_members",
            "Les femmes associées ne peuvent pas être plus nombreuses que les associés.",
        ),
    ],
)
def test_review_rules_name_their_field_in_french(changes, field, message):
    follow_up = cooperative()
    errors = _errors(lambda: review(follow_up, 2021, **changes))
    assert errors[field] == [message]
    assert not AnnualReview.objects.exists()


def test_a_loss_carries_no_allocation():
    follow_up = cooperative()
    saved = review(
        follow_up,
        2021,
        result=Decimal("-1000"),
        result_to_employees=None,
        result_to_dividends=None,
        result_to_reserves=None,
    )
    assert saved.pk


def test_review_year_is_within_the_cooperatives_life():
    follow_up = cooperative(since=datetime.date(2020, 3, 1))
    errors = _errors(lambda: review(follow_up, 2019))
    assert errors["year"] == [
        "L'année d'un bilan ne peut pas précéder l'année d'immatriculation (2020)."
    ]
    errors = _errors(lambda: review(follow_up, timezone.localdate().year + 1))
    assert "year" in errors
    review(follow_up, 2020)


def test_required_figures_are_named():
    follow_up = cooperative()
    errors = _errors(
        lambda: services.annual_review_record(follow_up=follow_up, year=2021, by=SYSTEM, jobs=3)
    )
    assert {"members", "employee_members", "turnover", "result"} <= set(errors)


def test_the_database_enforces_the_allocation_rule_too():
    follow_up = cooperative()
    saved = review(follow_up, 2021)
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnualReview.objects.filter(pk=saved.pk).update(result_to_dividends=Decimal("30"))


def test_membership_and_revision_fields():
    follow_up = cooperative()
    services.follow_up_update(
        follow_up=follow_up,
        by=SYSTEM,
        confederation_member=True,
        confederation_member_since=datetime.date(2020, 4, 1),
        ur_member=True,
        ur_member_since=datetime.date(2020, 4, 1),
        last_revision_on=datetime.date(2024, 6, 1),
    )
    follow_up.refresh_from_db()
    assert follow_up.confederation_member and follow_up.ur_member
    errors = _errors(
        lambda: services.follow_up_update(
            follow_up=follow_up,
            by=SYSTEM,
            ur_member=False,
            revision_interval_years=6,
        )
    )
    assert errors["ur_member_since"] == [
        "Une date d'adhésion à l'union régionale suppose l'adhésion elle-même."
    ]
    assert "revision_interval_years" in errors


def test_no_review_after_the_year_of_cessation_and_no_future_revision():
    follow_up = cooperative(since=datetime.date(2020, 3, 1))
    services.cooperative_cease(
        organisation=follow_up.organisation,
        on=datetime.date(2022, 5, 1),
        cause=CeaseCause.LIQUIDATION,
        by=SYSTEM,
    )
    follow_up.organisation.refresh_from_db()
    errors = _errors(lambda: review(follow_up, 2023))
    assert errors["year"] == [
        "L'année d'un bilan ne peut pas suivre la cessation de la coopérative (2022)."
    ]
    errors = _errors(
        lambda: services.follow_up_update(
            follow_up=follow_up,
            by=SYSTEM,
            last_revision_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    )
    assert errors["last_revision_on"] == [
        "La date de la dernière révision ne peut pas être dans le futur."
    ]
    with pytest.raises(TypeError):
        services.follow_up_update(follow_up=follow_up, by=SYSTEM, cease_cause="other")
