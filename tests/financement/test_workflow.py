"""financing_line_decide: the status × transition matrix, guards, permissions, decision records."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation

from financement import services, workflow
from financement.choices import LineStatus
from financement.models import LineDecision
from tests.financement.factories import (
    BANK_LOAN,
    MOVEMENT_GUARANTEE,
    MOVEMENT_LOAN,
    line_in,
    session_in,
)

pytestmark = pytest.mark.django_db
D = Decimal

# The whole workflow, written out by hand (not read from workflow.TRANSITIONS).
EXPECTED = {
    "request": ({"planned"}, "requested"),
    "approve": ({"requested"}, "approved"),
    "decline": ({"requested"}, "declined"),
    "withdraw": ({"planned", "requested"}, "withdrawn"),
    "disburse": ({"approved"}, "disbursed"),
    "repay": ({"disbursed"}, "repaid"),
    "write_off": ({"disbursed"}, "written_off"),
}


def test_the_table_matches_the_specification():
    assert {
        name: (set(spec.sources), spec.target) for name, spec in workflow.TRANSITIONS.items()
    } == EXPECTED


def _actor(team, name):
    return team["officer"] if name in ("request", "withdraw") else team["finance"]


def _data(team, name):
    if name in ("approve", "decline"):
        return {"committee_session": session_in(team["ouest"])}
    return {}


@pytest.mark.parametrize("status", list(LineStatus))
@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_status_transition_pair(team, plan, status, name):
    line = line_in(plan, MOVEMENT_LOAN, 10_000, status=status)
    sources, target = EXPECTED[name]
    if status in sources:
        services.financing_line_decide(
            line=line, name=name, by=_actor(team, name), **_data(team, name)
        )
        assert line.status == target
        record = line.decisions.get()
        assert (record.transition, record.source_status, record.target_status) == (
            name,
            status,
            target,
        )
        assert record.by == _actor(team, name)
    else:
        with translation.override("fr"), pytest.raises(services.LineDecisionRefused) as refused:
            services.financing_line_decide(
                line=line, name=name, by=_actor(team, name), **_data(team, name)
            )
        assert "n'est pas possible" in refused.value.reasons[0]
        line.refresh_from_db()
        assert line.status == status
        assert not line.decisions.exists()


def test_approval_sets_committed_date_and_session(team, plan):
    line = line_in(plan, MOVEMENT_LOAN, 40_000, status="requested")
    held_on = timezone.localdate() - datetime.timedelta(days=2)
    session = session_in(team["ouest"], held_on)
    services.financing_line_decide(
        line=line,
        name="approve",
        by=team["finance_ouest"],
        committee_session=session,
        amount_committed=D("35000"),
        comment="Accord partiel",
    )
    assert (line.amount_committed, line.decision_on, line.committee_session) == (
        D("35000.00"),
        held_on,
        session,
    )
    record = line.decisions.get()
    assert record.committee_session == session
    assert record.comment == "Accord partiel"
    assert record.data["amount_committed"] == "35000"
    assert record.data["committee_session"] == session.pk


def test_approval_defaults_to_the_amount_requested_and_disbursement_to_the_commitment(team, plan):
    line = line_in(plan, BANK_LOAN, 80_000, status="requested")
    services.financing_line_decide(line=line, name="approve", by=team["officer"])
    assert (line.amount_committed, line.decision_on) == (D("80000"), timezone.localdate())
    services.financing_line_decide(line=line, name="disburse", by=team["officer"])
    assert (line.status, line.amount_disbursed) == ("disbursed", D("80000"))


def test_a_refusal_lists_every_missing_item_in_french_and_names_the_field(team, plan):
    line = line_in(plan, MOVEMENT_LOAN, 10_000, status="requested")
    with translation.override("fr"), pytest.raises(services.LineDecisionRefused) as refused:
        services.financing_line_decide(
            line=line,
            name="approve",
            by=team["finance"],
            amount_committed=D("12000"),
            decision_on=timezone.localdate() + datetime.timedelta(days=3),
        )
    reasons = refused.value.reasons
    assert len(reasons) == 3
    assert reasons[0].startswith("Le montant accordé (12")
    assert "ne peut pas dépasser le montant demandé" in reasons[0]
    assert "La date de décision ne peut pas être dans le futur." in reasons
    assert any("séance du comité" in reason for reason in reasons)
    line.refresh_from_db()
    assert (line.status, line.amount_committed) == ("requested", None)
    assert not LineDecision.objects.exists()


@pytest.mark.parametrize(
    ("name", "status", "data", "expected"),
    [
        ("approve", "requested", {"amount_committed": D("-5")}, "Le montant accordé"),
        ("approve", "requested", {"amount_committed": D("0")}, "Le montant accordé"),
        ("disburse", "approved", {"amount_disbursed": D("-1")}, "Le montant versé"),
        ("disburse", "approved", {"amount_disbursed": D("10000.01")}, "Le montant versé"),
    ],
)
def test_bad_amounts_are_refused_naming_the_field(team, plan, name, status, data, expected):
    line = line_in(plan, BANK_LOAN, 10_000, status=status)
    with translation.override("fr"), pytest.raises(services.LineDecisionRefused) as refused:
        services.financing_line_decide(line=line, name=name, by=team["officer"], **data)
    assert refused.value.reasons[0].startswith(expected)


def test_a_guarantee_is_never_disbursed(team, plan):
    bank = line_in(plan, BANK_LOAN, 100_000, status="approved")
    guarantee = line_in(plan, MOVEMENT_GUARANTEE, 50_000, status="approved", secures=bank)
    with translation.override("fr"), pytest.raises(services.LineDecisionRefused) as refused:
        services.financing_line_decide(line=guarantee, name="disburse", by=team["finance"])
    assert "garantie" in refused.value.reasons[0]


def test_a_guarantee_of_a_declined_line_cannot_be_approved(team, plan):
    bank = line_in(plan, BANK_LOAN, 100_000, status="declined")
    guarantee = line_in(plan, MOVEMENT_GUARANTEE, 50_000, status="requested", secures=bank)
    with pytest.raises(services.LineDecisionRefused):
        services.financing_line_decide(
            line=guarantee,
            name="approve",
            by=team["finance"],
            committee_session=session_in(team["ouest"]),
        )


def test_a_session_of_another_ur_is_refused(team, plan):
    line = line_in(plan, MOVEMENT_LOAN, 10_000, status="requested")
    with translation.override("fr"), pytest.raises(services.LineDecisionRefused) as refused:
        services.financing_line_decide(
            line=line, name="approve", by=team["finance"], committee_session=session_in(team["ara"])
        )
    assert refused.value.reasons == [
        "La séance du comité relève d'une autre union régionale que le dossier."
    ]


def test_unknown_transition_and_unexpected_input_are_errors(team, plan):
    line = line_in(plan, BANK_LOAN, 10_000, status="requested")
    with pytest.raises(services.UnknownLineTransition):
        services.financing_line_decide(line=line, name="cancel", by=team["officer"])
    with pytest.raises(services.UnexpectedLineInput):
        services.financing_line_decide(line=line, name="decline", by=team["officer"], status="x")


def test_a_stale_copy_gets_a_conflict(team, plan):
    line = line_in(plan, BANK_LOAN, 10_000, status="requested")
    stale = type(line).objects.get(pk=line.pk)
    services.financing_line_decide(line=line, name="withdraw", by=team["officer"])
    with pytest.raises(services.LineConflict):
        services.financing_line_decide(line=stale, name="approve", by=team["officer"])


# --- Who decides ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "who", "allowed", "message"),
    [
        (MOVEMENT_LOAN, "finance", True, None),
        (MOVEMENT_LOAN, "finance_ouest", True, None),
        (MOVEMENT_LOAN, "finance_ara", False, "autre union régionale"),
        (MOVEMENT_LOAN, "officer", False, "chargé·e des outils financiers"),
        (MOVEMENT_LOAN, "director", False, "chargé·e des outils financiers"),
        (BANK_LOAN, "officer", True, None),
        (BANK_LOAN, "director", True, None),
        (BANK_LOAN, "other_officer", False, "enregistrent la décision d'un partenaire"),
        (BANK_LOAN, "finance", False, "enregistrent la décision d'un partenaire"),
        (BANK_LOAN, "officer_ara", False, "autre union régionale"),
        (BANK_LOAN, "director_ara", False, "autre union régionale"),
        (BANK_LOAN, "board", False, "enregistrent la décision d'un partenaire"),
    ],
)
def test_who_may_approve(team, plan, code, who, allowed, message):
    line = line_in(plan, code, 10_000, status="requested")
    data = {"committee_session": session_in(team["ouest"])} if code == MOVEMENT_LOAN else {}
    if allowed:
        services.financing_line_decide(line=line, name="approve", by=team[who], **data)
        assert line.status == "approved"
        return
    with translation.override("fr"), pytest.raises(services.LineDecisionForbidden) as refused:
        services.financing_line_decide(line=line, name="approve", by=team[who], **data)
    assert isinstance(refused.value, PermissionDenied)
    assert message in refused.value.reasons[0]
    line.refresh_from_db()
    assert line.status == "requested"


def test_requesting_is_the_applicants_job(team, plan):
    line = line_in(plan, MOVEMENT_LOAN, 10_000)
    with pytest.raises(services.LineDecisionForbidden):
        services.financing_line_decide(line=line, name="request", by=team["finance"])
    services.financing_line_decide(line=line, name="request", by=team["director"])
    assert line.status == "requested"


# --- Decision records ---------------------------------------------------------------------------


def test_decision_records_cannot_be_changed_or_deleted(team, plan):
    line = line_in(plan, BANK_LOAN, 10_000, status="requested")
    services.financing_line_decide(line=line, name="decline", by=team["officer"])
    record = line.decisions.get()
    record.comment = "rewritten"
    with pytest.raises(PermissionDenied):
        record.save()
    with pytest.raises(PermissionDenied):
        record.delete()
    with pytest.raises(PermissionDenied):
        LineDecision.objects.filter(pk=record.pk).update(comment="x")
    with pytest.raises(PermissionDenied):
        LineDecision.objects.filter(pk=record.pk).delete()


def test_the_database_refuses_to_rewrite_a_decision(team, plan):
    line = line_in(plan, BANK_LOAN, 10_000, status="requested")
    services.financing_line_decide(line=line, name="decline", by=team["officer"])
    record = line.decisions.get()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE financement_linedecision SET comment = 'x' WHERE id = %s", [record.pk]
        )


def test_the_status_cannot_be_assigned(plan):
    line = line_in(plan, BANK_LOAN, 10_000)
    with pytest.raises(AttributeError):
        line.status = "approved"


# --- The engine shared with the case workflow ----------------------------------------------------


def test_each_guard_runs_once_per_decision(team, plan, monkeypatch):
    calls = []
    real = workflow.GUARDS["approve"][0]

    def counted(line, ctx):
        calls.append(line.pk)
        return real(line, ctx)

    monkeypatch.setitem(workflow.GUARDS, "approve", [counted])
    line = line_in(plan, BANK_LOAN, 10_000, status="requested")
    services.financing_line_decide(line=line, name="approve", by=team["officer"])
    assert calls == [line.pk]
    assert line.status == "approved"


def test_a_decision_bumps_the_version_and_a_stale_version_conflicts(team, plan):
    line = line_in(plan, BANK_LOAN, 10_000, status="approved")
    stale = type(line).objects.get(pk=line.pk)
    services.financing_line_decide(line=line, name="disburse", by=team["officer"])
    assert (line.status, line.version) == ("disbursed", 1)
    stale.refresh_from_db()
    stale.version = 0  # what the user saw
    with pytest.raises(services.LineConflict) as conflict:
        services.financing_line_decide(line=stale, name="repay", by=team["officer"])
    assert isinstance(conflict.value, services.LineDecisionRefused)
    line.refresh_from_db()
    assert (line.status, line.version) == ("disbursed", 1)


def test_refusals_name_their_fields(team, plan):
    line = line_in(plan, MOVEMENT_LOAN, 10_000, status="requested")
    with pytest.raises(services.LineDecisionRefused) as refused:
        services.financing_line_decide(
            line=line, name="approve", by=team["finance"], amount_committed=D("12000")
        )
    assert set(refused.value.field_errors) == {"amount_committed", "committee_session"}


def test_allowed_means_permitted_and_unblocked(team, plan):
    line = line_in(plan, MOVEMENT_LOAN, 10_000, status="requested")
    items = {
        item.name: item
        for item in workflow.LINE_WORKFLOW.available_transitions(line, team["finance"])
    }
    # The finance officer may approve, but not as the line stands: no committee session yet.
    assert items["approve"].permitted and not items["approve"].allowed
    with translation.override("fr"):
        items = {
            item.name: item
            for item in workflow.LINE_WORKFLOW.available_transitions(line, team["finance"])
        }
    assert any("séance du comité" in reason for reason in items["approve"].reasons)
    assert items["withdraw"].permitted and items["withdraw"].allowed
    officer_items = workflow.LINE_WORKFLOW.available_transitions(line, team["officer"])
    assert {item.name for item in officer_items if item.permitted} == {"withdraw"}
