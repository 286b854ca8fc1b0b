"""Members, capital and votes (issue 10 §2): the law's checks at signing and registration,
for every kind of case, each refusal saying which figure is short and by how much."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from crm.models import LegalForm
from tests.factories import OrganisationFactory, valid_siren
from tests.transmission.factories import (
    CaseFactory,
    add_members,
    closing_data_for,
    officer_and_director,
)
from transmission import legal, selectors, services
from transmission.choices import CaseKind, CaseRoute, MemberCategory, Stage, TargetForm
from transmission.legal import MemberFigures
from transmission.models import Membership

NBSP = "\u00a0"


def _figures(**categories) -> dict[str, MemberFigures]:
    """``employees=(members, capital, votes)`` → the law's figures."""
    return {
        code: MemberFigures(members, Decimal(capital), Decimal(votes))
        for code, (members, capital, votes) in categories.items()
    }


def _refusals(target_form, seed_scop=False, **categories) -> list[str]:
    with translation.override("fr"):
        found = legal.membership_refusals(target_form, seed_scop, _figures(**categories))
    assert {field for field, _message in found} <= {legal.MEMBERS_FIELD}
    return [message for _field, message in found]


# --- The law, on hand-computed figures ---------------------------------------------------------


def test_a_lawful_scop_has_no_refusal():
    assert _refusals("scop_sarl", employees=(5, 6000, 5), others=(1, 4000, 1)) == []


def test_a_scop_whose_employees_hold_too_little_capital_is_told_by_how_much():
    # 4,000 € of 10,000 € = 40 %: 11 points short; (0.51 × 10,000 − 4,000) / 0.49 = 2,244.90 €.
    assert _refusals("scop_sas", employees=(5, 4000, 5), others=(1, 6000, 1)) == [
        "Les associés salariés détiennent 40 % du capital, une Scop en demande au moins 51 % : "
        f"il manque 11 points (2{NBSP}245{NBSP}€ de plus à souscrire par les salariés)."
    ]


def test_a_scop_whose_employees_hold_too_few_votes_is_told_by_how_much():
    # 3 votes of 5 = 60 %: 5 points short of 65 %; the capital (90 %) is fine.
    assert _refusals("scop_sarl", employees=(3, 9000, 3), others=(2, 1000, 2)) == [
        "Les associés salariés détiennent 60 % des voix, une Scop en demande au moins 65 % : "
        "il manque 5 points."
    ]


def test_shares_are_shown_with_a_french_decimal_comma():
    # 2 of 3 votes = 66.7 % (lawful); capital 1,000 of 2,100 = 47.6 %: 3.4 points short.
    (message,) = _refusals("scop_sarl", employees=(2, 1000, 2), others=(1, 1100, 1))
    assert message.startswith("Les associés salariés détiennent 47,6 % du capital")
    assert "il manque 3,4 points" in message


def test_a_share_just_below_the_floor_is_never_shown_as_zero_points_short():
    # 5,096 of 10,000 € = 50.96 %, shown 51 % rounded, but short: at least 0,1 point.
    (message,) = _refusals("scop_sarl", employees=(5, 5096, 5), others=(1, 4904, 1))
    assert "détiennent 51 % du capital" in message and "il manque 0,1 points" in message


@pytest.mark.parametrize(
    ("target_form", "members", "expected"),
    [
        (
            "scop_sarl",
            1,
            "Une Scop SARL compte au moins 2 associés : 1 renseigné(s), il en manque 1.",
        ),
        (
            "scop_sas",
            1,
            "Une Scop SAS compte au moins 2 associés : 1 renseigné(s), il en manque 1.",
        ),
        ("scop_sa", 5, "Une Scop SA compte au moins 7 associés : 5 renseigné(s), il en manque 2."),
    ],
)
def test_a_scop_has_the_minimum_number_of_members_of_its_legal_form(target_form, members, expected):
    assert _refusals(target_form, employees=(members, 1000, members)) == [expected]


def test_a_scop_with_enough_members_for_an_sa_passes():
    assert _refusals("scop_sa", employees=(7, 7000, 7)) == []


def test_a_scop_d_amorcage_may_start_with_employees_in_the_minority_of_capital():
    # 20 % of the capital (the path to 50 % is followed afterwards), 6 of 10 votes.
    assert _refusals("scop_sas", True, employees=(6, 2000, 6), others=(4, 8000, 4)) == []


