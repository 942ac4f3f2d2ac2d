"""TimelineJS (Knight Lab) timelines: the JSON format and the Google-Sheets template as CSV/XLSX.

JSON: ``{"title": slide, "events": [slide, …], "eras": [era, …]}``; a slide has ``start_date`` /
``end_date`` objects (year, month, day, hour, …, display_date), ``text`` (headline, text: HTML),
``media`` (url, caption, credit, …), ``group``, ``unique_id``, ``display_date`` and, in some
exports, ``location`` (lat, lon). Sheet: one row per slide with the template's columns (Year,
Month, Day, Time, End Year, …, Headline, Text, Media, Media Credit, Media Caption, Media
Thumbnail, Alt Text, Type, Group, Background); ``Type`` = title gives the timeline's title and
``Type`` = era makes a period.

Dates become windows from the parts present (year only -> the whole year, at year precision).
A slide with an end later than its start window is a period; an era is always one.
"""

from __future__ import annotations

from typing import Any

from app.importers.dates import DateProblem, Window, parse_date, span, to_int, window_of
from app.importers.errors import ImportError_
from app.importers.model import Collector, EventDraft, SourceDraft
from app.importers.readers import Row, read_json, read_rows
from app.importers.source import Source
from app.importers.text import header_key, markdown_link, plain_text, title_from

ERA_CATEGORY = "Era"

# JSON paths we use, and the field each feeds
_JSON_FIELDS = {
    "start_date": "date_start", "end_date": "date_end", "text.headline": "title", "text.text": "description",
    "media.url": "sources.url", "media.link": "sources.url", "media.caption": "sources.title",
    "media.title": "sources.title", "media.credit": "sources.author", "group": "category",
    "unique_id": "event_id", "display_date": "notes", "location.lat": "latitude", "location.lon": "longitude",
    "location.lng": "longitude", "location.name": "place_name",
}
_NESTED = ("text", "media", "location")


def _date_object(value: object, what: str, dayfirst: bool) -> Window:
    if isinstance(value, str):
        return parse_date(value, dayfirst)
    if not isinstance(value, dict):
        raise DateProblem(f"{what} is not a date object")
    year = to_int(value.get("year"), f"{what} year")
    if year is None:
        raise DateProblem(f"{what} has no year")
    month = to_int(value.get("month"), f"{what} month")
    day = to_int(value.get("day"), f"{what} day")
    return window_of(year, month, day)


def _time_note(value: object) -> str:
    if not isinstance(value, dict):
        return ""
    hour, minute = value.get("hour"), value.get("minute")
    if hour in (None, ""):
        return ""
    return f"Time in the source: {hour}:{str(minute or 0).zfill(2)}"


def import_json(path: Source, col: Collector, dayfirst: bool | None = None) -> None:
    data = read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise ImportError_(f'{path.name}: not a TimelineJS file (expected an object with an "events" list)')
    title_slide = data.get("title")
    if isinstance(title_slide, dict) and isinstance(title_slide.get("text"), dict):
        col.title = col.title or plain_text(title_slide["text"].get("headline"))
    seen: set[str] = set()
    for section, is_era in (("events", False), ("eras", True)):
        items = data.get(section) or []
        if not isinstance(items, list):
            col.note(f'"{section}" is not a list; ignored')
            continue
        for i, item in enumerate(items):
            label = f"{section}[{i}]"
            where = len(col.labels)
            col.labels[where] = label
            col.rows_read += 1
            if not isinstance(item, dict):
                col.drop(where, "not an object", "not-an-object")
                continue
            seen.update(_paths(item))
            _slide(item, where, label, is_era, col, bool(dayfirst))
    col.mapped = {p: f for p, f in _JSON_FIELDS.items() if p in seen}
    ignored = {"start_date", "end_date", "text", "media", "location"}
    col.unmapped = sorted(p for p in seen if p not in _JSON_FIELDS and p not in ignored
                          and not p.startswith(("start_date.", "end_date.")))


def _paths(item: dict[str, Any]) -> set[str]:
    out = set(item)
    for key in _NESTED:
        if isinstance(item.get(key), dict):
            out.update(f"{key}.{sub}" for sub in item[key])
    return out


