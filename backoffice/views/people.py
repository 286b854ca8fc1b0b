"""Duplicate people: the groups found, and the merge of one into another."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.access import backoffice_view, works_on_cases
from backoffice.selectors.lists import duplicate_people
from backoffice.services import person_merge
from crm.models import Person
from crm.scoping import scope_queryset


@backoffice_view
def duplicates(request):
    context = {
        "groups": duplicate_people(user=request.user),
        "may_merge": works_on_cases(request.user),
        "nav": "people",
    }
    return render(request, "backoffice/duplicates.html", context)


@require_POST
@backoffice_view
def merge(request):
    people = scope_queryset(Person.objects.all(), request.user)
    try:
        kept = people.get(pk=int(request.POST.get("kept", "0")))
        duplicate = people.get(pk=int(request.POST.get("duplicate", "0")))
    except (Person.DoesNotExist, ValueError):
        raise Http404 from None
    try:
        person_merge(kept=kept, duplicate=duplicate, by=request.user)
    except (ValidationError, PermissionDenied) as refused:
        messages.error(request, " ".join(getattr(refused, "messages", [str(refused)])))
    else:
        messages.success(
            request,
            _("%(duplicate)s was merged into %(kept)s.") % {"duplicate": duplicate, "kept": kept},
        )
    return redirect("backoffice:duplicates")
