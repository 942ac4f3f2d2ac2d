"""The figures lane: quantities the story turns on (drones launched per month, production rates
claimed), drawn as a small lane under the timeline, one row per kind of figure.

Each figure is drawn over the window its source gives (a bar from the first to the last day) with
a dot at the middle of the window; the hover names the value as the source gives it (a single
number, "at least", "at most" or a range), the unit, who gives it and the source. Figures of
different units never share a scale: a row holds one kind of figure and its values are written,
not plotted as heights, so no two numbers are compared by eye that the sources do not compare.
Only figures seen in sources are drawn; gaps stay gaps.
"""

from __future__ import annotations

from html import escape
from typing import Any

import numpy as np
import pandas as pd

from app.dataset import columns as C

DAY_MS = 86_400_000
LANE_DOMAIN = [0.0, 0.2]  # the figures lane, at the bottom of the plot
MAIN_DOMAIN = [0.42, 1.0]  # the event lanes above it (the gap: the time axis, the range slider, the lane's title)
LANE_COLOUR = "#4b5563"
LANE_NAME = "Figures from sources"
# rows of the lane: the most frequent kinds of figure each in a row of its own, the rest together in
# one last row (each mark's hover names its kind). The lane is a fifth of the plot's height: ten
# rows of 11 px labels overlapped in the dashboard, the briefing, the print and the deck pictures
NAMED_ROWS = 4
OTHER_LABEL = "Other figures ({n} kinds)"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def value_text(value: float, low: float, high: float) -> str:
    """The figure as the source gives it: '1,339', 'at least 1,300', 'at most 20', '8,000–10,000'."""
    has = [pd.notna(v) for v in (value, low, high)]
    if has[0]:
        text = _number(value)
        if has[1] and has[2]:
            text += f" ({_number(low)}–{_number(high)})"
        return text
    if has[1] and has[2]:
        return f"{_number(low)}–{_number(high)}"
    if has[1]:
        return f"at least {_number(low)}"
    if has[2]:
        return f"at most {_number(high)}"
    return ""


