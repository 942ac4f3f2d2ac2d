"""Callbacks: component values -> core objects -> props. Each is registered per app in register().

Every function here is a plain function of its inputs plus keyword-only dependencies (bound with
functools.partial), so tests call them directly.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
from dash import Dash, Input, Output, Patch, State, ctx, dcc, html, no_update

from app.dataset.package import Dataset
from app.export.citations import CITATION_FORMATS, cite, cite_dataset
from app.export.narrative import Narrative, event_facts
from app.export.tabular import export_view
from app.figures.context import FigureContext
from app.figures.map import map_spec, selection_lonlat
from app.figures.timeline import selection_coordinates, timeline_spec
from app.filters import FilterCache, FilterState, ViewState, describe, slug
from app.urlstate import Known, parse_query, to_query
from app.web import ids
from app.web.datasets import GONE_MESSAGE, Registry, UploadGone
from app.web.detail import detail_children, print_list
from app.web.layout import GRID_BLOCK, about_body, grid_component, help_body, placeholder
from app.web.logic import (
    CONTROL_KEYS,
    bin_window,
    block_bounds,
    compute_views,
    controls_from_states,
    event_from_cell,
    event_from_click,
    grid_order,
    grid_rows,
    range_from_relayout,
    sort_spec,
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
    stories: dict[str, Narrative] = field(default_factory=dict)

    @functools.cached_property
    def story_steps(self) -> dict[str, list[str]]:
        """narrative id -> the event id of each step."""
        return {nid: [str(s.event["event_id"]) for s in story.steps] for nid, story in self.stories.items()}

    @functools.cached_property
    def views(self) -> Any:
        """build_views memoised per (state, lanes, seats): the data never changes after loading,
        so a state seen before (a toggle undone, a shared link) is answered without rebuilding."""
        return functools.lru_cache(maxsize=128)(functools.partial(build_views, deps=self))

    @functools.cached_property
    def orders(self) -> Any:
        """The table's row order per (state, sort): each page of a sorted view reuses one sort."""
        def order(state: FilterState, spec: tuple[tuple[str, bool], ...]) -> Any:
            shown = self.cache(state)
            if spec in ((), (("start", True),), (("date_label", True),)):
                return np.arange(len(shown))  # the cache keeps every view in date order already
            return grid_order(shown, self.ctx, spec)
        return functools.lru_cache(maxsize=32)(order)


N_OUT = len(CONTROL_IDS) + 6  # URL, the controls, three stores, the notice, the narrative picker
N_VIEWS = 4  # timeline, map, table refresh (with the table's first block), summary
PRESENT_TRIGGERS = (ids.PRESENT_SELECT, ids.PRESENT_PREV, ids.PRESENT_NEXT, ids.PRESENT_EXIT)