def test_a_scop_d_amorcage_still_gives_its_employees_the_majority_of_votes():
    assert _refusals("scop_sas", True, employees=(5, 2000, 5), others=(5, 8000, 5)) == [
        "Les associés salariés détiennent 50 % des voix : dans une Scop d'amorçage, ils ont la "
        "majorité dès le départ (plus de 50 %)."
    ]


def test_a_scop_admits_no_category_of_a_scic():
    assert _refusals("scop_sarl", employees=(5, 5000, 5), volunteers=(1, 0, 1)) == [
        "Une Scop ne compte que des associés salariés et d'autres associés, pas : bénévoles."
    ]


def test_a_lawful_scic_has_no_refusal():
    assert (
        _refusals(
            "scic_sas",
            employees=(3, 3000, 30),
            beneficiaries=(20, 2000, 40),
            public_bodies=(1, 5000, 30),
        )
        == []
    )


def test_producers_may_stand_for_employees_in_a_scic():
    assert (
        _refusals(
            "scic_sarl", producers=(4, 3000, 4), beneficiaries=(9, 1000, 9), others=(1, 500, 1)
        )
        == []
    )


def test_a_scic_with_two_categories_and_no_beneficiaries_is_refused_on_both_counts():
    assert _refusals("scic_sas", employees=(3, 3000, 3), volunteers=(4, 1000, 4)) == [
        "Une Scic compte au moins 3 catégories d'associés : 2 renseignée(s), il en manque 1.",
        "Une Scic compte des associés bénéficiaires (usagers) : aucun n'est renseigné.",
    ]


def test_a_scic_needs_employees_or_producers():
    assert _refusals(
        "scic_sa", beneficiaries=(3, 3000, 3), volunteers=(4, 1000, 4), others=(1, 100, 1)
    ) == ["Une Scic compte des associés salariés (ou producteurs) : aucun n'est renseigné."]


def test_public_bodies_hold_at_most_half_of_a_scic_s_capital():
    # 6,000 of 10,000 € = 60 %: 10 points too many; the others must add (6,000 − 5,000) / 0.5.
    assert _refusals(
        "scic_sas",
        employees=(3, 2000, 3),
        beneficiaries=(5, 2000, 5),
        public_bodies=(2, 6000, 2),
    ) == [
        "Les collectivités publiques détiennent 60 % du capital, une Scic en admet au plus "
        f"50 % : 10 points de trop (2{NBSP}000{NBSP}€ de plus à souscrire par les autres "
        "associés)."
    ]


def test_members_without_capital_or_votes_are_refused():
    assert _refusals("scop_sarl", employees=(3, 0, 0)) == [
        "Le capital détenu par les associés n'est pas renseigné.",
        "Les voix détenues par les associés ne sont pas renseignées.",
    ]


def test_no_members_at_all_is_refused_and_an_unknown_form_is_left_to_the_other_guards():
    assert _refusals("scic_sas") == [
        "Les associés de la coopérative ne sont pas encore renseignés."
    ]
    assert _refusals("") == []


# --- Through the workflow: every kind of case, at signing and at registration ------------------


@pytest.fixture
def team(db):
    officer, director = officer_and_director("ouest")
    return {"officer": officer, "director": director}


def _set(team, case, category, members, capital, votes=None):
    return services.member_category_set(
        case=case,
        by=team["officer"],
        category=category,
        members=members,
        capital=Decimal(capital),
        votes=votes,
    )


def _refused_on_members(call) -> list[str]:
    with translation.override("fr"), pytest.raises(services.TransitionRefused) as refused:
        call()
    return [str(reason) for reason in refused.value.refusals if reason.field == "members"]


