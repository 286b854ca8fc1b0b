"""Plotly figures built from aggregated ``Table``s, as small JSON documents.

Figures use the empty "none" template (plotly's default template alone weighs ~10 KiB) and
French separators; plotly.js is loaded from static files and draws them (``charts.js``).
Hidden cells ("< 5") arrive as missing values: no bar or colour is drawn, and the hover text
and the table say "< 5".

The figures are written as the plain dicts plotly.js reads, not built as ``go.Figure``s:
plotly's Python objects validate every property on construction and again on ``to_json``,
which cost most of a dashboard page (issue 14, B5). The dicts are exactly what
``go.Figure(...).to_json()`` gave (tests/dashboards/test_figures.py checks each against
plotly's own validation), so plotly.js draws the same charts.
"""

from __future__ import annotations

from dashboards.tables import Table

PALETTE = [
    "#b3122e",
    "#1f5f8b",
    "#e0a526",
    "#3c8d5a",
    "#7a4f9a",
    "#d9622b",
    "#5b6770",
    "#1a9c9c",
    "#9c1a6b",
]
MAP_SCALE = [[0, "#f7e4e7"], [0.5, "#d9788a"], [1, "#7d0c20"]]


def _layout(title: str, **extra) -> dict:
    layout = {
        "template": "none",
        "title": {"text": title, "font": {"size": 14}},
        "separators": ", ",
        "margin": {"l": 60, "r": 20, "t": 40, "b": 60},
        "font": {"family": "system-ui, sans-serif", "size": 12},
        "legend": {"orientation": "h", "y": -0.2},
        "height": 360,
    }
    layout.update(extra)
    return layout


# What plotly makes of ``template="none"`` in a figure's JSON.
NONE_TEMPLATE = {"data": {"scatter": [{"type": "scatter"}]}}


def _figure(traces: list[tuple[str, dict]], layout: dict) -> dict:
    """A figure's JSON from (trace type, properties) pairs and a layout from ``_layout``.

    As plotly's serialisation does, unset (None) properties are left out and the template
    name becomes the template itself; traces' own lists may hold None (a gap)."""
    data = [
        {**{k: v for k, v in trace.items() if v is not None}, "type": kind}
        for kind, trace in traces
    ]
    layout = {k: v for k, v in layout.items() if v is not None}
    if layout.get("template") == "none":
        layout["template"] = NONE_TEMPLATE
    return {"data": data, "layout": layout}


def _bar(**properties) -> tuple[str, dict]:
    return ("bar", properties)


def _scatter(**properties) -> tuple[str, dict]:
    return ("scatter", properties)


def _choropleth(**properties) -> tuple[str, dict]:
    return ("choropleth", properties)


def bars(
    table: Table,
    *,
    x: str,
    y: str,
    group: str | None = None,
    title: str = "",
    horizontal: bool = False,
    stacked: bool = False,
    y_title: str = "",
    percent: bool = False,
) -> dict:
    traces = []
    labels = table.texts(x)
    values = table.values(y)
    texts = table.texts(y)
    groups = table.texts(group) if group else [""] * len(labels)
    order = list(dict.fromkeys(groups))
    for index, name in enumerate(order):
        rows = [i for i, g in enumerate(groups) if g == name]
        xs = [labels[i] for i in rows]
        ys = [values[i] for i in rows]
        if percent:
            ys = [None if v is None else 100 * v for v in ys]
        trace = {
            "name": name or str(table.column(y).label),
            "text": [texts[i] for i in rows],
            "textposition": "none",
            "marker": {"color": PALETTE[index % len(PALETTE)]},
            "showlegend": bool(group),
        }
        if horizontal:
            trace.update(
                x=ys,
                y=xs,
                orientation="h",
                hovertemplate="%{y} : %{text}<extra>%{fullData.name}</extra>",
            )
        else:
            trace.update(x=xs, y=ys, hovertemplate="%{x} : %{text}<extra>%{fullData.name}</extra>")
        traces.append(_bar(**trace))
    axis = {"title": {"text": str(y_title or table.column(y).label)}}
    if percent:
        axis["ticksuffix"] = " %"
    layout = _layout(title, barmode="stack" if stacked else "group")
    if horizontal:
        layout.update(xaxis=axis, yaxis={"automargin": True, "autorange": "reversed"})
        layout["height"] = max(360, 28 * len(dict.fromkeys(labels)) + 120)
        layout["margin"] = {"l": 220, "r": 20, "t": 40, "b": 60}
    else:
        layout.update(yaxis=axis, xaxis={"automargin": True})
    return _figure(traces, layout)


