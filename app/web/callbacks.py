"""Callbacks: component values -> core objects -> props. Each is registered per app in register().

Every callback takes NAMED inputs and gives NAMED outputs (Dash's dict form: ``SYNC_INPUTS`` and
``SYNC_OUTPUTS`` are built from the id constants), calls the pure core (``app.view.compose_view``)
and maps its fields to outputs; nothing is read or written by position. The functions are plain
functions of their inputs plus keyword-only dependencies, so tests call them directly.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

import numpy as np
from dash import ClientsideFunction, Dash, Input, Output, Patch, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from app.export.citations import CITATION_FORMATS, cite, cite_dataset
from app.export.narrative import event_facts
from app.export.tabular import export_view
from app.filters import FilterState, ViewState, describe, slug
from app.urlstate import parse_query, to_query
from app.view import Loaded, View, compose_view, highlight, sort_spec, table_block
from app.view import present_step as _present_step
from app.web import ids
from app.web.datasets import GONE_MESSAGE, Registry, UploadGone
from app.web.detail import detail_children, print_list
from app.web.layout import about_body, help_body, placeholder
from app.web.logic import (
    CONTROL_KEYS,
    CONTROLS,
    bin_window,
    block_bounds,
    controls_from_states,
    event_from_cell,
    event_from_click,
    range_from_relayout,
    states_from_controls,
)

Deps = Loaded  # what every callback answers from: the tab's dataset, loaded (app.view.Loaded)
PRESENT_TRIGGERS = (ids.PRESENT_SELECT, ids.PRESENT_PREV, ids.PRESENT_NEXT, ids.PRESENT_EXIT)
ZOOM, TIMELINE_CLICK, MAP_CLICK, TABLE_CLICK = (ids.TIMELINE + ".relayoutData", ids.TIMELINE + ".clickData",
                                                ids.MAP + ".clickData", ids.GRID + ".cellClicked")


@dataclass(frozen=True)
class SyncInputs:
    """What the URL/controls callback is given, by name (SYNC_INPUTS says where each comes from)."""

    search: Any = ""
    controls: dict[str, Any] = field(default_factory=dict)  # CONTROL_KEYS -> the control's value
    reset: Any = None
    zoom: Any = None  # the timeline's relayoutData
    timeline_click: Any = None
    map_click: Any = None
    table_click: Any = None
    story_pick: Any = None
    story_prev: Any = None
    story_next: Any = None
    story_exit: Any = None
    selected: Any = ""  # the selection store
    filter_data: Any = None  # the filter store
    view_data: Any = None  # the view store


SYNC_INPUTS: dict[str, Any] = {
    "search": Input(ids.URL, "search"),
    "controls": {key: Input(cid, prop) for key, (cid, prop) in CONTROLS.items()},
    "reset": Input(ids.RESET, "n_clicks"),
    "zoom": Input(ids.TIMELINE, "relayoutData"),
    "timeline_click": Input(ids.TIMELINE, "clickData"),
    "map_click": Input(ids.MAP, "clickData"),
    "table_click": Input(ids.GRID, "cellClicked", allow_optional=True),  # the table mounts after the map
    "story_pick": Input(ids.PRESENT_SELECT, "value"),
    "story_prev": Input(ids.PRESENT_PREV, "n_clicks"),
    "story_next": Input(ids.PRESENT_NEXT, "n_clicks"),
    "story_exit": Input(ids.PRESENT_EXIT, "n_clicks"),
    "selected": State(ids.SELECTION_STORE, "data"),
    "filter_data": State(ids.FILTER_STORE, "data"),
    "view_data": State(ids.VIEW_STORE, "data"),
}
assert [f.name for f in fields(SyncInputs)] == list(SYNC_INPUTS)


@dataclass(frozen=True)
class SyncOutputs:
    """What the URL/controls callback sets, by name (no_update: left as it is)."""

    url: Any = no_update
    controls: dict[str, Any] = field(default_factory=lambda: dict.fromkeys(CONTROL_KEYS, no_update))
    filter_data: Any = no_update
    view_data: Any = no_update
    selected: Any = no_update
    notice: Any = no_update
    story_pick: Any = no_update
    timeline: Any = no_update
    map: Any = no_update
    rows: Any = no_update  # the table's refresh
    summary: Any = no_update

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


SYNC_OUTPUTS: dict[str, Any] = {
    "url": Output(ids.URL, "search"),
    "controls": {key: Output(cid, prop) for key, (cid, prop) in CONTROLS.items()},
    "filter_data": Output(ids.FILTER_STORE, "data"),
    "view_data": Output(ids.VIEW_STORE, "data"),
    "selected": Output(ids.SELECTION_STORE, "data"),
    "notice": Output(ids.NOTICE, "children"),
    "story_pick": Output(ids.PRESENT_SELECT, "value"),
    "timeline": Output(ids.TIMELINE, "figure"),
    "map": Output(ids.MAP, "figure"),
    "rows": Output(ids.GRID_REFRESH, "data"),
    "summary": Output(ids.SUMMARY, "children"),
}
assert [f.name for f in fields(SyncOutputs)] == list(SYNC_OUTPUTS)
NOTHING = SyncOutputs()


def sync_state(given: SyncInputs, *, deps: Deps, trigger: str | None) -> SyncOutputs:
    """URL <-> controls <-> stores, in one place (two callbacks would form a cycle). The views are
    left to ``sync_views``."""
    selected = given.selected if isinstance(given.selected, str) else ""
    current_filter = given.filter_data if isinstance(given.filter_data, dict) else None
    current_view = given.view_data if isinstance(given.view_data, dict) else None
    notices: list[str] = []
    set_controls = True
    if not current_filter:
        # the stores are empty until the URL has been read: whatever fired first on page load
        # (the location, or a component announcing its initial value), start from the URL
        trigger = ids.URL
    search = given.search if isinstance(given.search, str) else ""
    if trigger in (None, ids.URL):
        state, view, notices = parse_query(search, deps.known)
        view = present_step(view, deps)
    elif trigger == ids.RESET:
        state, view = FilterState(), ViewState()
    elif trigger in PRESENT_TRIGGERS:
        view = ViewState.from_dict({**(current_view or {}), "selected": selected})
        state, view = presentation_move(trigger, given.story_pick, FilterState.from_dict(current_filter), view, deps)
    else:
        state, view = states_from_controls(given.controls, selected)
        previous = ViewState.from_dict(current_view)
        view = replace(view, narrative=previous.narrative, step=previous.step)
        set_controls = False
        if trigger == ZOOM:
            changed, start, end = range_from_relayout(given.zoom)
            if not changed:
                return NOTHING
            state, set_controls = replace(state, start=start, end=end), True
        elif trigger in (TIMELINE_CLICK, MAP_CLICK, TABLE_CLICK):
            picked = (event_from_cell(given.table_click) if trigger == TABLE_CLICK else
                      event_from_click(given.timeline_click if trigger == TIMELINE_CLICK else given.map_click))
            window = bin_window(given.timeline_click if trigger == TIMELINE_CLICK else None)
            if window is not None:  # a counted mark of a large table: zoom the views to its month
                state, set_controls = replace(state, start=window[0], end=window[1]), True
            view = replace(view, selected=picked if picked in deps.known.events else view.selected)
    unchanged = (state.to_dict(), view_store(view), view.selected) == (current_filter, current_view, selected)
    if not set_controls and unchanged:
        # a control echoed the value it was given (e.g. after a URL load): nothing changed
        return NOTHING
    if trigger in (None, ids.URL) and unchanged and not notices:
        # the URL asks for the view the stores already hold: the page came with it (layout.FirstView),
        # or back/forward returned to it. Nothing is re-sent — each store set would wake its callbacks
        # (the selection's redraws both figures) — except that an earlier URL's notice goes.
        return replace(NOTHING, notice="")
    query = to_query(state, view)
    control_values = controls_from_states(state, view) if set_controls else {}
    # a URL the browser gave us (load, back/forward) is never rewritten: that would add history
    write_url = trigger not in (None, ids.URL) and query != search
    reread = trigger in (None, ids.URL, ids.RESET)
    # unchanged stores are not re-sent: each one set wakes the callbacks that listen to it
    new_view = view_store(view)
    view_out: Any = new_view if reread or new_view != current_view else no_update
    return SyncOutputs(
        url=query if write_url else no_update,
        controls={k: control_values.get(k, no_update) for k in CONTROL_KEYS},
        filter_data=state.to_dict(),
        view_data=view_out,
        selected=view.selected if reread or view.selected != selected else no_update,
        notice=" ".join(notices) if reread else no_update,
        story_pick=(view.narrative or None) if view_out is not no_update else no_update,
    )


def sync_views(out: SyncOutputs, given: SyncInputs, trigger: Any, *, views: Any, first: bool) -> SyncOutputs:
    """The views for what sync_state decided: redrawn when the filter or the view changed, on
    reset (also a dataset switch: same state, other data), or when the URL is read and nothing
    is drawn yet. The page comes with the default view drawn (layout.FirstView) and its state
    in the stores: opening the app without a query draws nothing twice. ``views(filter, view,
    selected)`` draws them; ``first``: no callback fired (the page's first call)."""
    changed = (out.filter_data is not no_update and out.filter_data != given.filter_data) or (
        out.view_data is not no_update and out.view_data != given.view_data)
    forced = out.filter_data is not no_update and (trigger == ids.RESET or (
        not given.filter_data and (trigger in (None, ids.URL) or first)))
    if not (changed or forced):
        return out  # a click or an echo: the selection callback patches the highlight
    shown = views(given.filter_data if out.filter_data is no_update else out.filter_data,
                  given.view_data if out.view_data is no_update else out.view_data,
                  given.selected if out.selected is no_update else out.selected)
    return replace(out, **shown)


def view_store(view: ViewState) -> dict[str, Any]:
    """What the views need of the ViewState (the selection has its own store)."""
    return {"lanes": view.lanes, "seats": view.seats, "narrative": view.narrative, "step": view.step}


def present_step(view: ViewState, deps: Deps) -> ViewState:
    return _present_step(view, deps)


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
                 selected: str | None, *, deps: Deps) -> View:
    """The stores' values -> the View (figures, the table's refresh, summary)."""
    view = replace(ViewState.from_dict(view_data), selected=selected if isinstance(selected, str) else "")
    return compose_view(deps, FilterState.from_dict(filter_data), view)


