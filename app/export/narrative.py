"""A narrative as data the briefing outputs share: its steps with their events, windows, map focus,
and the figures for each step. Pure (no dash)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from app.dataset import columns as C
from app.dataset.package import Dataset
from app.dates import clamp, end_or_today
from app.errors import UserInputError
from app.figures.context import FigureContext
from app.figures.map import map_spec, selection_lonlat
from app.figures.timeline import timeline_spec

MIN_WINDOW = pd.Timedelta(days=540)


@dataclass(frozen=True)
class Step:
    number: int  # from 1
    event: pd.Series
    caption: str
    window: tuple[pd.Timestamp, pd.Timestamp]
    focus: dict[str, float] | None


@dataclass(frozen=True)
class Narrative:
    narrative_id: str
    title: str
    summary: str
    steps: tuple[Step, ...]


def narrative_ids(ds: Dataset) -> list[str]:
    return list(ds.narratives[C.NARRATIVE_ID]) if len(ds.narratives) else []


def load_narrative(ds: Dataset, narrative_id: str, today: pd.Timestamp | None = None) -> Narrative:
    """The narrative with its steps resolved to events. Raises UserInputError for an unknown id."""
    if narrative_id not in narrative_ids(ds):
        known = ", ".join(narrative_ids(ds)) or "none in this dataset"
        raise UserInputError(f'no narrative "{narrative_id}" (available: {known})')
    meta = ds.narratives.set_index(C.NARRATIVE_ID).loc[narrative_id]
    rows = ds.narrative_steps[ds.narrative_steps[C.NARRATIVE_ID] == narrative_id].sort_values(C.STEP)
    events = ds.events.set_index(C.EVENT_ID, drop=False)
    today = today if today is not None else pd.Timestamp.today().normalize()
    steps = []
    for number, rec in enumerate(rows.to_dict("records"), start=1):
        event = events.loc[rec[C.EVENT_ID]]
        steps.append(Step(number=number, event=event, caption=str(rec[C.CAPTION]),
                          window=_window(rec, event, today), focus=_focus(rec, event)))
    return Narrative(narrative_id, str(meta[C.NARRATIVE_TITLE]), str(meta[C.SUMMARY]), tuple(steps))


def _window(rec: Mapping[Any, Any], event: pd.Series, today: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """A window centred on the step's event: wide enough for the step's suggested window (all of
    it stays in view), else at least 18 months around the event; never outside year 1 … 9999."""
    start = pd.Timestamp(event[C.DATE_START])
    end = end_or_today(start, event[C.DATE_END], today)
    if pd.notna(rec.get(C.WINDOW_START)) and pd.notna(rec.get(C.WINDOW_END)):
        a, b = sorted((pd.Timestamp(rec[C.WINDOW_START]), pd.Timestamp(rec[C.WINDOW_END])))
        middle = start + (end - start) / 2
        half = max(middle - a, b - middle, MIN_WINDOW / 2)
        return clamp(middle - half).normalize(), clamp(middle + half).normalize()
    if end - start < MIN_WINDOW:
        middle = start + (end - start) / 2
        start, end = middle - MIN_WINDOW / 2, middle + MIN_WINDOW / 2
    pad = (end - start) * 0.1
    return clamp(start - pad).normalize(), clamp(end + pad).normalize()


def _focus(rec: Mapping[Any, Any], event: pd.Series) -> dict[str, float] | None:
    """The step's map focus, else centred on the event's place (scale 3), else the whole map."""
    if pd.notna(rec.get(C.FOCUS_LON)) and pd.notna(rec.get(C.FOCUS_LAT)):
        scale = rec.get(C.FOCUS_SCALE)
        return {"lon": float(rec[C.FOCUS_LON]), "lat": float(rec[C.FOCUS_LAT]),
                "scale": float(scale) if pd.notna(scale) else 3.0}
    if pd.notna(event[C.LONGITUDE]) and pd.notna(event[C.LATITUDE]):
        return {"lon": float(event[C.LONGITUDE]), "lat": float(event[C.LATITUDE]), "scale": 3.0}
    return None


def step_figures(ds: Dataset, ctx: FigureContext, step: Step, *, legend: bool = True,
                 font_size: int = 18, plot_px: float | None = None, plot_h: float | None = None) -> tuple[
                     dict[str, Any], dict[str, Any]]:
    """Timeline and map for one step: all events, the step's event highlighted and centred, framed
    on the step's window (the periods band holds the periods of that window), with a key."""
    event_id = str(step.event[C.EVENT_ID])
    timeline = timeline_spec(ds.events, ctx, selected=event_id, legend=legend, font_size=font_size,
                             window=step.window, export=True, plot_px=plot_px, plot_h=plot_h)
    geo = map_spec(ds.events, ctx, selected=event_id, focus=step.focus, legend=legend, font_size=font_size)
    return timeline, geo