def test_a_takeover_goes_to_signing_only_with_lawful_members(team, gate):
    # The law's checks apply to a takeover too, not only to a creation.
    case = CaseFactory(
        stage=Stage.FINANCING,
        kind=CaseKind.TAKEOVER,
        target_form=TargetForm.SCOP_SARL,
        assigned_officer=team["officer"],
        employees_informed_on=timezone.localdate() - datetime.timedelta(days=90),
        members=False,
    )
    _set(team, case, "employees", 4, 4000)
    _set(team, case, "others", 2, 6000)

    def sign():
        return services.case_transition(case=case, name="start_closing", by=team["officer"])

    # 4 of 6 votes (66.7 %) is lawful; 4,000 of 10,000 € of capital is not.
    assert _refused_on_members(sign) == [
        "Les associés salariés détiennent 40 % du capital, une Scop en demande au moins 51 % : "
        f"il manque 11 points (2{NBSP}245{NBSP}€ de plus à souscrire par les salariés)."
    ]
    case.refresh_from_db()
    assert case.stage == Stage.FINANCING
    _set(team, case, "employees", 4, 7000)
    sign()
    case.refresh_from_db()
    assert case.stage == Stage.CLOSING


def test_a_scic_conversion_is_refused_for_missing_categories_then_registered(team, gate):
    association = OrganisationFactory(legal_form=LegalForm.ASSOCIATION, siren=valid_siren(7101))
    case = CaseFactory(
        stage=Stage.CLOSING,
        kind=CaseKind.CONVERSION,
        organisation=association,
        target_form=TargetForm.SCIC_SAS,
        assigned_officer=team["officer"],
        members=False,
    )
    _set(team, case, "employees", 6, 6000)
    _set(team, case, "volunteers", 12, 1200)

    def register():
        return services.case_transition(
            case=case,
            name="incorporate",
            by=team["officer"],
            cooperative_siren=association.siren,
            registered_on=timezone.localdate(),
        )

    assert _refused_on_members(register) == [
        "Une Scic compte au moins 3 catégories d'associés : 2 renseignée(s), il en manque 1.",
        "Une Scic compte des associés bénéficiaires (usagers) : aucun n'est renseigné.",
    ]
    _set(team, case, "beneficiaries", 40, 2000)
    register()
    case.refresh_from_db()
    assert case.stage == Stage.INCORPORATED
    # A conversion keeps the legal person: the members are now the association-turned-Scic's.
    assert case.cooperative_id == association.pk
    assert set(
        selectors.cooperative_memberships(association).values_list("category", flat=True)
    ) == {"employees", "volunteers", "beneficiaries"}


def test_a_newco_s_members_are_handed_over_to_the_new_cooperative(team, gate):
    case = CaseFactory(
        stage=Stage.CLOSING,
        kind=CaseKind.TAKEOVER,
        route=CaseRoute.NEWCO_PURCHASE,
        target_form=TargetForm.SCOP_SAS,
        assigned_officer=team["officer"],
    )
    services.case_transition(
        case=case,
        name="incorporate",
        by=team["officer"],
        cooperative_siren=valid_siren(7102),
        registered_on=timezone.localdate(),
    )
    case.refresh_from_db()
    assert case.cooperative.siren == valid_siren(7102)
    assert case.cooperative_id != case.organisation_id
    assert selectors.cooperative_memberships(case.cooperative).count() == 2
    assert not selectors.cooperative_memberships(case.organisation).exists()


def test_a_target_form_changed_to_a_scic_at_registration_is_checked_against_its_members(team, gate):
    # Lawful Scop members; the form given at registration is a Scic: its rules apply.
    case = CaseFactory(
        stage=Stage.CLOSING,
        kind=CaseKind.CREATION,
        target_form=TargetForm.SCOP_SARL,
        assigned_officer=team["officer"],
    )
    refusals = _refused_on_members(
        lambda: services.case_transition(
            case=case,
            name="incorporate",
            by=team["officer"],
            cooperative_siren=valid_siren(7103),
            target_form=TargetForm.SCIC_SARL,
            registered_on=timezone.localdate(),
        )
    )
    assert "Une Scic compte des associés bénéficiaires (usagers) : aucun n'est renseigné." in (
        refusals
    )


# --- Entering the members (services) -------------------------------------------------------------


def test_votes_default_to_one_per_member_and_a_category_is_replaced(team):
    case = CaseFactory(stage=Stage.STRUCTURING, assigned_officer=team["officer"], members=False)
    membership = _set(team, case, "employees", 4, 4000)
    assert membership.votes == 4
    _set(team, case, "employees", 5, 5000, votes=7)
    assert list(case.memberships.values_list("members", "capital", "votes")) == [
        (5, Decimal("5000.00"), Decimal("7.00"))
    ]
    services.member_category_remove(case=case, by=team["officer"], category="employees")
    assert not case.memberships.exists()


