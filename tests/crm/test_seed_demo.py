import io
import statistics
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction

from crm.identifiers import luhn_valid
from crm.models import OfficerProfile, Organisation
from crm.roles import Role

pytestmark = pytest.mark.django_db

# The movement's strongholds (DOMAIN.md): Bretagne, Pays de la Loire, Normandie,
# Île-de-France, Auvergne-Rhône-Alpes, Occitanie, PACA.
STRONG_REGIONS = {"53", "52", "28", "11", "84", "76", "93"}


def _seed(seed=7, cooperatives=400):
    call_command(
        "seed_demo",
        f"--seed={seed}",
        "--today=2026-06-30",
        f"--cooperatives={cooperatives}",
        # The apps above crm seed cases too; a few are enough to check crm's part.
        "--cases=150",
        stdout=io.StringIO(),
    )


def _fingerprint():
    return list(
        Organisation.objects.order_by("siren", "name").values_list(
            "name", "siren", "naf_code", "postal_code", "employees", "cooperative_type"
        )
    )


def _seeded_fingerprint(seed: int):
    """Seed inside a savepoint rolled back afterwards, so every run starts from the same base."""
    with transaction.atomic():
        _seed(seed=seed)
        fingerprint = _fingerprint()
        transaction.set_rollback(True)
    return fingerprint


def test_same_seed_same_data_other_seed_other_data():
    first = _seeded_fingerprint(7)
    assert first
    assert _seeded_fingerprint(7) == first
    assert _seeded_fingerprint(8) != first


def test_refuses_a_database_that_already_holds_data_unless_told():
    _seed()
    before = Organisation.objects.count()
    with pytest.raises(CommandError):
        _seed()
    call_command("seed_demo", "--if-empty", stdout=io.StringIO())
    assert Organisation.objects.count() == before


def test_shape_follows_the_movement():
    _seed(cooperatives=600)
    organisations = list(Organisation.objects.select_related("departement"))
    employees = [o.employees for o in organisations]
    assert 3 <= statistics.median(employees) <= 7
    assert statistics.mean(employees) > 2 * statistics.median(employees)  # long tail
    regions = Counter(o.departement.region_id for o in organisations)
    assert sum(regions[r] for r in STRONG_REGIONS) / len(organisations) > 0.6
    overseas_and_corsica = sum(regions[r] for r in ("01", "02", "03", "04", "06", "94"))
    assert overseas_and_corsica / len(organisations) < 0.03
    for organisation in organisations:
        organisation.full_clean()  # valid by every rule the application enforces
        # Future cooperatives of the demo cases (transmission) have no SIREN yet.
        if organisation.siren or organisation.is_cooperative:
            assert organisation.siren.startswith("000") and luhn_valid(organisation.siren)
        assert "(démo)" in organisation.name
    types = Counter(o.cooperative_type for o in organisations)
    assert types["scop"] > types["scic"] > 0


def test_demo_accounts_cover_every_role():
    _seed()
    profiles = OfficerProfile.objects.select_related("user", "regional_union")
    by_role = Counter(p.role for p in profiles)
    assert by_role[Role.BOARD_MEMBER] >= 1
    assert by_role[Role.FINANCIAL_OFFICER] >= 1
    assert by_role[Role.ADMINISTRATOR] >= 1
    for role in (Role.OFFICER, Role.DIRECTOR):
        unions = {p.regional_union.code for p in profiles if p.role == role}
        assert len(unions) == 9  # every UR has staff, at least two have demo logins
    User = get_user_model()
    for username in (
        "officer.ouest",
        "director.ouest",
        "officer.ara",
        "director.ara",
        "finance",
        "board",
        "admin",
    ):
        assert User.objects.get(username=username).check_password("releve-demo")


def test_demo_modules_come_from_the_app_registry_in_layer_order_whatever_the_app_order(
    monkeypatch,
):
    from django.apps import apps as registry

    from crm.management.commands import seed_demo

    expected = [
        "crm.demo",
        "filieres.demo",
        "transmission.demo",
        "financement.demo",
        "followup.demo",
    ]
    assert [module.__name__ for module in seed_demo.demo_modules()] == expected
    original = registry.get_app_configs
    monkeypatch.setattr(registry, "get_app_configs", lambda: list(reversed(list(original()))))
    assert [module.__name__ for module in seed_demo.demo_modules()] == expected
