"""Helpers shared by the back office's views."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from backoffice.selectors.case_page import case_page_get
from transmission.models import Case

# Refused input comes back with its errors; htmx swaps this status (see the layout's config).
UNPROCESSABLE = 422


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
