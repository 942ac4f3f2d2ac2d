"""The view model: what the dashboard shows for a filter state and a view, with no web in it.

``compose_view(loaded, state, view) -> View`` is the one core function behind the page: the
timeline and map figures (the selection ringed, a presentation step framed), the table's first
block, the count and the sentence. The Dash callbacks (app.web.callbacks) only unpack their
inputs, call it and map its fields to their outputs; the CLI's exports use the same
``apply_filters`` (``Loaded.cache`` answers it from a cache).

``Loaded`` is a dataset and everything worked out from it once (figure context, filter cache,
labels, narratives); it never changes after loading, so results are memoised per state.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from app.dataset import columns as C
from app.dataset.package import Dataset
from app.export.narrative import Narrative, load_narrative, narrative_ids
from app.figures.context import SELECTION_UID, FigureContext, labels_for, trace_index
from app.figures.map import frame_live, live_map_spec, selection_lonlat
from app.figures.timeline import DETAIL_LIMIT as TIMELINE_DETAIL_LIMIT
from app.figures.timeline import selection_coordinates, timeline_spec
from app.filters import FilterCache, FilterState, ViewState, describe
from app.sized import MB, byte_lru
from app.urlstate import Known

#: Rows per block the table asks for; the first block of every view comes with the view itself.
TABLE_BLOCK = 200
TABLE_BLOCK_MAX = 1000  # the most rows one table request may ask for
# the timeline plot's width in presentation mode at 1366×768 (the timeline and map side by side:
# ~520 px; ~800 at 1920): the periods' names are fitted to it, so they are not cut at the plot's edge
PRESENT_PLOT_PX = 520

Sort = tuple[tuple[str, bool], ...]
# what each loaded dataset's memoised results may hold (app.sized): figures per state, the table's
# sort orders; the filtered tables are bounded in app.filters (FilterCache)
VIEWS_BYTES = 16 * MB
ORDERS_BYTES = 8 * MB


@dataclass(frozen=True)
class Loaded:
    """A loaded dataset and what is derived from it once (read-only afterwards)."""

    ds: Dataset
    ctx: FigureContext
    cache: FilterCache
    known: Known
    labels: dict[str, dict[str, str]]
    stories: dict[str, Narrative] = field(default_factory=dict)

    @classmethod
    def from_dataset(cls, ds: Dataset, ctx: FigureContext) -> Loaded:
        stories = {nid: load_narrative(ds, nid, ctx.today) for nid in narrative_ids(ds)}
        return cls(ds=ds, ctx=ctx, cache=FilterCache(ds.events, today=ctx.today), known=Known.from_dataset(ds),
                   labels=labels_for(ds, ctx), stories=stories)

    @functools.cached_property
    def story_steps(self) -> dict[str, list[str]]:
        """narrative id -> the event id of each step."""
        return {nid: [str(s.event["event_id"]) for s in story.steps] for nid, story in self.stories.items()}

    @functools.cached_property
    def views(self) -> Any:
        """build_views memoised per (state, lanes, seats): the data never changes after loading,
        so a state seen before (a toggle undone, a shared link) is answered without rebuilding.
        Kept up to VIEWS_BYTES of figures (at the bundled data ~0.3 MB a state: about 50 states)."""
        return byte_lru(VIEWS_BYTES)(functools.partial(build_views, loaded=self))

    @functools.cached_property
    def orders(self) -> Any:
        """The table's row order per (state, sort): each page of a sorted view reuses one sort."""
        def order(state: FilterState, spec: Sort) -> Any:
            shown = self.cache(state)
            if spec in ((), (("start", True),), (("date_label", True),)):
                return np.arange(len(shown))  # the cache keeps every view in date order already
            return table_order(shown, self.ctx, spec)
        return byte_lru(ORDERS_BYTES)(order)