def _slide(item: dict[str, Any], where: int, label: str, is_era: bool, col: Collector, dayfirst: bool) -> None:
    raw_text = item.get("text")
    text: dict[str, Any] = raw_text if isinstance(raw_text, dict) else {}
    headline = plain_text(text.get("headline"))
    body = plain_text(text.get("text"))
    shown = headline or title_from(body)
    name = f'"{shown}"' if shown else "this slide"
    if item.get("start_date") in (None, "", {}):
        col.drop(where, f"{name}: has no start_date", "no-date", "start_date", "",
                 'Give the slide a "start_date" with at least a "year".')
        return
    key = "start_date"
    try:
        start = _date_object(item["start_date"], "start_date", dayfirst)
        key = "end_date"
        end = _date_object(item["end_date"], "end_date", dayfirst) if item.get("end_date") else None
        kind, window = span(start, end)
    except DateProblem as exc:
        col.drop(where, f"{name}: {exc}", exc.code, key, _shown(item.get(key)))
        return
    if not shown:
        col.drop(where, "has neither a headline nor a text", "no-title", "text",
                 fix='Give the slide a "text" with a "headline" or a "text".')
        return
    if is_era:
        kind = "period"
    notes = []
    display = item.get("display_date") or (item["start_date"].get("display_date")
                                           if isinstance(item["start_date"], dict) else None)
    if display:
        notes.append(f"Date shown in the source: {plain_text(display)}")
    notes.append(_time_note(item["start_date"]))
    draft = EventDraft(where=where, window=window, kind=kind, title=shown, description=body or headline,
                       notes=notes, event_id=str(item.get("unique_id") or ""),
                       category=plain_text(item.get("group")) or (ERA_CATEGORY if is_era else ""))
    media = item.get("media")
    if isinstance(media, dict):
        url = str(media.get("url") or "").strip()
        link = str(media.get("link") or "").strip()
        chosen = url if url.lower().startswith(("http://", "https://")) else link or url
        credit, credit_url = markdown_link(plain_text(media.get("credit")))
        chosen = chosen or credit_url
        if chosen:
            draft.sources.append(SourceDraft(
                url=chosen, title=plain_text(media.get("caption")) or plain_text(media.get("title")),
                author=credit, note="Media of the TimelineJS slide"))
    location = item.get("location")
    if isinstance(location, dict):
        col.place(draft, location.get("lat"), location.get("lon", location.get("lng")), label)
        draft.place_name = plain_text(location.get("name"))
    col.add(draft)


# -- the spreadsheet template ----------------------------------------------------------------
_SHEET_FIELDS = {
    "year": "date_start", "month": "date_start", "day": "date_start", "time": "notes",
    "endyear": "date_end", "endmonth": "date_end", "endday": "date_end", "endtime": "notes",
    "displaydate": "notes", "headline": "title", "text": "description", "media": "sources.url",
    "mediacredit": "sources.author", "mediacaption": "sources.title", "type": "kind (title/era rows)",
    "group": "category", "uniqueid": "event_id",
}


def import_sheet(path: Source, col: Collector, dayfirst: bool | None = None, sheet: str | None = None) -> None:
    table = read_rows(path, sheet)
    col.take_table(table)
    by_key = {header_key(c): c for c in reversed(table.columns)}
    if "year" not in by_key or not ({"headline", "text"} & by_key.keys()):
        raise ImportError_(f"{table.label}: not a TimelineJS sheet (needs the Year and Headline or Text "
                           f"columns; found: {', '.join(table.columns)})")
    cols = {key: by_key.get(key) for key in _SHEET_FIELDS}
    col.mapped = {by_key[k]: f for k, f in _SHEET_FIELDS.items() if k in by_key}
    col.unmapped = [c for c in table.columns if c not in col.mapped]
    col.rows_read = len(table.rows)
    for row in table.rows:
        _sheet_row(row, cols, col)


def _sheet_row(row: Row, cols: dict[str, str | None], col: Collector) -> None:
    def get(key: str) -> str:
        return row.get(cols.get(key))

    kind_cell = get("type").lower()
    headline = plain_text(get("headline"))
    body = plain_text(get("text"))
    shown = headline or title_from(body)
    name = f'"{shown}"' if shown else "this row"
    if kind_cell == "title":
        col.title = col.title or shown
        col.rows_read -= 1
        col.note(f"line {row.line}: the title row gives the dataset title")
        return
    if not get("year"):
        col.drop(row.line, f"{name}: has no Year", "no-date", cols.get("year"), "",
                 f'Fill in column "{cols.get("year")}".')
        return
    field = cols.get("year")
    try:
        start = window_of(year_of(get("year"), "Year"), _int(get("month"), "Month"), _int(get("day"), "Day"))
        end = None
        field = cols.get("endyear")
        if get("endyear"):
            end = window_of(year_of(get("endyear"), "End Year"), _int(get("endmonth"), "End Month"),
                            _int(get("endday"), "End Day"))
        kind, window = span(start, end)
    except DateProblem as exc:
        col.drop(row.line, f"{name}: {exc}", exc.code, field, row.get(field))
        return
    if not shown:
        col.drop(row.line, "has neither a Headline nor a Text", "no-title", cols.get("headline"), "",
                 f'Fill in column "{cols.get("headline") or "Headline"}".')
        return
    is_era = kind_cell == "era"
    if kind_cell not in ("", "era"):
        col.tally(f'Type "{get("type")}" is not title or era; read as an event', f"line {row.line}")
    notes = []
    if get("displaydate"):
        notes.append(f"Date shown in the source: {plain_text(get('displaydate'))}")
    if get("time"):
        notes.append(f"Time in the source: {plain_text(get('time'))}")
    draft = EventDraft(where=row.line, window=window, kind="period" if is_era else kind, title=shown,
                       description=body or headline, notes=notes, event_id=get("uniqueid"),
                       category=plain_text(get("group")) or (ERA_CATEGORY if is_era else ""))
    credit, credit_url = markdown_link(plain_text(get("mediacredit")))
    if get("media") or credit_url:
        url = get("media") if get("media").lower().startswith(("http://", "https://")) else credit_url or get("media")
        draft.sources.append(SourceDraft(url=url, title=plain_text(get("mediacaption")), author=credit,
                                         note="Media of the TimelineJS slide"))
    col.add(draft)


def _shown(value: object) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value)[:200])


def _int(text: str, what: str) -> int | None:
    return to_int(text, what) if text else None


def year_of(text: str, what: str) -> int:
    value = to_int(text, what)
    if value is None:
        raise DateProblem(f"{what} is empty")
    return value
