"""The timeline: one lane per category (or actor, or country); periods as bars in their own band.

- A day-precision point event is a marker; its shape says the verification level.
- A point event known only to the week/month/quarter/year is a thin bar over its whole window —
  never a fake exact day. Weakly verified windows are hatched.
- Periods (embargo in force, plant operating …) are translucent bars in a band on top, packed
  into as few rows as they need; open-ended ones reach today.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from app.dataset import columns as C
from app.figures.context import FigureContext
from app.figures.theme import HIGHLIGHT, PERIOD_COLOUR, base_layout

DAY_MS = 86_400_000
MAX_ACTOR_LANES = 24
WEBGL_THRESHOLD = 5_000
HATCH = {"confirmed": "", "corroborated": "", "single-source": "/", "claimed": "/",
         "disputed": "x", "unverified": "."}
HOVER = "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>%{customdata[3]} · %{customdata[4]}<extra></extra>"


def lane_assignments(events: pd.DataFrame, mode: str, ctx: FigureContext) -> tuple[pd.DataFrame, list[str]]:
    """Rows (event, lane) for point events and the ordered lane labels (top first).

    In actor mode an event appears once in each of its actors' lanes.
    """
    points = events[events[C.KIND] != "period"]
    if mode == "actor":
        exploded = points.assign(_lane=points[C.ACTOR_IDS].str.split(";")).explode("_lane")
        exploded = exploded[exploded["_lane"].fillna("") != ""]
        counts = exploded["_lane"].value_counts()
        top = list(counts.index[:MAX_ACTOR_LANES])
        exploded = exploded.assign(
            _lane=exploded["_lane"].where(exploded["_lane"].isin(top), "_other"))
        names = {a: ctx.actor_names.get(a, a) for a in top}
        names["_other"] = "Other actors"
        order = [a for a in top] + (["_other"] if (exploded["_lane"] == "_other").any() else [])
        rows = exploded.assign(_label=exploded["_lane"].map(names))
        return rows, [names[a] for a in order]
    if mode == "country":
        label = points[C.COUNTRY_NAME].where(points[C.COUNTRY_NAME] != "", "No place")
        rows = points.assign(_label=label)
        order = list(rows["_label"].value_counts().index)
        return rows, order
    label = points[C.CATEGORY].map(lambda c: ctx.category_labels.get(c, c))
    rows = points.assign(_label=label)
    present = set(points[C.CATEGORY])
    order = [ctx.category_labels.get(c, c) for c in ctx.categories if c in present]
    order += sorted(set(rows["_label"]) - set(order))
    return rows, order


def pack_periods(periods: pd.DataFrame, end_col: str) -> np.ndarray:
    """Greedy interval packing: the row (0 = top) of each period so none overlap in a row."""
    order = np.argsort(periods[C.DATE_START].to_numpy(), kind="stable")
    starts = periods[C.DATE_START].to_numpy()
    ends = periods[end_col].to_numpy()
    row_end: list[Any] = []
    rows = np.zeros(len(periods), dtype=np.int64)
    for i in order:
        for r, last in enumerate(row_end):
            if last < starts[i]:
                rows[i] = r
                row_end[r] = ends[i]
                break
        else:
            rows[i] = len(row_end)
            row_end.append(ends[i])
    return rows


def _custom(frame: pd.DataFrame, ctx: FigureContext) -> np.ndarray:
    place = frame[C.PLACE_NAME].where(frame[C.PLACE_NAME] != "", "no place")
    ver = frame[C.VERIFICATION].map(lambda v: ctx.verification_labels.get(v, v))
    cat = frame[C.CATEGORY].map(lambda c: ctx.category_labels.get(c, c))
    return np.column_stack([frame[C.EVENT_ID], frame[C.TITLE], frame[C.DATE_LABEL], cat + " · " + place, ver])


def timeline_figure(
    events: pd.DataFrame, ctx: FigureContext, *, lanes: str = "category",
    selected: str = "", title: str | None = None, font_size: int = 15, legend: bool = True,
) -> go.Figure:
    """Build the timeline of ``events`` (already filtered). ``legend=False`` when the page shows
    its own key (the dashboard); exported figures keep the legend on the right."""
    fig = go.Figure()
    layout = base_layout(title, font_size)
    periods = events[events[C.KIND] == "period"].copy()
    periods[C.END_OR_TODAY] = periods[C.DATE_END].fillna(ctx.today)
    period_rows = pack_periods(periods, C.END_OR_TODAY) if len(periods) else np.zeros(0, int)
    n_period_rows = int(period_rows.max()) + 1 if len(periods) else 0
    rows, lane_order = lane_assignments(events, lanes, ctx)
    n_lanes = len(lane_order)
    # y positions: lanes from the bottom up (first lane at the top), periods above them
    lane_y = {label: n_lanes - 1 - i for i, label in enumerate(lane_order)}
    period_base = n_lanes + 0.6
    tickvals: list[float] = [lane_y[label] for label in lane_order]
    ticktext: list[str] = list(lane_order)

    if len(periods):
        py = period_base + (n_period_rows - 1 - period_rows) * 0.8
        tickvals.append(period_base + (n_period_rows - 1) * 0.4)
        ticktext.append("Periods in force")
        duration = (periods[C.END_OR_TODAY] - periods[C.DATE_START]).dt.total_seconds() * 1000 + DAY_MS
        label = periods[C.TITLE].where(~periods[C.OPEN_ENDED], periods[C.TITLE] + " →")
        fig.add_trace(go.Bar(
            name="Periods (in force)", orientation="h", base=periods[C.DATE_START],
            x=duration, y=py, width=0.62,
            marker={"color": PERIOD_COLOUR,
                    "line": {"color": [ctx.colour(c) for c in periods[C.CATEGORY]], "width": 2}},
            text=label, textposition="inside", insidetextanchor="start",
            textfont={"size": max(font_size - 3, 10), "color": "#1b1b1f"},
            constraintext="none", cliponaxis=True,
            customdata=_custom(periods, ctx), hovertemplate=HOVER, legendgroup="periods",
        ))

    windows = rows[(rows[C.DATE_PRECISION] != "day") | (rows[C.DATE_START] != rows[C.DATE_END])]
    singles = rows.drop(windows.index) if len(windows) else rows
    for cat in [*ctx.categories, *sorted(set(rows[C.CATEGORY]) - set(ctx.categories))]:
        colour = ctx.colour(cat)
        name = ctx.category_labels.get(cat, cat)
        pts = singles[singles[C.CATEGORY] == cat]
        win = windows[windows[C.CATEGORY] == cat]
        if pts.empty and win.empty:
            continue
        if not win.empty:
            dur = (win[C.DATE_END] - win[C.DATE_START]).dt.total_seconds() * 1000 + DAY_MS
            fig.add_trace(go.Bar(
                name=name, legendgroup=cat, showlegend=pts.empty, orientation="h",
                base=win[C.DATE_START], x=dur, y=win["_label"].map(lane_y), width=0.36,
                marker={"color": colour, "opacity": 0.85,
                        "pattern": {"shape": [HATCH.get(v, "") for v in win[C.VERIFICATION]],
                                    "fgcolor": "white", "size": 6},
                        "line": {"color": colour, "width": 1}},
                customdata=_custom(win, ctx), hovertemplate=HOVER,
            ))
        if not pts.empty:
            scatter = go.Scattergl if len(singles) > WEBGL_THRESHOLD else go.Scatter
            fig.add_trace(scatter(
                name=name, legendgroup=cat, mode="markers",
                x=pts[C.DATE_START] + pd.Timedelta(hours=12), y=pts["_label"].map(lane_y),
                marker={"color": colour, "size": 13,
                        "symbol": [ctx.symbols.get(v, "circle") for v in pts[C.VERIFICATION]],
                        "line": {"color": colour, "width": 2}},
                customdata=_custom(pts, ctx), hovertemplate=HOVER,
            ))
    # legend entries for the marker shapes
    for v in ctx.verification:
        fig.add_trace(go.Scatter(
            x=[None], y=[None], mode="markers", name=ctx.verification_labels.get(v, v),
            marker={"symbol": ctx.symbols.get(v, "circle"), "color": "#555", "size": 11,
                    "line": {"color": "#555", "width": 2}},
            legendgroup="verification", legendgrouptitle={"text": "Verification"},
            hoverinfo="skip",
        ))
    sel_x, sel_y = selection_point(events, rows, lane_y, periods, period_rows, period_base,
                                   n_period_rows, selected)
    fig.add_trace(go.Scatter(
        x=sel_x, y=sel_y, mode="markers", name="Selected", showlegend=False, hoverinfo="skip",
        marker={"symbol": "circle-open", "size": 26, "color": HIGHLIGHT, "line": {"width": 4}},
    ))
    top = period_base + max(n_period_rows - 1, 0) * 0.8 + 0.6 if len(periods) else n_lanes - 0.4
    layout.update({
        "barmode": "overlay",
        "showlegend": legend,
        "legend": {"orientation": "v", "x": 1.01, "y": 1, "xanchor": "left", "font": {"size": 12},
                   "tracegroupgap": 4},
        "hovermode": "closest",
        "clickmode": "event",
        "dragmode": "zoom",
        "meta": {"selection_trace": len(fig.data) - 1, "lane_y": lane_y},
        "xaxis": {
            "type": "date", "showgrid": True, "gridcolor": "#e6e6ea",
            "rangeslider": {"visible": True, "thickness": 0.07},
            "rangeselector": {
                "buttons": [
                    {"count": 1, "label": "1 y", "step": "year", "stepmode": "backward"},
                    {"count": 5, "label": "5 y", "step": "year", "stepmode": "backward"},
                    {"label": "All", "step": "all"},
                ],
                "font": {"size": 13}, "bgcolor": "#eef0f4", "activecolor": "#c9d3e6",
            },
        },
        "yaxis": {
            "tickvals": tickvals, "ticktext": ticktext, "range": [-0.7, top],
            "fixedrange": True, "showgrid": True, "gridcolor": "#f0f0f3", "zeroline": False,
            "automargin": True,
        },
    })
    if events.empty:
        layout["annotations"] = [{"text": "No events match these filters", "showarrow": False,
                                  "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5,
                                  "font": {"size": font_size + 2, "color": "#666"}}]
    fig.update_layout(layout)
    return fig


def selection_point(
    events: pd.DataFrame, rows: pd.DataFrame, lane_y: dict[str, int], periods: pd.DataFrame,
    period_rows: np.ndarray, period_base: float, n_period_rows: int, selected: str,
) -> tuple[list[Any], list[Any]]:
    """Where the highlight ring goes for ``selected`` (all lanes it sits in)."""
    if not selected:
        return [], []
    hit = rows[rows[C.EVENT_ID] == selected]
    if len(hit):
        mid = hit[C.DATE_START] + (hit[C.DATE_END] - hit[C.DATE_START]) / 2 + pd.Timedelta(hours=12)
        return list(mid), [lane_y[label] for label in hit["_label"]]
    if len(periods):
        pos = np.flatnonzero((periods[C.EVENT_ID] == selected).to_numpy())
        if len(pos):
            i = pos[0]
            start = periods[C.DATE_START].iloc[i]
            return [start], [period_base + (n_period_rows - 1 - period_rows[i]) * 0.8]
    return [], []


def selection_coordinates(fig_meta: dict[str, Any] | None, events: pd.DataFrame, ctx: FigureContext,
                          lanes: str, selected: str) -> tuple[list[Any], list[Any]]:
    """The highlight position for a Patch update, computed the same way as the full figure."""
    periods = events[events[C.KIND] == "period"].copy()
    periods[C.END_OR_TODAY] = periods[C.DATE_END].fillna(ctx.today)
    period_rows = pack_periods(periods, C.END_OR_TODAY) if len(periods) else np.zeros(0, int)
    n_period_rows = int(period_rows.max()) + 1 if len(periods) else 0
    rows, lane_order = lane_assignments(events, lanes, ctx)
    lane_y = {label: len(lane_order) - 1 - i for i, label in enumerate(lane_order)}
    return selection_point(events, rows, lane_y, periods, period_rows, len(lane_order) + 0.6,
                           n_period_rows, selected)