def view_outputs(view: View) -> dict[str, Any]:
    """A View's fields -> the SyncOutputs (and first-view) names they fill."""
    return {"timeline": view.timeline, "map": view.map, "rows": view.rows, "summary": view.summary}


def grid_block(request: Any, filter_data: dict[str, Any] | None, *, deps: Deps) -> Any:
    """The table's request for rows startRow..endRow of the current view, in its sort order."""
    bounds = block_bounds(request)
    if bounds is None:
        return no_update
    state = FilterState.from_dict(filter_data)
    rows = table_block(deps, state, sort_spec(request.get("sortModel")), *bounds)
    return {"rowData": rows, "rowCount": len(deps.cache(state))}


def selection_patches(deps: Deps, state: FilterState, view: ViewState) -> tuple[Patch, Patch]:
    """The selection ring of ``view.selected`` as partial updates of both figures (the ring's trace
    found by its uid)."""
    mark = highlight(deps, state, view)
    t_patch, m_patch = Patch(), Patch()
    t_patch["data"][mark.timeline_trace]["x"] = mark.timeline_xy[0]
    t_patch["data"][mark.timeline_trace]["y"] = mark.timeline_xy[1]
    m_patch["data"][mark.map_trace]["lon"] = mark.map_lonlat[0]
    m_patch["data"][mark.map_trace]["lat"] = mark.map_lonlat[1]
    return t_patch, m_patch


