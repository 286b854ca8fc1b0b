"""The pipeline board and its "voir plus" pages."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from backoffice.access import backoffice_view
from backoffice.query import positive_int
from backoffice.selectors import board
from transmission.choices import ACTIVE_STAGES


@backoffice_view
def pipeline(request):
    filters = board.BoardFilters.from_query(request.GET)
    today = timezone.localdate()
    context = {
        "columns": board.board_columns(user=request.user, filters=filters, today=today),
        "filters": filters,
        "choices": board.board_filter_choices(user=request.user),
        "query": request.GET.urlencode(),
        "nav": "board",
    }
    return render(request, "backoffice/board.html", context)


@backoffice_view
def pipeline_column(request, stage: str):
    """The next page of one column's cards (htmx "voir plus")."""
    if stage not in ACTIVE_STAGES:
        raise Http404
    page = positive_int(request.GET.get("page"), default=2)
    filters = board.BoardFilters.from_query(request.GET)
    today = timezone.localdate()
    cards, has_more = board.column_page(
        user=request.user, filters=filters, today=today, stage=stage, page=page
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "cards": cards,
        "has_more": has_more,
        "stage": stage,
        "next_page": page + 1,
        "query": query.urlencode(),
    }
    return render(request, "backoffice/_column_cards.html", context)
