"""Any table of events, CSV or XLSX: columns found by their usual names, or named with --map.

``mapping`` maps our field to the file's column (``{"date_start": "When", "title": "What"}``).
Fields not mapped are looked for under common names (date/start/end/title/headline/description/
lat/latitude/lon/lng/longitude/country/place/location/category/type/source/url …). A file needs
a date (or Year [+ Month + Day] columns) and a title or description; without them it cannot be
read and the error names the columns it has.
"""

from __future__ import annotations

from app.errors import UserInputError
from app.importers.dates import PRECISIONS, DateProblem, Window, guess_dayfirst, parse_date, span, window_of
from app.importers.errors import ImportError_
from app.importers.model import Collector, EventDraft, SourceDraft, urls_in, vocab
from app.importers.places import country_code
from app.importers.readers import Row, Table
from app.importers.text import header_key, plain_text, title_from
from app.importers.timelinejs import year_of

#: our field -> column names (reduced by header_key) that mean it, most specific first
SYNONYMS: dict[str, tuple[str, ...]] = {
    "event_id": ("eventid", "id", "uid", "uniqueid", "identifier", "key"),
    "date_start": ("datestart", "startdate", "date", "start", "eventdate", "datefrom", "fromdate", "from",
                   "begin", "begindate", "when"),
    "date_end": ("dateend", "enddate", "end", "dateto", "todate", "to", "until", "finish"),
    "title": ("title", "headline", "eventname", "name", "event", "label", "heading", "what"),
    "description": ("description", "desc", "text", "details", "body", "summary", "content"),
    "notes": ("notes", "note", "comments", "comment", "remarks"),
    "category": ("category", "eventtype", "type", "group", "theme"),
    "sub_category": ("subcategory", "subeventtype", "subtype"),
    "place_name": ("placename", "place", "location", "locationname", "site", "city", "town", "locality",
                   "address", "where"),
    "country": ("country", "countrycode", "iso3", "countryiso", "iso", "nation"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "lng", "long"),
    "url": ("url", "sourceurl", "link", "links", "urls", "sourcelink", "href", "website"),
    "source": ("source", "sources", "publisher", "sourcename", "outlet"),
    "kind": ("kind",),
    "date_precision": ("dateprecision", "precision"),
    "geo_precision": ("geoprecision",),
    "location_role": ("locationrole",),
    "verification": ("verification",),
    "year": ("year",),
    "month": ("month",),
    "day": ("day",),
}
FIELDS = tuple(SYNONYMS)
_VOCAB_FIELDS = {"geo_precision": "geo_precision", "location_role": "location_role",
                 "verification": "verification"}


def field_of(key: str) -> str | None:
    """A --map key as one of our fields: 'date_start', or a common name of it ('date', 'lat')."""
    if key in SYNONYMS:
        return key
    reduced = header_key(key)
    for name, names in SYNONYMS.items():
        if reduced == header_key(name) or reduced in names:
            return name
    return None


def resolve_columns(table: Table, mapping: dict[str, str]) -> dict[str, str]:
    """our field -> the table's column: the --map choices first, then the common names."""
    chosen: dict[str, str] = {}
    by_key: dict[str, str] = {}
    for c in table.columns:
        by_key.setdefault(header_key(c), c)
    for key, column in mapping.items():
        name = field_of(key)
        if name is None:
            raise UserInputError(f'--map {key}={column}: "{key}" is not a field; use one of {", ".join(FIELDS)}')
        found: str | None = column if column in table.columns else by_key.get(header_key(column))
        if found is None:
            raise UserInputError(f'--map {key}={column}: {table.label} has no column "{column}" '
                                 f'(columns: {", ".join(table.columns)})')
        chosen[name] = found
    used = set(chosen.values())
    for name, names in SYNONYMS.items():
        if name in chosen:
            continue
        for n in names:
            candidate = by_key.get(n)
            if candidate is not None and candidate not in used:
                chosen[name] = candidate
                used.add(candidate)
                break
    return chosen