def step_figures_all(ds: Dataset, ctx: FigureContext, story: Narrative, *, legend: bool = True,
                     font_size: int = 18, plot_px: float | None = None, plot_h: float | None = None) -> Iterator[
                         tuple[dict[str, Any], dict[str, Any]]]:
    """``step_figures`` for each step in turn. The map of all events is built once, and each step
    gets a shallow copy with its own highlight and focus (the copies share their unchanged parts:
    don't modify them in place); each step's timeline is its own (its window decides the periods
    band and where the periods' names go)."""
    geo = map_spec(ds.events, ctx, legend=legend, font_size=font_size)
    if not any(t.get("name") == "Selected" for t in geo["data"]):
        for step in story.steps:  # no highlight trace to move: build each step's figures in full
            yield step_figures(ds, ctx, step, legend=legend, font_size=font_size, plot_px=plot_px, plot_h=plot_h)
        return
    for step in story.steps:
        event_id = str(step.event[C.EVENT_ID])
        step_timeline = timeline_spec(ds.events, ctx, selected=event_id, legend=legend, font_size=font_size,
                                      window=step.window, export=True, plot_px=plot_px, plot_h=plot_h)
        lon, lat = selection_lonlat(ds.events, event_id)
        step_geo = _with_selection(geo, lon, lat, "lon", "lat")
        if step.focus:
            # the geo layout of a map of no events with this focus: map_spec's own framing
            framed = map_spec(ds.events.iloc[:0], ctx, focus=step.focus, legend=legend, font_size=font_size)
            step_geo["layout"]["geo"] = framed["layout"]["geo"]
        yield step_timeline, step_geo


def _with_selection(fig: dict[str, Any], a: list[Any], b: list[Any], key_a: str, key_b: str) -> dict[str, Any]:
    """A shallow copy of ``fig`` whose "Selected" trace (the highlight ring) is at (a, b)."""
    data = [dict(trace, **{key_a: a, key_b: b}) if trace.get("name") == "Selected" else trace
            for trace in fig["data"]]
    return {"data": data, "layout": dict(fig["layout"])}


def sources_of(ds: Dataset, event_id: str) -> pd.DataFrame:
    links = ds.event_sources[ds.event_sources[C.EVENT_ID] == event_id]
    return links.merge(ds.sources, on=C.SOURCE_ID, how="left")


def event_facts(ds: Dataset, event: pd.Series) -> str:
    """'17 May 2022 · Dushanbe, Tajikistan (near) · Confirmed' for a slide or a snapshot."""
    geo = ds.schema.vocab(C.GEO_PRECISION)
    ver = ds.schema.vocab(C.VERIFICATION)
    place = ", ".join(p for p in (event[C.PLACE_NAME], event[C.COUNTRY_NAME]) if p) or "no place"
    return (f"{event[C.DATE_LABEL]} · {place} ({geo.label_of(event[C.GEO_PRECISION]).lower()}) · "
            f"{ver.label_of(event[C.VERIFICATION])}")
