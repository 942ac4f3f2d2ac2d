"""Callbacks: component values -> core objects -> props. Each is registered per app in register().

Every function here is a plain function of its inputs plus keyword-only dependencies (bound with
functools.partial), so tests call them directly.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any

from dash import Dash, Input, Output, Patch, State, ctx, dcc, no_update

from app.dataset.package import Dataset
from app.export.tabular import export_view
from app.figures.context import FigureContext
from app.figures.map import map_spec, selection_lonlat
from app.figures.timeline import selection_coordinates, timeline_spec
from app.filters import FilterCache, FilterState, ViewState, describe, slug
from app.urlstate import Known, parse_query, to_query
from app.web import ids
from app.web.detail import detail_children
from app.web.layout import graph_config
from app.web.logic import (
    CONTROL_KEYS,
    compute_views,
    controls_from_states,
    event_from_cell,
    event_from_click,
    grid_rows,
    range_from_relayout,
    states_from_controls,
)

CONTROL_IDS = (ids.DATE_START, ids.DATE_END, ids.CATEGORIES, ids.ACTORS, ids.ACTOR_ROLE,
               ids.COUNTRIES, ids.SYSTEMS, ids.VERIFICATION, ids.TEXT, ids.LANES, ids.SEATS)
CONTROL_PROPS = ("date", "date", *("value",) * (len(CONTROL_IDS) - 2))


@dataclass(frozen=True)
class Deps:
    ds: Dataset
    ctx: FigureContext
    cache: FilterCache
    known: Known
    labels: dict[str, dict[str, str]]
    topojson_url: str

    @functools.cached_property
    def views(self) -> Any:
        """build_views memoised per (state, lanes, seats): the data never changes after loading,
        so a state seen before (a toggle undone, a shared link) is answered without rebuilding."""
        return functools.lru_cache(maxsize=128)(functools.partial(build_views, deps=self))


def sync_state(search: str | None, *values: Any, deps: Deps, trigger: str | None) -> tuple[Any, ...]:
    """URL <-> controls <-> stores, in one place (two callbacks would form a cycle).

    values = the 11 control values, reset clicks, timeline relayout, timeline click, map click,
    grid cell click, and the current selection, filter store and view store.
    """
    controls = dict(zip(CONTROL_KEYS, values[:11], strict=True))
    relayout, t_click, m_click, cell, selected = values[12:17]
    current = values[17:19]
    notices: list[str] = []
    set_controls = True
    if not current[0]:
        # the stores are empty until the URL has been read: whatever fired first on page load
        # (the location, or a component announcing its initial value), start from the URL
        trigger = ids.URL
    if trigger in (None, ids.URL):
        state, view, notices = parse_query(search, deps.known)
    elif trigger == ids.RESET:
        state, view = FilterState(), ViewState()
    else:
        state, view = states_from_controls(controls, selected if isinstance(selected, str) else "")
        set_controls = False
        if trigger == ids.TIMELINE + ".relayoutData":
            changed, start, end = range_from_relayout(relayout)
            if not changed:
                return (no_update,) * (len(CONTROL_IDS) + 5)
            state, set_controls = replace(state, start=start, end=end), True
        elif trigger in (ids.TIMELINE + ".clickData", ids.MAP + ".clickData", ids.GRID + ".cellClicked"):
            source = {ids.TIMELINE + ".clickData": t_click, ids.MAP + ".clickData": m_click}
            picked = event_from_cell(cell) if trigger.startswith(ids.GRID) else event_from_click(source[trigger])
            view = replace(view, selected=picked if picked in deps.known.events else view.selected)
    if not set_controls and (state.to_dict(), {"lanes": view.lanes, "seats": view.seats}, view.selected) == (
            current[0], current[1], selected):
        # a control echoed the value it was given (e.g. after a URL load): nothing changed
        return (no_update,) * (len(CONTROL_IDS) + 5)
    query = to_query(state, view)
    control_values = controls_from_states(state, view) if set_controls else {}
    outs = [control_values.get(k, no_update) for k in CONTROL_KEYS]
    notice: Any = " ".join(notices) if trigger in (None, ids.URL, ids.RESET) else no_update
    # a URL the browser gave us (load, back/forward) is never rewritten: that would add history
    write_url = trigger not in (None, ids.URL) and query != (search or "")
    reread = trigger in (None, ids.URL, ids.RESET)
    selection: Any = view.selected if reread or view.selected != selected else no_update
    return (query if write_url else no_update, *outs, state.to_dict(),
            {"lanes": view.lanes, "seats": view.seats}, selection, notice)


def update_views(filter_data: dict[str, Any] | None, view_data: dict[str, Any] | None,
                 selected: str | None, *, deps: Deps) -> tuple[Any, ...]:
    """filter state + view -> timeline, map, table rows, summary line, graph configs."""
    state = FilterState.from_dict(filter_data)
    view = ViewState.from_dict(view_data)
    timeline, geo, rows, text = deps.views(state, view.lanes, view.seats)
    # the cached figures have no highlight; put the current one in (copies: the cache is shared)
    tx, ty = selection_coordinates(deps.cache(_undated(state)), deps.ctx, view.lanes, selected or "")
    timeline = {**timeline, "data": [*timeline["data"][:-1], _with_points(timeline["data"][-1], tx, ty)]}
    lon, lat = selection_lonlat(deps.cache(state), selected or "")
    geo = {**geo, "data": [*geo["data"][:-1], {**geo["data"][-1], "lon": lon, "lat": lat}]}
    name = slug(text)
    return (timeline, geo, rows, text, graph_config(f"geotimeline-timeline-{name}"),
            graph_config(f"geotimeline-map-{name}", deps.topojson_url))


def _undated(state: FilterState) -> FilterState:
    return replace(state, start=None, end=None)


def _with_points(trace: dict[str, Any], x: list[Any], y: list[Any]) -> dict[str, Any]:
    return {**trace, "x": x, "y": y}


def build_views(state: FilterState, lanes: str, seats: bool, *, deps: Deps) -> tuple[Any, ...]:
    """Timeline and map specs (no highlight), table rows and summary for one state: cached."""
    views = compute_views(deps.cache, state)
    text = describe(state, len(views.shown), deps.labels)
    timeline = timeline_spec(views.timeline, deps.ctx, lanes=lanes, legend=False)
    if state.start or state.end:
        start = state.start or views.timeline["date_start"].min().date()
        end = state.end or deps.ctx.today.date()
        timeline["layout"]["xaxis"]["range"] = [start.isoformat(), end.isoformat()]
    geo = map_spec(views.shown, deps.ctx, seats=seats, legend=False)
    return timeline, geo, grid_rows(views.shown, deps.ctx), text


def update_selection(selected: str | None, filter_data: dict[str, Any] | None,
                     view_data: dict[str, Any] | None, search: str | None, *, deps: Deps) -> tuple[Any, ...]:
    """selection -> highlight on timeline and map (partial updates), detail panel, table row."""
    selected = selected or ""
    state = FilterState.from_dict(filter_data)
    view = ViewState.from_dict(view_data)
    views = compute_views(deps.cache, state)
    tx, ty = selection_coordinates(views.timeline, deps.ctx, view.lanes, selected)
    mx, my = selection_lonlat(views.shown, selected)
    t_patch, m_patch = Patch(), Patch()
    # the selection ring is always the last trace of both figures
    t_patch["data"][-1]["x"] = tx
    t_patch["data"][-1]["y"] = ty
    m_patch["data"][-1]["lon"] = mx
    m_patch["data"][-1]["lat"] = my
    detail = detail_children(deps.ds, deps.ctx, selected, search or "")
    rows = [{"event_id": selected}] if selected else []
    return t_patch, m_patch, detail, rows


def download(n_csv: int | None, n_json: int | None, n_geo: int | None,
             filter_data: dict[str, Any] | None, *, deps: Deps, trigger: str | None) -> Any:
    """a download button -> the current view as CSV, JSON or GeoJSON."""
    fmt = {ids.DOWNLOAD_CSV: "csv", ids.DOWNLOAD_JSON: "json", ids.DOWNLOAD_GEOJSON: "geojson"}.get(trigger or "")
    if fmt is None:
        return no_update
    state = FilterState.from_dict(filter_data)
    name, content = export_view(fmt, deps.cache(state), deps.ds, state, deps.labels)
    return dcc.send_bytes(content, name)


def register(app: Dash, deps: Deps) -> None:
    """Register every callback on ``app`` (per app, never global)."""

    # URL, controls, reset, timeline zoom/clicks, map clicks, table clicks -> URL, controls, stores, notice
    @app.callback(
        Output(ids.URL, "search"),
        *[Output(i, p, allow_duplicate=False) for i, p in zip(CONTROL_IDS, CONTROL_PROPS, strict=True)],
        Output(ids.FILTER_STORE, "data"), Output(ids.VIEW_STORE, "data"),
        Output(ids.SELECTION_STORE, "data"), Output(ids.NOTICE, "children"),
        Input(ids.URL, "search"),
        *[Input(i, p) for i, p in zip(CONTROL_IDS, CONTROL_PROPS, strict=True)],
        Input(ids.RESET, "n_clicks"), Input(ids.TIMELINE, "relayoutData"),
        Input(ids.TIMELINE, "clickData"), Input(ids.MAP, "clickData"), Input(ids.GRID, "cellClicked"),
        State(ids.SELECTION_STORE, "data"), State(ids.FILTER_STORE, "data"), State(ids.VIEW_STORE, "data"),
    )
    def _sync(search: str | None, *values: Any) -> tuple[Any, ...]:
        prop = ctx.triggered[0]["prop_id"] if ctx.triggered else ""
        trigger = prop if prop.endswith(("relayoutData", "clickData", "cellClicked")) else ctx.triggered_id
        if isinstance(trigger, str) and trigger.startswith(ids.URL):
            trigger = ids.URL
        return sync_state(search, *values, deps=deps, trigger=trigger)

    # filter store + view store -> timeline, map, table, summary, graph configs
    app.callback(
        Output(ids.TIMELINE, "figure"), Output(ids.MAP, "figure"), Output(ids.GRID, "rowData"),
        Output(ids.SUMMARY, "children"), Output(ids.TIMELINE, "config"), Output(ids.MAP, "config"),
        Input(ids.FILTER_STORE, "data"), Input(ids.VIEW_STORE, "data"),
        State(ids.SELECTION_STORE, "data"),
        # not on page load: the stores are filled from the URL first, and a concurrent initial
        # call with empty stores could answer last and overwrite the linked view
        prevent_initial_call=True,
    )(functools.partial(update_views, deps=deps))

    # selection -> highlight (Patch) on timeline and map, detail panel, table selection
    app.callback(
        Output(ids.TIMELINE, "figure", allow_duplicate=True), Output(ids.MAP, "figure", allow_duplicate=True),
        Output(ids.DETAIL, "children"), Output(ids.GRID, "selectedRows"),
        Input(ids.SELECTION_STORE, "data"),
        State(ids.FILTER_STORE, "data"), State(ids.VIEW_STORE, "data"), State(ids.URL, "search"),
        prevent_initial_call=True,  # as above: the URL sync always sets the selection store
    )(functools.partial(update_selection, deps=deps))

    # download buttons -> file of the current view
    @app.callback(
        Output(ids.DOWNLOAD, "data"),
        Input(ids.DOWNLOAD_CSV, "n_clicks"), Input(ids.DOWNLOAD_JSON, "n_clicks"),
        Input(ids.DOWNLOAD_GEOJSON, "n_clicks"), State(ids.FILTER_STORE, "data"),
        prevent_initial_call=True,
    )
    def _download(a: int | None, b: int | None, c: int | None, data: dict[str, Any] | None) -> Any:
        return download(a, b, c, data, deps=deps, trigger=ctx.triggered_id)

    # copy-link / SVG buttons -> browser-only actions (clipboard, Plotly.downloadImage)
    app.clientside_callback(
        f"""
        function(nLink, nT, nM) {{
            const t = window.dash_clientside.callback_context.triggered_id;
            const summary = (document.getElementById('{ids.SUMMARY}') || {{}}).innerText || 'view';
            const name = 'geotimeline-' + summary.toLowerCase()
                .replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
            if (t === '{ids.COPY_LINK}' && navigator.clipboard) {{
                navigator.clipboard.writeText(window.location.href);
            }}
            const graphs = {{'{ids.TIMELINE_SVG}': ['{ids.TIMELINE}', 'timeline'],
                            '{ids.MAP_SVG}': ['{ids.MAP}', 'map']}};
            if (graphs[t]) {{
                const el = document.getElementById(graphs[t][0]).querySelector('.js-plotly-plot');
                window.Plotly.downloadImage(el, {{format: 'svg', width: 1600, height: 900,
                                                 filename: name + '-' + graphs[t][1]}});
            }}
            return window.dash_clientside.no_update;
        }}
        """,
        Output(ids.CLIENT_DUMMY, "data"),
        Input(ids.COPY_LINK, "n_clicks"), Input(ids.TIMELINE_SVG, "n_clicks"), Input(ids.MAP_SVG, "n_clicks"),
        prevent_initial_call=True,
    )