def update_selection(selected: str | None, filter_data: dict[str, Any] | None,
                     view_data: dict[str, Any] | None, search: str | None, *, deps: Deps) -> dict[str, Any]:
    """selection -> highlight on timeline and map (partial updates), detail panel. (The table's
    row is selected in the browser: assets/geotimeline.js selectRow.)"""
    selected = selected if isinstance(selected, str) else ""
    view = replace(ViewState.from_dict(view_data), selected=selected)
    t_patch, m_patch = selection_patches(deps, FilterState.from_dict(filter_data), view)
    # the event's row in the table's default order: the table scrolls to it (assets/linking.js)
    shown = deps.cache(FilterState.from_dict(filter_data))["event_id"].to_numpy()
    hit = np.flatnonzero(shown == selected) if selected else np.zeros(0, np.int64)
    detail = detail_children(deps.ds, deps.ctx, selected, search if isinstance(search, str) else "",
                             int(hit[0]) if len(hit) else None)
    return {"timeline": t_patch, "map": m_patch, "detail": detail}


def panel_body(clicks: Any = None, filled: Any = None, *, panel: str, deps: Deps) -> Any:
    """A click on a help or about panel (html.Details reports clicks, not opening) -> its text,
    for the dataset on screen, once: while ``filled`` nothing changes (a dataset switch puts back
    empty panels)."""
    if filled:
        return no_update
    if panel == ids.ABOUT_SUMMARY:
        return about_body(deps.ds)
    return help_body(deps.ds, deps.ctx)


