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
import orjson
import pandas as pd
from plotly.io.json import to_json_plotly

from app.dataset import columns as C
from app.dataset.package import Dataset
from app.export.narrative import Narrative, load_narrative, narrative_ids
from app.figures.context import SELECTION_UID, FigureContext, labels_for, trace_index
from app.figures.map import frame_live, live_map_spec, selection_lonlat
from app.figures.timeline import DETAIL_LIMIT as TIMELINE_DETAIL_LIMIT
from app.figures.timeline import selection_coordinates, timeline_spec
from app.filters import FilterCache, FilterState, ViewState, describe
from app.sized import VIEWS
from app.urlstate import Known

#: Rows per block the table asks for; the first block of every view comes with the view itself.
TABLE_BLOCK = 200
TABLE_BLOCK_MAX = 1000  # the most rows one table request may ask for
# the timeline plot's width in presentation mode at 1366×768 (the timeline and map side by side:
# ~520 px; ~800 at 1920): the periods' names are fitted to it, so they are not cut at the plot's edge
PRESENT_PLOT_PX = 520

Sort = tuple[tuple[str, bool], ...]
# every loaded dataset's memoised figures per state and the table's sort orders are kept in the
# process's one byte budget (app.sized.VIEWS), with the filtered tables (app.filters.FilterCache)


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

    def views(self, state: FilterState, lanes: str, seats: bool) -> Figures:
        """The figures of (state, lanes, seats), each call its own copy to change at will. The data
        never changes after loading, so a state seen before (a toggle undone, a shared link) is
        answered without rebuilding: from ``packed``, parsed again."""
        return self.packed(state, lanes, seats).unpacked()

    @functools.cached_property
    def packed(self) -> Any:
        """build_views memoised per (state, lanes, seats), each figure kept as the JSON the page is
        sent (``Packed``): a quarter of the memory of its Python objects (at the bundled data 0.24
        against ~1 MB a state), so the process's view budget (app.sized.VIEWS) holds four times the
        states, and a parse is cheaper than the deep copy a shared spec needed."""
        return VIEWS.memoise(functools.partial(_packed_views, loaded=self))

    @functools.cached_property
    def orders(self) -> Any:
        """The table's row order per (state, sort): each page of a sorted view reuses one sort."""
        def order(state: FilterState, spec: Sort) -> Any:
            shown = self.cache(state)
            if spec in ((), (("start", True),), (("date_label", True),)):
                return np.arange(len(shown))  # the cache keeps every view in date order already
            return table_order(shown, self.ctx, spec)
        return VIEWS.memoise(order)


@dataclass(frozen=True)
class Figures:
    """The two figures of a state (no highlight), its count and sentence: what ``Loaded.views``
    gives, each call its own (the cache keeps them packed, ``Packed``)."""

    timeline: dict[str, Any]
    map: dict[str, Any]
    count: int
    summary: str


@dataclass(frozen=True)
class Packed:
    """``Figures`` as the view cache keeps them: each spec as its JSON (what Dash would send)."""

    timeline: bytes
    map: bytes
    count: int
    summary: str
    selection: tuple[int, int]  # the selection ring's trace in each figure (a selection parses neither)

    @classmethod
    def of(cls, figures: Figures) -> Packed:
        return cls(timeline=_json(figures.timeline), map=_json(figures.map), count=figures.count,
                   summary=figures.summary, selection=(trace_index(figures.timeline, SELECTION_UID),
                                                       trace_index(figures.map, SELECTION_UID)))

    def unpacked(self) -> Figures:
        return Figures(timeline=orjson.loads(self.timeline), map=orjson.loads(self.map), count=self.count,
                       summary=self.summary)


_JSON_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def _text_array(value: Any) -> Any:
    """orjson's fallback for what it cannot write itself: an array of text (a trace's customdata)
    as the list plotly's encoder makes of it; anything else is left to plotly's encoder."""
    if isinstance(value, np.ndarray) and value.dtype == object:
        items = value.tolist()
        flat = items if value.ndim == 1 else [x for row in items for x in row]
        if all(type(x) is str for x in flat):
            return items
    raise TypeError


def _json(spec: dict[str, Any]) -> bytes:
    """A figure spec as JSON that, parsed again, Dash sends as the same bytes as the spec itself
    (plotly's encoder, ``to_json_plotly``: arrays as lists, NaN as null; it also escapes "<", ">"
    and "/", which the parse undoes and Dash's own encoding does again). orjson writes it in one
    pass where plotly's encoder, meeting the text arrays, walks every value in Python (~25 ms for
    the bundled data's two figures against ~1); a spec with anything else goes to plotly's encoder.
    Parsed, a spec is plain JSON values only, so Dash's encoding of it takes orjson's one pass too."""
    try:
        return orjson.dumps(spec, default=_text_array, option=_JSON_OPTIONS)
    except TypeError:
        return str(to_json_plotly(spec)).encode()


def _packed_views(state: FilterState, lanes: str, seats: bool, *, loaded: Loaded) -> Packed:
    return Packed.of(build_views(state, lanes, seats, loaded=loaded))


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
    # the figures have no highlight; put the current one in (they are this call's own: what a
    # caller does to its View never reaches the cache)
    timeline, geo = figures.timeline, figures.map
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
    if figures is not None:
        traces = trace_index(figures.timeline, SELECTION_UID), trace_index(figures.map, SELECTION_UID)
    else:
        traces = loaded.packed(state, view.lanes, view.seats).selection
    views = visible_events(loaded.cache, state)
    return Highlight(
        timeline_xy=selection_coordinates(views.timeline, loaded.ctx, view.lanes, view.selected),
        map_lonlat=selection_lonlat(views.shown, view.selected),
        timeline_trace=traces[0], map_trace=traces[1],
    )


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
    return Figures(timeline=timeline, map=geo, count=len(views.shown), summary=text)


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