def import_table(table: Table, col: Collector, mapping: dict[str, str], dayfirst: bool = False) -> None:
    for note in table.notes:
        col.note(note)
    for line, reason in table.bad_rows:
        col.drop(line, reason)
    cols = resolve_columns(table, mapping)
    if "date_start" not in cols and "year" not in cols:
        raise ImportError_(f"{table.label}: no date column found (columns: {', '.join(table.columns)}); "
                           "name it with --map date_start=COLUMN")
    if "title" not in cols and "description" not in cols:
        raise ImportError_(f"{table.label}: no title or description column found (columns: "
                           f"{', '.join(table.columns)}); name one with --map title=COLUMN")
    if "date_start" in cols:  # split Year/Month/Day columns are only used when there is no date column
        for part in ("year", "month", "day"):
            cols.pop(part, None)
    col.mapped = {column: name for name, column in cols.items()}
    col.unmapped = [c for c in table.columns if c not in col.mapped]
    if not dayfirst:
        dates = [r.get(cols.get("date_start")) for r in table.rows] + [r.get(cols.get("date_end"))
                                                                       for r in table.rows]
        if guess_dayfirst(dates):
            dayfirst = True
            col.note("dates only make sense day-first (DD/MM/YYYY); read them so")
    for row in table.rows:
        _row(row, cols, col, dayfirst)


def _start(row: Row, cols: dict[str, str], dayfirst: bool) -> Window:
    if "date_start" in cols:
        return parse_date(row.get(cols["date_start"]), dayfirst)
    parts = [row.get(cols.get(p)) for p in ("year", "month", "day")]
    if not parts[0]:
        raise DateProblem("the year is empty")
    month = year_of(parts[1], "month") if parts[1] else None
    day = year_of(parts[2], "day") if parts[2] else None
    return window_of(year_of(parts[0], "year"), month, day)


def _row(row: Row, cols: dict[str, str], col: Collector, dayfirst: bool) -> None:
    def get(name: str) -> str:
        return row.get(cols.get(name))

    description = plain_text(get("description"))
    title = plain_text(get("title")) or title_from(description)
    name = f'line {row.line} "{title}"' if title else f"line {row.line}"
    try:
        start = _start(row, cols, dayfirst)
        end = parse_date(get("date_end"), dayfirst) if get("date_end") else None
        kind, window = span(start, end)
    except DateProblem as exc:
        col.drop(row.line, f"{name}: {exc}")
        return
    if not title:
        col.drop(row.line, f"{name}: has neither a title nor a description")
        return
    open_ended = False
    if get("kind").lower() == "period":
        open_ended = kind == "point" and end is None
        kind = "period"
    wanted = get("date_precision").lower()
    if wanted in PRECISIONS and kind == "point":
        try:
            window = window.widen(wanted)
        except DateProblem as exc:
            col.drop(row.line, f"{name}: {exc}")
            return
    notes = [plain_text(get("notes"))] if get("notes") else []
    country = country_code(get("country"))
    if get("country") and not country:
        notes.append(f"Country in the source: {plain_text(get('country'))}")
        col.tally(f'country "{plain_text(get("country"))}" has no ISO 3166 code; left empty', f"line {row.line}")
    draft = EventDraft(where=row.line, window=window, kind=kind, title=title, description=description,
                       notes=notes, event_id=get("event_id"), category=plain_text(get("category")),
                       sub_category=plain_text(get("sub_category")), place_name=plain_text(get("place_name")),
                       country=country, open_ended=open_ended)
    for field, vocabulary in _VOCAB_FIELDS.items():
        value = get(field).lower()
        if value and value in vocab(vocabulary):
            setattr(draft, field, value)
        elif value:
            col.tally(f'{field} "{get(field)}" is not one of {", ".join(vocab(vocabulary))}; the default is used',
                      f"line {row.line}")
    col.place(draft, get("latitude"), get("longitude"), f"line {row.line}")
    source_text = plain_text(get("source"))
    urls = urls_in(get("url")) or urls_in(get("source"))
    publisher = source_text if source_text and not urls_in(source_text) else ""
    for i, url in enumerate(urls):
        draft.sources.append(SourceDraft(url=url, publisher=publisher if i == 0 else "",
                                         role="primary" if i == 0 else "corroborating"))
    if not urls and get("url"):
        col.tally("a url that is not an http(s) address was not kept", f"line {row.line}")
    if publisher and not urls:
        draft.notes.append(f"Source named in the file: {publisher}")
    col.add(draft)