def printable(clicks: Any = None, filter_data: dict[str, Any] | None = None, *, deps: Deps) -> Any:
    """print button -> the event list with sources that only the print stylesheet shows."""
    state = FilterState.from_dict(filter_data)
    shown = deps.cache.full(state)
    return print_list(deps.ds, shown, describe(state, len(shown), deps.labels))


def presentation_panel(view_data: dict[str, Any] | None, *, deps: Deps) -> dict[str, Any]:
    """view -> the step panel (title, progress, caption, facts) and the page's class."""
    view = ViewState.from_dict(view_data)
    story = deps.stories.get(view.narrative)
    if story is None or not story.steps:
        return {"panel": [], "page_class": "page"}
    step = story.steps[max(0, min(view.step, len(story.steps) - 1))]
    n = len(story.steps)
    return {"panel": [
        html.Div(story.title, className="present-story"),
        html.Div([html.Span(f"Step {step.number} of {n}", className="present-count"),
                  html.Progress(value=str(step.number), max=str(n), className="present-progress")]),
        html.H2(str(step.event["title"]), className="present-title"),
        html.P(step.caption, className="present-caption"),
        html.P(event_facts(deps.ds, step.event), className="present-facts"),
    ], "page_class": "page presenting"}


def brief_download(clicks: Any = None, view_data: dict[str, Any] | None = None, *, deps: Deps,
                   trigger: Any = None) -> Any:
    """presentation buttons -> the narrative as a PPTX deck or an offline HTML file."""
    trigger = trigger if trigger is not None else ctx.triggered_id
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


def download(clicks: Any = None, filter_data: dict[str, Any] | None = None, *, deps: Deps,
             trigger: Any = None) -> Any:
    """a download button -> the current view as CSV/JSON/GeoJSON, its sources as citations, or
    the dataset's own citation."""
    trigger = trigger if trigger is not None else ctx.triggered_id
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


def browser(name: str) -> ClientsideFunction:
    """A browser-side callback of app/web/assets/callbacks.js."""
    return ClientsideFunction(namespace="geotimeline", function_name=name)


