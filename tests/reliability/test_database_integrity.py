"""Integrity in the database (issue 13): the rules hold whatever writes the row.

Each test writes around the models' ``clean()`` (``QuerySet.update``, a raw delete) as an
import, a script or a bug would, and expects the database itself to refuse; where a form
sees the rule, ``full_clean`` reports it under the field, in French.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import translation

from crm.models import Organisation
from crm.roles import Role
from financement.models import FinancingLine, LineDecision
from followup.models import AnnualReview
from tests.factories import OrganisationFactory, PartnerFactory, staff_user, valid_siren
from tests.financement.factories import BANK_LOAN, line_in, plan_for
from tests.followup.helpers import cooperative, review
from tests.transmission.factories import CaseFactory
from transmission.models import Case, LeadSubmission, StageChange

pytestmark = pytest.mark.django_db


def _refused(write) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


# --- SIREN: unique when known, blank as often as needed ----------------------------------


def test_a_siren_is_unique_but_organisations_without_one_are_many():
    first = OrganisationFactory(siren=valid_siren(1))
    second = OrganisationFactory(siren=valid_siren(2))
    _refused(lambda: Organisation.objects.filter(pk=second.pk).update(siren=first.siren))
    # A blank SIREN written around clean() (as an import might) collides with nothing.
    Organisation.objects.filter(pk__in=[first.pk, second.pk]).update(siren="")
    OrganisationFactory(siren=None)
    OrganisationFactory(siren=None)
    assert Organisation.objects.filter(siren="").count() == 2


def test_a_duplicate_siren_is_reported_under_the_siren_field_in_french():
    taken = OrganisationFactory(siren=valid_siren(3))
    other = OrganisationFactory(siren=None)
    other.siren = taken.siren
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        other.full_clean()
    assert "Une organisation avec ce SIREN existe déjà." in refused.value.message_dict["siren"]


# --- Amounts and dates ----------------------------------------------------------------------


def test_a_case_valuation_is_never_negative():
    case = CaseFactory()
    _refused(lambda: Case.objects.filter(pk=case.pk).update(valuation=Decimal("-1")))
    case.valuation = Decimal("-1")
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        case.full_clean(exclude=["stage"])
    assert refused.value.message_dict["valuation"] == ["La valorisation ne peut pas être négative."]


def test_money_is_paid_out_after_it_is_granted():
    decided = datetime.date(2026, 6, 1)
    line = line_in(
        plan_for(CaseFactory()), BANK_LOAN, 10_000, status="disbursed", decision_on=decided
    )
    _refused(
        lambda: FinancingLine.objects.filter(pk=line.pk).update(
            disbursed_on=decided - datetime.timedelta(days=1)
        )
    )
    FinancingLine.objects.filter(pk=line.pk).update(disbursed_on=decided)
    line.refresh_from_db()
    line.disbursed_on = decided - datetime.timedelta(days=1)
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        line.full_clean(exclude=["status"])
    assert refused.value.message_dict["disbursed_on"] == [
        "La date de versement ne peut pas précéder la date de décision."
    ]


def test_an_annual_review_has_no_negative_capital_or_turnover():
    record = review(cooperative(), 2024)
    reviews = AnnualReview.objects.filter(pk=record.pk)
    _refused(lambda: reviews.update(turnover=Decimal("-1")))
    _refused(lambda: reviews.update(share_capital=Decimal("-0.01")))
    record.turnover = Decimal("-5")
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        record.full_clean()
    assert refused.value.message_dict["turnover"] == [
        "Le chiffre d'affaires ne peut pas être négatif."
    ]


# --- Deleting never takes history with it ---------------------------------------------------


def test_an_organisation_with_cases_cannot_be_deleted():
    case = CaseFactory()
    with pytest.raises(ProtectedError):
        case.organisation.delete()
    assert Case.objects.filter(pk=case.pk).exists()


def test_the_history_of_a_case_protects_it():
    case = CaseFactory()
    StageChange.objects.create(
        case=case, transition="create", by=staff_user(Role.OFFICER, "ouest"), target_stage="lead"
    )
    with pytest.raises(ProtectedError):
        Case.objects.filter(pk=case.pk).delete()
    assert Case.objects.filter(pk=case.pk).exists()


def test_what_a_partner_sent_protects_the_case_it_opened():
    case = CaseFactory()
    LeadSubmission.objects.create(
        partner=PartnerFactory(), case=case, kind=case.kind, raw_body="{}", payload={}
    )
    with pytest.raises(ProtectedError):
        Case.objects.filter(pk=case.pk).delete()
    assert LeadSubmission.objects.filter(case=case).count() == 1


def test_a_decided_financing_line_keeps_its_decisions():
    line = line_in(plan_for(CaseFactory()), BANK_LOAN, 10_000)
    LineDecision.objects.create(
        line=line,
        transition="request",
        by=staff_user(Role.OFFICER, "ouest"),
        source_status="planned",
        target_status="requested",
    )
    with pytest.raises(ProtectedError):
        FinancingLine.objects.filter(pk=line.pk).delete()
    assert FinancingLine.objects.filter(pk=line.pk).exists()
