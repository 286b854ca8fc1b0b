"""The back office's one door to the workflows (cases, financing lines, supports).

Everything the screens need from ``transmission.workflow`` / ``financement.workflow`` and
their services goes through here: which transitions a user sees, the form a transition
collects (its inputs for the case's kind, pre-filled with the stored values), running it, and
turning its refusal into form errors: the engine's reasons are structured (``field``,
``message``) and each lands on the field it names.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.forms import FrenchDecimalField
from crm.form_errors import add_refusal, stored_values
from crm.workflow_engine.reasons import as_reasons
from financement import services as line_services
from financement import support_workflow
from financement import workflow as line_workflow
from financement.models import FinancingLine, SupportRequest
from financement.selectors import committee_session_list
from transmission import services as case_services
from transmission import workflow as case_workflow
from transmission.models import Case


@dataclass(frozen=True)
class TransitionOption:
    """A transition as a screen offers it: a button, enabled or not, and why not."""

    name: str
    label: str
    allowed: bool
    reasons: list[str]
    target_stage: str | None = None
    # False when the user may not run it at all (not merely missing data): no form is offered.
    permitted: bool = True


def case_transitions(case: Case, user) -> list[TransitionOption]:
    """The transitions starting from the case's stage, for ``user``, with what blocks each."""
    return [
        TransitionOption(
            name=item.name,
            label=item.label,
            allowed=item.allowed,
            reasons=[str(reason) for reason in item.reasons],
            target_stage=case_workflow.TRANSITIONS[item.name].target,
            permitted=case_workflow.permission_refusal(case, item.name, user) is None,
        )
        for item in case_workflow.available_transitions(case, user)
    ]


def may_work_on_case(case: Case, user) -> bool:
    """The assigned officer or a director of the case's UR: they add tasks and change it."""
    return case_workflow.is_director_of(user, case) or case_workflow.is_assigned_officer(user, case)


def case_transition_exists(name: str) -> bool:
    return name in case_workflow.TRANSITIONS


def case_transition_label(name: str) -> str:
    """The French label of a transition name found in the history, never its code (the
    workflow's own labels; the first row reads "Case opened" on these screens)."""
    if name == "create":
        return str(_("Case opened"))
    return case_workflow.CASE_WORKFLOW.history_label(name)


def case_transition_to_stage(case: Case, stage: str) -> str | None:
    """The transition that moves the case from its stage to ``stage`` (a card dropped on a
    column); None when no single transition does."""
    for name, spec in case_workflow.TRANSITIONS.items():
        if case.stage in spec.sources and spec.target == stage:
            return name
    return None


def line_transitions(line: FinancingLine, user) -> list[TransitionOption]:
    return [
        TransitionOption(
            name=item.name,
            label=item.label,
            allowed=item.allowed,
            reasons=list(item.reasons),
            permitted=item.permitted,
        )
        for item in line_workflow.LINE_WORKFLOW.available_transitions(line, user)
    ]


def line_transition_label(name: str) -> str:
    return line_workflow.LINE_WORKFLOW.history_label(name)


def support_transitions(support: SupportRequest, user) -> list[TransitionOption]:
    return [
        TransitionOption(
            name=item.name,
            label=item.label,
            allowed=item.allowed,
            reasons=list(item.reasons),
            target_stage=support_workflow.TRANSITIONS[item.name].target,
            permitted=item.permitted,
        )
        for item in support_workflow.SUPPORT_WORKFLOW.available_transitions(support, user)
    ]


def support_transition_exists(name: str) -> bool:
    return name in support_workflow.TRANSITIONS


def support_transition_label(name: str) -> str:
    """The French label of a support history row's transition ("Opened" for the first)."""
    return support_workflow.SUPPORT_WORKFLOW.history_label(name)


def may_work_on_support(support: SupportRequest, user) -> bool:
    """Its assigned officer or a director of its UR (the people who work on a case)."""
    return case_workflow.works_on_case(user, support)


# --- Forms ---------------------------------------------------------------------------------


