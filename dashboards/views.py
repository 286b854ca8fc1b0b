"""Dashboard views: parse the filters, call the page's panels, render (thin by design)."""

from __future__ import annotations

from dataclasses import replace
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from config.routers import replica_reads
from dashboards.access import viewer_for
from dashboards.cache import (
    claim_forecast,
    computed_table,
    forecast_key,
    forecast_stale_seconds,
    last_forecast,
)
from dashboards.forms import DashboardFilterForm, EquityForm
from dashboards.pages import PAGES, Options, PageSpec, PanelSpec
from dashboards.pages.forecast import INTRO as FORECAST_INTRO
from dashboards.pages.forecast import METHOD as FORECAST_METHOD
from dashboards.pages.forecast import TITLE as FORECAST_TITLE
from dashboards.pages.forecast import draw_forecast, forecast_table, model_table
from dashboards.pages.money import window_start
from dashboards.tables import to_csv
from dashboards.tasks import compute_forecast

REPORT_WIDTH = 680  # px: the printable width of an A4 page with 15 mm margins
INDICATOR_DEFINITIONS = "docs/indicators.md"


def dashboard_access(view):
    """Anonymous → the login form; signed in without access → a French 403 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        viewer = viewer_for(request.user)
        if viewer is None:
            return render(request, "dashboards/forbidden.html", status=403)
        request.viewer = viewer
        # Dashboard pages only read: on the replica when one is configured.
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapper


def _page(slug: str) -> PageSpec:
    try:
        return PAGES[slug]
    except KeyError:
        raise Http404(_("No such dashboard.")) from None


def _forms(request, page: PageSpec):
    form = DashboardFilterForm(request.GET, viewer=request.viewer)
    equity_form = EquityForm(request.GET) if page.slug == "equite" else None
    valid = form.is_valid() & (equity_form is None or equity_form.is_valid())
    return form, equity_form, valid


def _options(equity_form, report: bool = False) -> Options:
    options = Options(geojson_url=static("dashboards/geo/departements.geojson"), report=report)
    if equity_form is not None:
        options.resource = equity_form.cleaned_data["resource"]
        options.level = equity_form.cleaned_data["level"]
    return options


def _query(form, equity_form, perimeter):
    query = form.query(perimeter.regional_union_id)
    window = equity_form.cleaned_data.get("window") if equity_form is not None else 0
    if window:
        query = replace(query, start=window_start(query.end, window))
    return query


def _scoped_queries(form, equity_form, perimeters) -> list:
    """``(perimeter, query)`` for each perimeter: one query per perimeter for the whole
    request, so that the panels of a page share what they compute alike
    (``DashboardQuery.shared_result``) and read one same "now"."""
    return [(perimeter, _query(form, equity_form, perimeter)) for perimeter in perimeters]


def _tables(page, panel, scoped, options, computed_at=None):
    """One table per perimeter (``scoped``: ``_scoped_queries``), small cells hidden where
    the perimeter asks for it. ``computed_at`` (a list) collects when each was computed."""
    tables = []
    for perimeter, query in scoped:
        table, at = computed_table(page, panel, query, options)
        if computed_at is not None:
            computed_at.append(at)
        tables.append((perimeter, table.suppress() if perimeter.suppress else table))
    return tables


def _blocks(page, panel, tables, options):
    blocks = []
    for index, (perimeter, table) in enumerate(tables):
        title = str(panel.title) if len(tables) == 1 else f"{panel.title} – {perimeter.label}"
        figures = panel.draw(table, options, title)
        if options.report:
            for figure in figures:
                figure["layout"]["width"] = REPORT_WIDTH
        blocks.append(
            {
                "perimeter": perimeter,
                "table": table,
                "headers": table.headers(),
                "rows": table.rows(),
                "rows_html": table.rows_html(),
                "figures": [
                    (f"fig-{page.slug}-{panel.slug}-{index}-{n}", figure)
                    for n, figure in enumerate(figures)
                ],
            }
        )
    return blocks


def _headlines(page, built: dict, perimeters) -> list[dict]:
    rows = []
    for label, slug, compute in page.headlines:
        tables = built.get(slug)
        if tables is None:
            continue
        rows.append({"label": str(label), "values": [(p.label, compute(t)) for p, t in tables]})
    return rows


def _common_context(request, form, perimeters, computed_at=()):
    now = timezone.localtime()
    oldest = timezone.localtime(min(computed_at)) if computed_at else now
    return {
        "pages": PAGES.values(),
        "form": form,
        "perimeters": perimeters,
        "suppressed": any(p.suppress for p in perimeters),
        "computed_at": date_format(oldest, "d/m/Y H:i"),
        "today": date_format(now, "d/m/Y"),
        "query_string": request.GET.urlencode(),
        "topojson_url": static("dashboards/geo/"),
        "applied": form.applied() if form.is_valid() else [],
    }


@dashboard_access
def home(request):
    return redirect("dashboards:page", slug="entonnoir")


@dashboard_access
def page(request, slug):
    spec = _page(slug)
    form, equity_form, valid = _forms(request, spec)
    context = {"page": spec, "equity_form": equity_form, **_common_context(request, form, [])}
    if not valid:
        return render(request, "dashboards/page.html", context, status=400)
    perimeters = request.viewer.perimeters(form.chosen_union())
    options = _options(equity_form)
    panels, built, computed_at = [], {}, []
    scoped = _scoped_queries(form, equity_form, perimeters)
    for panel in spec.panels:
        tables = _tables(spec, panel, scoped, options, computed_at)
        built[panel.slug] = tables
        csv_url = reverse("dashboards:csv", args=[spec.slug, panel.slug])
        blocks = _blocks(spec, panel, tables, options)
        panels.append({"spec": panel, "blocks": blocks, "csv_url": csv_url})
    context.update(_common_context(request, form, perimeters, computed_at))
    context.update(panels=panels, headlines=_headlines(spec, built, perimeters))
    return render(request, "dashboards/page.html", context)


@dashboard_access
def panel_csv(request, slug, panel):
    spec = _page(slug)
    try:
        panel_spec = spec.panel(panel)
    except KeyError:
        raise Http404(_("No such chart.")) from None
    form, equity_form, valid = _forms(request, spec)
    if not valid:
        errors = [str(e) for field in (form, equity_form) if field for e in field.errors.values()]
        return HttpResponse("\n".join(errors), status=400, content_type="text/plain; charset=utf-8")
    perimeters = request.viewer.perimeters(form.chosen_union())
    options = _options(equity_form)
    tables = _tables(spec, panel_spec, _scoped_queries(form, equity_form, perimeters), options)
    body = to_csv([(p.label, t) for p, t in tables], _("Perimeter"))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{slug}-{panel}-{day}.csv"'
    return response


@dashboard_access
def indicator_definitions(request):
    """The definitions of the economic-citizenship indicators (docs/indicators.md)."""
    try:
        text = (settings.BASE_DIR / INDICATOR_DEFINITIONS).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise Http404(_("No such page.")) from None
    return render(request, "dashboards/definitions.html", {"text": text, "pages": PAGES.values()})


@dashboard_access
def report(request):
    """The board report: headlines and main charts of every page, printable on A4."""
    form = DashboardFilterForm(request.GET, viewer=request.viewer)
    context = {"report": True, **_common_context(request, form, [])}
    if not form.is_valid():
        return render(request, "dashboards/report.html", context, status=400)
    perimeters = request.viewer.perimeters(form.chosen_union())
    options = _options(None, report=True)
    sections, computed_at = [], []
    scoped = _scoped_queries(form, None, perimeters)
    for spec in PAGES.values():
        wanted = {p.slug for p in spec.panels if p.in_report} | {h[1] for h in spec.headlines}
        built, panels = {}, []
        for panel in spec.panels:
            if panel.slug not in wanted:
                continue
            tables = _tables(spec, panel, scoped, options, computed_at)
            built[panel.slug] = tables
            if panel.in_report:
                panels.append({"spec": panel, "blocks": _blocks(spec, panel, tables, options)})
        sections.append(
            {"page": spec, "panels": panels, "headlines": _headlines(spec, built, perimeters)}
        )
    context.update(_common_context(request, form, perimeters, computed_at))
    context["sections"] = sections
    return render(request, "dashboards/report.html", context)


# --- The forecast page: the last background result, recomputed when stale ------------------


def _forecast_blocks(request, form, perimeters):
    """Per perimeter: its last forecast (or None) and whether one was enqueued now."""
    kind = form.cleaned_data.get("kind") or ""
    filiere = form.cleaned_data.get("filiere")
    found = []
    for perimeter in perimeters:
        args = (kind, filiere.pk if filiere else None, perimeter.regional_union_id)
        key = forecast_key(*args)
        result = last_forecast(key)
        stale = result is None or (
            (timezone.now() - result["computed_at"]).total_seconds() > forecast_stale_seconds()
        )
        if stale and claim_forecast(key):
            compute_forecast.enqueue(*args)
        found.append((perimeter, result))
    return found


def _forecast_tables(found, which):
    tables = []
    for perimeter, result in found:
        if result is None:
            continue
        table = forecast_table(result) if which == "prevision" else model_table(result)
        tables.append((perimeter, table.suppress() if perimeter.suppress else table))
    return tables


@dashboard_access
def forecast_page(request):
    form = DashboardFilterForm(request.GET, viewer=request.viewer)
    context = {
        "forecast_page": True,
        "title": FORECAST_TITLE,
        "intro": FORECAST_INTRO,
        "method": FORECAST_METHOD,
        **_common_context(request, form, []),
    }
    if not form.is_valid():
        return render(request, "dashboards/forecast.html", context, status=400)
    perimeters = request.viewer.perimeters(form.chosen_union())
    found = _forecast_blocks(request, form, perimeters)
    computed = [result["computed_at"] for _, result in found if result is not None]
    missing = [perimeter.label for perimeter, result in found if result is None]
    panels = []
    for slug, title in (
        ("prevision", _("Forecast and backtest")),
        ("modele", _("Estimated stages")),
    ):
        spec = PanelSpec(slug, title, None, None)
        tables = _forecast_tables(found, slug)
        blocks = []
        for index, (perimeter, table) in enumerate(tables):
            label = str(title) if len(tables) == 1 else f"{title} – {perimeter.label}"
            drawn = draw_forecast(table, label) if slug == "prevision" else []
            rows = table.rows()
            blocks.append(
                {
                    "perimeter": perimeter,
                    "table": table,
                    "headers": table.headers(),
                    "rows": rows,
                    "rows_html": table.rows_html(rows),
                    "figures": [
                        (f"fig-prevision-{slug}-{index}-{n}", f) for n, f in enumerate(drawn)
                    ],
                }
            )
        if blocks:
            csv_url = reverse("dashboards:forecast_csv", args=[spec.slug])
            panels.append({"spec": spec, "blocks": blocks, "csv_url": csv_url})
    context.update(_common_context(request, form, perimeters, computed))
    context.update(
        panels=panels,
        missing=missing,
        page={"slug": "prevision"},
        runs=[result["now"].runs for _, result in found if result is not None],
    )
    return render(request, "dashboards/forecast.html", context)


@dashboard_access
def forecast_csv(request, panel):
    if panel not in ("prevision", "modele"):
        raise Http404(_("No such chart."))
    form = DashboardFilterForm(request.GET, viewer=request.viewer)
    if not form.is_valid():
        errors = [str(e) for e in form.errors.values()]
        return HttpResponse("\n".join(errors), status=400, content_type="text/plain; charset=utf-8")
    perimeters = request.viewer.perimeters(form.chosen_union())
    tables = _forecast_tables(_forecast_blocks(request, form, perimeters), panel)
    body = to_csv([(p.label, t) for p, t in tables], _("Perimeter"))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="prevision-{panel}-{day}.csv"'
    return response