def sync_state(search: str | None, *values: Any, deps: Deps, trigger: str | None) -> tuple[Any, ...]:
    """URL <-> controls <-> stores, in one place (two callbacks would form a cycle).

    values = the 11 control values, reset clicks, timeline relayout, timeline click, map click,
    grid cell click, the narrative picker and the previous/next/exit clicks; then the current
    selection, filter store and view store.
    """
    controls = dict(zip(CONTROL_KEYS, values[:11], strict=True))
    relayout, t_click, m_click, cell, story_pick = values[12:17]
    selected, *current = values[20:23]
    notices: list[str] = []
    set_controls = True
    if not current[0]:
        # the stores are empty until the URL has been read: whatever fired first on page load
        # (the location, or a component announcing its initial value), start from the URL
        trigger = ids.URL
    if trigger in (None, ids.URL):
        state, view, notices = parse_query(search, deps.known)
        view = present_step(view, deps)
    elif trigger == ids.RESET:
        state, view = FilterState(), ViewState()
    elif trigger in PRESENT_TRIGGERS:
        view = ViewState.from_dict({**(current[1] or {}), "selected": selected})
        state, view = presentation_move(trigger, story_pick, FilterState.from_dict(current[0]), view, deps)
    else:
        state, view = states_from_controls(controls, selected if isinstance(selected, str) else "")
        previous = ViewState.from_dict(current[1])
        view = replace(view, narrative=previous.narrative, step=previous.step)
        set_controls = False
        if trigger == ids.TIMELINE + ".relayoutData":
            changed, start, end = range_from_relayout(relayout)
            if not changed:
                return (no_update,) * N_OUT
            state, set_controls = replace(state, start=start, end=end), True
        elif trigger in (ids.TIMELINE + ".clickData", ids.MAP + ".clickData", ids.GRID + ".cellClicked"):
            source = {ids.TIMELINE + ".clickData": t_click, ids.MAP + ".clickData": m_click}
            picked = event_from_cell(cell) if trigger.startswith(ids.GRID) else event_from_click(source[trigger])
            window = bin_window(picked)
            if window is not None:  # a counted mark of a large table: zoom the views to its month
                state, set_controls = replace(state, start=window[0], end=window[1]), True
            view = replace(view, selected=picked if picked in deps.known.events else view.selected)
    unchanged = (state.to_dict(), view_store(view), view.selected) == (current[0], current[1], selected)
    if not set_controls and unchanged:
        # a control echoed the value it was given (e.g. after a URL load): nothing changed
        return (no_update,) * N_OUT
    if trigger in (None, ids.URL) and unchanged and not notices:
        # the URL asks for the view the stores already hold: the page came with it (layout.FirstView),
        # or back/forward returned to it. Nothing is re-sent — each store set would wake its callbacks
        # (the selection's redraws both figures) — except that an earlier URL's notice goes.
        return (*(no_update,) * (N_OUT - 2), "", no_update)
    query = to_query(state, view)
    control_values = controls_from_states(state, view) if set_controls else {}
    outs = [control_values.get(k, no_update) for k in CONTROL_KEYS]
    notice: Any = " ".join(notices) if trigger in (None, ids.URL, ids.RESET) else no_update
    # a URL the browser gave us (load, back/forward) is never rewritten: that would add history
    write_url = trigger not in (None, ids.URL) and query != (search or "")
    reread = trigger in (None, ids.URL, ids.RESET)
    selection: Any = view.selected if reread or view.selected != selected else no_update
    # unchanged stores are not re-sent: each one set wakes the callbacks that listen to it
    new_view = view_store(view)
    view_out: Any = new_view if reread or new_view != current[1] else no_update
    pick_out: Any = (view.narrative or None) if view_out is not no_update else no_update
    return (query if write_url else no_update, *outs, state.to_dict(), view_out, selection, notice, pick_out)


def view_store(view: ViewState) -> dict[str, Any]:
    """What the views need of the ViewState (the selection has its own store)."""
    return {"lanes": view.lanes, "seats": view.seats, "narrative": view.narrative, "step": view.step}


def present_step(view: ViewState, deps: Deps) -> ViewState:
    """In presentation mode, the selection is the current step's event (the step clamped to the story)."""
    steps = deps.story_steps.get(view.narrative)
    if not steps:
        return replace(view, narrative="", step=0)
    step = max(0, min(view.step, len(steps) - 1))
    return replace(view, step=step, selected=steps[step])


def presentation_move(trigger: str, pick: Any, state: FilterState, view: ViewState, deps: Deps) -> tuple[
        FilterState, ViewState]:
    """Start (picker), step (previous/next) or leave (exit) a presentation."""
    if trigger == ids.PRESENT_SELECT:
        if isinstance(pick, str) and pick in deps.story_steps:
            # a briefing shows every event; each step frames its own window
            return FilterState(), present_step(replace(view, narrative=pick, step=0), deps)
        return state, replace(view, narrative="", step=0)
    if trigger == ids.PRESENT_EXIT or not view.narrative:
        return state, replace(view, narrative="", step=0)
    delta = 1 if trigger == ids.PRESENT_NEXT else -1
    return state, present_step(replace(view, step=view.step + delta), deps)


