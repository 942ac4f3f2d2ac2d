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

The source may be a folder (files whose names contain "event", "source", "association"), one
combined JSON file (``{"events": …, "sources": …, "associations": …}`` — keys in any case, as
people export them: ``{"Events": …}``), the datasheet-server workbook (an ``Events`` sheet with
capitalised headers, Excel serial dates and day-fraction times, coordinates joined from a
``Sites`` sheet by the event's site/location id, ``Sources`` and ``Associations`` sheets; the
cached ``EXPORT_*`` sheets are left alone; ``--map sheet=NAME`` picks the events sheet), or the
events file, whose siblings are found by replacing "event" in its name — only in a real folder:
an upload (a name plus bytes) has no siblings.
"""

from __future__ import annotations

import re
from typing import Any

from app.importers.datecols import DateReading, decide
from app.importers.dates import DateProblem
from app.importers.errors import ImportError_
from app.importers.model import Collector, EventDraft, SourceDraft, is_http_url
from app.importers.readers import Table, read_json, read_rows, read_xlsx_sheets
from app.importers.source import Source
from app.importers.text import list_items, plain_text, title_from

_SUFFIXES = (".json", ".csv", ".xlsx")
_NUMBERED = re.compile(r"^(.*?)[0-9]+$")
_EVENT_FIELDS = {
    "id": "event_id", "description": "description", "title": "title", "date": "date_start",
    "time": "notes", "location": "place_name", "latitude": "latitude", "longitude": "longitude",
    "lat": "latitude", "long": "longitude", "lng": "longitude", "category": "category",
    "associations": "category / notes", "sources": "sources", "comments": "notes", "site": "latitude/longitude (Sites)",
    "location_id": "latitude/longitude (Sites)",
}

Item = tuple[int, str, dict[str, Any]]  # (line or index, how to name it in a report, the item)


def _lower(item: Any) -> Any:
    """Keys of a JSON object (or a row) in lower case: TimeMap's own files use lower case, people's
    exports often "Events", "Description", "Date"."""
    if isinstance(item, dict):
        return {str(k).strip().lower(): v for k, v in item.items()}
    return item


def _deep(values: dict[str, str]) -> dict[str, Any]:
    """A sheet row as datasheet-server's 'deeprows' shapes it: numbered columns gathered in lists."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        key = name.strip().lower()
        m = _NUMBERED.match(key)
        if m and m.group(1) and not key.startswith("column "):
            out.setdefault(m.group(1).strip() + "s", [])
            if value.strip():
                out[m.group(1).strip() + "s"].append(value.strip())
        else:
            out[key] = value
    return out


def _json_items(data: Any, what: str, name: str) -> list[Item]:
    if isinstance(data, dict):
        data = _lower(data)
        if what in data:
            data = data[what]
    if isinstance(data, dict):  # sources are served as an object keyed by id
        return [(i, f"{what}[{k!r}]", {"id": k, **_lower(v)} if isinstance(v, dict) else {})
                for i, (k, v) in enumerate(data.items())]
    if not isinstance(data, list):
        raise ImportError_(f"{name}: expected a JSON list of {what}")
    return [(i, f"{what}[{i}]", _lower(v) if isinstance(v, dict) else {}) for i, v in enumerate(data)]


def _table_items(table: Table) -> list[Item]:
    return [(row.line, f"line {row.line}", _deep(row.values)) for row in table.rows]


def _find(files: list[Source], stem_word: str, wanted: str | None = None) -> Source | None:
    files = [f for f in files if f.suffix in _SUFFIXES]
    if wanted is not None:
        files = [f for f in files if f.stem.lower() == wanted]
    else:
        files = [f for f in files if stem_word in f.stem.lower()]
    return files[0] if files else None


def _pick_sheet(names: list[str], word: str, chosen: str | None = None) -> str | None:
    if chosen:
        return chosen
    usable = [n for n in names if not n.upper().startswith("EXPORT")]
    exact = [n for n in usable if n.strip().lower() == word]
    found = exact or [n for n in usable if word in n.lower()]
    return found[0] if found else None


