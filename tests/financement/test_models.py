"""Amount rules: refused by model validation (per field, in French) and by the database."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from financement import services
from financement.models import FinancingLine, FinancingPlan, Instrument
from tests.financement.factories import (
    BANK_LOAN,
    MOVEMENT_GUARANTEE,
    MOVEMENT_LOAN,
    instrument,
    line_in,
)

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_catalogue_holds_domain_md_table():
    assert Instrument.objects.count() == 11
    movement = set(
        Instrument.objects.filter(is_movement_tool=True).values_list("provider", flat=True)
    )
    assert {p.split(" ")[0] for p in movement} == {"Socoden", "Scopinvest", "Sofiscop", "Transméa"}
    socoden = instrument(MOVEMENT_LOAN)
    assert (socoden.family, socoden.min_amount, socoden.max_amount) == (
        "participative_loan",
        D("6000"),
        D("600000"),
    )
    assert (socoden.min_term_months, socoden.max_term_months) == (36, 84)
    assert set(Instrument.objects.values_list("family", flat=True)) == {
        "equity",
        "quasi_equity",
        "participative_loan",
        "bank_loan",
        "grant",
        "member_contribution",
        "vendor_loan",
        "guarantee",
    }


def test_the_seed_migration_runs_again_without_duplicating_or_overwriting():
    from importlib import import_module

    seed = import_module("financement.migrations.0002_seed_instruments").seed
    Instrument.objects.filter(code=BANK_LOAN).update(name="Prêt bancaire (renommé)")
    state = MigrationExecutor(connection).loader.project_state(
        ("financement", "0003_line_decisions_immutable")
    )
    seed(state.apps, None)
    assert Instrument.objects.count() == 11
    assert instrument(BANK_LOAN).name == "Prêt bancaire (renommé)"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"amount_requested": D("-1")},
            "amount_requested",
            "Le montant demandé ne peut pas être négatif.",
        ),
        (
            {"status": "approved", "amount_committed": D("10001")},
            "amount_committed",
            "Le montant accordé ne peut pas dépasser le montant demandé.",
        ),
        (
            {"status": "approved", "amount_committed": D("-3")},
            "amount_committed",
            "Le montant accordé ne peut pas être négatif.",
        ),
        (
            {"status": "disbursed", "amount_committed": D("5000"), "amount_disbursed": D("6000")},
            "amount_disbursed",
            "Le montant versé ne peut pas dépasser le montant accordé.",
        ),
    ],
)
def test_model_validation_names_the_field(plan, fields, field, message):
    tool = instrument(BANK_LOAN)
    values = {"amount_requested": D("10000"), **fields}
    line = FinancingLine(plan=plan, instrument=tool, **values)
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        line.full_clean(exclude=["status"])
    assert error.value.message_dict[field] == [message]


def test_a_guarantee_must_name_the_line_it_secures_and_only_a_guarantee_may(plan, case):
    guarantee = FinancingLine(
        plan=plan, instrument=instrument(MOVEMENT_GUARANTEE), amount_requested=D("5000")
    )
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        guarantee.full_clean(exclude=["status"])
    assert "ligne garantie" in error.value.message_dict["secures"][0]
    bank = line_in(plan, BANK_LOAN, 100_000)
    loan = FinancingLine(
        plan=plan, instrument=instrument(MOVEMENT_LOAN), amount_requested=D("5000"), secures=bank
    )
    with pytest.raises(ValidationError) as error:
        loan.full_clean(exclude=["status"])
    assert "secures" in error.value.message_dict
    other_plan = FinancingPlan.objects.create(case=_another_case(case))
    foreign = FinancingLine(
        plan=other_plan,
        instrument=instrument(MOVEMENT_GUARANTEE),
        amount_requested=D("5000"),
        secures=bank,
    )
    with pytest.raises(ValidationError) as error:
        foreign.full_clean(exclude=["status"])
    assert "secures" in error.value.message_dict


def _another_case(case):
    from tests.transmission.factories import CaseFactory

    return CaseFactory(assigned_officer=case.assigned_officer)


def test_negative_needs_are_refused_naming_the_field(case):
    plan = FinancingPlan(case=case, working_capital=D("-10"))
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert error.value.message_dict == {
        "working_capital": ["Le besoin en fonds de roulement ne peut pas être négatif."]
    }


def test_services_refuse_bad_drafts(team, plan):
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        services.financing_line_create(
            plan=plan,
            by=team["officer"],
            instrument=instrument(BANK_LOAN),
            amount_requested=D("-1"),
        )
    assert "amount_requested" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.financing_line_create(
            plan=plan,
            by=team["officer"],
            instrument=instrument(MOVEMENT_GUARANTEE),
            amount_requested=D("1"),
        )
    assert "secures" in error.value.message_dict
    with pytest.raises(services.FinancingForbidden):
        services.financing_line_create(
            plan=plan,
            by=team["officer_ara"],
            instrument=instrument(BANK_LOAN),
            amount_requested=D("1"),
        )
    with pytest.raises(ValidationError):
        services.financing_plan_update(plan=plan, by=team["officer"], other_needs=D("-1"))


# --- The database refuses what must never happen, whatever path wrote the row -----------------


def _db_refuses(queryset, **values):
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)


@pytest.mark.parametrize(
    "values",
    [
        {"amount_requested": D("-1")},
        {"amount_committed": D("-1")},
        {"amount_committed": D("10000.01")},
        {"amount_disbursed": D("8000.01")},
        {"amount_committed": None},
        {"decision_on": None},
        {"secures": None},  # the guarantee below loses its line
    ],
)
def test_the_database_refuses_broken_lines(plan, values):
    bank = line_in(plan, BANK_LOAN, 10_000, status="disbursed", committed=8_000)
    guarantee = line_in(plan, MOVEMENT_GUARANTEE, 5_000, secures=bank)
    target = guarantee if "secures" in values else bank
    _db_refuses(FinancingLine.objects.filter(pk=target.pk), **values)


def test_the_database_refuses_inconsistent_statuses(plan):
    bank = line_in(plan, BANK_LOAN, 10_000, status="approved")
    _db_refuses(FinancingLine.objects.filter(pk=bank.pk), status="requested")  # committed set
    planned = line_in(plan, BANK_LOAN, 10_000)
    _db_refuses(FinancingLine.objects.filter(pk=planned.pk), secures=bank)
    _db_refuses(FinancingLine.objects.filter(pk=planned.pk), amount_committed=D("1"))
    guarantee = line_in(plan, MOVEMENT_GUARANTEE, 5_000, status="approved", secures=bank)
    _db_refuses(
        FinancingLine.objects.filter(pk=guarantee.pk), status="disbursed", amount_disbursed=D("1")
    )


def test_the_database_refuses_negative_needs(plan):
    _db_refuses(FinancingPlan.objects.filter(pk=plan.pk), other_needs=D("-0.01"))


def test_one_plan_per_case(plan, case):
    with pytest.raises(IntegrityError), transaction.atomic():
        FinancingPlan.objects.create(case=case)