def lines(
    table: Table,
    *,
    x: str,
    y: str,
    group: str | None = None,
    title: str = "",
    y_title: str = "",
    percent: bool = False,
    shape: str = "linear",
) -> dict:
    traces = []
    # A text column (a year) is a category on the axis, not a number to interpolate.
    xs_all = table.texts(x) if table.column(x).kind == "text" else table.values(x)
    values = table.values(y)
    texts = table.texts(y)
    groups = table.texts(group) if group else [""] * len(xs_all)
    for index, name in enumerate(dict.fromkeys(groups)):
        rows = [i for i, g in enumerate(groups) if g == name]
        ys = [values[i] for i in rows]
        if percent:
            ys = [None if v is None else 100 * v for v in ys]
        traces.append(
            _scatter(
                x=[xs_all[i] for i in rows],
                y=ys,
                text=[texts[i] for i in rows],
                name=name or str(table.column(y).label),
                mode="lines+markers" if len(rows) < 40 else "lines",
                line={"color": PALETTE[index % len(PALETTE)], "shape": shape},
                hovertemplate="%{x} : %{text}<extra>%{fullData.name}</extra>",
                showlegend=bool(group),
            )
        )
    axis = {"title": {"text": str(y_title or table.column(y).label)}}
    if percent:
        axis["ticksuffix"] = " %"
    return _figure(
        traces, _layout(title, yaxis=axis, xaxis={"title": {"text": str(table.column(x).label)}})
    )


def lorenz(table: Table, *, title: str = "", x_title: str = "", y_title: str = "") -> dict:
    xs = [100 * v for v in table.values("population_share")]
    ys = [100 * v for v in table.values("resource_share")]
    traces = [
        _scatter(
            x=[0, 100],
            y=[0, 100],
            mode="lines",
            name="=",
            line={"color": "#9aa5ad", "dash": "dot"},
            hoverinfo="skip",
            showlegend=False,
        ),
        _scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"color": PALETTE[0]},
            showlegend=False,
            hovertemplate="%{x:.1f} % → %{y:.1f} %<extra></extra>",
        ),
    ]
    return _figure(
        traces,
        _layout(
            title,
            xaxis={"title": {"text": x_title}, "ticksuffix": " %", "range": [0, 100]},
            yaxis={"title": {"text": y_title}, "ticksuffix": " %", "range": [0, 100]},
        ),
    )


def departement_map(
    table: Table, *, geojson_url: str, value: str, title: str = "", colorbar: str = ""
) -> dict:
    """A choropleth of the départements from the shipped GeoJSON (fetched by URL, so the
    figure stays small), fitted to the shapes, with no base map. Hidden cells go in a grey
    trace so that every département is drawn."""
    codes = table.texts("code")
    names = table.texts("name")
    values = table.values(value)
    texts = table.texts(value)
    shown = [i for i, v in enumerate(values) if v is not None]
    hidden = [i for i, v in enumerate(values) if v is None]
    common = {
        "geojson": geojson_url,
        "featureidkey": "properties.code",
        "marker": {"line": {"color": "#ffffff", "width": 0.5}},
    }
    traces = [
        _choropleth(
            locations=[codes[i] for i in shown],
            z=[values[i] for i in shown],
            text=[f"{names[i]} : {texts[i]}" for i in shown],
            hovertemplate="%{text}<extra></extra>",
            colorscale=MAP_SCALE,
            zmin=0,
            zmid=100,
            colorbar={"title": {"text": colorbar}, "thickness": 12},
            **common,
        )
    ]
    if hidden:
        traces.append(
            _choropleth(
                locations=[codes[i] for i in hidden],
                z=[0] * len(hidden),
                text=[f"{names[i]} : {texts[i]}" for i in hidden],
                hovertemplate="%{text}<extra></extra>",
                colorscale=[[0, "#c8cdd1"], [1, "#c8cdd1"]],
                showscale=False,
                **common,
            )
        )
    return _figure(
        traces,
        _layout(
            title,
            height=520,
            margin={"l": 0, "r": 0, "t": 40, "b": 0},
            geo={"fitbounds": "locations", "visible": False, "projection": {"type": "mercator"}},
        ),
    )