@dataclass(frozen=True)
class Figures:
    """The two figures of a state (no highlight), its count and sentence: what ``Loaded.views`` caches.
    The specs are shared by every request that asks for this state: never changed in place."""

    timeline: dict[str, Any]
    map: dict[str, Any]
    count: int
    summary: str


@dataclass(frozen=True)
class View:
    """Everything the page shows for one state and view."""

    timeline: dict[str, Any]  # the timeline figure, the selection ringed, a step's window framed
    map: dict[str, Any]  # the map figure, likewise
    rows: dict[str, Any]  # the table's refresh: {"n": count, "state": the filter, "block": first rows}
    summary: str  # the view in words
    count: int


@dataclass(frozen=True)
class Highlight:
    """Where the selection ring goes on each figure (for a partial update) and which trace it is."""

    timeline_xy: tuple[list[Any], list[Any]]
    map_lonlat: tuple[list[Any], list[Any]]
    timeline_trace: int
    map_trace: int


def compose_view(loaded: Loaded, state: FilterState, view: ViewState) -> View:
    """filter state + view -> the figures, the table's first block, the count and the sentence."""
    figures = loaded.views(state, view.lanes, view.seats)
    mark = highlight(loaded, state, view, figures)
    # the cached figures have no highlight; put the current one in a copy (the cache is shared by
    # every request: what a caller does to its View never reaches it)
    timeline, geo = copy_spec(figures.timeline), copy_spec(figures.map)
    timeline["data"][mark.timeline_trace].update(zip(("x", "y"), mark.timeline_xy, strict=True))
    geo["data"][mark.map_trace].update(zip(("lon", "lat"), mark.map_lonlat, strict=True))
    story = loaded.stories.get(view.narrative)
    if story is not None and 0 <= view.step < len(story.steps):
        # a step's window, its periods' names placed for it, larger type, no range slider (a
        # briefing has no controls on screen); built here: presentation views are not cached
        timeline = timeline_spec(visible_events(loaded.cache, state).timeline, loaded.ctx, lanes=view.lanes,
                                 legend=False, selected=view.selected, window=story.steps[view.step].window,
                                 font_size=18, plot_px=PRESENT_PLOT_PX, plot_h=420)
        timeline["layout"]["xaxis"]["rangeslider"] = {"visible": False}
        timeline, geo = frame_step(timeline, geo, story, view.step)
    # the table pages on the server: it is told the view changed (its size and its first block in
    # the default order, which the browser hands to the table without asking the server again)
    rows = {"n": figures.count, "state": state.to_dict(), "block": table_block(loaded, state, (), 0, TABLE_BLOCK)}
    return View(timeline=timeline, map=geo, rows=rows, summary=figures.summary, count=figures.count)


def highlight(loaded: Loaded, state: FilterState, view: ViewState, figures: Figures | None = None) -> Highlight:
    """The selection ring of ``view.selected`` on the figures of ``state``."""
    figures = figures if figures is not None else loaded.views(state, view.lanes, view.seats)
    views = visible_events(loaded.cache, state)
    return Highlight(
        timeline_xy=selection_coordinates(views.timeline, loaded.ctx, view.lanes, view.selected),
        map_lonlat=selection_lonlat(views.shown, view.selected),
        timeline_trace=trace_index(figures.timeline, SELECTION_UID),
        map_trace=trace_index(figures.map, SELECTION_UID),
    )


def copy_spec(value: Any) -> Any:
    """A deep copy of a cached figure spec, as cheap as it can be: every dict and list is new; the
    arrays (read-only, see ``_frozen``) and the scalars are shared. The lists of a figure spec are
    homogeneous: one whose ends are scalars (a trace's x values, its colours) is copied in one step."""
    if isinstance(value, dict):
        return {k: copy_spec(v) for k, v in value.items()}
    if isinstance(value, list):
        if not value or not (isinstance(value[0], dict | list) or isinstance(value[-1], dict | list)):
            return value.copy()
        return [copy_spec(v) for v in value]
    return value