def import_timemap(path: Source, col: Collector, dayfirst: bool | None = None, sheet: str | None = None) -> None:
    sites: dict[str, dict[str, Any]] = {}
    read: list[str] = []
    if path.is_dir():
        files = path.folder_files()
        events_src = _find(files, "event")
        if events_src is None:
            raise ImportError_(f"{path.path}: no events file (a .json, .csv or .xlsx whose name contains 'event')")
        return _from_files(events_src, _find(files, "source"), _find(files, "association"), col, dayfirst)
    if path.suffix in (".xlsx", ".xlsm"):
        return _from_workbook(path, col, dayfirst, sheet)
    if path.suffix == ".json":
        data = _lower(read_json(path))
        if isinstance(data, dict) and "events" in data:
            events = _json_items(data, "events", path.name)
            sources = _json_items(data, "sources", path.name) if "sources" in data else []
            assocs = _json_items(data, "associations", path.name) if "associations" in data else []
            read.append(path.name)
            return _import(events, sources, assocs, sites, read, col, dayfirst, json_items=True)
    if "event" in path.stem.lower():
        files = path.folder_files()  # empty for an upload: its siblings are never looked for
        stem = path.stem.lower()
        return _from_files(path, _find(files, "", stem.replace("event", "source")),
                           _find(files, "", stem.replace("event", "association")), col, dayfirst)
    return _from_files(path, None, None, col, dayfirst)


def _read_items(src: Source, col: Collector, what: str) -> tuple[list[Item], bool]:
    if src.suffix == ".json":
        return _json_items(read_json(src), what, src.name), True
    table = read_rows(src)
    col.take_table(table, bad_rows=what == "events")
    return _table_items(table), False


def _from_files(events_src: Source, sources_src: Source | None, assoc_src: Source | None, col: Collector,
                dayfirst: bool | None) -> None:
    events, is_json = _read_items(events_src, col, "events")
    sources = _read_items(sources_src, col, "sources")[0] if sources_src else []
    assocs = _read_items(assoc_src, col, "associations")[0] if assoc_src else []
    read = [s.name for s in (events_src, sources_src, assoc_src) if s is not None]
    _import(events, sources, assocs, {}, read, col, dayfirst, json_items=is_json)


def _from_workbook(path: Source, col: Collector, dayfirst: bool | None, sheet: str | None) -> None:
    picked: dict[str, str | None] = {}

    def pick(names: list[str]) -> list[str]:
        picked["events"] = _pick_sheet(names, "events", sheet) or (names[0] if names else None)
        for word in ("sources", "associations", "sites"):
            picked[word] = _pick_sheet(names, word)
        skipped = [n for n in names if n.upper().startswith("EXPORT")]
        if skipped:
            col.note(f"{path.name}: sheets {', '.join(skipped)} (datasheet-server's cached exports) were not read")
        return [n for n in dict.fromkeys(picked.values()) if n]

    tables = {t.label: t for t in read_xlsx_sheets(path, None, pick)}

    def table(word: str) -> Table | None:
        name = picked.get(word)
        return tables.get(f"{path.name} [{name}]") if name else None

    events_table = table("events")
    if events_table is None:
        raise ImportError_(f"{path.name}: no events sheet")
    col.take_table(events_table)
    for word in ("sources", "associations", "sites"):
        t = table(word)
        if t is not None and t is not events_table:
            col.take_table(t, bad_rows=False)
    sites = {}
    if (t := table("sites")) is not None and t is not events_table:
        for _, _, item in _table_items(t):
            key = str(item.get("id") or item.get("site") or item.get("name") or "").strip()
            if key:
                sites[key] = item
    sources = _table_items(t) if (t := table("sources")) is not None and t is not events_table else []
    assocs = _table_items(t) if (t := table("associations")) is not None and t is not events_table else []
    read = [f"{path.name} [{picked[w]}]" for w in ("events", "sources", "associations", "sites") if picked.get(w)]
    _import(_table_items(events_table), sources, assocs, sites, read, col, dayfirst, json_items=False)