def update_views(filter_data: dict[str, Any] | None, view_data: dict[str, Any] | None,
                 selected: str | None, *, deps: Deps) -> tuple[Any, ...]:
    """filter state + view -> timeline, map, the table's refresh (count, state, first block of rows),
    summary line."""
    state = FilterState.from_dict(filter_data)
    view = ViewState.from_dict(view_data)
    timeline, geo, count, text = deps.views(state, view.lanes, view.seats)
    # the cached figures have no highlight; put the current one in (copies: the cache is shared)
    tx, ty = selection_coordinates(compute_views(deps.cache, state).timeline, deps.ctx, view.lanes, selected or "")
    timeline = {**timeline, "data": [*timeline["data"][:-1], _with_points(timeline["data"][-1], tx, ty)]}
    lon, lat = selection_lonlat(deps.cache(state), selected or "")
    geo = {**geo, "data": [*geo["data"][:-1], {**geo["data"][-1], "lon": lon, "lat": lat}]}
    story = deps.stories.get(view.narrative)
    if story is not None and 0 <= view.step < len(story.steps):
        # a step's window, its periods' names placed for it (built here: presentation views are not cached)
        timeline = timeline_spec(compute_views(deps.cache, state).timeline, deps.ctx, lanes=view.lanes, legend=False,
                                 selected=selected or "", window=story.steps[view.step].window, font_size=18,
                                 plot_px=850, plot_h=420)
        timeline["layout"]["xaxis"]["rangeslider"] = {"visible": False}  # a briefing: no controls on screen
        timeline, geo = frame_step(timeline, geo, story, view.step)
    # the table pages on the server: it is told the view changed (its size and its first block in
    # the default order, which the browser hands to the table without asking the server again)
    rows = {"n": count, "state": state.to_dict(), "block": rows_block(state, (), 0, GRID_BLOCK, deps)}
    return timeline, geo, rows, text


def frame_step(timeline: dict[str, Any], geo: dict[str, Any], story: Narrative, index: int) -> tuple[
        dict[str, Any], dict[str, Any]]:
    """A presentation step frames its window on the timeline and its region on the map (copies)."""
    step = story.steps[index]
    xaxis = {**timeline["layout"]["xaxis"], "range": [step.window[0].date().isoformat(),
                                                       step.window[1].date().isoformat()]}
    timeline = {**timeline, "layout": {**timeline["layout"], "xaxis": xaxis}}
    if step.focus:
        geo_layout = {**geo["layout"]["geo"], "fitbounds": False,
                      "center": {"lon": step.focus["lon"], "lat": step.focus["lat"]},
                      "projection": {**geo["layout"]["geo"]["projection"], "scale": step.focus["scale"]}}
        geo = {**geo, "layout": {**geo["layout"], "geo": geo_layout}}
    return timeline, geo



def _with_points(trace: dict[str, Any], x: list[Any], y: list[Any]) -> dict[str, Any]:
    return {**trace, "x": x, "y": y}


def build_views(state: FilterState, lanes: str, seats: bool, *, deps: Deps) -> tuple[Any, ...]:
    """Timeline and map specs (no highlight), table rows and summary for one state: cached."""
    views = compute_views(deps.cache, state)
    text = describe(state, len(views.shown), deps.labels)
    window = (state.start, state.end) if state.start or state.end else None  # else: the story (framing rules)
    timeline = timeline_spec(views.timeline, deps.ctx, lanes=lanes, legend=False, window=window)
    geo = map_spec(views.shown, deps.ctx, seats=seats, legend=False)
    return timeline, geo, len(views.shown), text


def grid_block(request: Any, filter_data: dict[str, Any] | None, *, deps: Deps) -> Any:
    """The table's request for rows startRow..endRow of the current view, in its sort order."""
    bounds = block_bounds(request)
    if bounds is None:
        return no_update
    state = FilterState.from_dict(filter_data)
    rows = rows_block(state, sort_spec(request.get("sortModel")), *bounds, deps)
    return {"rowData": rows, "rowCount": len(deps.cache(state))}


def rows_block(state: FilterState, spec: tuple[tuple[str, bool], ...], start: int, end: int,
               deps: Deps) -> list[dict[str, Any]]:
    """Rows start..end of a view in the table's sort order ``spec``."""
    shown = deps.cache(state)
    order = deps.orders(state, spec)
    return grid_rows(shown.iloc[order[start:end]], deps.ctx)


def update_selection(selected: str | None, filter_data: dict[str, Any] | None,
                     view_data: dict[str, Any] | None, search: str | None, *, deps: Deps) -> tuple[Any, ...]:
    """selection -> highlight on timeline and map (partial updates), detail panel. (The table's
    row is selected in the browser: GRID_SELECTION.)"""
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
    hit = np.flatnonzero(views.shown["event_id"].to_numpy() == selected) if selected else np.zeros(0, np.int64)
    detail = detail_children(deps.ds, deps.ctx, selected, search or "", int(hit[0]) if len(hit) else None)
    return t_patch, m_patch, detail


def panel_body(filled: Any, *, deps: Deps, trigger: str | None) -> Any:
    """A click on a help or about panel (html.Details reports clicks, not opening) -> its text,
    for the dataset on screen, once: while ``filled`` nothing changes (a dataset switch puts back
    empty panels)."""
    if filled:
        return no_update
    if trigger == ids.ABOUT_SUMMARY:
        return about_body(deps.ds)
    return help_body(deps.ds, deps.ctx)


