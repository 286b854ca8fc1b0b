"""Helpers shared by the back office's views."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from backoffice import workflow_forms
from backoffice.selectors.case_page import case_page_get
from transmission.models import Case

# Refused input comes back with its errors: 422 for a whole page; an htmx fragment comes
# with 200, since browsers report every 4xx as a console error and the swap is the answer.
UNPROCESSABLE = 422


def refused_status(request) -> int:
    return 200 if request.htmx else UNPROCESSABLE


def case_or_404(user, pk: int) -> Case:
    """The case if it is in the user's territory; the French 404 otherwise (never a hint)."""
    try:
        return case_page_get(user=user, pk=pk)
    except Case.DoesNotExist:
        raise Http404(_("No such case.")) from None


def fragment_or_page(request, fragment: str, page: str, context: dict, status: int = 200):
    """The fragment for htmx requests, the whole page (which includes it) otherwise."""
    template = fragment if request.htmx else page
    return render(request, template, context, status=status)


def done_redirect(request, url: str, label: str):
    """Back to ``url`` with "Done: <label>." (htmx follows ``HX-Redirect`` from a modal)."""
    messages.success(request, _("Done: %(label)s.") % {"label": label})
    if request.htmx:
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def transition_form_response(request, context: dict):
    """A transition's form, in the modal (htmx) or on its own page; 422 once a POST was
    refused (the form then carries the reasons)."""
    status = refused_status(request) if request.method == "POST" else 200
    return fragment_or_page(
        request,
        "backoffice/_transition_form.html",
        "backoffice/transition_page.html",
        context,
        status,
    )


def line_transition_response(request, *, holder: dict, line, name: str, action: str, done):
    """A financing line's decision, for the plan of a case or of a support: 404 for a
    decision the line cannot take (or the user may not make), else its form; ``done`` answers
    a decision taken (``holder``: the template's name for the plan's holder, and it)."""
    if name not in {option.name for option in workflow_forms.line_transitions(line, request.user)}:
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = workflow_forms.LineTransitionForm(data, line=line, name=name, user=request.user)
    if request.method == "POST" and workflow_forms.run_line_transition(form, user=request.user):
        return done(form.label)
    return transition_form_response(
        request, {**holder, "line": line, "form": form, "action": action}
    )
