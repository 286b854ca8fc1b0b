"""Cases for tests: any kind, in any stage, with the data its stage requires."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from crm.roles import Role
from tests.factories import OrganisationFactory, regional_union, staff_user, valid_siren
from transmission import legal
from transmission.choices import (
    AbandonReason,
    CaseKind,
    DeclineReason,
    Stage,
    TargetForm,
)
from transmission.models import Case, Membership, StageChange
from transmission.services import format_reference

# Every field any guard may ask for, filled in validly: a case "ready for anything".
COMPLETE_DATA = {
    "jobs_at_stake": 12,
    "valuation": Decimal("250000.00"),
    "target_form": TargetForm.SCOP_SARL,
    "founding_members": 3,
    "member_categories": 3,
}


def route_for(kind: str) -> str:
    """A kind's route for tests: its only one, or a new cooperative (with its own SIREN)."""
    newco = [route for route in legal.routes_for(kind) if legal.is_newco(route)]
    return legal.default_route(kind) or newco[0]


def complete_data(kind: str) -> dict:
    today = timezone.localdate()
    return {
        **COMPLETE_DATA,
        "route": route_for(kind),
        "owner_agreement_on": today - datetime.timedelta(days=90),
        "employees_informed_on": today - datetime.timedelta(days=70),
        "court_offer_deadline": today + datetime.timedelta(days=30),
        # A court plan is adopted before its cooperative registers (takeover in difficulty).
        "opening_judgment_on": today - datetime.timedelta(days=60),
        "plan_judgment_on": today - datetime.timedelta(days=5),
    }


# Stages at which a case has its members entered (they are entered while structuring).
STAGES_WITH_MEMBERS = (Stage.STRUCTURING, Stage.FINANCING, Stage.CLOSING, Stage.INCORPORATED)


def lawful_members(target_form: str = "") -> list[dict]:
    """Members the law accepts for ``target_form`` (any Scop form, SA included, or a Scic)."""
    if target_form and TargetForm(target_form).is_scic:
        return [
            {"category": "employees", "members": 4, "capital": Decimal("4000"), "votes": 4},
            {"category": "beneficiaries", "members": 3, "capital": Decimal("3000"), "votes": 3},
            {"category": "public_bodies", "members": 1, "capital": Decimal("2000"), "votes": 1},
        ]
    return [
        {"category": "employees", "members": 6, "capital": Decimal("6000"), "votes": 6},
        {"category": "others", "members": 1, "capital": Decimal("1000"), "votes": 1},
    ]


def add_members(case: Case, rows: list[dict] | None = None) -> None:
    """Members written directly (tests only: the application uses member_category_set)."""
    rows = lawful_members(case.target_form) if rows is None else rows
    Membership.objects.filter(case=case).delete()
    Membership.objects.bulk_create([Membership(case=case, **row) for row in rows])


def closing_data_for(stage: str, previous_stage: str = Stage.FEASIBILITY) -> dict:
    """What a case resting in ``stage`` carries (the data its arrival required)."""
    today = timezone.localdate()
    data: dict = {}
    if stage in (Stage.ON_HOLD, Stage.ABANDONED):
        data["previous_stage"] = previous_stage
    if stage == Stage.ON_HOLD:
        data["review_on"] = today + datetime.timedelta(days=30)
    if stage == Stage.ABANDONED:
        data["abandon_reason"] = AbandonReason.NOT_VIABLE
    if stage == Stage.DECLINED:
        data["decline_reason"] = DeclineReason.DUPLICATE
    if stage == Stage.INCORPORATED:
        data.update(cooperative_siren=valid_siren(99), registered_on=today)
    return data


class CaseFactory(factory.django.DjangoModelFactory):
    """Builds a case directly in a stage (tests only: the application goes through services).

    A ``create`` history row is written so that replaying the history starts from ``lead``;
    for a case built in another stage, one synthetic row brings it there. From structuring on,
    the case has lawful members for its target form (``members=False``: none).
    """

    class Meta:
        model = Case

    kind = CaseKind.TAKEOVER
    organisation = factory.SubFactory(OrganisationFactory)
    regional_union = factory.LazyFunction(lambda: regional_union("ouest"))
    reference = factory.Sequence(lambda n: format_reference("TEST", 2026, n))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        stage = kwargs.pop("stage", Stage.LEAD)
        with_members = kwargs.pop("members", stage in STAGES_WITH_MEMBERS)
        case = model_class(*args, stage=stage, **kwargs)
        if not case.route:
            # Past structuring a takeover's route is known (here: a new cooperative, with its
            # own SIREN); a single-route kind always has it.
            known = stage not in (Stage.LEAD, Stage.QUALIFICATION, Stage.FEASIBILITY)
            case.route = legal.default_route(case.kind) or (route_for(case.kind) if known else "")
        if stage == Stage.INCORPORATED and case.cooperative_id is None:
            # Built directly in its final stage: the cooperative is the organisation itself.
            case.cooperative = case.organisation
        case.save()
        if with_members:
            add_members(case)
        StageChange.objects.create(case=case, transition="create", target_stage=Stage.LEAD)
        if stage != Stage.LEAD:
            StageChange.objects.create(
                case=case, transition="test_setup", source_stage=Stage.LEAD, target_stage=stage
            )
        return case


def officer_and_director(ur_code: str = "ouest"):
    return staff_user(Role.OFFICER, ur_code), staff_user(Role.DIRECTOR, ur_code)