def test_a_category_the_target_form_does_not_admit_is_refused_on_its_field(team):
    case = CaseFactory(
        stage=Stage.STRUCTURING,
        target_form=TargetForm.SCOP_SA,
        assigned_officer=team["officer"],
        members=False,
    )
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        _set(team, case, "public_bodies", 1, 1000)
    assert refused.value.message_dict == {
        "category": ["Une Scop SA n'a pas d'associés de la catégorie « collectivités publiques »."]
    }


def test_an_unknown_category_is_refused_on_its_field(team):
    case = CaseFactory(stage=Stage.STRUCTURING, assigned_officer=team["officer"], members=False)
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        _set(team, case, "friends", 2, 100)
    assert refused.value.message_dict == {"category": ["Catégorie d'associés inconnue : friends."]}


@pytest.mark.parametrize(
    ("members", "capital", "votes", "field", "message"),
    [
        (0, "100", 1, "members", "Une catégorie compte au moins un associé."),
        (2, "-1", 2, "capital", "Le capital détenu ne peut pas être négatif."),
        (2, "100", -1, "votes", "Les voix détenues ne peuvent pas être négatives."),
    ],
)
def test_bad_figures_are_refused_on_their_field_in_french(
    team, members, capital, votes, field, message
):
    case = CaseFactory(stage=Stage.STRUCTURING, assigned_officer=team["officer"], members=False)
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        _set(team, case, "employees", members, capital, votes=votes)
    assert message in refused.value.message_dict[field]
    assert not case.memberships.exists()


def test_only_who_works_on_the_case_enters_its_members(team):
    case = CaseFactory(stage=Stage.STRUCTURING, assigned_officer=team["officer"], members=False)
    other_ur_officer, _director = officer_and_director("ara")
    with pytest.raises(PermissionDenied):
        services.member_category_set(
            case=case, by=other_ur_officer, category="employees", members=2, capital=Decimal(1)
        )
    assert not case.memberships.exists()


def test_the_members_of_a_registered_cooperative_no_longer_change_on_its_case(team):
    case = CaseFactory(
        stage=Stage.INCORPORATED,
        assigned_officer=team["officer"],
        target_form=TargetForm.SCOP_SARL,
        **closing_data_for(Stage.INCORPORATED),
    )
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        _set(team, case, "employees", 9, 9000)
    assert "revues annuelles" in refused.value.message_dict["members"][0]
    with pytest.raises(ValidationError):
        services.member_category_remove(case=case, by=team["officer"], category="employees")
    assert case.memberships.get(category="employees").members == 6


def test_the_summary_gives_shares_totals_and_what_the_law_finds_short(team):
    case = CaseFactory(
        stage=Stage.STRUCTURING,
        target_form=TargetForm.SCOP_SARL,
        assigned_officer=team["officer"],
        members=False,
    )
    _set(team, case, "others", 1, 6000)
    _set(team, case, "employees", 3, 4000)
    with translation.override("fr"):
        summary = selectors.case_members_summary(case)
    assert [row.category for row in summary.rows] == ["employees", "others"]
    assert (summary.members, summary.capital, summary.votes) == (4, Decimal(10000), Decimal(4))
    assert summary.rows[0].capital_share == Decimal(40)
    assert summary.rows[0].votes_share == Decimal(75)
    assert not summary.lawful
    assert summary.refusals[0].startswith("Les associés salariés détiennent 40 % du capital")
    assert [code for code, _label in summary.categories] == ["employees", "others"]


def test_the_database_refuses_a_category_twice_or_negative_capital(team):
    case = CaseFactory(stage=Stage.STRUCTURING, assigned_officer=team["officer"], members=False)
    Membership.objects.create(case=case, category=MemberCategory.EMPLOYEES, members=2, votes=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(case=case, category=MemberCategory.EMPLOYEES, members=1, votes=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            case=case, category=MemberCategory.OTHERS, members=1, votes=1, capital=-5
        )


def test_factory_members_are_lawful_for_each_form(team):
    for form in TargetForm:
        case = CaseFactory(stage=Stage.STRUCTURING, target_form=form, members=False)
        add_members(case)
        assert selectors.case_members_summary(case).lawful, form
