"""Exports that other tools read back: a clean data package of a view, and TimelineJS JSON.

Pure: frames in, files/bytes out (the package is written through temporary files and renames).
"""

from __future__ import annotations

import html
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from app.dataset import columns as C
from app.dataset.package import METADATA_FILE, SCHEMA_FILE, Dataset
from app.dataset.reader import LINE_COLUMN
from app.dates import end_or_today
from app.errors import OutputError

TABLES = (C.EVENTS, C.SOURCES, C.EVENT_SOURCES, C.ACTORS, C.EVENT_ACTORS, C.SYSTEMS, C.NARRATIVES,
          C.NARRATIVE_STEPS)


def _as_strings(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """A loaded table back to its CSV text form (dates as YYYY-MM-DD, empty for missing)."""
    out = pd.DataFrame(index=frame.index)
    for name in columns:
        series: pd.Series = frame[name] if name in frame else pd.Series("", index=frame.index)
        if pd.api.types.is_datetime64_any_dtype(series):
            out[name] = pd.to_datetime(series).dt.strftime("%Y-%m-%d").fillna("")
        elif pd.api.types.is_float_dtype(series):
            out[name] = series.map(lambda v: "" if pd.isna(v) else f"{v:g}" if abs(v) >= 1e-4 else str(v))
        else:
            out[name] = series.astype(object).fillna("").astype(str)
    return out


def package_tables(ds: Dataset, shown: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The tables of a package holding only ``shown`` and what they refer to."""
    schema = ds.schema.tables
    ids = set(shown[C.EVENT_ID])
    event_sources = ds.event_sources[ds.event_sources[C.EVENT_ID].isin(ids)]
    event_actors = ds.event_actors[ds.event_actors[C.EVENT_ID].isin(ids)]
    sources = ds.sources[ds.sources[C.SOURCE_ID].isin(set(event_sources[C.SOURCE_ID]))]
    actor_ids = set(event_actors[C.ACTOR_ID])
    systems_used = {s for v in shown[C.SYSTEMS_COL] for s in str(v).split(";") if s}
    systems = ds.systems[ds.systems[C.SYSTEM_ID].isin(systems_used)]
    actor_ids |= {a for a in systems[C.DESIGNER_ID] if a}
    parents = dict(zip(ds.actors[C.ACTOR_ID], ds.actors[C.PARENT_ID], strict=True))
    frontier = set(actor_ids)
    while frontier:  # keep the parent chain (IRGC-ASF -> IRGC -> Iran) so parent links resolve
        frontier = {parents.get(a, "") for a in frontier} - actor_ids - {""}
        actor_ids |= frontier
    actors = ds.actors[ds.actors[C.ACTOR_ID].isin(actor_ids)]
    events = shown.copy()
    # related events outside the view would be dangling references: keep only those inside
    events[C.RELATED_EVENTS] = events[C.RELATED_EVENTS].map(
        lambda v: ";".join(r for r in str(v).split(";") if r in ids))
    steps = ds.narrative_steps[ds.narrative_steps[C.EVENT_ID].isin(ids)] if len(ds.narrative_steps) else (
        ds.narrative_steps)
    narratives = ds.narratives[ds.narratives[C.NARRATIVE_ID].isin(set(steps[C.NARRATIVE_ID]))] if len(
        ds.narratives) else ds.narratives
    frames = {C.EVENTS: events, C.SOURCES: sources, C.EVENT_SOURCES: event_sources, C.ACTORS: actors,
              C.EVENT_ACTORS: event_actors, C.SYSTEMS: systems, C.NARRATIVES: narratives,
              C.NARRATIVE_STEPS: steps}
    return {name: _as_strings(frame.drop(columns=[LINE_COLUMN], errors="ignore"), schema[name].field_names)
            for name, frame in frames.items() if name in schema}


def write_view_package(ds: Dataset, shown: pd.DataFrame, view_text: str, out_dir: Path, *,
                       force: bool = False) -> list[Path]:
    """Write a clean data package of the view into ``out_dir`` (refuses a non-empty folder
    without ``force``). Files go to a temporary folder first, then are moved in one by one."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir} exists and is not a folder")
    if out_dir.exists() and any(out_dir.iterdir()) and not force:
        raise OutputError(f"{out_dir} is not empty; use --force to write into it")
    tables = package_tables(ds, shown)
    meta = dict(ds.metadata)
    meta["title"] = f"{ds.title()} — extract: {view_text}"
    meta["description"] = (f"An extract of “{ds.title()}” (version {ds.metadata.get('version', '?')}): {view_text}. "
                           + str(ds.metadata.get("description", "")))
    schema_text = ds.schema.path.read_text(encoding="utf-8") if ds.schema.path else "{}"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=out_dir, prefix=".export-") as tmp:
            staged = Path(tmp)
            written = []
            for name, frame in tables.items():
                if name in (C.NARRATIVES, C.NARRATIVE_STEPS) and frame.empty:
                    continue
                path = staged / ds.schema.tables[name].path
                frame.to_csv(path, index=False, lineterminator="\n")
                written.append(path)
            (staged / SCHEMA_FILE).write_text(schema_text, encoding="utf-8")
            (staged / METADATA_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n",
                                                encoding="utf-8")
            final = []
            for path in [*written, staged / SCHEMA_FILE, staged / METADATA_FILE]:
                target = out_dir / path.name
                shutil.move(str(path), target)
                final.append(target)
    except OSError as exc:
        raise OutputError(f"cannot write the package into {out_dir}: {exc.strerror or exc}") from exc
    return final


