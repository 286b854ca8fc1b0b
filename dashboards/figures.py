"""Plotly figures built from aggregated ``Table``s, as small JSON documents.

Figures use the empty "none" template (plotly's default template alone weighs ~10 KiB) and
French separators; plotly.js is loaded from static files and draws them (``charts.js``).
Hidden cells ("< 5") arrive as missing values: no bar or colour is drawn, and the hover text
and the table say "< 5".
"""

from __future__ import annotations

import json

import plotly.graph_objects as go

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


def as_json(figure: go.Figure) -> dict:
    return json.loads(figure.to_json())


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
    figure = go.Figure()
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
        figure.add_trace(go.Bar(**trace))
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
    figure.update_layout(**layout)
    return as_json(figure)


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
    figure = go.Figure()
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
        figure.add_trace(
            go.Scatter(
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
    figure.update_layout(
        **_layout(title, yaxis=axis, xaxis={"title": {"text": str(table.column(x).label)}})
    )
    return as_json(figure)


def lorenz(table: Table, *, title: str = "", x_title: str = "", y_title: str = "") -> dict:
    xs = [100 * v for v in table.values("population_share")]
    ys = [100 * v for v in table.values("resource_share")]
    figure = go.Figure(
        [
            go.Scatter(
                x=[0, 100],
                y=[0, 100],
                mode="lines",
                name="=",
                line={"color": "#9aa5ad", "dash": "dot"},
                hoverinfo="skip",
                showlegend=False,
            ),
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": PALETTE[0]},
                showlegend=False,
                hovertemplate="%{x:.1f} % → %{y:.1f} %<extra></extra>",
            ),
        ]
    )
    figure.update_layout(
        **_layout(
            title,
            xaxis={"title": {"text": x_title}, "ticksuffix": " %", "range": [0, 100]},
            yaxis={"title": {"text": y_title}, "ticksuffix": " %", "range": [0, 100]},
        )
    )
    return as_json(figure)


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
        go.Choropleth(
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
            go.Choropleth(
                locations=[codes[i] for i in hidden],
                z=[0] * len(hidden),
                text=[f"{names[i]} : {texts[i]}" for i in hidden],
                hovertemplate="%{text}<extra></extra>",
                colorscale=[[0, "#c8cdd1"], [1, "#c8cdd1"]],
                showscale=False,
                **common,
            )
        )
    figure = go.Figure(traces)
    figure.update_layout(
        **_layout(title, height=520, margin={"l": 0, "r": 0, "t": 40, "b": 0}),
        geo={"fitbounds": "locations", "visible": False, "projection": {"type": "mercator"}},
    )
    return as_json(figure)


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
    figure = go.Figure()
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
        figure.add_trace(go.Bar(**trace))
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
    figure.update_layout(**layout)
    return as_json(figure)


def survival_curves(table: Table, *, title: str = "", y_title: str = "") -> dict:
    """Step survival curves per group with their confidence band, the 5-year references as
    markers (hidden cells draw nothing)."""
    figure = go.Figure()
    groups = table.texts("group")
    years = table.values("year")
    values = {k: table.values(k) for k in ("survival", "lower", "upper", "reference")}
    for index, name in enumerate(dict.fromkeys(groups)):
        rows = [i for i, g in enumerate(groups) if g == name]
        colour = PALETTE[index % len(PALETTE)]
        xs = [years[i] for i in rows]

        def pct(key, rows=rows):
            return [None if values[key][i] is None else 100 * values[key][i] for i in rows]

        figure.add_trace(
            go.Scatter(
                x=xs,
                y=pct("upper"),
                mode="lines",
                line={"width": 0, "shape": "hv"},
                showlegend=False,
                hoverinfo="skip",
                legendgroup=name,
            )
        )
        figure.add_trace(
            go.Scatter(
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
        figure.add_trace(
            go.Scatter(
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
            figure.add_trace(
                go.Scatter(
                    x=xs,
                    y=reference,
                    mode="markers",
                    showlegend=False,
                    marker={"symbol": "diamond-open", "size": 10, "color": colour},
                    legendgroup=name,
                )
            )
    figure.update_layout(
        _layout(title, yaxis={"title": {"text": y_title}, "range": [0, 105]}, xaxis={"dtick": 1})
    )
    return as_json(figure)


def forecast_bars(table: Table, *, title: str = "") -> dict:
    """Registrations expected (with the 80 % interval) and, next to them, the forecast made
    12 months ago and what happened."""
    figure = go.Figure()
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
        figure.add_trace(
            go.Bar(
                x=x,
                y=values,
                name=name,
                marker={"color": colour},
                error_y={"type": "data", "symmetric": False, "array": plus, "arrayminus": minus},
            )
        )

    bar("median", "low", "high", str(table.column("median").label), PALETTE[0])
    bar("past_median", "past_low", "past_high", str(table.column("past_median").label), PALETTE[1])
    figure.add_trace(
        go.Bar(
            x=x,
            y=table.values("actual"),
            name=str(table.column("actual").label),
            marker={"color": PALETTE[3]},
        )
    )
    figure.update_layout(_layout(title, barmode="group"))
    return as_json(figure)
