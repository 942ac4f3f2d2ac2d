"""Any table of events, CSV or XLSX: columns found by their usual names, or named with --map.

``mapping`` maps our field to the file's column (``{"date_start": "When", "title": "What"}``).
Fields not mapped are looked for under common names (date/start/end/title/headline/description/
lat/latitude/lon/lng/longitude/country/place/location/category/type/source/url …). A file needs
a date (or Year [+ Month + Day] columns) and a title or description; without them it cannot be
read and the error names the columns it has.
"""

from __future__ import annotations

from app.errors import UserInputError
from app.importers.columnar import column as cells_of
from app.importers.columnar import import_rows
from app.importers.datecols import DateReading, decide
from app.importers.dates import PRECISIONS, DateProblem, Window, span, window_of
from app.importers.errors import ImportError_
from app.importers.model import Collector, EventDraft, SourceDraft, urls_in, vocab
from app.importers.places import country_code
from app.importers.readers import Row, Table
from app.importers.text import header_key, list_text, plain_text, title_from
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
    if "date_start" not in chosen and "year" not in chosen:  # "date_local", "Event Date (UTC)" …
        dated = [c for c in table.columns if "date" in header_key(c) and c not in used
                 and not any(w in header_key(c) for w in ("end", "added", "updated", "modified", "created"))]
        if dated:
            chosen["date_start"] = dated[0]
    return chosen


def import_table(table: Table, col: Collector, mapping: dict[str, str], dayfirst: bool | None = None) -> None:
    col.take_table(table)
    cols = resolve_columns(table, mapping)
    if "date_start" not in cols and "year" not in cols:
        raise ImportError_(f"{table.label}: no date column found (columns: {', '.join(table.columns)}); "
                           "name it with --map date_start=COLUMN")
    if "title" not in cols and "description" not in cols:
        raise ImportError_(f"{table.label}: no title or description column found (columns: "
                           f"{', '.join(table.columns)}); name one with --map title=COLUMN")
    if "date_start" in cols:  # split Year/Month/Day columns are only used when there is no date column
        for part in ("month", "day"):
            cols.pop(part, None)
    col.mapped = {column: name for name, column in cols.items()}
    countries = _country_columns(table, cols)
    for extra in countries[1:]:
        col.mapped[extra] = "country (when the first country column is empty or unknown)"
    col.unmapped = [c for c in table.columns if c not in col.mapped]
    missing = [f for f in ("category", "place_name", "latitude", "url") if f not in cols]
    if missing:
        col.note("no column found for " + ", ".join(missing) + " (name one with --map FIELD=COLUMN if the file has it)")
    col.rows_read = len(table.rows)
    readings: dict[str, DateReading] = {}
    if "date_start" in cols:  # one decision for the file's dates: start and end columns together
        names = [cols[n] for n in ("date_start", "date_end") if n in cols]
        values = [v for c in names for v in cells_of(table, c)]
        reading = decide(col.notes, " / ".join(names), values, dayfirst, None, cols.get("year"))
        readings = {n: reading for n in ("date_start", "date_end") if n in cols}
    if import_rows(table, cols, col, readings, countries, _row):
        table.rows = []  # read into columns: the rows' cells are no longer needed
    else:  # a text repair: row by row
        for row in table.rows:
            _row(row, cols, col, readings, countries)


def _country_columns(table: Table, cols: dict[str, str]) -> list[str]:
    """Every column that can give an event's country, the chosen one first ("country", then "iso3" …)."""
    by_key = {header_key(c): c for c in reversed(table.columns)}
    out = [cols["country"]] if "country" in cols else []
    for name in SYNONYMS["country"]:
        column = by_key.get(name)
        if column and column not in out and column not in cols.values():
            out.append(column)
    return out


def _start(row: Row, cols: dict[str, str], reading: DateReading | None) -> Window:
    if "date_start" in cols and reading is not None:
        hint = _year_hint(row, cols)
        return reading.parse(row.get(cols["date_start"]), hint)
    parts = [row.get(cols.get(p)) for p in ("year", "month", "day")]
    if not parts[0]:
        raise DateProblem("the year is empty", "no-date")
    month = year_of(parts[1], "month") if parts[1] else None
    day = year_of(parts[2], "day") if parts[2] else None
    return window_of(year_of(parts[0], "year"), month, day)