class WorkflowForm(forms.Form):
    """Inputs of one transition, a comment, and the version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def _add_inputs(self, model, names: list[str], instance) -> None:
        # Amounts are typed the French way ("12 000,50"), as on every other form here.
        decimals = {
            name: FrenchDecimalField
            for name in names
            if isinstance(model._meta.get_field(name), models.DecimalField)
        }
        fields = forms.fields_for_model(model, fields=names, field_classes=decimals)
        for field_name in names:
            field = fields[field_name]
            # The guards say what is missing, in French and all at once: no generic "required".
            field.required = False
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            self.fields[field_name] = field
        # What the case (or line) already holds is shown: the user completes, never retypes.
        for field_name, value in stored_values(instance, names).items():
            self.initial.setdefault(field_name, value)

    def _add_comment(self) -> None:
        self.fields["comment"] = forms.CharField(
            label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
        )

    def input_data(self) -> dict:
        skip = {"version", "comment"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}


class CaseTransitionForm(WorkflowForm):
    def __init__(self, *args, case: Case, name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.case, self.name = case, name
        self.label = case_transition_label(name)
        self.initial.setdefault("version", case.version)
        self._add_inputs(Case, case_workflow.input_fields(case, name), case)
        if case_workflow.COOPERATIVE_NAME in case_workflow.extra_inputs(name):
            self.fields[case_workflow.COOPERATIVE_NAME] = forms.CharField(
                label=_("name of the new cooperative (default: the company's)"),
                required=False,
                max_length=200,
            )
        if case_workflow.OVERRIDE_REASON in case_workflow.extra_inputs(name):
            self.fields[case_workflow.OVERRIDE_REASON] = forms.CharField(
                label=_("override reason (director, unbalanced plan)"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self._add_comment()


class LineTransitionForm(WorkflowForm):
    def __init__(self, *args, line: FinancingLine, name: str, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.line, self.name = line, name
        self.label = line_transition_label(name)
        self._add_inputs(FinancingLine, line_workflow.LINE_WORKFLOW.input_fields(line, name), line)
        if "committee_session" in self.fields:
            self.fields["committee_session"].queryset = committee_session_list(user=user).filter(
                # The plan's holder: a case or a support to a cooperative.
                regional_union_id=line.plan.holder.regional_union_id
            )
        self._add_comment()


class SupportTransitionForm(WorkflowForm):
    def __init__(self, *args, support: SupportRequest, name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.support, self.name = support, name
        self.label = support_transition_label(name)
        self.initial.setdefault("version", support.version)
        self._add_inputs(
            SupportRequest,
            support_workflow.SUPPORT_WORKFLOW.input_fields(support, name),
            support,
        )
        self._add_comment()


# --- Running a transition --------------------------------------------------------------------


def attach_reasons(form: forms.Form, reasons) -> None:
    """Each structured reason (``crm.workflow_engine.reasons.Reason``) on the field it names
    when the form shows that field, the others (and plain messages) on the whole form."""
    for reason in as_reasons(reasons):
        target = reason.field if reason.field in form.fields else None
        form.add_error(target, str(reason))


def _run(form, service, *, by, conflict, refused, **target):
    """Call the workflow service with the form's inputs; None with the form's errors set (a
    conflict on the whole form, each reason on its field, a permission or validation
    refusal as ``add_refusal`` places it)."""
    try:
        return service(
            **target,
            name=form.name,
            by=by,
            comment=form.cleaned_data.get("comment", ""),
            **form.input_data(),
        )
    except conflict as error:
        form.add_error(None, str(error))
    except refused as error:
        attach_reasons(form, error.refusals)
    except (PermissionDenied, ValidationError) as error:
        add_refusal(error, form)
    return None


def _with_version(obj, form):
    """The version the user read: the service refuses when the object moved since."""
    if form.cleaned_data.get("version") is not None:
        obj.version = form.cleaned_data["version"]
    return obj


def run_case_transition(form: CaseTransitionForm, *, user) -> Case | None:
    """Run the form's transition through the service; None with the form's errors set."""
    if not form.is_valid():
        return None
    return _run(
        form,
        case_services.case_transition,
        by=user,
        conflict=case_services.CaseConflict,
        refused=case_services.TransitionRefused,
        case=_with_version(form.case, form),
    )


def run_line_transition(form: LineTransitionForm, *, user) -> FinancingLine | None:
    if not form.is_valid():
        return None
    return _run(
        form,
        line_services.financing_line_decide,
        by=user,
        conflict=line_services.LineConflict,
        refused=line_services.LineDecisionRefused,
        line=form.line,
    )


def run_support_transition(form: SupportTransitionForm, *, user) -> SupportRequest | None:
    if not form.is_valid():
        return None
    return _run(
        form,
        line_services.support_request_transition,
        by=user,
        conflict=support_workflow.SupportConflict,
        refused=support_workflow.SupportTransitionRefused,
        support=_with_version(form.support, form),
    )
    support = form.support
    if form.cleaned_data.get("version") is not None:
        # The engine refuses when the support moved since the user opened the form.
        support.version = form.cleaned_data["version"]
    try:
        return line_services.support_request_transition(
            support=support,
            name=form.name,
            by=user,
            comment=form.cleaned_data.get("comment", ""),
            **form.input_data(),
        )
    except support_workflow.SupportConflict as conflict:
        form.add_error(None, str(conflict))
    except support_workflow.SupportTransitionRefused as refused:
        attach_reasons(form, refused.refusals)
    except (PermissionDenied, ValidationError) as error:
        add_refusal(error, form)
    return None
