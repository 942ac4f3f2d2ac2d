"""The timeline: one lane per category (or actor, or country); periods as bars in their own band.

- A day-precision point event is a marker; its shape says the verification level.
- A point event known only to the week/month/quarter/year is a thin bar over its whole window —
  never a fake exact day. Weakly verified windows are hatched.
- Periods (embargo in force, plant operating …) are translucent bars in a band on top, packed
  into as few rows as they need; open-ended ones reach today.

The builder returns a plain figure dict (``timeline_spec``) with a handful of traces whose
colours and shapes are per-point arrays: that keeps the server and the browser fast (one trace
per category would multiply the work). ``timeline_figure`` wraps it in a ``go.Figure``.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from html import escape as html_escape  # annotation text is HTML-ish in plotly: data is escaped
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from app.dataset import columns as C
from app.figures.context import FigureContext
from app.figures.theme import HIGHLIGHT, PERIOD_COLOUR, base_layout

DAY_MS = 86_400_000
MAX_ACTOR_LANES = 24
MAX_NAMED_PERIODS = 12
PERIOD_LABEL_CHARS = 46
PERIOD_ROW = 0.8  # vertical distance between period rows (a lane is 1)
# No WebGL (scattergl), by choice: where WebGL is unavailable (GPU-less VMs, locked-down briefing
# laptops, headless browsers) plotly shows "WebGL is not supported" instead of the chart. Large
# tables are counted instead (DETAIL_LIMIT), so no trace ever holds more marks than SVG draws fast.
# above this many events the timeline counts them per month/week/day instead of drawing each:
# beyond a few thousand marks neither the eye nor the browser gains anything from single events
DETAIL_LIMIT = 2_000
HATCH = {"confirmed": "", "corroborated": "", "single-source": "/", "claimed": "/",
         "disputed": "x", "unverified": "."}
HOVER = "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>%{customdata[3]} · %{customdata[4]}<extra></extra>"
POINTS, WINDOWS, PERIODS = "Events known to the day", "Events known to a week, month or year", "Periods (in force)"


MIN_SPAN_DAYS = 90  # the narrowest time span the timeline opens on


def lane_assignments(events: pd.DataFrame, mode: str, ctx: FigureContext) -> tuple[pd.DataFrame, list[str]]:
    """Rows (event, lane label in ``_label``) for point events and the ordered lanes (top first).

    In actor mode an event appears once in each of its actors' lanes.
    """
    points = events[events[C.KIND] != "period"]
    if mode == "actor":
        exploded = points.assign(_lane=points[C.ACTOR_IDS].str.split(";")).explode("_lane")
        exploded = exploded[exploded["_lane"].fillna("") != ""]
        counts = exploded["_lane"].value_counts()
        top = list(counts.index[:MAX_ACTOR_LANES])
        exploded = exploded.assign(_lane=exploded["_lane"].where(exploded["_lane"].isin(top), "_other"))
        names = {a: ctx.actor_names.get(a, a) for a in top}
        names["_other"] = "Other actors"
        order = [*top, *(["_other"] if (exploded["_lane"] == "_other").any() else [])]
        return exploded.assign(_label=exploded["_lane"].map(names)), [names[a] for a in order]
    if mode == "country":
        label = points[C.COUNTRY_NAME].where(points[C.COUNTRY_NAME] != "", "No place")
        rows = points.assign(_label=label)
        return rows, list(rows["_label"].value_counts().index)
    # labels through the distinct values: mapping each of 100,000 strings one by one is slow
    codes, uniques = pd.factorize(points[C.CATEGORY])
    label_of = np.array([ctx.category_labels.get(u, u) for u in uniques], dtype=object)
    rows = points.assign(_label=label_of[codes] if len(codes) else pd.Series(dtype=object))
    present = set(uniques)
    order = [ctx.category_labels.get(c, c) for c in ctx.categories if c in present]
    order += sorted(set(rows["_label"]) - set(order))
    return rows, order


def pack_periods(periods: pd.DataFrame, end_col: str) -> np.ndarray:
    """Greedy interval packing: the row (0 = top) of each period so none overlap in a row. Each
    period, in start order, takes the lowest row whose last period ended before it starts (first
    fit), found with two heaps, so thousands of periods pack in milliseconds."""
    starts = periods[C.DATE_START].to_numpy().astype("datetime64[ns]").astype(np.int64)
    ends = periods[end_col].to_numpy().astype("datetime64[ns]").astype(np.int64)
    rows = np.zeros(len(periods), dtype=np.int64)
    busy: list[tuple[int, int]] = []  # (end of its last period, row)
    free: list[int] = []
    n_rows = 0
    for i in np.argsort(starts, kind="stable"):
        while busy and busy[0][0] < starts[i]:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            row = heapq.heappop(free)
        else:
            row, n_rows = n_rows, n_rows + 1
        rows[i] = row
        heapq.heappush(busy, (int(ends[i]), row))
    return rows


def custom_data(frame: pd.DataFrame, ctx: FigureContext) -> np.ndarray:
    """Per-point [event_id, title, date label, category · place, verification] for hover and clicks."""
    place = frame[C.PLACE_NAME].where(frame[C.PLACE_NAME] != "", "no place")
    ver = frame[C.VERIFICATION].map(ctx.verification_labels).fillna(frame[C.VERIFICATION])
    cat = frame[C.CATEGORY].map(ctx.category_labels).fillna(frame[C.CATEGORY])
    return np.column_stack([frame[C.EVENT_ID], frame[C.TITLE], frame[C.DATE_LABEL], cat + " · " + place, ver])


def _colours(frame: pd.DataFrame, ctx: FigureContext) -> list[str]:
    return frame[C.CATEGORY].map(ctx.colours).fillna("#777777").tolist()


def _iso(series: pd.Series) -> list[str]:
    return series.dt.strftime("%Y-%m-%dT%H:%M:%S").tolist()


class _Geometry:
    """Where everything sits on the y axis; shared by the full figure and the highlight patch."""

    def __init__(self, events: pd.DataFrame, ctx: FigureContext, lanes: str):
        periods = events[events[C.KIND] == "period"]
        periods = periods.assign(**{C.END_OR_TODAY: periods[C.DATE_END].fillna(ctx.today)})
        self.periods = periods.sort_values([C.DATE_START, C.EVENT_ID], kind="stable")
        # a few periods get a row each, named on the axis; many are packed into shared rows
        self.named_periods = 0 < len(periods) <= MAX_NAMED_PERIODS
        if self.named_periods:
            self.period_rows = np.arange(len(self.periods), dtype=np.int64)
        else:
            self.period_rows = pack_periods(self.periods, C.END_OR_TODAY) if len(periods) else np.zeros(0, int)
        self.n_period_rows = int(self.period_rows.max()) + 1 if len(periods) else 0
        self.rows, self.lane_order = lane_assignments(events, lanes, ctx)
        n = len(self.lane_order)
        self.lane_y = {label: n - 1 - i for i, label in enumerate(self.lane_order)}
        self.period_base = n + 0.6

    def period_y(self) -> np.ndarray:
        return self.period_base + (self.n_period_rows - 1 - self.period_rows) * PERIOD_ROW

    def selection(self, selected: str) -> tuple[list[Any], list[Any]]:
        if not selected:
            return [], []
        hit = self.rows[self.rows[C.EVENT_ID] == selected]
        if len(hit):
            mid = hit[C.DATE_START] + (hit[C.DATE_END] - hit[C.DATE_START]) / 2 + pd.Timedelta(hours=12)
            return _iso(mid), [self.lane_y[label] for label in hit["_label"]]
        pos = np.flatnonzero((self.periods[C.EVENT_ID] == selected).to_numpy())
        if len(pos):
            return _iso(self.periods[C.DATE_START].iloc[pos[:1]]), [float(self.period_y()[pos[0]])]
        return [], []


def timeline_spec(
    events: pd.DataFrame, ctx: FigureContext, *, lanes: str = "category",
    selected: str = "", title: str | None = None, font_size: int = 15, legend: bool = True,
) -> dict[str, Any]:
    """The timeline of ``events`` (already filtered) as a plotly figure dict.

    ``legend=False`` when the page shows its own key (the dashboard); exported figures keep a
    legend on the right.
    """
    if len(events) > DETAIL_LIMIT:
        return density_spec(events, ctx, lanes=lanes, selected=selected, title=title, font_size=font_size)
    geo = _Geometry(events, ctx, lanes)
    data: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    tickvals: list[float] = [geo.lane_y[label] for label in geo.lane_order]
    ticktext: list[str] = list(geo.lane_order)
    periods = geo.periods
    if len(periods):
        tickvals.append(geo.period_base + (geo.n_period_rows - 1) * PERIOD_ROW / 2)
        ticktext.append("Periods in force")
        if geo.named_periods:
            # each period on its own row, its (shortened) title written at the left edge of the
            # plot: readable whatever part of the period the zoom shows, and costs no axis width
            names = periods[C.TITLE].where(periods[C.TITLE].str.len() <= PERIOD_LABEL_CHARS,
                                           periods[C.TITLE].str.slice(0, PERIOD_LABEL_CHARS - 1) + "…")
            names = names.where(~periods[C.OPEN_ENDED], names + " →")
            annotations += [
                {"xref": "paper", "x": 0.004, "xanchor": "left", "yref": "y", "y": float(y), "text": html_escape(n),
                 "showarrow": False, "font": {"size": max(font_size - 4, 9), "color": "#1b1b1f"},
                 "bgcolor": "rgba(255,255,255,0.7)", "borderpad": 0}
                for n, y in zip(names, geo.period_y(), strict=True)
            ]
        duration = (periods[C.END_OR_TODAY] - periods[C.DATE_START]).dt.total_seconds() * 1000 + DAY_MS
        data.append({
            "type": "bar", "name": PERIODS, "orientation": "h", "base": _iso(periods[C.DATE_START]),
            "x": duration.to_numpy(), "y": geo.period_y(), "width": 0.62,
            "marker": {"color": PERIOD_COLOUR, "line": {"color": _colours(periods, ctx), "width": 2}},
            "customdata": custom_data(periods, ctx), "hovertemplate": HOVER, "showlegend": legend,
        })
    rows = geo.rows
    is_window = ((rows[C.DATE_PRECISION] != "day") | (rows[C.DATE_START] != rows[C.DATE_END])).to_numpy()
    windows, singles = rows[is_window], rows[~is_window]
    if len(windows):
        dur = (windows[C.DATE_END] - windows[C.DATE_START]).dt.total_seconds() * 1000 + DAY_MS
        colours = _colours(windows, ctx)
        data.append({
            "type": "bar", "name": WINDOWS, "orientation": "h", "base": _iso(windows[C.DATE_START]),
            "x": dur.to_numpy(), "y": windows["_label"].map(geo.lane_y).to_numpy(), "width": 0.36,
            "marker": {"color": colours, "opacity": 0.85,
                       "pattern": {"shape": windows[C.VERIFICATION].map(HATCH).fillna("").tolist(),
                                   "fgcolor": "white", "size": 6},
                       "line": {"color": colours, "width": 1}},
            "customdata": custom_data(windows, ctx), "hovertemplate": HOVER, "showlegend": False,
        })
    if len(singles):
        colours = _colours(singles, ctx)
        data.append({
            "type": "scatter", "name": POINTS,
            "mode": "markers", "x": _iso(singles[C.DATE_START] + pd.Timedelta(hours=12)),
            "y": singles["_label"].map(geo.lane_y).to_numpy(),
            "marker": {"color": colours, "size": 13,
                       "symbol": singles[C.VERIFICATION].map(ctx.symbols).fillna("circle").tolist(),
                       "line": {"color": colours, "width": 2}},
            "customdata": custom_data(singles, ctx), "hovertemplate": HOVER, "showlegend": False,
        })
    if legend:
        data += legend_entries(events, ctx)
    sel_x, sel_y = geo.selection(selected)
    data.append({"type": "scatter", "x": sel_x, "y": sel_y, "mode": "markers", "name": "Selected",
                 "showlegend": False, "hoverinfo": "skip",
                 "marker": {"symbol": "circle-open", "size": 26, "color": HIGHLIGHT, "line": {"width": 4}}})
    n_lanes = len(geo.lane_order)
    top = geo.period_base + max(geo.n_period_rows - 1, 0) * PERIOD_ROW + 0.6 if len(periods) else n_lanes - 0.4
    layout = base_layout(title, font_size)
    layout.update({
        "barmode": "overlay", "showlegend": legend, "hovermode": "closest", "clickmode": "event",
        "dragmode": "zoom",
        "legend": {"orientation": "v", "x": 1.01, "y": 1, "xanchor": "left", "font": {"size": 12},
                   "tracegroupgap": 4},
        "xaxis": _xaxis(),
        "yaxis": {"tickvals": tickvals, "ticktext": ticktext, "range": [-0.7, top], "fixedrange": True,
                  "showgrid": True, "gridcolor": "#f0f0f3", "zeroline": False, "automargin": True},
    })
    _min_span(events, layout)
    if events.empty:
        annotations.append({"text": "No events match these filters", "showarrow": False,
                            "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5,
                            "font": {"size": font_size + 2, "color": "#666"}})
    layout["annotations"] = annotations
    return {"data": data, "layout": layout}


def _xaxis() -> dict[str, Any]:
    return {
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
        }


def _min_span(events: pd.DataFrame, layout: dict[str, Any]) -> None:
    """A few events close together would autorange to hours or milliseconds: show a season."""
    if events.empty:
        return
    lo, hi = events[C.DATE_START].min(), events[C.DATE_END].max()
    if pd.notna(lo) and pd.notna(hi) and hi - lo < pd.Timedelta(days=MIN_SPAN_DAYS):
        mid = lo + (hi - lo) / 2
        half = pd.Timedelta(days=MIN_SPAN_DAYS / 2)
        layout["xaxis"]["range"] = [(mid - half).date().isoformat(), (mid + half).date().isoformat()]


BINS = (("D", "%d %b %Y", "day"), ("W", "week from %d %b %Y", "week"),  # numpy weeks start on Thursdays
        ("M", "%b %Y", "month"), ("Y", "%Y", "year"))
MAX_MARKS = 400  # counted marks the timeline may draw: what SVG redraws quickly in software rendering


def bin_frequency(lanes: np.ndarray, starts: np.ndarray) -> tuple[Any, str, str]:
    """(numpy datetime unit, hover date format, words): the finest of day, week, month, year
    that keeps the marks (occupied lane x bin cells) within MAX_MARKS."""
    codes = pd.factorize(lanes)[0].astype(np.int64) if len(lanes) else np.zeros(0, np.int64)
    for unit, fmt, words in BINS:
        bins = starts.astype(f"datetime64[{unit}]").astype(np.int64)
        if len(np.unique(codes * 1_000_003 + (bins - bins.min() if len(bins) else bins))) <= MAX_MARKS:
            return unit, fmt, words
    return BINS[-1]


def _span(lo: pd.Timestamp, hi: pd.Timestamp, unit: Any) -> int:
    """How many ``unit`` bins (day, week, month, year) lo..hi covers."""
    stamps: Any = np.array([lo.to_datetime64(), hi.to_datetime64()]).astype(f"datetime64[{unit}]")
    a, b = stamps
    return int((b - a).astype(np.int64)) + 1


def density_spec(
    events: pd.DataFrame, ctx: FigureContext, *, lanes: str = "category", selected: str = "",
    title: str | None = None, font_size: int = 15,
) -> dict[str, Any]:
    """The timeline of a large table: per lane, one marker per month (or week, or day) sized
    by the number of events in it, and a lane counting the periods in force. The bytes sent and
    the browser's work depend on lanes x bins, not on the number of events. Clicking a mark
    zooms the views to its month (customdata "bin:START:END"); filtering or zooming further
    brings back every event once few enough remain (DETAIL_LIMIT)."""
    events = _slim(events)
    rows, order = lane_assignments(events, lanes, ctx)
    lane_y = {label: len(order) - i for i, label in enumerate(order)}  # 0 = the periods lane
    lo = events[C.DATE_START].min()
    hi = events[C.DATE_END].fillna(ctx.today).max()
    freq, fmt, unit_name = bin_frequency(rows["_label"].to_numpy(), rows[C.DATE_START].to_numpy())
    data: list[dict[str, Any]] = []
    if len(rows):
        binned = pd.DataFrame({"lane": rows["_label"].to_numpy(), "cat": rows[C.CATEGORY].to_numpy(),
                               "bin": rows[C.DATE_START].to_numpy().astype(f"datetime64[{freq}]")})
        by_cat = binned.groupby(["lane", "bin", "cat"], sort=False, observed=True).size().reset_index(name="n")
        by_cat = by_cat.sort_values("n", ascending=False, kind="stable")
        counts = by_cat.groupby(["lane", "bin"], sort=False, observed=True)["n"].sum()
        top = by_cat.drop_duplicates(["lane", "bin"]).set_index(["lane", "bin"])["cat"]
        cells = pd.DataFrame({"n": counts, "cat": top.reindex(counts.index)}).reset_index()
        data.append(_bin_trace(cells, lane_y, ctx, freq, fmt, "Events (counted)"))
    periods = events[events[C.KIND] == "period"]
    if len(periods):
        # one lane over the whole span: as fine as the events' bins, but never more than MAX_MARKS
        units = BINS[[u for u, _, _ in BINS].index(freq):]  # the events' unit and the coarser ones
        chosen: Any = next((b for b in units if _span(lo, hi, b[0]) <= MAX_MARKS), BINS[-1])
        pfreq, pfmt = chosen[0], chosen[1]
        step: Any = np.timedelta64(1, pfreq)
        first: Any = np.datetime64(lo.to_datetime64(), pfreq)
        last: Any = np.datetime64(hi.to_datetime64(), pfreq)
        edges: Any = np.arange(first, last + step, step)
        starts = np.sort(periods[C.DATE_START].to_numpy())
        ends = np.sort(periods[C.DATE_END].fillna(ctx.today).to_numpy())
        left = edges.astype("datetime64[ns]")
        right = (edges + step).astype("datetime64[ns]") - np.timedelta64(1, "ns")
        in_force = np.searchsorted(starts, right, side="right") - np.searchsorted(ends, left, side="left")
        keep = in_force > 0
        cells = pd.DataFrame({"lane": "", "bin": edges[keep], "n": in_force[keep], "cat": ""})
        data.append(_bin_trace(cells, {"": 0}, ctx, pfreq, pfmt, "Periods in force (counted)", colour=PERIOD_EDGE))
    sel_x, sel_y = density_selection(events, rows, lane_y, selected)
    data.append({"type": "scatter", "x": sel_x, "y": sel_y, "mode": "markers", "name": "Selected",
                 "showlegend": False, "hoverinfo": "skip",
                 "marker": {"symbol": "circle-open", "size": 26, "color": HIGHLIGHT, "line": {"width": 4}}})
    layout = base_layout(title, font_size)
    layout.update({
        "showlegend": False, "hovermode": "closest", "clickmode": "event", "dragmode": "zoom",
        # no range slider here: it would draw every mark a second time (zoom by dragging, the
        # 1 y / 5 y / All buttons, or a click on a mark)
        "xaxis": {**_xaxis(), "rangeslider": {"visible": False}},
        "yaxis": {"tickvals": [0, *lane_y.values()], "ticktext": ["Periods in force", *lane_y],
                  "range": [-0.7, len(order) + 0.7], "fixedrange": True, "showgrid": True,
                  "gridcolor": "#f0f0f3", "zeroline": False, "automargin": True},
        "annotations": [{
            "text": html_escape(f"{len(events):,} events: each mark counts the events of one {unit_name} "
                                "(larger = more). Click a mark, filter or zoom in to see single events."),
            "showarrow": False, "xref": "paper", "yref": "paper", "x": 0, "y": 1.0, "xanchor": "left",
            "yanchor": "bottom", "font": {"size": max(font_size - 3, 10), "color": "#444"}}],
    })
    return {"data": data, "layout": layout}


PERIOD_EDGE = "#6b6f78"
DENSITY_COLUMNS = (C.EVENT_ID, C.KIND, C.DATE_START, C.DATE_END, C.CATEGORY, C.ACTOR_IDS, C.COUNTRY_NAME)


def _slim(events: pd.DataFrame) -> pd.DataFrame:
    """Only the columns counting needs: selecting rows of 7 columns instead of all of them."""
    return events[[c for c in DENSITY_COLUMNS if c in events.columns]]


def _bin_trace(cells: pd.DataFrame, lane_y: Mapping[str, float], ctx: FigureContext, freq: Any, fmt: str,
               name: str, colour: str | None = None) -> dict[str, Any]:
    # pandas keeps datetimes in s/ns: back to the bin's own unit (a month is not a fixed length)
    bins = cells["bin"].to_numpy().astype(f"datetime64[{freq}]")
    unit = np.timedelta64(1, freq)
    start = pd.DatetimeIndex(bins.astype("datetime64[ns]"))
    end = pd.DatetimeIndex((bins + unit).astype("datetime64[ns]")) - pd.Timedelta(days=1)
    mid = start + (end - start) / 2
    n = cells["n"].to_numpy()
    if colour is None:  # lane and category names are data: escaped, as plotly reads hover text as HTML
        lanes = [html_escape(str(x)) for x in cells["lane"]]
        mostly = [html_escape(str(x)) for x in cells["cat"].map(ctx.category_labels).fillna(cells["cat"])]
        text = [f"<b>{k:,} event{'' if k == 1 else 's'}</b><br>{d}<br>{ln}" + (f" (mostly {m})" if m != ln else "")
                for k, d, ln, m in zip(n, start.strftime(fmt), lanes, mostly, strict=True)]
    else:
        text = [f"<b>{k:,} period{'' if k == 1 else 's'} in force</b><br>{d}" for k, d in zip(n, start.strftime(fmt),
                                                                                          strict=True)]
    colours = cells["cat"].map(ctx.colours).fillna("#777777").tolist() if colour is None else colour
    return {
        "type": "scatter", "mode": "markers", "name": name, "x": mid.strftime("%Y-%m-%d").tolist(),
        "y": cells["lane"].map(lane_y).to_numpy(), "text": text,
        "hovertemplate": "%{text}<extra></extra>",
        "customdata": [[f"bin:{a}:{b}"] for a, b in zip(start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d"),
                                                         strict=True)],
        "marker": {"color": colours, "size": (3 + 11 * np.sqrt(n / max(int(n.max()), 1))).round(1),
                   "opacity": 0.8, "line": {"color": "white", "width": 1}},
        "showlegend": False,
    }


def density_selection(events: pd.DataFrame, rows: pd.DataFrame, lane_y: Mapping[str, float],
                      selected: str) -> tuple[list[Any], list[Any]]:
    if not selected:
        return [], []
    hit = rows[rows[C.EVENT_ID] == selected]
    if len(hit):
        return _iso(hit[C.DATE_START] + pd.Timedelta(hours=12)), [lane_y[label] for label in hit["_label"]]
    period = events[(events[C.EVENT_ID] == selected) & (events[C.KIND] == "period")]
    return (_iso(period[C.DATE_START].head(1)), [0]) if len(period) else ([], [])


def legend_entries(events: pd.DataFrame, ctx: FigureContext) -> list[dict[str, Any]]:
    """Legend-only traces: a colour per category present, a shape per verification level."""
    present = set(events[C.CATEGORY]) if len(events) else set()
    out: list[dict[str, Any]] = [
        {"type": "scatter", "x": [None], "y": [None], "mode": "markers", "name": ctx.category_labels.get(c, c),
         "marker": {"color": ctx.colour(c), "size": 11, "symbol": "square"}, "legendgroup": "category",
         "legendgrouptitle": {"text": "Category"}, "hoverinfo": "skip"}
        for c in ctx.categories if c in present
    ]
    out += [
        {"type": "scatter", "x": [None], "y": [None], "mode": "markers", "name": ctx.verification_labels.get(v, v),
         "marker": {"symbol": ctx.symbols.get(v, "circle"), "color": "#555", "size": 11,
                    "line": {"color": "#555", "width": 2}},
         "legendgroup": "verification", "legendgrouptitle": {"text": "Verification"}, "hoverinfo": "skip"}
        for v in ctx.verification
    ]
    return out


def timeline_figure(events: pd.DataFrame, ctx: FigureContext, **kwargs: Any) -> go.Figure:
    """``timeline_spec`` as a ``go.Figure`` (for image export and inspection)."""
    return go.Figure(timeline_spec(events, ctx, **kwargs))


def selection_coordinates(events: pd.DataFrame, ctx: FigureContext, lanes: str, selected: str) -> tuple[
        list[Any], list[Any]]:
    """The highlight position for a partial update, computed exactly as in the full figure."""
    if len(events) > DETAIL_LIMIT:
        if not selected:
            return [], []
        events = _slim(events)
        rows, order = lane_assignments(events, lanes, ctx)
        return density_selection(events, rows, {label: len(order) - i for i, label in enumerate(order)}, selected)
    return _Geometry(events, ctx, lanes).selection(selected)