def _date_parts(ts: pd.Timestamp, precision: str) -> dict[str, int]:
    parts = {"year": int(ts.year)}
    if precision in ("month", "quarter", "week", "day", "range"):
        parts["month"] = int(ts.month)
    if precision in ("week", "day", "range"):  # a range's ends are days
        parts["day"] = int(ts.day)
    return parts


def to_timelinejs(ds: Dataset, shown: pd.DataFrame, view_text: str, today: pd.Timestamp) -> bytes:
    """A TimelineJS JSON timeline of the view.

    Dates carry only the parts the precision supports (a month event has year and month), so
    TimelineJS and our importer read back the same window. Periods are slides with an end date
    (open-ended ones end today, said in the text). Each slide's media is its first source;
    the others are listed in the text. Text is HTML-escaped (TimelineJS renders HTML).
    """
    links = ds.event_sources.merge(ds.sources, on=C.SOURCE_ID, how="left")
    by_event: dict[str, list[dict[Any, Any]]] = {}
    for rec in links.to_dict("records"):
        by_event.setdefault(str(rec[C.EVENT_ID]), []).append(rec)
    slides = []
    for ev in shown.to_dict("records"):
        precision = str(ev[C.DATE_PRECISION])
        start = pd.Timestamp(ev[C.DATE_START])
        end = end_or_today(start, ev[C.DATE_END], today)
        slide: dict[str, Any] = {
            "unique_id": ev[C.EVENT_ID],
            "group": ev[C.CATEGORY],
            "start_date": _date_parts(start, precision),
            "text": {"headline": html.escape(str(ev[C.TITLE]))},
            "display_date": str(ev[C.DATE_LABEL]),
        }
        one_unit = {"day": start == end, "month": start.to_period("M") == end.to_period("M"),
                    "year": start.year == end.year}.get(precision, False)
        if ev[C.KIND] == "period" or not one_unit:
            slide["end_date"] = _date_parts(end, precision)
        body = [html.escape(str(ev[C.DESCRIPTION]))]
        if ev[C.NOTES]:
            body.append("Where sources differ: " + html.escape(str(ev[C.NOTES])))
        if ev.get(C.OPEN_ENDED):
            body.append("Still in force; the end date shown is the export date.")
        sources = by_event.get(str(ev[C.EVENT_ID]), [])
        if sources:
            first = sources[0]
            slide["media"] = {"url": first[C.URL], "caption": html.escape(str(first[C.SOURCE_TITLE])),
                              "credit": html.escape(str(first[C.PUBLISHER]))}
            more = [f'<a href="{html.escape(str(s[C.URL]))}">{html.escape(str(s[C.SOURCE_TITLE]))}</a> '
                    f"({html.escape(str(s[C.PUBLISHER]))})" for s in sources[1:]]
            if more:
                body.append("Other sources: " + "; ".join(more))
        slide["text"]["text"] = "<p>" + "</p><p>".join(body) + "</p>"
        if pd.notna(ev[C.LATITUDE]) and pd.notna(ev[C.LONGITUDE]):
            slide["location"] = {"lat": float(ev[C.LATITUDE]), "lon": float(ev[C.LONGITUDE]),
                                 "name": str(ev[C.PLACE_NAME])}
        slides.append(slide)
    doc = {"title": {"text": {"headline": html.escape(ds.title()), "text": html.escape(view_text)}},
           "events": slides}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
