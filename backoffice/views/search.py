"""The global search of the header (keyboard shortcut "/")."""

from django.shortcuts import render

from backoffice.access import backoffice_view
from backoffice.selectors.lists import global_search


@backoffice_view
def search(request):
    term = request.GET.get("q", "").strip()[:100]
    context = {"term": term, "results": global_search(user=request.user, term=term)}
    context["empty"] = not any(context["results"].values())
    return render(request, "backoffice/search.html", context)
