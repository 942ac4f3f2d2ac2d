"""Pure helpers behind the callbacks: component values <-> core states. No dash import here,
so every rule is unit-tested without a browser."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from app.dataset import columns as C
from app.figures.context import FigureContext
from app.figures.timeline import DETAIL_LIMIT as TIMELINE_DETAIL_LIMIT
from app.filters import FilterCache, FilterState, ViewState, clean_tuple, parse_date

CONTROL_KEYS = ("start", "end", "categories", "actors", "actor_role", "countries", "systems",
                "verification", "text", "lanes", "seats")


def states_from_controls(values: Mapping[str, Any], selected: str = "") -> tuple[FilterState, ViewState]:
    """Control values (as Dash gives them; any may be None or junk) -> states. Never raises."""
    lanes = values.get("lanes")
    seats = values.get("seats")
    state = FilterState(
        start=parse_date(values.get("start")),
        end=parse_date(values.get("end")),
        categories=clean_tuple(values.get("categories")),
        actors=clean_tuple(values.get("actors")),
        actor_role=values["actor_role"].strip()[:60] if isinstance(values.get("actor_role"), str) else "",
        countries=clean_tuple(values.get("countries")),
        systems=clean_tuple(values.get("systems")),
        verification=clean_tuple(values.get("verification")),
        text=values["text"].strip()[:200] if isinstance(values.get("text"), str) else "",
    )
    if state.start and state.end and state.end < state.start:
        state = replace(state, start=state.end, end=state.start)
    view = ViewState(
        lanes=lanes if lanes in ("category", "actor", "country") else "category",
        selected=selected,
        seats=not isinstance(seats, list) or "seats" in seats,
    )
    return state, view


def controls_from_states(state: FilterState, view: ViewState) -> dict[str, Any]:
    """States -> the value of every control (the inverse of states_from_controls)."""
    return {
        "start": state.start.isoformat() if state.start else None,
        "end": state.end.isoformat() if state.end else None,
        "categories": list(state.categories),
        "actors": list(state.actors),
        "actor_role": state.actor_role or None,
        "countries": list(state.countries),
        "systems": list(state.systems),
        "verification": list(state.verification),
        "text": state.text,
        "lanes": view.lanes,
        "seats": ["seats"] if view.seats else [],
    }


def range_from_relayout(relayout: Mapping[str, Any] | None) -> tuple[bool, Any, Any]:
    """(changed, start, end) from the timeline's relayoutData: a zoom, a range-slider drag, a
    quick-range button, or a double-click reset (which clears the range)."""
    if not isinstance(relayout, Mapping):
        return False, None, None
    if relayout.get("xaxis.autorange") is True:
        return True, None, None
    rng = relayout.get("xaxis.range")
    if isinstance(rng, Sequence) and not isinstance(rng, str) and len(rng) == 2:
        a, b = rng
    else:
        a, b = relayout.get("xaxis.range[0]"), relayout.get("xaxis.range[1]")
    start = parse_date(str(a)[:10]) if a is not None else None
    end = parse_date(str(b)[:10]) if b is not None else None
    if start is None or end is None:
        return False, None, None
    return True, min(start, end), max(start, end)


def event_from_click(click: Mapping[str, Any] | None) -> str:
    """The event id carried in customdata[0] of a clicked point or bar, or ''."""
    try:
        point = click["points"][0]  # type: ignore[index]
        custom = point.get("customdata")
        value = custom[0] if isinstance(custom, list | tuple) else custom
    except (KeyError, IndexError, TypeError, AttributeError):
        return ""
    return value if isinstance(value, str) else ""


def event_from_cell(cell: Mapping[str, Any] | None) -> str:
    try:
        value = cell.get("rowId") or cell["data"][C.EVENT_ID]  # type: ignore[union-attr,index]
    except (KeyError, TypeError, AttributeError):
        return ""
    return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class Views:
    """Everything the views show for one state: ``shown`` feeds the map, table, counts, exports;
    ``timeline`` is the same filter without the date range, because the timeline shows the date
    range as its zoomed x-axis rather than cutting the events away (so one can zoom back out)."""

    shown: pd.DataFrame
    timeline: pd.DataFrame


def compute_views(cache: FilterCache, state: FilterState) -> Views:
    shown = cache(state)
    timeline = shown
    if state.start or state.end:
        undated = replace(state, start=None, end=None)
        # a large table is counted per month on the timeline; zoomed in, the timeline shows the
        # zoomed window only, so the counts get finer (weeks, days) and then become single events.
        # Counted first: the rows of a wider view are only selected when it is the one shown
        if cache.count(undated) <= TIMELINE_DETAIL_LIMIT:
            timeline = cache(undated)
    if len(timeline) > TIMELINE_DETAIL_LIMIT:
        timeline = shown
    return Views(shown=shown, timeline=timeline)


def grid_rows(shown: pd.DataFrame, ctx: FigureContext) -> list[dict[str, Any]]:
    """The table's rows: only the columns it shows. Built from plain lists, column by column (a
    frame and ``to_dict("records")`` cost more than the rows themselves); labels looked up per row."""
    if shown.empty:
        return []
    columns = {
        "event_id": shown[C.EVENT_ID].tolist(),
        "start": shown[C.DATE_START].dt.strftime("%Y-%m-%d").tolist(),
        "date_label": shown[C.DATE_LABEL].tolist(),
        "title": shown[C.TITLE].tolist(),
        "category_label": [ctx.category_labels.get(c, c) for c in shown[C.CATEGORY].tolist()],
        "place": shown[C.PLACE_NAME].where(shown[C.PLACE_NAME] != "", shown[C.COUNTRY_NAME]).tolist(),
        "verification_label": [ctx.verification_labels.get(v, v) for v in shown[C.VERIFICATION].tolist()],
        "source_count": shown[C.SOURCE_COUNT].tolist(),
    }
    return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]


GRID_BLOCK_MAX = 1000  # the most rows one grid request may ask for
SORT_KEYS = {  # grid column -> what it sorts by (labels sort like the labels the table shows)
    "start": C.DATE_START, "date_label": C.DATE_START, "title": C.TITLE, "category_label": C.CATEGORY,
    "place": C.PLACE_NAME, "verification_label": C.VERIFICATION, "source_count": C.SOURCE_COUNT,
    "event_id": C.EVENT_ID,
}


def sort_spec(sort_model: Any) -> tuple[tuple[str, bool], ...]:
    """The grid's sortModel -> ((column, ascending), ...): unknown columns and junk are ignored;
    the date then the id always break ties, so pages never overlap or skip a row."""
    out: list[tuple[str, bool]] = []
    if isinstance(sort_model, list):
        for item in sort_model[:4]:
            if isinstance(item, dict) and item.get("colId") in SORT_KEYS:
                out.append((str(item["colId"]), item.get("sort") != "desc"))
    return tuple(out)


def grid_order(shown: pd.DataFrame, ctx: FigureContext, spec: tuple[tuple[str, bool], ...]) -> np.ndarray:
    """Row positions of ``shown`` in the table's order (stable)."""
    if shown.empty:
        return np.arange(0)
    keys: list[str] = []
    ascending: list[bool] = []
    frame: dict[str, Any] = {}
    for i, (col, asc) in enumerate((*spec, ("start", True), ("event_id", True))):
        series = shown[SORT_KEYS[col]]
        if col == "category_label":
            series = series.map(lambda c: ctx.category_labels.get(c, c))
        elif col == "verification_label":
            series = series.map(lambda v: ctx.verification_labels.get(v, v))
        elif col == "place":
            series = shown[C.PLACE_NAME].where(shown[C.PLACE_NAME] != "", shown[C.COUNTRY_NAME])
        frame[f"k{i}"] = series.to_numpy()
        keys.append(f"k{i}")
        ascending.append(asc)
    order = pd.DataFrame(frame).sort_values(keys, ascending=ascending, kind="stable").index.to_numpy()
    return np.asarray(order)


def block_bounds(request: Any) -> tuple[int, int] | None:
    """The grid's getRowsRequest -> (start, end) row numbers, clamped; None when malformed."""
    if not isinstance(request, dict):
        return None
    start, end = request.get("startRow"), request.get("endRow")
    if not isinstance(start, int | float) or not isinstance(end, int | float):
        return None
    if not (math.isfinite(start) and math.isfinite(end)):  # JSON can carry 1e999 (inf); never NaN rows
        return None
    first = max(0, int(start))
    return first, max(first, min(int(end), first + GRID_BLOCK_MAX))


def bin_window(picked: str) -> tuple[Any, Any] | None:
    """customdata "bin:START:END" of a counted timeline mark -> (start, end) dates, else None."""
    if not picked.startswith("bin:"):
        return None
    _, _, rest = picked.partition(":")
    a, _, b = rest.partition(":")
    start, end = parse_date(a), parse_date(b)
    return (start, end) if start and end and start <= end else None
