"""Duplicate people: found by e-mail or by name in one organisation, merged with a record."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from backoffice.models import PersonMerge
from backoffice.services import person_merge
from crm.models import Person
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_groups_by_email_any_case_and_by_name_in_one_organisation(officer, ara_case):
    from backoffice.selectors.lists import duplicate_people

    a = PersonFactory(email="anne@exemple.fr")
    b = PersonFactory(email="Anne@Exemple.fr")
    organisation = OrganisationFactory()
    c = PersonFactory(first_name="Hélène", last_name="Le Dû", organisation=organisation)
    d = PersonFactory(first_name="helene", last_name="LE DU", organisation=organisation)
    PersonFactory(first_name="Hélène", last_name="Le Dû")  # same name, another organisation
    PersonFactory(email="anne@exemple.fr", organisation=ara_case.organisation)  # another UR
    groups = [{p.pk for p in group} for group in duplicate_people(user=officer)]
    assert sorted(groups, key=min) == [{a.pk, b.pk}, {c.pk, d.pk}]


def test_merge_fills_blanks_removes_the_duplicate_and_records_it(officer):
    kept = PersonFactory(email="anne@exemple.fr", phone="")
    duplicate = PersonFactory(email="anne@exemple.fr", phone="02 99 00 00 00")
    record = person_merge(kept=kept, duplicate=duplicate, by=officer)
    kept.refresh_from_db()
    assert kept.phone == "02 99 00 00 00"
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    assert (record.kept, record.by, record.merged_name) == (kept, officer, str(duplicate))
    assert record.merged_data["phone"] == "02 99 00 00 00"


def test_merge_refuses_people_who_are_not_duplicates(officer):
    with pytest.raises(ValidationError):
        person_merge(kept=PersonFactory(), duplicate=PersonFactory(), by=officer)


def test_merge_refuses_another_ur_and_financial_officers(officer, financial_officer, ara_case):
    mine = PersonFactory(email="x@exemple.fr")
    theirs = PersonFactory(email="x@exemple.fr", organisation=ara_case.organisation)
    with pytest.raises(ValidationError):
        person_merge(kept=mine, duplicate=theirs, by=officer)
    with pytest.raises(PermissionDenied):
        person_merge(kept=mine, duplicate=PersonFactory(email="x@exemple.fr"), by=financial_officer)
    assert Person.objects.filter(pk=theirs.pk).exists()


def test_the_merge_screen(client, officer):
    kept = PersonFactory(email="anne@exemple.fr")
    duplicate = PersonFactory(email="anne@exemple.fr")
    client.force_login(officer)
    body = client.get(reverse("backoffice:duplicates")).content.decode()
    assert f"Fusionner dans {kept}" in body
    response = client.post(
        reverse("backoffice:merge"), {"kept": kept.pk, "duplicate": duplicate.pk}, follow=True
    )
    assert "a été fusionné" in response.content.decode()
    assert PersonMerge.objects.count() == 1