def _import(events: list[Item], source_items: list[Item], assoc_items: list[Item], sites: dict[str, dict[str, Any]],
            read: list[str], col: Collector, dayfirst: bool | None, json_items: bool) -> None:
    sources = {str(v["id"]).strip(): v for _, _, v in source_items if v.get("id")}
    associations = {str(v["id"]).strip(): v for _, _, v in assoc_items if v.get("id")}
    col.note("read " + ", ".join(dict.fromkeys(read)))
    col.rows_read = len(events)
    if json_items:
        for where, label, _ in events:
            col.labels[where] = label
    reading = decide(col.notes, "date", [_text(v.get("date")) for _, _, v in events], dayfirst,
                     (False, "TimeMap's default date format is MM/DD/YYYY"))
    seen: set[str] = set()
    missing_sources: set[str] = set()
    for where, label, item in events:
        seen.update(item)
        _event(where, label, item, sources, associations, sites, missing_sources, col, reading)
    if missing_sources:
        col.note(f"{len(missing_sources)} source id(s) named by events are not in the sources file: "
                 + ", ".join(sorted(missing_sources)[:10]))
    if sites:
        col.note(f"coordinates joined from the Sites sheet ({len(sites)} site(s))")
    col.mapped = {k: v for k, v in _EVENT_FIELDS.items() if k in seen}
    col.unmapped = sorted(k for k in seen if k not in _EVENT_FIELDS)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _time_text(value: object) -> str:
    """A time cell as text; a day fraction (Excel: 0.5 = 12:00) as HH:MM."""
    text = _text(value)
    try:
        fraction = float(text)
    except ValueError:
        return text
    if 0 <= fraction < 1:
        minutes = round(fraction * 24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    return text


def _event(
    where: int, label: str, item: dict[str, Any], sources: dict[str, dict[str, Any]],
    associations: dict[str, dict[str, Any]], sites: dict[str, dict[str, Any]], missing_sources: set[str],
    col: Collector, reading: DateReading,
) -> None:
    description = plain_text(item.get("description") or item.get("desc"))
    title = plain_text(item.get("title")) or title_from(description)
    name = f'"{title}"' if title else "this event"
    if not item:
        col.drop(where, "not an object", "not-an-object")
        return
    date_text = _text(item.get("date"))
    try:
        window = reading.parse(date_text)
    except DateProblem as exc:
        col.drop(where, f"{name}: {exc}", exc.code, "date", date_text)
        return
    if not title:
        col.drop(where, "has no description", "no-title", "description", "", 'Fill in the "description".')
        return
    if reading.ambiguous(date_text):
        col.doubt(where, f'{name}: "{date_text}" could be either order; read month-first', "ambiguous-date",
                  "date", date_text)
    notes: list[str] = []
    if _text(item.get("time")):
        notes.append(f"Time in the source: {_time_text(item.get('time'))}")
    category = plain_text(item.get("category"))
    for aid in list_items(item.get("associations")):
        assoc = associations.get(aid, {"title": aid, "mode": ""})
        mode = str(assoc.get("mode", "")).upper()
        a_title = plain_text(assoc.get("title")) or aid
        if mode == "CATEGORY" and not category:
            category = a_title
        elif mode == "NARRATIVE":
            notes.append(f"Narrative: {a_title}")
        else:
            paths = " > ".join(list_items(assoc.get("filter_paths")))
            notes.append(f"Filter: {paths or a_title}")
    if _text(item.get("comments")):
        notes.append(plain_text(item.get("comments")))
    site = sites.get(_text(item.get("site") or item.get("location_id") or item.get("location")))
    draft = EventDraft(where=where, window=window, kind="point", title=title, description=description,
                       notes=notes, event_id=_text(item.get("id")), category=category,
                       place_name=plain_text(item.get("location") or (site or {}).get("site") or ""))
    lat = item.get("latitude", item.get("lat"))
    lon = item.get("longitude", item.get("long", item.get("lng")))
    if site is not None and not _text(lat):
        lat = site.get("latitude", site.get("lat"))
        lon = site.get("longitude", site.get("long", site.get("lng")))
        draft.place_name = draft.place_name or plain_text(site.get("description") or site.get("name") or "")
    col.place(draft, lat, lon, label)
    for sid in list_items(item.get("sources")):
        src = sources.get(sid)
        if src is None:
            if is_http_url(sid):  # some sheets put the link itself in the source column
                draft.sources.append(SourceDraft(url=sid))
            else:
                missing_sources.add(sid)
            continue
        candidates = [str(src.get("url") or ""), *list_items(src.get("paths"))]
        url = next((u for u in candidates if is_http_url(u)), candidates[0])
        draft.sources.append(SourceDraft(
            url=url, title=plain_text(src.get("title")) or sid, author=plain_text(src.get("author")),
            published=_text(src.get("date")), note=plain_text(src.get("description"))[:300]))
    col.add(draft)