def printable(n_clicks: int | None, filter_data: dict[str, Any] | None, *, deps: Deps) -> Any:
    """print button -> the event list with sources that only the print stylesheet shows."""
    state = FilterState.from_dict(filter_data)
    shown = deps.cache.full(state)
    return print_list(deps.ds, shown, describe(state, len(shown), deps.labels))


def presentation_panel(view_data: dict[str, Any] | None, *, deps: Deps) -> tuple[Any, str]:
    """view -> the step panel (title, progress, caption, facts) and the page's class."""
    view = ViewState.from_dict(view_data)
    story = deps.stories.get(view.narrative)
    if story is None or not story.steps:
        return [], "page"
    step = story.steps[max(0, min(view.step, len(story.steps) - 1))]
    n = len(story.steps)
    return [
        html.Div(story.title, className="present-story"),
        html.Div([html.Span(f"Step {step.number} of {n}", className="present-count"),
                  html.Progress(value=str(step.number), max=str(n), className="present-progress")]),
        html.H2(str(step.event["title"]), className="present-title"),
        html.P(step.caption, className="present-caption"),
        html.P(event_facts(deps.ds, step.event), className="present-facts"),
    ], "page presenting"


def brief_download(n_pptx: int | None, n_html: int | None, view_data: dict[str, Any] | None, *, deps: Deps,
                   trigger: str | None) -> Any:
    """presentation buttons -> the narrative as a PPTX deck or an offline HTML file."""
    story = deps.stories.get(ViewState.from_dict(view_data).narrative)
    if story is None or trigger not in (ids.PRESENT_PPTX, ids.PRESENT_HTML):
        return no_update
    # imported here: the deck and snapshot builders (python-pptx, kaleido) are not needed to start
    from app.export.images import renderer
    from app.export.slides import build_deck
    from app.export.snapshot import snapshot_html

    if trigger == ids.PRESENT_HTML:
        content = snapshot_html(deps.ds, deps.ctx, deps.ds.events, story.title, story.summary, story)
        return dcc.send_bytes(content, f"geotimeline-{story.narrative_id}.html")
    with renderer() as r:
        content = build_deck(deps.ds, deps.ctx, story, r)
    return dcc.send_bytes(content, f"geotimeline-{story.narrative_id}.pptx")


CITE_BUTTONS = {ids.CITE_BIBTEX: "bibtex", ids.CITE_RIS: "ris", ids.CITE_CSL: "csl-json"}
EXPORT_BUTTONS = {ids.DOWNLOAD_CSV: "csv", ids.DOWNLOAD_JSON: "json", ids.DOWNLOAD_GEOJSON: "geojson"}


def download(filter_data: dict[str, Any] | None, *, deps: Deps, trigger: str | None) -> Any:
    """a download button -> the current view as CSV/JSON/GeoJSON, its sources as citations, or
    the dataset's own citation."""
    state = FilterState.from_dict(filter_data)
    shown = deps.cache.full(state)
    name = "geotimeline-" + slug(describe(state, len(shown), deps.labels))
    if trigger in EXPORT_BUTTONS:
        name, content = export_view(EXPORT_BUTTONS[trigger], shown, deps.ds, state, deps.labels)
        return dcc.send_bytes(content, name)
    if trigger in CITE_BUTTONS:
        fmt = CITE_BUTTONS[trigger]
        ext = CITATION_FORMATS[fmt][1]
        return dcc.send_bytes(cite(shown, deps.ds, fmt, date.today().isoformat()), f"{name}-sources.{ext}")
    if trigger == ids.CITE_DATASET:
        return dcc.send_bytes(cite_dataset(deps.ds, "bibtex"), "geotimeline-dataset.bib")
    return no_update


# the table's selectedRows for the selection store's value ``selected`` (JavaScript)
GRID_SELECTION = "(selected ? [{event_id: selected}] : [])"


