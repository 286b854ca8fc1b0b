"""Lists of cases, organisations and people, their CSV/XLSX exports, the organisation page."""

import tablib
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from backoffice.access import backoffice_view, works_on_cases
from backoffice.forms import SupportOpenForm
from backoffice.query import positive_int
from backoffice.selectors import lists, supports
from backoffice.selectors.staff import visible_officers
from crm.models import ContactRole, Organisation
from transmission import selectors as case_selectors
from transmission.choices import CaseKind, CaseTag, Stage

PAGE_SIZE = 50
# An export is the filtered list, not a dump of the database.
EXPORT_LIMIT = 10_000
EXPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def _date(value) -> str:
    return date_format(value, "d/m/Y") if value else ""


def _export(rows, headers: list[str], name: str, export_format: str) -> HttpResponse:
    content_type, extension = EXPORT_FORMATS[export_format]
    dataset = tablib.Dataset(*rows, headers=headers)
    body = dataset.export(export_format)
    if export_format == "csv":
        # A byte-order mark so that spreadsheet software reads the accents right.
        body = "\ufeff" + body
    response = HttpResponse(body, content_type=content_type)
    stamp = timezone.localdate().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{extension}"'
    return response


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def list_page(request, template: str, rows, nav: str, **extra):
    """One page of a filtered list, with the links that keep its filters (pages, sort, export)."""
    context = {
        "page": _page(request, rows),
        "query": _query_without(request, "page"),
        "sort_query": _query_without(request, "page", "tri"),
        "export_query": _query_without(request, "page", "export"),
        "nav": nav,
        **extra,
    }
    return render(request, template, context)


@backoffice_view
def case_list(request):
    get = request.GET
    cases = lists.case_rows(
        user=request.user,
        term=get.get("q", ""),
        stage=get.get("etape", "") if get.get("etape", "") in Stage.values else "",
        kind=get.get("type", "") if get.get("type", "") in CaseKind.values else "",
        officer_id=positive_int(get.get("charge")),
        open_only=get.get("ouverts") == "1",
        sort=get.get("tri", ""),
        tag=get.get("etiquette", "") if get.get("etiquette", "") in CaseTag.values else "",
    )
    export_format = get.get("export", "")
    if export_format in EXPORT_FORMATS:
        rows = [
            (
                case.reference,
                case.organisation.name,
                case.organisation.siren or "",
                case.organisation.city,
                case.get_kind_display(),
                case.get_stage_display(),
                str(case.assigned_officer) if case.assigned_officer else "",
                case.jobs_at_stake if case.jobs_at_stake is not None else "",
                case.next_action,
                _date(case.next_action_on),
                _date(timezone.localdate(case.created_at)),
            )
            for case in cases[:EXPORT_LIMIT]
        ]
        headers = [
            _("reference"),
            _("organisation"),
            _("SIREN"),
            _("city"),
            _("kind"),
            _("stage"),
            _("assigned officer"),
            _("jobs at stake"),
            _("next action"),
            _("next action on"),
            _("created on"),
        ]
        return _export(rows, headers, "dossiers", export_format)
    return list_page(
        request,
        "backoffice/case_list.html",
        cases,
        "cases",
        stages=Stage.choices,
        kinds=CaseKind.choices,
        tags=CaseTag.choices,
        officers=visible_officers(request.user),
        today=timezone.localdate(),
    )


@backoffice_view
def organisation_list(request):
    get = request.GET
    organisations = lists.organisation_rows(
        user=request.user,
        term=get.get("q", ""),
        departement=get.get("departement", "")[:3],
        sort=get.get("tri", ""),
    )
    export_format = get.get("export", "")
    if export_format in EXPORT_FORMATS:
        rows = [
            (o.name, o.siren or "", o.naf_code, o.postal_code, o.city, o.case_count)
            for o in organisations[:EXPORT_LIMIT]
        ]
        headers = [
            _("name"),
            _("SIREN"),
            _("NAF code"),
            _("postal code"),
            _("city"),
            _("open cases"),
        ]
        return _export(rows, headers, "organisations", export_format)
    return list_page(request, "backoffice/organisation_list.html", organisations, "organisations")


def organisation_context(request, organisation, **overrides) -> dict:
    """The organisation page; an active cooperative's shows its supports, and the form to ask
    for one to the officers and directors (the service decides whose UR it is)."""
    user = request.user
    is_cooperative = organisation.is_active_cooperative
    context = {
        "organisation": organisation,
        "cases": lists.organisation_cases(user=user, organisation=organisation),
        "people": lists.organisation_people(user=user, organisation=organisation),
        "members": case_selectors.cooperative_members_summary(organisation),
        "supports": supports.organisation_supports(user=user, organisation=organisation)
        if organisation.is_cooperative
        else None,
        "support_form": SupportOpenForm() if is_cooperative and works_on_cases(user) else None,
        "nav": "organisations",
    }
    context.update(overrides)
    return context


@backoffice_view
def organisation_detail(request, pk: int):
    try:
        organisation = lists.organisation_get(user=request.user, pk=pk)
    except Organisation.DoesNotExist:
        raise Http404(_("No such organisation.")) from None
    return render(
        request, "backoffice/organisation_detail.html", organisation_context(request, organisation)
    )


@backoffice_view
def person_list(request):
    get = request.GET
    role = get.get("role", "")
    people = lists.person_rows(
        user=request.user,
        term=get.get("q", ""),
        role=role if role in ContactRole.values else "",
        sort=get.get("tri", ""),
    )
    export_format = get.get("export", "")
    if export_format in EXPORT_FORMATS:
        rows = [
            (
                p.last_name,
                p.first_name,
                p.get_role_display(),
                p.email,
                p.phone,
                p.organisation.name if p.organisation else "",
            )
            for p in people[:EXPORT_LIMIT]
        ]
        headers = [
            _("last name"),
            _("first name"),
            _("role"),
            _("email"),
            _("phone"),
            _("organisation"),
        ]
        return _export(rows, headers, "personnes", export_format)
    return list_page(
        request, "backoffice/person_list.html", people, "people", roles=ContactRole.choices
    )
