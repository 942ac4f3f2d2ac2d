"""Forensic Architecture's TimeMap: events, sources and associations, as the JSON its API serves
or as the spreadsheet tabs datasheet-server reads (exported as CSV or XLSX).

- events: ``id, description, date, time, location, latitude, longitude`` and lists of
  ``associations`` and ``sources`` (ids). In a sheet, lists are numbered columns
  (``association1, association2 …``, ``source1 …``) that datasheet-server gathers into a list
  named after the prefix plus "s"; we do the same. Older exports also have ``category``.
- sources (an object keyed by id, or rows): ``id, title, url, paths (path1 …), type, author,
  date, description``.
- associations (rows): ``id, title, desc, mode`` (CATEGORY, FILTER, NARRATIVE, SPOTLIGHT) and
  ``filter_paths``. A CATEGORY association gives the event's category; filters and narratives
  are kept in the notes.

TimeMap's own default date format is MM/DD/YYYY; pass ``dayfirst`` for DD/MM/YYYY exports (a
column whose values only make sense day-first is detected and reported).

The path may be a folder (files whose names contain "event", "source", "association"), one
combined JSON file (``{"events": …, "sources": …, "associations": …}``), or the events file,
whose siblings are found by replacing "event" in its name.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from app.importers.dates import DateProblem, guess_dayfirst, parse_date
from app.importers.errors import ImportError_
from app.importers.model import Collector, EventDraft, SourceDraft, is_http_url
from app.importers.readers import read_json, read_rows
from app.importers.text import plain_text, title_from

_SUFFIXES = (".json", ".csv", ".xlsx")
_NUMBERED = re.compile(r"^(.*?)[0-9]+$")
_EVENT_FIELDS = {
    "id": "event_id", "description": "description", "title": "title", "date": "date_start",
    "time": "notes", "location": "place_name", "latitude": "latitude", "longitude": "longitude",
    "lat": "latitude", "long": "longitude", "lng": "longitude", "category": "category",
    "associations": "category / notes", "sources": "sources", "comments": "notes",
}

Item = tuple[int, str, dict[str, Any]]  # (line or index, how to name it in a report, the item)


def _deep(values: dict[str, str]) -> dict[str, Any]:
    """A sheet row as datasheet-server's 'deeprows' shapes it: numbered columns gathered in lists."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        m = _NUMBERED.match(name.strip())
        if m and m.group(1):
            out.setdefault(m.group(1).strip() + "s", [])
            if value.strip():
                out[m.group(1).strip() + "s"].append(value.strip())
        else:
            out[name.strip()] = value
    return out


def _json(path: Path, cache: dict[Path, Any]) -> Any:
    if path not in cache:
        cache[path] = read_json(path)
    return cache[path]


def _items(path: Path, col: Collector, what: str, cache: dict[Path, Any]) -> list[Item]:
    if path.suffix.lower() == ".json":
        data = _json(path, cache)
        if isinstance(data, dict) and what in data:
            data = data[what]
        if isinstance(data, dict):  # sources are served as an object keyed by id
            return [(i, f"{what}[{k!r}]", {"id": k, **v} if isinstance(v, dict) else {})
                    for i, (k, v) in enumerate(data.items())]
        if not isinstance(data, list):
            raise ImportError_(f"{path.name}: expected a JSON list of {what}")
        return [(i, f"{what}[{i}]", v if isinstance(v, dict) else {}) for i, v in enumerate(data)]
    table = read_rows(path)
    col.take_table(table, bad_rows=what == "events")
    return [(row.line, f"line {row.line}", _deep(row.values)) for row in table.rows]


def _find(folder: Path, stem_word: str, replace: tuple[str, str] | None = None) -> Path | None:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in _SUFFIXES)
    if replace is not None:
        wanted = replace[0].lower().replace("event", replace[1])
        files = [p for p in files if p.stem.lower() == wanted]
    else:
        files = [p for p in files if stem_word in p.stem.lower()]
    return files[0] if files else None


def _locate(path: Path, cache: dict[Path, Any]) -> tuple[Path, Path | None, Path | None, bool]:
    """(events, sources, associations, combined) for a folder, a combined JSON or an events file."""
    if path.is_dir():
        events = _find(path, "event")
        if events is None:
            raise ImportError_(f"{path}: no events file (a .json, .csv or .xlsx whose name contains 'event')")
        return events, _find(path, "source"), _find(path, "association"), False
    if not path.exists():
        raise ImportError_(f"{path}: no such file")
    if path.suffix.lower() == ".json":
        data = _json(path, cache)
        if isinstance(data, dict) and "events" in data:
            return path, path if "sources" in data else None, path if "associations" in data else None, True
    if "event" in path.stem.lower():
        return (path, _find(path.parent, "", (path.stem, "source")),
                _find(path.parent, "", (path.stem, "association")), False)
    return path, None, None, False