def frame_step(timeline: dict[str, Any], geo: dict[str, Any], story: Narrative, index: int) -> tuple[
        dict[str, Any], dict[str, Any]]:
    """A presentation step frames its window on the timeline and its region on the map (copies)."""
    step = story.steps[index]
    xaxis = {**timeline["layout"]["xaxis"], "range": [step.window[0].date().isoformat(),
                                                       step.window[1].date().isoformat()]}
    timeline = {**timeline, "layout": {**timeline["layout"], "xaxis": xaxis}}
    if step.focus:
        geo = frame_live(geo, step.focus)
    return timeline, geo


def build_views(state: FilterState, lanes: str, seats: bool, *, loaded: Loaded) -> Figures:
    """Timeline and map specs (no highlight), count and summary for one state: cached."""
    views = visible_events(loaded.cache, state)
    text = describe(state, len(views.shown), loaded.labels)
    window = (state.start, state.end) if state.start or state.end else None  # else: the story (framing rules)
    timeline = timeline_spec(views.timeline, loaded.ctx, lanes=lanes, legend=False, window=window)
    geo = live_map_spec(views.shown, loaded.ctx, seats=seats)
    return Figures(timeline=_frozen(timeline), map=_frozen(geo), count=len(views.shown), summary=text)


def _frozen(value: Any) -> Any:
    """A cached spec made safe to share: its arrays read-only (lists and dicts are only ever
    replaced by the copies above, never changed in place)."""
    if isinstance(value, dict):
        for item in value.values():
            _frozen(item)
    elif isinstance(value, list):
        for item in value:
            _frozen(item)
    elif isinstance(value, np.ndarray):
        value.flags.writeable = False
    return value


@dataclass(frozen=True)
class Visible:
    """The events a state shows: ``shown`` feeds the map, table, counts, exports; ``timeline`` is
    the same filter without the date range, because the timeline shows the date range as its
    zoomed x-axis rather than cutting the events away (so one can zoom back out)."""

    shown: pd.DataFrame
    timeline: pd.DataFrame


def visible_events(cache: FilterCache, state: FilterState) -> Visible:
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
    return Visible(shown=shown, timeline=timeline)


def table_block(loaded: Loaded, state: FilterState, spec: Sort, start: int, end: int) -> list[dict[str, Any]]:
    """Rows start..end of a view in the table's sort order ``spec``."""
    shown = loaded.cache(state)
    order = loaded.orders(state, spec)
    return table_rows(shown.iloc[order[start:end]], loaded.ctx)


def table_rows(shown: pd.DataFrame, ctx: FigureContext) -> list[dict[str, Any]]:
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


SORT_KEYS = {  # table column -> what it sorts by (labels sort like the labels the table shows)
    "start": C.DATE_START, "date_label": C.DATE_START, "title": C.TITLE, "category_label": C.CATEGORY,
    "place": C.PLACE_NAME, "verification_label": C.VERIFICATION, "source_count": C.SOURCE_COUNT,
    "event_id": C.EVENT_ID,
}


def sort_spec(sort_model: Any) -> Sort:
    """The table's sortModel -> ((column, ascending), ...): unknown columns and junk are ignored;
    the date then the id always break ties, so pages never overlap or skip a row."""
    out: list[tuple[str, bool]] = []
    if isinstance(sort_model, list):
        for item in sort_model[:4]:
            if isinstance(item, dict) and item.get("colId") in SORT_KEYS:
                out.append((str(item["colId"]), item.get("sort") != "desc"))
    return tuple(out)


def table_order(shown: pd.DataFrame, ctx: FigureContext, spec: Sort) -> np.ndarray:
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


def present_step(view: ViewState, loaded: Loaded) -> ViewState:
    """In presentation mode, the selection is the current step's event (the step clamped to the story)."""
    steps = loaded.story_steps.get(view.narrative)
    if not steps:
        return replace(view, narrative="", step=0)
    step = max(0, min(view.step, len(steps) - 1))
    return replace(view, step=step, selected=steps[step])
