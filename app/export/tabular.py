"""Serialisers of a filtered view: CSV, JSON and GeoJSON. Pure: frames in, bytes out."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from app.dataset import columns as C
from app.dataset.package import Dataset
from app.filters import FilterState, describe, slug

FORMATS = {"csv": "text/csv", "json": "application/json", "geojson": "application/geo+json"}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# a formula a spreadsheet may find at the start of a cell once blanks, controls, quotes and
# separators are skipped (" =1+1", ";=1+1;", "\t=cmd"), full-width forms included; a separator
# inside a cell cannot start a new one: every text cell is written quoted
_FORMULA = re.compile(r"^[\s\x00-\x1f,;|'\"]*[=+\-@\uff1d\uff0b\uff0d\uff20]")
NUMERIC = (C.LATITUDE, C.LONGITUDE)


def event_columns(ds: Dataset) -> list[str]:
    """The events table's own columns, as in schema.json."""
    return list(ds.schema.tables[C.EVENTS].field_names)


def neutralise(value: str) -> str:
    """Defuse spreadsheet formula injection: a text cell that starts with = + - @ (or tab, CR) —
    also behind blanks, quotes or separators — gets a leading '. Every text cell is written
    quoted (to_csv), so a separator inside it never splits it."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) or _FORMULA.search(value) else value


def _plain(frame: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    cols = event_columns(ds)
    out = frame[cols].copy()
    for name in (C.DATE_START, C.DATE_END, C.ANNOUNCED_DATE):
        out[name] = out[name].dt.strftime("%Y-%m-%d").fillna("")
    out[C.DATE_LABEL] = frame[C.DATE_LABEL]
    out["actors"] = frame[C.ACTOR_ROLES]
    out["source_urls"] = frame[C.EVENT_ID].map(_source_urls(ds)).fillna("")
    return out


def _source_urls(ds: Dataset) -> pd.Series:
    urls = ds.event_sources.merge(ds.sources[[C.SOURCE_ID, C.URL]], on=C.SOURCE_ID, how="left")
    return urls.groupby(C.EVENT_ID)[C.URL].agg(lambda s: " ".join(x for x in s if isinstance(x, str)))


def to_csv(frame: pd.DataFrame, ds: Dataset) -> bytes:
    out = _plain(frame, ds)
    for name in out.columns:
        if name not in NUMERIC:
            out[name] = out[name].astype("str").map(neutralise)
    buf = io.StringIO()
    out.to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    return buf.getvalue().encode("utf-8")


def _clean(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, np.generic):
        return _clean(value.item())
    return value


def event_records(frame: pd.DataFrame, ds: Dataset) -> list[dict[str, Any]]:
    """Events as dicts with their sources and actors nested."""
    plain = _plain(frame, ds).drop(columns=["source_urls", "actors"])
    src = ds.event_sources.merge(ds.sources, on=C.SOURCE_ID, how="left")
    src_by_event: dict[str, list[dict[str, Any]]] = {}
    for rec in src.to_dict("records"):
        src_by_event.setdefault(rec[C.EVENT_ID], []).append({
            "source_id": rec[C.SOURCE_ID], "role": rec[C.ROLE], "note": rec[C.NOTE],
            "publisher": rec[C.PUBLISHER], "title": rec[C.SOURCE_TITLE], "author": rec[C.AUTHOR],
            "published": rec[C.PUBLISHED], "url": rec[C.URL],
        })
    names = dict(zip(ds.actors[C.ACTOR_ID], ds.actors[C.NAME], strict=True)) if len(ds.actors) else {}
    act_by_event: dict[str, list[dict[str, str]]] = {}
    for rec in ds.event_actors.to_dict("records"):
        act_by_event.setdefault(rec[C.EVENT_ID], []).append(
            {"actor_id": rec[C.ACTOR_ID], "name": names.get(rec[C.ACTOR_ID], rec[C.ACTOR_ID]), "role": rec[C.ROLE]})
    records: list[dict[str, Any]] = []
    for rec in plain.to_dict("records"):
        clean = {str(k): _clean(v) for k, v in rec.items()}
        for key in (C.SYSTEMS_COL, C.RELATED_EVENTS):
            clean[key] = [x for x in str(clean.get(key) or "").split(";") if x]
        clean["actors"] = act_by_event.get(rec[C.EVENT_ID], [])
        clean["sources"] = src_by_event.get(rec[C.EVENT_ID], [])
        records.append(clean)
    return records


def dataset_info(ds: Dataset) -> dict[str, Any]:
    meta = ds.metadata
    return {
        "title": meta.get("title"), "version": meta.get("version"),
        "last_reviewed": meta.get("last_reviewed"), "licenses": meta.get("licenses"),
        "citation": meta.get("citation"),
    }


def to_json(frame: pd.DataFrame, ds: Dataset, state: FilterState, view_text: str) -> bytes:
    doc = {
        "dataset": dataset_info(ds),
        "view": view_text,
        "filters": state.to_dict(),
        "count": len(frame),
        "events": event_records(frame, ds),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


def to_geojson(frame: pd.DataFrame, ds: Dataset, state: FilterState, view_text: str) -> bytes:
    features = []
    for rec in event_records(frame, ds):
        lat, lon = rec.get(C.LATITUDE), rec.get(C.LONGITUDE)
        geometry = {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None
        props = {k: v for k, v in rec.items() if k not in (C.LATITUDE, C.LONGITUDE)}
        features.append({"type": "Feature", "id": rec[C.EVENT_ID], "geometry": geometry, "properties": props})
    doc = {
        "type": "FeatureCollection",
        "metadata": {"dataset": dataset_info(ds), "view": view_text, "filters": state.to_dict(),
                     "count": len(frame)},
        "features": features,
    }
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def export_view(fmt: str, frame: pd.DataFrame, ds: Dataset, state: FilterState,
                labels: dict[str, dict[str, str]] | None = None) -> tuple[str, bytes]:
    """(file name, content) of the view in ``fmt``; the name says the view."""
    text = describe(state, len(frame), labels)
    name = f"geotimeline-{slug(text)}.{fmt}"
    if fmt == "csv":
        return name, to_csv(frame, ds)
    if fmt == "json":
        return name, to_json(frame, ds, state, text)
    if fmt == "geojson":
        return name, to_geojson(frame, ds, state, text)
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