def register(app: Dash, registry: Registry) -> None:
    """Register every callback on ``app`` (per app, never global). Each callback reads the tab's
    dataset store last and answers from that dataset's Deps (the bundled one, or an upload)."""
    dataset = State(ids.DATASET_STORE, "data")

    def views_or_gone(filter_data: Any, view_data: Any, selected: Any, data: Any) -> dict[str, Any]:
        try:
            deps = registry.get(data)
        except UploadGone as gone:  # the message says why (app.web.store)
            empty = placeholder("timeline")
            return {"timeline": empty, "map": empty, "rows": {"n": 0}, "summary": str(gone) or GONE_MESSAGE}
        return view_outputs(update_views(filter_data, view_data, selected, deps=deps))

    def with_deps(fn: Any) -> Any:
        """fn(**named, deps=…) as a callback of named inputs, one of them ``dataset`` (the dataset
        store); when the upload is not held here, nothing changes (the views already say why)."""
        @functools.wraps(fn)
        def call(dataset: Any, **named: Any) -> Any:
            try:
                deps = registry.get(dataset)
            except UploadGone:
                raise PreventUpdate from None
            return fn(**named, deps=deps)
        return call

    # URL, controls, reset, timeline zoom/clicks, map clicks, table clicks -> URL, controls, stores,
    # notice — and, when the view changed, the views themselves (timeline, map, table refresh,
    # summary). One callback, not a chain of two: a filter change costs one round
    # trip to the server, not two (the stores still carry the state for the other callbacks).
    # A dataset switch presses reset (app.web.upload): the views start unfiltered on the new data.
    @app.callback(output=SYNC_OUTPUTS, inputs={**SYNC_INPUTS, "dataset": dataset})
    def _sync(dataset: Any, **named: Any) -> dict[str, Any]:
        given = SyncInputs(**named)
        prop = ctx.triggered[0]["prop_id"] if ctx.triggered else ""
        trigger = prop if prop.endswith(("relayoutData", "clickData", "cellClicked")) else ctx.triggered_id
        if isinstance(trigger, str) and trigger.startswith(ids.URL):
            trigger = ids.URL
        out = sync_state(given, deps=registry.get_or_bundled(dataset), trigger=trigger)
        views = functools.partial(views_or_gone, data=dataset)
        return sync_views(out, given, trigger, views=views, first=not ctx.triggered).as_dict()

    app.clientside_callback(
        browser("mountGrid"),
        Output(ids.GRID_SLOT, "children"), Input(ids.MAP, "relayoutData"),
        State(ids.SELECTION_STORE, "data"), State(ids.GRID_SLOT, "children"), State(ids.GRID_SPEC, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        browser("answerRows"),
        Output(ids.GRID, "getRowsResponse"), Output(ids.GRID_ASK, "data"),
        Input(ids.GRID, "getRowsRequest"), State(ids.GRID_REFRESH, "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        output=Output(ids.GRID, "getRowsResponse", allow_duplicate=True),
        inputs={"request": Input(ids.GRID_ASK, "data"), "filter_data": State(ids.FILTER_STORE, "data"),
                "dataset": dataset},
        prevent_initial_call=True,
    )
    def _grid_block(request: Any, filter_data: Any, dataset: Any) -> Any:
        try:
            deps = registry.get(dataset)
        except UploadGone:  # answered all the same (empty): see answerRows
            return {"rowData": [], "rowCount": 0}
        return grid_block(request, filter_data, deps=deps)

    app.clientside_callback(
        browser("refreshRows"),
        Output(ids.CLIENT_DUMMY, "data", allow_duplicate=True), Input(ids.GRID_REFRESH, "data"),
        prevent_initial_call=True,
    )

    # selection -> highlight (Patch) on timeline and map, detail panel
    app.callback(
        output={"timeline": Output(ids.TIMELINE, "figure", allow_duplicate=True),
                "map": Output(ids.MAP, "figure", allow_duplicate=True),
                "detail": Output(ids.DETAIL, "children")},
        inputs={"selected": Input(ids.SELECTION_STORE, "data"), "filter_data": State(ids.FILTER_STORE, "data"),
                "view_data": State(ids.VIEW_STORE, "data"), "search": State(ids.URL, "search"), "dataset": dataset},
        prevent_initial_call=True,  # as above: the URL sync always sets the selection store
    )(with_deps(update_selection))
    # ... and the table's selected row, in the browser
    app.clientside_callback(
        browser("selectRow"),
        Output(ids.CLIENT_DUMMY, "data", allow_duplicate=True), Input(ids.SELECTION_STORE, "data"),
        prevent_initial_call=True,
    )

    # a help or about panel opened for the first time -> its text
    for panel, body in ((ids.HELP_SUMMARY, ids.HELP_BODY), (ids.ABOUT_SUMMARY, ids.ABOUT_BODY)):
        app.callback(
            output=Output(body, "children"),
            inputs={"clicks": Input(panel, "n_clicks"), "filled": State(body, "children"), "dataset": dataset},
            prevent_initial_call=True,
        )(with_deps(functools.partial(panel_body, panel=panel)))

    # download and cite buttons -> file of the current view: a background job (app.web.jobs)

    # print button -> the printable event list with sources (built only when asked: it is long)
    app.callback(
        output=Output(ids.PRINT_LIST, "children"),
        inputs={"clicks": Input(ids.PRINT_BUTTON, "n_clicks"), "filter_data": State(ids.FILTER_STORE, "data"),
                "dataset": dataset},
        prevent_initial_call=True,
    )(with_deps(printable))

    # the printable list has arrived -> open the browser's print dialog
    app.clientside_callback(
        browser("printList"),
        Output(ids.CLIENT_DUMMY, "data", allow_duplicate=True), Input(ids.PRINT_LIST, "children"),
        prevent_initial_call=True,
    )

    # view store -> presentation panel, page class (presenting or not)
    app.callback(
        output={"panel": Output(ids.PRESENT_PANEL, "children"), "page_class": Output(ids.PAGE, "className")},
        inputs={"view_data": Input(ids.VIEW_STORE, "data"), "dataset": dataset},
        prevent_initial_call=True,
    )(with_deps(presentation_panel))

    # presentation download buttons -> deck or offline HTML: a background job (app.web.jobs)

    # copy-link / SVG buttons -> browser-only actions (clipboard, Plotly.downloadImage)
    app.clientside_callback(
        browser("browserAction"),
        Output(ids.CLIENT_DUMMY, "data"),
        Input(ids.COPY_LINK, "n_clicks"), Input(ids.TIMELINE_SVG, "n_clicks"), Input(ids.MAP_SVG, "n_clicks"),
        prevent_initial_call=True,
    )