def bars_multi(
    table: Table,
    *,
    x: str,
    ys: list[str],
    title: str = "",
    y_title: str = "",
    horizontal: bool = False,
) -> dict:
    """Grouped bars, one trace per measure (e.g. median and 90th percentile)."""
    traces = []
    labels = table.texts(x)
    for index, key in enumerate(ys):
        trace = {
            "text": table.texts(key),
            "textposition": "none",
            "name": str(table.column(key).label),
            "marker": {"color": PALETTE[index % len(PALETTE)]},
        }
        if horizontal:
            trace.update(
                x=table.values(key),
                y=labels,
                orientation="h",
                hovertemplate="%{y} : %{text}<extra>%{fullData.name}</extra>",
            )
        else:
            trace.update(
                x=labels,
                y=table.values(key),
                hovertemplate="%{x} : %{text}<extra>%{fullData.name}</extra>",
            )
        traces.append(_bar(**trace))
    layout = _layout(title, barmode="group")
    if horizontal:
        layout.update(
            xaxis={"title": {"text": y_title}},
            yaxis={"automargin": True, "autorange": "reversed"},
            height=max(360, 40 * len(labels) + 120),
            margin={"l": 220, "r": 20, "t": 40, "b": 60},
        )
    else:
        layout.update(yaxis={"title": {"text": y_title}}, xaxis={"automargin": True})
    return _figure(traces, layout)


def survival_curves(table: Table, *, title: str = "", y_title: str = "") -> dict:
    """Step survival curves per group with their confidence band, the 5-year references as
    markers (hidden cells draw nothing)."""
    traces = []
    groups = table.texts("group")
    years = table.values("year")
    values = {k: table.values(k) for k in ("survival", "lower", "upper", "reference")}
    for index, name in enumerate(dict.fromkeys(groups)):
        rows = [i for i, g in enumerate(groups) if g == name]
        colour = PALETTE[index % len(PALETTE)]
        xs = [years[i] for i in rows]

        def pct(key, rows=rows):
            return [None if values[key][i] is None else 100 * values[key][i] for i in rows]

        traces.append(
            _scatter(
                x=xs,
                y=pct("upper"),
                mode="lines",
                line={"width": 0, "shape": "hv"},
                showlegend=False,
                hoverinfo="skip",
                legendgroup=name,
            )
        )
        traces.append(
            _scatter(
                x=xs,
                y=pct("lower"),
                mode="lines",
                line={"width": 0, "shape": "hv"},
                fill="tonexty",
                fillcolor=colour + "33",
                showlegend=False,
                hoverinfo="skip",
                legendgroup=name,
            )
        )
        traces.append(
            _scatter(
                x=xs,
                y=pct("survival"),
                name=name,
                mode="lines+markers",
                line={"color": colour, "shape": "hv"},
                legendgroup=name,
            )
        )
        reference = pct("reference")
        if any(v is not None for v in reference):
            traces.append(
                _scatter(
                    x=xs,
                    y=reference,
                    mode="markers",
                    showlegend=False,
                    marker={"symbol": "diamond-open", "size": 10, "color": colour},
                    legendgroup=name,
                )
            )
    return _figure(
        traces,
        _layout(title, yaxis={"title": {"text": y_title}, "range": [0, 105]}, xaxis={"dtick": 1}),
    )


def forecast_bars(table: Table, *, title: str = "") -> dict:
    """Registrations expected (with the 80 % interval) and, next to them, the forecast made
    12 months ago and what happened."""
    traces = []
    x = table.texts("horizon")

    def bar(key, low, high, name, colour):
        values = table.values(key)
        lows, highs = table.values(low), table.values(high)
        plus = [
            None if v is None or h is None else h - v for v, h in zip(values, highs, strict=True)
        ]
        minus = [
            None if v is None or lo is None else v - lo for v, lo in zip(values, lows, strict=True)
        ]
        traces.append(
            _bar(
                x=x,
                y=values,
                name=name,
                marker={"color": colour},
                error_y={"type": "data", "symmetric": False, "array": plus, "arrayminus": minus},
            )
        )

    bar("median", "low", "high", str(table.column("median").label), PALETTE[0])
    bar("past_median", "past_low", "past_high", str(table.column("past_median").label), PALETTE[1])
    traces.append(
        _bar(
            x=x,
            y=table.values("actual"),
            name=str(table.column("actual").label),
            marker={"color": PALETTE[3]},
        )
    )
    return _figure(traces, _layout(title, barmode="group"))
