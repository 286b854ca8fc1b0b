"""Supports to existing cooperatives: their list, their page, what it runs (the support's
transitions, its plan's needs and lines, the lines' decisions), and opening one from the
cooperative's page."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice import workflow_forms
from backoffice.access import backoffice_view, is_director
from backoffice.forms import LineAddForm, PlanNeedsForm, ReassignForm, SupportOpenForm, run_service
from backoffice.selectors import lists as list_selectors
from backoffice.selectors import supports as selectors
from backoffice.views.common import (
    UNPROCESSABLE,
    done_redirect,
    line_transition_response,
    transition_form_response,
)
from backoffice.views.lists import list_page, organisation_context
from crm.models import Organisation
from financement import services
from financement.models import FinancingLine, SupportRequest


def support_or_404(user, pk: int) -> SupportRequest:
    """The support if it is in the user's territory; the French 404 otherwise (never a hint)."""
    try:
        return selectors.support_page_get(user=user, pk=pk)
    except SupportRequest.DoesNotExist:
        raise Http404(_("No such support.")) from None


@backoffice_view
def support_list(request):
    open_only = request.GET.get("ouverts", "1") == "1"
    rows = selectors.support_rows(user=request.user, open_only=open_only)
    return list_page(request, "backoffice/support_list.html", rows, "supports", open_only=open_only)


def _page_context(request, support, **overrides) -> dict:
    user = request.user
    plan, lines = selectors.support_plan(user=user, support=support)
    may_work = workflow_forms.may_work_on_support(support, user)
    # A granted or dropped support's plan is its record: no more drafting (reopen it first).
    may_draft = may_work and support.is_open
    context = {
        "support": support,
        "transitions": workflow_forms.support_transitions(support, user),
        "plan": plan,
        "lines": [(line, workflow_forms.line_transitions(line, user)) for line in lines],
        "history": [
            (change, workflow_forms.support_transition_label(change.transition))
            for change in selectors.support_history(user=user, support=support)
        ],
        "may_work": may_work,
        "plan_form": PlanNeedsForm(
            initial={
                "price_or_investment": plan.price_or_investment,
                "working_capital": plan.working_capital,
                "other_needs": plan.other_needs,
            }
        )
        if may_draft
        else None,
        "line_form": LineAddForm() if may_draft else None,
        "reassign_form": ReassignForm(holder=support) if is_director(user) else None,
        "nav": "supports",
    }
    context.update(overrides)
    return context


@backoffice_view
def support_detail(request, pk: int):
    support = support_or_404(request.user, pk)
    return render(request, "backoffice/support_detail.html", _page_context(request, support))


def _done(request, support, label):
    return done_redirect(request, reverse("backoffice:support", args=[support.pk]), label)


@backoffice_view
def support_transition(request, pk: int, name: str):
    support = support_or_404(request.user, pk)
    if not workflow_forms.support_transition_exists(name):
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = workflow_forms.SupportTransitionForm(data, support=support, name=name)
    if request.method == "POST" and workflow_forms.run_support_transition(form, user=request.user):
        return _done(request, support, form.label)
    action = reverse("backoffice:support_transition", args=[support.pk, name])
    return transition_form_response(request, {"support": support, "form": form, "action": action})


@backoffice_view
def support_line_transition(request, pk: int, line_pk: int, name: str):
    support = support_or_404(request.user, pk)
    try:
        line = selectors.line_of_support_get(user=request.user, support=support, pk=line_pk)
    except FinancingLine.DoesNotExist:
        raise Http404 from None
    return line_transition_response(
        request,
        holder={"support": support},
        line=line,
        name=name,
        action=reverse("backoffice:support_line_transition", args=[support.pk, line.pk, name]),
        done=lambda label: _done(request, support, label),
    )


def _refused_page(request, support, **forms_):
    return render(
        request,
        "backoffice/support_detail.html",
        _page_context(request, support, **forms_),
        status=UNPROCESSABLE,
    )


def _draft(request, pk: int, form_class, form_name: str, service, message):
    """A change to the support's plan (its needs, a new line) through ``service(plan, data)``:
    back to the plan when done, the page with the form's refusals otherwise."""
    support = support_or_404(request.user, pk)
    plan, _lines = selectors.support_plan(user=request.user, support=support)
    form = form_class(request.POST)
    if not run_service(form, lambda data: service(plan=plan, by=request.user, **data)):
        return _refused_page(request, support, **{form_name: form})
    messages.success(request, message)
    return redirect(reverse("backoffice:support", args=[support.pk]) + "#plan-title")


@require_POST
@backoffice_view
def support_plan(request, pk: int):
    """The needs of the support's plan."""
    return _draft(
        request,
        pk,
        PlanNeedsForm,
        "plan_form",
        services.financing_plan_update,
        _("The needs have been saved."),
    )


@require_POST
@backoffice_view
def support_line_add(request, pk: int):
    return _draft(
        request,
        pk,
        LineAddForm,
        "line_form",
        services.financing_line_create,
        _("The financing line has been added."),
    )


@require_POST
@backoffice_view
def support_reassign(request, pk: int):
    support = support_or_404(request.user, pk)
    form = ReassignForm(request.POST, holder=support)
    if not run_service(
        form,
        lambda data: services.support_request_reassign(
            support=support, by=request.user, officer=data["officer"]
        ),
    ):
        return _refused_page(request, support, reassign_form=form)
    messages.success(request, _("The support has been reassigned."))
    return redirect("backoffice:support", pk=support.pk)


@require_POST
@backoffice_view
def support_open(request, pk: int):
    """A support asked for from the cooperative's page."""
    try:
        organisation = list_selectors.organisation_get(user=request.user, pk=pk)
    except Organisation.DoesNotExist:
        raise Http404(_("No such organisation.")) from None
    form = SupportOpenForm(request.POST)
    opened = []
    done = run_service(
        form,
        lambda data: opened.append(
            services.support_request_open(
                organisation=organisation, by=request.user, **form.service_data()
            )
        ),
    )
    if not done:
        return render(
            request,
            "backoffice/organisation_detail.html",
            organisation_context(request, organisation, support_form=form),
            status=UNPROCESSABLE,
        )
    messages.success(request, _("The support request has been opened."))
    return redirect("backoffice:support", pk=opened[0].pk)
