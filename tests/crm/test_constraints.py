"""crm.constraints.field_check_violated: which field a database CHECK refusal is about."""

import pytest
from django.db import IntegrityError, transaction

from crm.constraints import field_check_violated
from crm.models import Organisation
from tests.factories import OrganisationFactory
from tests.transmission.factories import CaseFactory
from transmission.models import Case

pytestmark = pytest.mark.django_db


def _refusal(queryset, **values) -> IntegrityError:
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        queryset.update(**values)
    return refused.value


def test_a_field_check_names_its_model_and_constraint():
    case = CaseFactory()
    error = _refusal(Case.objects.filter(pk=case.pk), valuation=-1)
    model, constraint = field_check_violated(error)
    assert (model, constraint.name, constraint.field) == (
        Case,
        "case_valuation_not_negative",
        "valuation",
    )


def test_a_check_without_a_field_and_a_unique_violation_are_not_named():
    organisation = OrganisationFactory(siret="")
    other = OrganisationFactory()
    # organisation_siret_needs_siren is a plain CheckConstraint: no field to name.
    no_field = _refusal(Organisation.objects.filter(pk=organisation.pk), siren=None, siret="1")
    assert field_check_violated(no_field) is None
    unique = _refusal(Organisation.objects.filter(pk=other.pk), siren=organisation.siren)
    assert field_check_violated(unique) is None