def _year_hint(row: Row, cols: dict[str, str]) -> int | None:
    text = row.get(cols.get("year"))
    return int(text) if text.isdigit() and len(text) == 4 else None


def _row(row: Row, cols: dict[str, str], col: Collector, readings: dict[str, DateReading],
         countries: list[str]) -> None:
    def get(name: str) -> str:
        return row.get(cols.get(name))

    description = plain_text(get("description"))
    title = plain_text(get("title")) or title_from(description)
    name = f'"{title}"' if title else "this row"
    field = cols.get("date_start") or cols.get("year")
    try:
        start = _start(row, cols, readings.get("date_start"))
        field = cols.get("date_end")
        end = readings["date_end"].parse(get("date_end"), _year_hint(row, cols)) if get("date_end") else None
        kind, window = span(start, end)
    except DateProblem as exc:
        value = row.get(field)
        col.drop(row.line, f"{name}: {exc}", exc.code, field, value,
                 f'Write the date in column "{field}" as 2023-03-15, 15 March 2023, 2023 or a range such as '
                 "April-May 1945" if exc.code == "bad-date" else "")
        return
    if not title:
        col.drop(row.line, "has neither a title nor a description", "no-title",
                 cols.get("title") or cols.get("description"), "",
                 f'Fill in column "{cols.get("title") or cols.get("description")}".')
        return
    for key in ("date_start", "date_end"):
        reading = readings.get(key)
        if reading is not None and reading.ambiguous(get(key)):
            col.doubt(row.line, f'{name}: "{get(key)}" could be either order; read month-first', "ambiguous-date",
                      cols[key], get(key))
    open_ended = False
    if get("kind").lower() == "period":
        open_ended = kind == "point" and end is None
        kind = "period"
    wanted = get("date_precision").lower()
    if wanted in PRECISIONS and kind == "point":
        try:
            window = window.widen(wanted)
        except DateProblem as exc:
            col.drop(row.line, f"{name}: {exc}", exc.code, cols.get("date_precision"), wanted)
            return
    notes = [plain_text(get("notes"))] if get("notes") else []
    country = ""
    given = ""
    for column in countries:
        text = row.get(column)
        if text:
            given = given or text
            country = country_code(text)
            if country:
                break
    if given and not country:
        notes.append(f"Country in the source: {plain_text(given)}")
        col.tally(f'country "{plain_text(given)}" has no ISO 3166 code; left empty', f"line {row.line}")
    draft = EventDraft(where=row.line, window=window, kind=kind, title=title, description=description,
                       notes=notes, event_id=get("event_id"), category=plain_text(get("category")),
                       sub_category=plain_text(get("sub_category")), place_name=plain_text(get("place_name")),
                       country=country, open_ended=open_ended)
    for field_name, vocabulary in _VOCAB_FIELDS.items():
        value = get(field_name).lower()
        if value and value in vocab(vocabulary):
            setattr(draft, field_name, value)
        elif value:
            col.tally(f'{field_name} "{get(field_name)}" is not one of {", ".join(vocab(vocabulary))}; the default '
                      "is used", f"line {row.line}")
    col.place(draft, get("latitude"), get("longitude"), f"line {row.line}")
    source_text = plain_text(get("source"))
    urls = urls_in(list_text(get("url"))) or urls_in(list_text(get("source")))
    publisher = source_text if source_text and not urls_in(source_text) else ""
    for i, url in enumerate(urls):
        draft.sources.append(SourceDraft(url=url, publisher=publisher if i == 0 else "",
                                         role="primary" if i == 0 else "corroborating"))
    if not urls and get("url"):
        col.tally("a url that is not an http(s) address was not kept", f"line {row.line}")
    if publisher and not urls:
        draft.notes.append(f"Source named in the file: {publisher}")
    col.add(draft)