def register(app: Dash, registry: Registry) -> None:
    """Register every callback on ``app`` (per app, never global). Each callback reads the tab's
    dataset store last and answers from that dataset's Deps (the bundled one, or an upload)."""
    dataset = State(ids.DATASET_STORE, "data")

    def views_or_gone(filter_data: Any, view_data: Any, selected: Any, data: Any) -> tuple[Any, ...]:
        try:
            deps = registry.get(data)
        except UploadGone:
            empty = placeholder("timeline")
            return (empty, empty, {"n": 0}, GONE_MESSAGE)
        return update_views(filter_data, view_data, selected, deps=deps)

    def with_deps(fn: Any) -> Any:
        """fn(*values, deps=…) as a callback whose last value is the dataset store; when the upload
        is not held here, nothing changes (the views already say why)."""
        @functools.wraps(fn)
        def call(*args: Any) -> Any:
            try:
                deps = registry.get(args[-1])
            except UploadGone:
                return no_update
            return fn(*args[:-1], deps=deps)
        return call

    # URL, controls, reset, timeline zoom/clicks, map clicks, table clicks -> URL, controls, stores,
    # notice — and, when the view changed, the views themselves (timeline, map, table refresh,
    # summary). One callback, not a chain of two: a filter change costs one round
    # trip to the server, not two (the stores still carry the state for the other callbacks).
    @app.callback(
        Output(ids.URL, "search"),
        *[Output(i, p, allow_duplicate=False) for i, p in zip(CONTROL_IDS, CONTROL_PROPS, strict=True)],
        Output(ids.FILTER_STORE, "data"), Output(ids.VIEW_STORE, "data"),
        Output(ids.SELECTION_STORE, "data"), Output(ids.NOTICE, "children"), Output(ids.PRESENT_SELECT, "value"),
        Output(ids.TIMELINE, "figure"), Output(ids.MAP, "figure"), Output(ids.GRID_REFRESH, "data"),
        Output(ids.SUMMARY, "children"),
        Input(ids.URL, "search"),
        *[Input(i, p) for i, p in zip(CONTROL_IDS, CONTROL_PROPS, strict=True)],
        Input(ids.RESET, "n_clicks"), Input(ids.TIMELINE, "relayoutData"),
        Input(ids.TIMELINE, "clickData"), Input(ids.MAP, "clickData"),
        Input(ids.GRID, "cellClicked", allow_optional=True),  # the table mounts after the map is drawn
        Input(ids.PRESENT_SELECT, "value"), Input(ids.PRESENT_PREV, "n_clicks"), Input(ids.PRESENT_NEXT, "n_clicks"),
        Input(ids.PRESENT_EXIT, "n_clicks"),
        State(ids.SELECTION_STORE, "data"), State(ids.FILTER_STORE, "data"), State(ids.VIEW_STORE, "data"),
        # a dataset switch presses reset (app.web.upload): the views start unfiltered on the new data
        dataset,
    )
    def _sync(search: str | None, *args: Any) -> tuple[Any, ...]:
        *values, data = args
        prop = ctx.triggered[0]["prop_id"] if ctx.triggered else ""
        trigger = prop if prop.endswith(("relayoutData", "clickData", "cellClicked")) else ctx.triggered_id
        if isinstance(trigger, str) and trigger.startswith(ids.URL):
            trigger = ids.URL
        out = sync_state(search, *values, deps=registry.get_or_bundled(data), trigger=trigger)
        return (*out, *sync_views(out, values, trigger, data))

    def sync_views(out: tuple[Any, ...], values: list[Any], trigger: Any, data: Any) -> tuple[Any, ...]:
        """The views for what sync_state decided: redrawn when the filter or the view changed, on
        reset (also a dataset switch: same state, other data), or when the URL is read and nothing
        is drawn yet. The page comes with the default view drawn (layout.FirstView) and its state
        in the stores: opening the app without a query draws nothing twice."""
        selected, filter_now, view_now = values[20:23]
        new_filter, new_view, new_selected = out[N_OUT - 5], out[N_OUT - 4], out[N_OUT - 3]
        changed = (new_filter is not no_update and new_filter != filter_now) or (
            new_view is not no_update and new_view != view_now)
        forced = new_filter is not no_update and (trigger == ids.RESET or (
            not filter_now and (trigger in (None, ids.URL) or not ctx.triggered)))
        if not (changed or forced):
            return (no_update,) * N_VIEWS  # a click or an echo: the selection callback patches the highlight
        return views_or_gone(filter_now if new_filter is no_update else new_filter,
                             view_now if new_view is no_update else new_view,
                             selected if new_selected is no_update else new_selected, data)

    # the map has drawn for the first time -> the table mounts (made here, in the browser, from its
    # props). Building the grid costs the browser ~200 ms: done before, it held back the first
    # drawing of both views. The selection of a deep link comes with it.
    app.clientside_callback(
        "function(drawn, selected, mounted) { if (mounted) { return window.dash_clientside.no_update; }"
        " const grid = " + json.dumps(grid_component()) + ";"
        " grid.props.selectedRows = " + GRID_SELECTION + ";"
        # the rows come after the table is made (the infinite row model): the selected one is
        # selected when the first block arrives, if it is in it (asked once: a later selection
        # comes through set_props below)
        " if (selected) { dash_ag_grid.getApiAsync('" + ids.GRID + "').then(function (api) {"
        " api.addEventListener('modelUpdated', function pick() {"
        " const first = api.getDisplayedRowAtIndex(0);"
        " if (api.getDisplayedRowCount() > 0 && !(first && first.data)) { return; }"
        " api.removeEventListener('modelUpdated', pick);"
        " const node = api.getRowNode(selected); if (node && node.data) { node.setSelected(true); } });"
        " }); }"
        " return grid; }",
        Output(ids.GRID_SLOT, "children"), Input(ids.MAP, "relayoutData"),
        State(ids.SELECTION_STORE, "data"), State(ids.GRID_SLOT, "children"),
        prevent_initial_call=True,
    )

    # the table asks for a block of rows (after a refresh, scrolling, sorting). The first block of a
    # view in the default order came with the view (GRID_REFRESH): answered here, in the browser.
    # Any other block goes to the server (also one asked before the first view arrived). Every
    # request gets an answer: the table asks one block at a time, so one left unanswered would
    # hold back every later one.
    app.clientside_callback(
        """
        function(request, refresh) {
            const nu = window.dash_clientside.no_update;
            if (!request) { return [nu, nu]; }
            if (!refresh) { return [nu, request]; }
            // the table opens sorted by start date, ascending: the order the view comes in
            const sort = request.sortModel || [];
            const asShipped = sort.length === 0 || (sort.length === 1 && sort[0].colId === 'start'
                                                    && sort[0].sort === 'asc');
            const block = refresh.block;
            if (block && asShipped && request.startRow === 0
                    && (block.length >= request.endRow || block.length === refresh.n)) {
                return [{rowData: block.slice(0, request.endRow), rowCount: refresh.n}, nu];
            }
            return [nu, request];
        }
        """,
        Output(ids.GRID, "getRowsResponse"), Output(ids.GRID_ASK, "data"),
        Input(ids.GRID, "getRowsRequest"), State(ids.GRID_REFRESH, "data"),
        prevent_initial_call=True,
    )
    @app.callback(
        Output(ids.GRID, "getRowsResponse", allow_duplicate=True), Input(ids.GRID_ASK, "data"),
        State(ids.FILTER_STORE, "data"), dataset, prevent_initial_call=True,
    )
    def _grid_block(request: Any, filter_data: Any, data: Any) -> Any:
        try:
            deps = registry.get(data)
        except UploadGone:  # answered all the same (empty): see above
            return {"rowData": [], "rowCount": 0}
        return grid_block(request, filter_data, deps=deps)

    # the view changed -> the table drops its rows and asks again (from the top), once the figures
    # that came with the same answer are drawn and painted: the table's layout reads would
    # otherwise fall between the two figures' redraws and hold the map back
    app.clientside_callback(
        "function(v) { if (v && window.dash_ag_grid) { requestAnimationFrame(function () { setTimeout("
        "function () { dash_ag_grid.getApiAsync('" + ids.GRID + "').then(function (api) {"
        " api.purgeInfiniteCache(); api.ensureIndexVisible(0, 'top'); }); }, 0); }); }"
        " return window.dash_clientside.no_update; }",
        Output(ids.CLIENT_DUMMY, "data", allow_duplicate=True), Input(ids.GRID_REFRESH, "data"),
        prevent_initial_call=True,
    )

    # selection -> highlight (Patch) on timeline and map, detail panel
    app.callback(
        Output(ids.TIMELINE, "figure", allow_duplicate=True), Output(ids.MAP, "figure", allow_duplicate=True),
        Output(ids.DETAIL, "children"),
        Input(ids.SELECTION_STORE, "data"),
        State(ids.FILTER_STORE, "data"), State(ids.VIEW_STORE, "data"), State(ids.URL, "search"), dataset,
        prevent_initial_call=True,  # as above: the URL sync always sets the selection store
    )(with_deps(update_selection))
    # ... and the table's selected row, in the browser: the table may not be mounted yet (an Output
    # would then be an error); if not, it mounts with the selection (above)
    app.clientside_callback(
        "function(selected) { if (document.getElementById('" + ids.GRID + "')) {"
        " window.dash_clientside.set_props('" + ids.GRID + "', {selectedRows: " + GRID_SELECTION + "}); }"
        " return window.dash_clientside.no_update; }",
        Output(ids.CLIENT_DUMMY, "data", allow_duplicate=True), Input(ids.SELECTION_STORE, "data"),
        prevent_initial_call=True,
    )

    # a help or about panel opened for the first time -> its text
    for panel, body in ((ids.HELP_SUMMARY, ids.HELP_BODY), (ids.ABOUT_SUMMARY, ids.ABOUT_BODY)):
        @app.callback(Output(body, "children"), Input(panel, "n_clicks"), State(body, "children"), dataset,
                      prevent_initial_call=True)
        def _panel(clicks: Any, filled: Any, data: Any, _panel: str = panel) -> Any:
            return panel_body(filled, deps=registry.get_or_bundled(data), trigger=_panel)

    # download and cite buttons -> file of the current view
    @app.callback(
        Output(ids.DOWNLOAD, "data"),
        *[Input(i, "n_clicks") for i in (*EXPORT_BUTTONS, *CITE_BUTTONS, ids.CITE_DATASET)],
        State(ids.FILTER_STORE, "data"), dataset,
        prevent_initial_call=True,
    )
    def _download(*args: Any) -> Any:
        return download(args[-2], deps=registry.get_or_bundled(args[-1]), trigger=ctx.triggered_id)

    # print button -> the printable event list with sources (built only when asked: it is long)
    app.callback(
        Output(ids.PRINT_LIST, "children"), Input(ids.PRINT_BUTTON, "n_clicks"), State(ids.FILTER_STORE, "data"),
        dataset, prevent_initial_call=True,
    )(with_deps(printable))

    # the printable list has arrived -> open the browser's print dialog
    app.clientside_callback(
        "function(children) { if (children) { setTimeout(function () { window.print(); }, 300); }"
        " return window.dash_clientside.no_update; }",
        Output(ids.CLIENT_DUMMY, "data", allow_duplicate=True), Input(ids.PRINT_LIST, "children"),
        prevent_initial_call=True,
    )

    # view store -> presentation panel, page class (presenting or not)
    app.callback(
        Output(ids.PRESENT_PANEL, "children"), Output(ids.PAGE, "className"),
        Input(ids.VIEW_STORE, "data"), dataset, prevent_initial_call=True,
    )(with_deps(presentation_panel))

    # presentation download buttons -> deck or offline HTML of the narrative
    @app.callback(
        Output(ids.DOWNLOAD, "data", allow_duplicate=True),
        Input(ids.PRESENT_PPTX, "n_clicks"), Input(ids.PRESENT_HTML, "n_clicks"), State(ids.VIEW_STORE, "data"),
        dataset, prevent_initial_call=True,
    )
    def _brief(a: int | None, b: int | None, data: dict[str, Any] | None, which: Any) -> Any:
        return brief_download(a, b, data, deps=registry.get_or_bundled(which), trigger=ctx.triggered_id)

    # copy-link / SVG buttons -> browser-only actions (clipboard, Plotly.downloadImage)
    app.clientside_callback(
        f"""
        function(nLink, nT, nM) {{
            const t = window.dash_clientside.callback_context.triggered_id;
            // (copy link: assets/linking.js, with feedback and a fallback)
            const graphs = {{'{ids.TIMELINE_SVG}': ['{ids.TIMELINE}', 'timeline'],
                            '{ids.MAP_SVG}': ['{ids.MAP}', 'map']}};
            if (graphs[t]) {{
                const el = document.getElementById(graphs[t][0]).querySelector('.js-plotly-plot');
                window.Plotly.downloadImage(el, {{format: 'svg', width: 1600, height: 900,
                                                 filename: window.geotimelineFileName(graphs[t][1])}});
            }}
            return window.dash_clientside.no_update;
        }}
        """,
        Output(ids.CLIENT_DUMMY, "data"),
        Input(ids.COPY_LINK, "n_clicks"), Input(ids.TIMELINE_SVG, "n_clicks"), Input(ids.MAP_SVG, "n_clicks"),
        prevent_initial_call=True,
    )
