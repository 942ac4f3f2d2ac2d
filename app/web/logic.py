"""Pure helpers behind the callbacks: component values <-> core states (the controls, clicks, zooms
and table requests as Dash gives them). No dash import here, so every rule is unit-tested without
a browser. What the views show for a state is app.view."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from app.dataset import columns as C
from app.figures.timeline import BIN_FIELD
from app.filters import FIELDS, LANE_MODES, FilterState, ViewState, parse_date, read_value, to_json
from app.view import TABLE_BLOCK_MAX
from app.web import ids

# every control's key: a FilterState field (app.filters.FIELDS declares its control), then the view's
VIEW_CONTROLS = {"lanes": (ids.LANES, "value"), "seats": (ids.SEATS, "value")}
CONTROLS: dict[str, tuple[str, str]] = {**{name: (p.control, p.prop) for name, p in FIELDS.items()}, **VIEW_CONTROLS}
CONTROL_KEYS = tuple(CONTROLS)


def states_from_controls(values: Mapping[str, Any], selected: str = "") -> tuple[FilterState, ViewState]:
    """Control values (as Dash gives them; any may be None or junk) -> states. Never raises."""
    lanes = values.get("lanes")
    seats = values.get("seats")
    state = FilterState(**{name: read_value(p, values.get(name)) for name, p in FIELDS.items()})
    if state.start and state.end and state.end < state.start:
        state = replace(state, start=state.end, end=state.start)
    view = ViewState(
        lanes=lanes if lanes in LANE_MODES else "category",
        selected=selected,
        seats=not isinstance(seats, list) or "seats" in seats,
    )
    return state, view


def controls_from_states(state: FilterState, view: ViewState) -> dict[str, Any]:
    """States -> the value of every control (the inverse of states_from_controls)."""
    values = {name: to_json(p, getattr(state, name)) for name, p in FIELDS.items()}
    if state.actor_role == "":
        values["actor_role"] = None  # a dropdown's empty value
    return {**values, "lanes": view.lanes, "seats": ["seats"] if view.seats else []}


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


def _clicked(click: Mapping[str, Any] | None) -> Any:
    """The customdata of the first clicked point (None when there is none)."""
    try:
        return click["points"][0].get("customdata")  # type: ignore[index]
    except (KeyError, IndexError, TypeError, AttributeError):
        return None


def event_from_click(click: Mapping[str, Any] | None) -> str:
    """The event id of a clicked mark (the first item of its customdata list), or '' — also for a
    counted mark, whose customdata is a dict (``bin_window`` reads it)."""
    custom = _clicked(click)
    value = custom[0] if isinstance(custom, list | tuple) and custom else custom
    return value if isinstance(value, str) else ""


def event_from_cell(cell: Mapping[str, Any] | None) -> str:
    try:
        value = cell.get("rowId") or cell["data"][C.EVENT_ID]  # type: ignore[union-attr,index]
    except (KeyError, TypeError, AttributeError):
        return ""
    return value if isinstance(value, str) else ""


GRID_BLOCK_MAX = TABLE_BLOCK_MAX  # the most rows one table request may ask for


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


def bin_window(click: Mapping[str, Any] | None) -> tuple[Any, Any] | None:
    """The window (start, end) a clicked counted mark counts — its customdata is
    ``{"window": [first day, last day]}`` (app.figures.timeline.BIN_FIELD) — else None (an event's
    mark, nothing clicked, junk)."""
    custom = _clicked(click)
    window = custom.get(BIN_FIELD) if isinstance(custom, Mapping) else None
    if not isinstance(window, list | tuple) or len(window) != 2 or not all(isinstance(d, str) for d in window):
        return None
    start, end = parse_date(window[0]), parse_date(window[1])
    return (start, end) if start and end and start <= end else None
