"""The filières admin as each role sees it: scoped lists, view-only pages that open, no 500."""

import datetime

import pytest
from django.urls import reverse

from crm.actors import SYSTEM
from crm.models import Region
from crm.roles import Role
from filieres import services
from filieres.models import Filiere, RegionalPriority
from tests.factories import regional_union, staff_user

pytestmark = pytest.mark.django_db

D = datetime.date
START = D(2025, 1, 1)


@pytest.fixture
def digital():
    return Filiere.objects.get(slug="numerique")


def designate(filiere, *, ur=None, region=None, start=START):
    return services.priority_designate(
        filiere=filiere,
        regional_union=regional_union(ur) if ur else None,
        region=Region.objects.get(code=region) if region else None,
        start=start,
        rationale="Test",
        by=SYSTEM,
    )


@pytest.fixture
def priorities(digital):
    return {
        "bretagne": designate(digital, region="53"),  # Bretagne: UR Ouest's région
        "auvergne": designate(digital, region="84"),  # Auvergne-Rhône-Alpes: ARA's
        "ara": designate(digital, ur="ara"),
        "ouest": designate(digital, ur="ouest"),
    }


def _listed(client) -> set[int]:
    response = client.get(reverse("admin:filieres_regionalpriority_changelist"))
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


def test_a_union_lists_its_own_designations_and_those_of_its_regions_only(client, priorities):
    client.force_login(staff_user(Role.DIRECTOR, "ara"))
    assert _listed(client) == {priorities["ara"].pk, priorities["auvergne"].pk}
    client.force_login(staff_user(Role.OFFICER, "ouest"))
    assert _listed(client) == {priorities["ouest"].pk, priorities["bretagne"].pk}
    client.force_login(staff_user(Role.ADMINISTRATOR))
    assert _listed(client) == {p.pk for p in priorities.values()}


def test_another_regions_designation_is_out_of_reach_by_typed_url(client, priorities):
    client.force_login(staff_user(Role.DIRECTOR, "ara"))
    url = reverse("admin:filieres_regionalpriority_change", args=[priorities["bretagne"].pk])
    assert client.get(url).status_code == 404


def test_the_ara_director_opens_regional_priorities_without_a_500(client, priorities, digital):
    client.force_login(staff_user(Role.DIRECTOR, "ara"))
    # The région's designation is national: shown read-only, its territory untouched.
    url = reverse("admin:filieres_regionalpriority_change", args=[priorities["auvergne"].pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="rationale"' not in response.content.decode()
    assert "Auvergne-Rhône-Alpes" in response.content.decode()
    # Their UR's own designation: editable.
    url = reverse("admin:filieres_regionalpriority_change", args=[priorities["ara"].pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="rationale"' in response.content.decode()
    response = client.post(
        url, {"filiere": digital.pk, "start": "01/01/2025", "end": "01/01/2027", "rationale": "R"}
    )
    assert response.status_code == 302
    priorities["ara"].refresh_from_db()
    assert priorities["ara"].end == D(2027, 1, 1)
    assert priorities["ara"].regional_union == regional_union("ara")
    # A new one lands in their UR, whatever they would post.
    response = client.post(
        reverse("admin:filieres_regionalpriority_add"),
        {
            "filiere": digital.pk,
            "regional_union": regional_union("ouest").pk,
            "start": "01/01/2020",
            "end": "01/01/2021",
            "rationale": "Essai",
        },
    )
    assert response.status_code == 302
    created = RegionalPriority.objects.get(start=D(2020, 1, 1))
    assert created.regional_union == regional_union("ara") and created.region is None


def test_a_view_only_officer_opens_a_filiere_and_sees_no_import_button(client, digital):
    client.force_login(staff_user(Role.OFFICER, "ouest", is_staff=True))
    response = client.get(reverse("admin:filieres_filiere_change", args=[digital.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="name"' not in page  # read-only
    assert "62" in page  # the prefixes, as text
    changelist = client.get(reverse("admin:filieres_filiere_changelist")).content.decode()
    assert reverse("admin:filieres_filiere_import") not in changelist
    assert client.get(reverse("admin:filieres_filiere_import")).status_code == 403
    client.force_login(staff_user(Role.ADMINISTRATOR, is_staff=True))
    changelist = client.get(reverse("admin:filieres_filiere_changelist")).content.decode()
    assert reverse("admin:filieres_filiere_import") in changelist
