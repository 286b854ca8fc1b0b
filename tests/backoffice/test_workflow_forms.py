"""The adapter to the workflows: forms per transition and kind, reasons onto their fields."""

import pytest

from backoffice import workflow_forms
from tests.transmission.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "stage", "kind", "data", "field", "message"),
    [
        (
            "start_feasibility",
            "qualification",
            "takeover",
            {},
            "jobs_at_stake",
            "Le nombre d'emplois en jeu manque.",
        ),
        (
            "start_structuring",
            "feasibility",
            "takeover",
            {},
            "valuation",
            "La valorisation de l'entreprise manque.",
        ),
        (
            "start_structuring",
            "feasibility",
            "takeover",
            {},
            "owner_agreement_on",
            "La date de l'accord de principe du cédant manque.",
        ),
        (
            "start_structuring",
            "feasibility",
            "takeover_distress",
            {},
            "court_offer_deadline",
            "La date limite de dépôt des offres fixée par le tribunal manque.",
        ),
        (
            "put_on_hold",
            "feasibility",
            "creation",
            {},
            "review_on",
            "Un dossier en veille a besoin d'une date de réexamen.",
        ),
        ("abandon", "feasibility", "creation", {}, "abandon_reason", "Le motif d'abandon manque."),
        (
            "incorporate",
            "closing",
            "creation",
            {"cooperative_siren": "123456789"},
            "cooperative_siren",
            "Le SIREN « 123456789 » est invalide : sa clé de contrôle est fausse.",
        ),
    ],
)
def test_each_reason_lands_on_the_field_it_names(officer, name, stage, kind, data, field, message):
    case = CaseFactory(stage=stage, kind=kind, assigned_officer=officer)
    form = workflow_forms.CaseTransitionForm(
        {"version": case.version, **data}, case=case, name=name
    )
    assert workflow_forms.run_case_transition(form, user=officer) is None
    assert message in form.errors[field]


def test_a_reason_naming_no_field_goes_to_the_whole_form(officer):
    case = CaseFactory(stage="qualification", kind="takeover", assigned_officer=officer)
    form = workflow_forms.CaseTransitionForm(
        {"version": case.version}, case=case, name="start_structuring"
    )
    workflow_forms.run_case_transition(form, user=officer)
    assert any("diagnostic" in error for error in form.non_field_errors())


def test_the_form_is_prefilled_with_stored_values(officer, today):
    case = CaseFactory(
        stage="feasibility",
        kind="takeover",
        assigned_officer=officer,
        valuation="123456.00",
        owner_agreement_on=today,
    )
    form = workflow_forms.CaseTransitionForm(None, case=case, name="start_structuring")
    assert form.initial["valuation"] == case.valuation
    assert form.initial["owner_agreement_on"] == today


def test_labels_of_history_rows_are_french():
    assert workflow_forms.case_transition_label("create") == "Dossier ouvert"
    assert workflow_forms.case_transition_label("qualify") == "Qualifier"
    assert workflow_forms.case_transition_label("test_setup") == "Changement enregistré"


def test_the_transition_leading_to_a_column(officer):
    case = CaseFactory(stage="feasibility", assigned_officer=officer)
    assert workflow_forms.case_transition_to_stage(case, "structuring") == "start_structuring"
    assert workflow_forms.case_transition_to_stage(case, "on_hold") == "put_on_hold"
    assert workflow_forms.case_transition_to_stage(case, "closing") is None


def test_a_structured_reason_lands_on_its_field_whatever_its_words(officer):
    """The field comes from ``Reason.field``, not from words found in the message."""
    from crm.workflow_engine.reasons import Reason

    case = CaseFactory(stage="feasibility", kind="takeover", assigned_officer=officer)
    form = workflow_forms.CaseTransitionForm(
        {"version": case.version}, case=case, name="start_structuring"
    )
    assert form.is_valid()
    workflow_forms.attach_reasons(
        form,
        [
            Reason("valuation", "Texte sans aucun mot connu."),
            Reason("owner_agreement_on", "Les emplois en jeu et la valorisation : autre champ."),
            Reason("not_an_input_of_this_form", "Ailleurs."),
            Reason(None, "Pour tout le formulaire."),
        ],
    )
    assert form.errors["valuation"] == ["Texte sans aucun mot connu."]
    assert form.errors["owner_agreement_on"] == [
        "Les emplois en jeu et la valorisation : autre champ."
    ]
    assert "jobs_at_stake" not in form.errors
    assert form.non_field_errors() == ["Ailleurs.", "Pour tout le formulaire."]


def test_the_keyword_table_is_gone():
    assert not hasattr(workflow_forms, "_REASON_WORDS")
    assert not hasattr(workflow_forms, "_field_of_reason")