def import_timemap(path: Path, col: Collector, dayfirst: bool = False) -> None:
    cache: dict[Path, Any] = {}
    events_path, sources_path, assoc_path, _ = _locate(path, cache)
    events = _items(events_path, col, "events", cache)
    sources = {str(v["id"]).strip(): v for _, _, v in (_items(sources_path, col, "sources", cache)
                                                     if sources_path else []) if v.get("id")}
    associations = {str(v["id"]).strip(): v for _, _, v in (_items(assoc_path, col, "associations", cache)
                                                          if assoc_path else []) if v.get("id")}
    read = [p.name for p in (events_path, sources_path, assoc_path) if p is not None]
    col.note("read " + ", ".join(dict.fromkeys(read)))
    if not dayfirst and guess_dayfirst(str(v.get("date", "")) for _, _, v in events):
        dayfirst = True
        col.note("dates only make sense day-first (DD/MM/YYYY); read them so")
    seen: set[str] = set()
    missing_sources: set[str] = set()
    for where, label, item in events:
        seen.update(item)
        _event(where, label, item, sources, associations, missing_sources, col, dayfirst)
    if missing_sources:
        col.note(f"{len(missing_sources)} source id(s) named by events are not in the sources file: "
                 + ", ".join(sorted(missing_sources)[:10]))
    col.mapped = {k: v for k, v in _EVENT_FIELDS.items() if k in seen}
    col.unmapped = sorted(k for k in seen if k not in _EVENT_FIELDS)


def _text_list(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    if isinstance(value, str) and value.strip():
        return [v.strip() for v in value.split(",") if v.strip()]
    return []


def _event(
    where: int, label: str, item: dict[str, Any], sources: dict[str, dict[str, Any]],
    associations: dict[str, dict[str, Any]], missing_sources: set[str], col: Collector, dayfirst: bool,
) -> None:
    description = plain_text(item.get("description") or item.get("desc"))
    title = plain_text(item.get("title")) or title_from(description)
    name = f'{label} "{title}"' if title else label
    if not item:
        col.drop(where, f"{name}: not an object")
        return
    try:
        window = parse_date(item.get("date"), dayfirst)
    except DateProblem as exc:
        col.drop(where, f"{name}: {exc}")
        return
    if not title:
        col.drop(where, f"{name}: has no description")
        return
    notes: list[str] = []
    if str(item.get("time") or "").strip():
        notes.append(f"Time in the source: {plain_text(item.get('time'))}")
    category = plain_text(item.get("category"))
    for aid in _text_list(item.get("associations")):
        assoc = associations.get(aid, {"title": aid, "mode": ""})
        mode = str(assoc.get("mode", "")).upper()
        a_title = plain_text(assoc.get("title")) or aid
        if mode == "CATEGORY" and not category:
            category = a_title
        elif mode == "NARRATIVE":
            notes.append(f"Narrative: {a_title}")
        else:
            paths = " > ".join(_text_list(assoc.get("filter_paths")))
            notes.append(f"Filter: {paths or a_title}")
    if str(item.get("comments") or "").strip():
        notes.append(plain_text(item.get("comments")))
    draft = EventDraft(where=where, window=window, kind="point", title=title, description=description,
                       notes=notes, event_id=str(item.get("id") or ""), category=category,
                       place_name=plain_text(item.get("location")))
    col.place(draft, item.get("latitude", item.get("lat")),
              item.get("longitude", item.get("long", item.get("lng"))), label)
    for sid in _text_list(item.get("sources")):
        src = sources.get(sid)
        if src is None:
            if is_http_url(sid):  # some sheets put the link itself in the source column
                draft.sources.append(SourceDraft(url=sid))
            else:
                missing_sources.add(sid)
            continue
        candidates = [str(src.get("url") or ""), *_text_list(src.get("paths"))]
        url = next((u for u in candidates if is_http_url(u)), candidates[0])
        draft.sources.append(SourceDraft(
            url=url, title=plain_text(src.get("title")) or sid, author=plain_text(src.get("author")),
            published=str(src.get("date") or ""), note=plain_text(src.get("description"))[:300]))
    col.add(draft)