def lane_frame(measures: pd.DataFrame, sources: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """The measures with what the lane draws and says: row label, window, midpoint, hover text.
    Rows are the kinds of figure, most frequent first: NAMED_ROWS of them named, the others in one
    "other figures" row below (with five kinds or fewer, each has its own row)."""
    if measures is None or measures.empty:
        return pd.DataFrame()
    m = measures.copy()
    src = sources.set_index(C.SOURCE_ID) if len(sources) else pd.DataFrame(columns=[C.PUBLISHER, C.SOURCE_TITLE])
    publisher = m[C.SOURCE_ID].map(src[C.PUBLISHER]).fillna("") if len(src) else pd.Series("", index=m.index)
    title = m[C.SOURCE_ID].map(src[C.SOURCE_TITLE]).fillna("") if len(src) else pd.Series("", index=m.index)
    counts = m[C.MEASURE].value_counts(sort=False)
    first = m.groupby(C.MEASURE)[C.DATE_START].min()
    order = sorted(counts.index, key=lambda k: (-counts[k], first[k]))
    named = order if len(order) <= NAMED_ROWS + 1 else order[:NAMED_ROWS]
    row = {k: i for i, k in enumerate(named)} | {k: len(named) for k in order[len(named):]}
    m["_row"] = m[C.MEASURE].map(row)
    m["_label"] = m[C.MEASURE].map(lambda k: labels.get(k, k.replace("-", " ").capitalize()))
    # the tick label of the row (the hover keeps each mark's own kind)
    other = OTHER_LABEL.format(n=len(order) - len(named))
    m["_row_label"] = [lab if r < len(named) else other for lab, r in zip(m["_label"], m["_row"], strict=True)]
    start = m[C.DATE_START]
    end = m[C.DATE_END].fillna(start)
    m["_mid"] = start + (end - start) / 2 + pd.Timedelta(hours=12)
    m["_dur"] = (end - start).dt.total_seconds() * 1000 + DAY_MS
    texts = [value_text(v, lo, hi) for v, lo, hi in
             zip(m[C.VALUE], m[C.VALUE_LOW], m[C.VALUE_HIGH], strict=True)]
    window = [_window(s, e) for s, e in zip(start, end, strict=True)]
    m["_hover"] = [
        f"<b>{escape(lab)}</b><br>{escape(t)} {escape(u)}<br>{escape(w)}"
        + (f"<br>{escape(n)}" if n else "")
        + f"<br><i>Source: {escape(p)}{': ' + escape(ti) if ti else ''}</i>"
        for lab, t, u, w, n, p, ti in zip(m["_label"], texts, m[C.UNIT], window, m[C.NOTE], publisher[m.index],
                                         title[m.index], strict=True)
    ]
    m["_text"] = texts
    return m.sort_values([C.DATE_START, "_row"]).reset_index(drop=True)


def _window(start: pd.Timestamp, end: pd.Timestamp) -> str:
    if start == end:
        return f"{start:%-d %b %Y}"
    return f"{start:%-d %b %Y} – {end:%-d %b %Y}"


def add_measures_lane(spec: dict[str, Any], lane: pd.DataFrame | None) -> dict[str, Any]:
    """``spec`` (a timeline figure dict) with the figures lane added under the event lanes: the
    event lanes keep the upper part of the plot, the lane takes the bottom on its own y axis
    (y3), sharing the timeline's time axis so zoom and the range slider move both."""
    if lane is None or lane.empty:
        return spec
    layout = spec["layout"]
    layout.setdefault("yaxis", {})["domain"] = MAIN_DOMAIN
    rows = lane.drop_duplicates("_row").sort_values("_row")
    layout["yaxis3"] = {
        "domain": LANE_DOMAIN, "anchor": "x", "fixedrange": True, "zeroline": False,
        "tickvals": rows["_row"].tolist(), "ticktext": [escape(t) for t in rows["_row_label"]],
        "range": [len(rows) - 0.5, -0.5], "showgrid": True, "gridcolor": "#f0f0f3",
        "tickfont": {"size": 11}, "automargin": True,
    }
    # the time axis and its range slider stay under the event lanes; the lane sits below the
    # slider, in the gap left between MAIN_DOMAIN and LANE_DOMAIN
    layout.setdefault("annotations", []).append({
        "xref": "paper", "yref": "paper", "x": 0.0, "y": LANE_DOMAIN[1] + 0.005, "xanchor": "left",
        "yanchor": "bottom", "showarrow": False, "text": LANE_NAME + " (hover a mark for the figure and its source)",
        "font": {"size": 11, "color": LANE_COLOUR}})
    long = lane[lane["_dur"] > DAY_MS]
    traces: list[dict[str, Any]] = []
    if len(long):
        traces.append({
            "type": "bar", "orientation": "h", "name": LANE_NAME + " (windows)", "showlegend": False,
            "base": _iso(long[C.DATE_START]), "x": long["_dur"].to_numpy(), "y": long["_row"].to_numpy(),
            "width": 0.5, "marker": {"color": LANE_COLOUR, "opacity": 0.35},
            "hovertext": long["_hover"].tolist(), "hovertemplate": "%{hovertext}<extra></extra>",
            "xaxis": "x2", "yaxis": "y3",
        })
    traces.append({
        "type": "scatter", "mode": "markers", "name": LANE_NAME, "showlegend": False,
        "x": _iso(lane["_mid"]), "y": lane["_row"].to_numpy(),
        "marker": {"color": LANE_COLOUR, "size": 8, "symbol": "diamond"},
        "hovertext": lane["_hover"].tolist(), "hovertemplate": "%{hovertext}<extra></extra>",
        "xaxis": "x2", "yaxis": "y3",
    })
    data = list(spec["data"])
    # the selection highlight stays the last trace (the page updates it in place)
    at = next((i for i, t in enumerate(data) if t.get("name") == "Selected"), len(data))
    spec["data"] = [*data[:at], *traces, *data[at:]]
    return spec


def _iso(values: pd.Series) -> list[str]:
    stamps = values.to_numpy(dtype="datetime64[s]")
    return [str(s).replace("T", " ") for s in np.asarray(stamps)]
