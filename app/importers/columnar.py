"""The column-wise path of a table import (csv, xlsx): linear in rows, a few µs a row.

A table's rows are read once into columns. Each function of a cell (plain text, a date, a
coordinate, a country, the URLs of a cell) is then applied once per *distinct* value of its
column, not once per row, and the six tables of the package are built as columns. The result is
the same, byte for byte, as the row-by-row path (``tabular._row`` and ``Collector.result``),
which stays the reference and is still used:

- for a row this path does not settle alone (a date that cannot be read or is ambiguous, a row
  without a title, an unknown country or vocabulary value, a bad coordinate or URL): that row
  goes through ``tabular._row``, which writes its problem, doubt or tally, and its event (if
  any) joins the columns at its place;
- for a whole import when a cell needed text repair (the report counts repaired cells the way
  the row path reads them), or when an id is given twice (duplicate ids are merged or renamed
  by ``Collector._assign_ids``): then the row path runs from the start.
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, TypeVar
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from app.dataset import columns as C
from app.importers.dates import PRECISIONS, DateProblem, Window, span
from app.importers.places import PlaceProblem, coordinate, country_centre, country_code, country_name, format_coordinate
from app.importers.readers import ARROW_POOL, ColumnRows, Row, Table
from app.importers.text import (
    DESCRIPTION_MAX,
    REPAIRS,
    TITLE_MAX,
    list_text,
    plain_text,
    safe_id,
    short_hash,
    shorten,
    slug,
    title_from,
)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
SLOW = object()  # a cell this path does not settle alone: its row takes the row-by-row path


class Origins(Mapping[str, tuple[int | None, str]]):
    """event_id -> (line, "") of a table import, as ``ImportResult.origins``; the dict is made the
    first time it is asked (the report asks only when validation finds a problem)."""

    def __init__(self, event_ids: list[str], lines: list[int]) -> None:
        self._ids, self._lines = event_ids, lines
        self._dict: dict[str, tuple[int | None, str]] | None = None

    def _made(self) -> dict[str, tuple[int | None, str]]:
        if self._dict is None:
            self._dict = {eid: (line, "") for eid, line in zip(self._ids, self._lines, strict=True)}
        return self._dict

    def __getitem__(self, key: str) -> tuple[int | None, str]:
        return self._made()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._made())

    def __len__(self) -> int:
        return len(self._ids)


class NotColumnar(Exception):
    """This import must take the row-by-row path from the start."""


def per_value(fn: Callable[[K], V], values: Iterable[K]) -> list[V]:
    """``[fn(v) for v in values]``, calling ``fn`` once per distinct value."""
    values = values if isinstance(values, list) else list(values)
    cache: dict[K, Any] = dict.fromkeys(values)
    for key in cache:
        cache[key] = fn(key)
    return [cache[v] for v in values]


_NEEDS_CLEANING = r"[<&\x00-\x1f\x7f]|\s\s|^\s|\s$|[^\S ]"  # text.plain_text's test, in RE2 (wider)
_SAFE_ID = r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,78}[A-Za-z0-9])?\z"  # what text.safe_id leaves as it is


def _matches(values: list[str], pattern: str, non_ascii: bool = False) -> Any:
    """Which values match ``pattern`` (or are not ASCII), tested column-wise: a bool array."""
    arr = pa.array(values, pa.string(), memory_pool=ARROW_POOL)
    hit = pc.match_substring_regex(arr, pattern, memory_pool=ARROW_POOL)
    if non_ascii:
        hit = pc.or_(hit, pc.invert(pc.string_is_ascii(arr)))
    return hit.to_numpy(zero_copy_only=False)


def _apply_at(fn: Callable[[str], Any], values: list[str], at: Any) -> list[Any]:
    out: list[Any] = list(values)
    cache: dict[str, Any] = {}
    for i in np.flatnonzero(at).tolist():
        v = values[i]
        if v not in cache:
            cache[v] = fn(v)
        out[i] = cache[v]
    return out


def plain_texts(values: list[str]) -> list[str]:
    """``[plain_text(v) for v in values]``: only the cells that are not already one line of plain
    ASCII text (found column-wise) are cleaned, each distinct one once."""
    if len(values) < 512 or len(set(values[:2000])) < 1000:  # few, or repeated: one object per value
        return per_value(plain_text, values)
    return _apply_at(plain_text, values, _matches(values, _NEEDS_CLEANING, True))


def _safe(raw: str) -> str:
    return safe_id(raw) if raw else ""


def safe_ids(values: list[str]) -> list[str]:
    """``[safe_id(v) if v else "" for v in values]``: ids that are already safe are left as they are."""
    if len(values) < 512:
        return per_value(_safe, values)
    return _apply_at(_safe, values, ~_matches(values, _SAFE_ID))


@dataclass
class ColumnDrafts:
    """Event drafts as columns (one entry per event, in the file's order), what
    ``Collector.result`` builds the tables from on this path."""

    where: list[int] = field(default_factory=list)
    date: list[int] = field(default_factory=list)  # index into ``dates``
    dates: list[tuple[str, Window, bool]] = field(default_factory=list)  # (kind, window, open_ended)
    title: list[str] = field(default_factory=list)
    description: list[str] = field(default_factory=list)
    notes: list[Sequence[str]] = field(default_factory=list)
    event_id: list[str] = field(default_factory=list)
    category: list[str] = field(default_factory=list)
    sub_category: list[str] = field(default_factory=list)
    place_name: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    latitude: list[float | None] = field(default_factory=list)
    longitude: list[float | None] = field(default_factory=list)
    geo_precision: list[str] = field(default_factory=list)
    location_role: list[str] = field(default_factory=list)
    verification: list[str] = field(default_factory=list)
    sources: list[Sequence[Any]] = field(default_factory=list)  # SourceDrafts

    def __len__(self) -> int:
        return len(self.where)

    def drafts(self) -> list[Any]:
        """The same events as ``EventDraft`` objects (for the row-by-row ``result``)."""
        from app.importers.model import EventDraft

        out = []
        for i in range(len(self.where)):
            kind, window, open_ended = self.dates[self.date[i]]
            out.append(EventDraft(
                where=self.where[i], window=window, kind=kind, title=self.title[i], description=self.description[i],
                notes=list(self.notes[i]), event_id=self.event_id[i], category=self.category[i],
                sub_category=self.sub_category[i], place_name=self.place_name[i], country=self.country[i],
                latitude=self.latitude[i], longitude=self.longitude[i], geo_precision=self.geo_precision[i],
                location_role=self.location_role[i], verification=self.verification[i], open_ended=open_ended,
                sources=list(self.sources[i]), actors=[],
            ))
        return out


class _Guard:
    """Plain-text calls of this path count no text repair: a repair makes the import take the
    row path (the report counts repaired cells as the row path reads them)."""

    def __enter__(self) -> Counter[str]:
        self.counter: Counter[str] = Counter()
        self.token = REPAIRS.set(self.counter)
        return self.counter

    def __exit__(self, *exc: object) -> None:
        REPAIRS.reset(self.token)


def column(table: Table, name: str | None) -> list[str]:
    """A column's cells as ``Row.get`` reads them (stripped; '' where a row is short)."""
    n = len(table.rows)
    if not name or name not in table.columns:
        return [""] * n
    i = table.columns.index(name)
    if isinstance(table.rows, ColumnRows):
        return list(map(str.strip, table.rows.cells[i]))
    records = [r.record for r in table.rows]
    if not records or min(map(len, records)) > i:
        cells = list(map(operator.itemgetter(i), records))
    else:
        cells = [r[i] if i < len(r) else "" for r in records]
    return list(map(str.strip, cells))


def import_rows(table: Table, cols: dict[str, str], col: Any, readings: dict[str, Any],
                countries: list[str], row_fn: Callable[..., None]) -> bool:
    """Turn the table's rows into ``col.columns`` (a ``ColumnDrafts``); False (and ``col``
    untouched) when the import must take the row path from the start."""
    from app.importers.model import Collector, SourceDraft, urls_in, vocab

    rows = table.rows
    n = len(rows)
    with _Guard() as repairs:
        get = {name: column(table, cols.get(name)) for name in (
            "description", "title", "notes", "category", "sub_category", "place_name", "event_id", "url",
            "source", "latitude", "longitude", "geo_precision", "location_role", "verification")}

        description = plain_texts(get["description"])
        title = plain_texts(get["title"])
        title = [t or (title_from(d) if d else "") for t, d in zip(title, description, strict=True)]

        # dates: one reading per distinct (start, end, year, month, day, kind, precision)
        date_fields = ("date_start", "date_end", "year", "month", "day", "kind", "date_precision")
        date_cols = [cols.get(f) for f in date_fields]
        present = [c for c in date_cols if c]
        key_index = {c: i for i, c in enumerate(present)}
        # a row's date cells: the one cell itself when one column holds dates, else a tuple of them
        date_keys: list[Any] = column(table, present[0]) if len(present) == 1 else \
            list(zip(*(column(table, c) for c in present), strict=True)) if n else []
        dates: list[tuple[str, Window, bool]] = []
        date_ids: dict[Any, Any] = {}

        def read_date(key: Any) -> Any:
            from app.importers.tabular import _start, _year_hint

            row = Row(0, list(key) if isinstance(key, tuple) else [key], key_index)
            start_reading, end_reading = readings.get("date_start"), readings.get("date_end")
            try:
                start = _start(row, cols, start_reading)
                end_text = row.get(cols.get("date_end"))
                if end_text and end_reading is None:
                    return SLOW  # the row path decides (an end column beside split Year/Month/Day columns)
                end = end_reading.parse(end_text, _year_hint(row, cols)) if end_text and end_reading else None
                kind, window = span(start, end)
            except DateProblem:
                return SLOW
            for reading, text in ((start_reading, row.get(cols.get("date_start"))),
                                  (end_reading, row.get(cols.get("date_end")))):
                if reading is not None and reading.ambiguous(text):
                    return SLOW
            open_ended = False
            if row.get(cols.get("kind")).lower() == "period":
                open_ended = kind == "point" and end is None
                kind = "period"
            wanted = row.get(cols.get("date_precision")).lower()
            if wanted in PRECISIONS and kind == "point":
                try:
                    window = window.widen(wanted)
                except DateProblem:
                    return SLOW
            dates.append((kind, window, open_ended))
            return len(dates) - 1

        for key in date_keys:
            if key not in date_ids:
                date_ids[key] = read_date(key)
        date = list(map(date_ids.__getitem__, date_keys))
        del date_keys, date_ids

        # countries: the first column that gives a known code
        country_cells = list(zip(*(column(table, c) for c in countries), strict=True)) if countries and n \
            else [()] * n

        def read_country(cells: tuple[str, ...]) -> Any:
            given, code = "", ""
            for text in cells:
                if text:
                    given = given or text
                    code = country_code(text)
                    if code:
                        break
            return SLOW if given and not code else code

        country = per_value(read_country, country_cells)
        del country_cells

        def vocab_reader(name: str, default: str) -> Callable[[str], Any]:
            words = vocab(name)

            def read(text: str) -> Any:
                value = text.lower()
                if value and value in words:
                    return value
                return SLOW if value else default
            return read

        geo = per_value(vocab_reader("geo_precision", ""), get["geo_precision"])
        role = per_value(vocab_reader("location_role", ""), get["location_role"])
        verification = per_value(vocab_reader("verification", "unverified"), get["verification"])

        def coordinate_reader(what: str) -> Callable[[str], Any]:
            def read(text: str) -> Any:
                try:
                    return coordinate(text, what)
                except PlaceProblem:
                    return SLOW
            return read

        latitude = per_value(coordinate_reader("latitude"), get["latitude"])
        longitude = per_value(coordinate_reader("longitude"), get["longitude"])

        def read_sources(cells: tuple[str, str]) -> Any:
            url_cell, source_cell = cells
            source_text = plain_text(source_cell)
            urls = urls_in(list_text(url_cell)) or urls_in(list_text(source_cell))
            publisher = source_text if source_text and not urls_in(source_text) else ""
            if not urls and url_cell:
                return SLOW
            drafted = tuple(SourceDraft(url=u, publisher=publisher if i == 0 else "",
                                        role="primary" if i == 0 else "corroborating") for i, u in enumerate(urls))
            note = f"Source named in the file: {publisher}" if publisher and not urls else ""
            return drafted, note

        sources = per_value(read_sources, list(zip(get["url"], get["source"], strict=True)))
        notes_text = plain_texts(get["notes"])
        category = plain_texts(get["category"])
        sub_category = plain_texts(get["sub_category"])
        place = plain_texts(get["place_name"])

        flagged = [v for v in (date, country, geo, role, verification, latitude, longitude, sources) if SLOW in v]
        slow = [date[i] is SLOW or not title[i] or country[i] is SLOW or geo[i] is SLOW or role[i] is SLOW
                or verification[i] is SLOW or latitude[i] is SLOW or longitude[i] is SLOW or sources[i] is SLOW
                for i in range(n)] if flagged or "" in title else [False] * n
        scratch = Collector(col.name, col.fmt, col.dataset_url, col.title)
        scratch.labels = col.labels
        # each event: (row index, None) on this path, (row index, draft) from the row path
        entries: list[tuple[int, Any]] = []
        for i in np.flatnonzero(slow).tolist() if any(slow) else ():
            row_fn(rows[i], cols, scratch, readings, countries)
            entries.append((i, scratch.drafts.pop() if scratch.drafts else False))
        if entries:
            drafted = dict(entries)
            entries = [(i, drafted.get(i)) for i in range(n) if drafted.get(i) is not False]
        no_notes: tuple[str, ...] = ()
        row_notes = [(a, b) if a and b else (a,) if a else (b,) if b else no_notes for a, b in
                     zip((t if c else "" for t, c in zip(notes_text, get["notes"], strict=True)),
                         (note for _, note in (x if x is not SLOW else ((), "") for x in sources)), strict=True)]
        fast = {
            "where": list(rows.lines) if isinstance(rows, ColumnRows) else [r.line for r in rows],
            "date": date, "title": title, "description": description,
            "notes": row_notes, "event_id": get["event_id"], "category": category, "sub_category": sub_category,
            "place_name": place, "country": country, "latitude": latitude, "longitude": longitude,
            "geo_precision": geo, "location_role": role, "verification": verification,
            "sources": [x[0] if x is not SLOW else () for x in sources],
        }
        out = ColumnDrafts(dates=dates)
        if not entries and not any(slow):
            for name, values in fast.items():
                setattr(out, name, values)
        else:
            for name, values in fast.items():
                if name == "date":
                    continue
                setattr(out, name, [values[i] if d is None else
                                    tuple(getattr(d, name)) if name in ("notes", "sources") else getattr(d, name)
                                    for i, d in entries])
            ids = []
            for i, d in entries:
                if d is None:
                    ids.append(date[i])
                else:
                    dates.append((d.kind, d.window, d.open_ended))
                    ids.append(len(dates) - 1)
            out.date = ids
        if sum(repairs.values()):
            return False
    # commit: what the rows that took the row path reported, in the file's order
    col.dropped.extend(scratch.dropped)
    col.warnings.extend(scratch.warnings)
    for message, places in scratch._tallies.items():
        col._tallies.setdefault(message, []).extend(places)
    col.columns = out
    return True


def _text_array(values: Sequence[str] | pa.Array | pa.ChunkedArray) -> Any:
    """A column of text as the frame's "str" array, made by Arrow from the values (a list of
    strings, or an Arrow array already) rather than by pandas one value at a time."""
    arr = values if isinstance(values, pa.Array | pa.ChunkedArray) else \
        pa.array(values, pa.large_string(), memory_pool=ARROW_POOL)
    if arr.null_count:
        arr = pc.fill_null(arr, "", memory_pool=ARROW_POOL)
    return pd.array(arr, dtype="str")


def _frame(table: str, data: dict[str, Any], n: int) -> pd.DataFrame:
    from app.importers.model import bundled_schema

    columns = list(bundled_schema().tables[table].field_names)
    if not n:
        return pd.DataFrame(columns=columns, dtype="str").fillna("")
    empty = None
    out = {}
    for c in columns:
        if c in data:
            out[c] = _text_array(data[c])
        else:
            empty = empty if empty is not None else _text_array(pa.repeat(pa.scalar("", pa.large_string()), n,
                                                                                memory_pool=ARROW_POOL))
            out[c] = empty
    return pd.DataFrame(out, columns=columns)


def _shortened(texts: list[str], limit: int, shorten_one: Callable[[str], tuple[str, str]]
               ) -> tuple[list[str], dict[int, str]]:
    """The texts, each longer than ``limit`` shortened, and the note of each row shortened."""
    out, notes = texts, {}
    for i in [i for i, t in enumerate(texts) if len(t) > limit]:
        if out is texts:
            out = list(texts)
        out[i], note = shorten_one(texts[i])
        if note:
            notes[i] = note
    return out, notes


def build_tables(col: Any, cd: ColumnDrafts) -> dict[str, Any]:
    """The tables of ``Collector.result`` from column drafts without actors, or NotColumnar when
    the row path must build them (an id given twice; a text repair)."""
    from app.importers.model import UNCATEGORISED, Unique, is_http_url, vocab

    n = len(cd)
    notes: list[str] = []
    with _Guard() as repairs:
        # -- ids (Collector._assign_ids, for files where no id repeats)
        raw = [e.strip() for e in cd.event_id]
        given = safe_ids(raw)
        nonempty = [e for e in given if e]
        if len(set(nonempty)) != len(nonempty):
            raise NotColumnar("an id is given twice")
        adjusted = sum(1 for e, r in zip(given, raw, strict=True) if e and e != r)
        if adjusted:
            notes.append(f"{adjusted} id(s) were adjusted to letters, digits, '.', '_' and '-'")
        ids = Unique(set(nonempty))
        title_pt = plain_texts(cd.title)
        start_iso = [w.start.isoformat() for _, w, _ in cd.dates]
        end_iso = [w.end.isoformat() for _, w, _ in cd.dates]
        event_ids: list[str] = []
        generated = 0
        taken, make = ids.taken, ids.make
        for i, eid in enumerate(given):
            if not eid:
                words = slug(title_pt[i], 40) or short_hash(cd.title[i] + cd.description[i])
                base = f"{start_iso[cd.date[i]]}-{words}"
                if len(base) <= 80 and base[-1] not in "._-" and base not in taken:
                    taken.add(base)
                    eid = base
                else:
                    eid = make(base, 80)
                generated += 1
            event_ids.append(eid)
        if generated:
            notes.append(f"{generated:,} event(s) had no id; ids were made from the date and title "
                         "(stable as long as those do not change)")

        # -- categories (Collector._categories)
        cat_labels = plain_texts(cd.category)
        categories: dict[str, str] = {}
        cat_value: dict[str, str] = {}
        for label in dict.fromkeys(cat_labels):
            value = (slug(label) or f"category-{short_hash(label)}") if label else UNCATEGORISED
            categories.setdefault(value, label or "Uncategorised")
            cat_value[label] = value
        cats = [cat_value[label] for label in cat_labels]
        sub_of: dict[str, tuple[str, str]] = {c: (c, label) for c, label in categories.items()}
        subs = Unique(sub_of)
        assigned: dict[tuple[str, str], str] = {}
        sub_value: dict[tuple[str, str], str] = {}
        sub_labels = plain_texts(cd.sub_category)
        pairs = list(zip(cats, sub_labels, strict=True))
        for cat, label in dict.fromkeys(pairs):
            value = (slug(label) or f"sub-{short_hash(label)}") if label else ""
            if not value or value == cat:
                sub_value[(cat, label)] = cat
                continue
            if (cat, value) not in assigned:
                candidate = value
                if candidate in sub_of and sub_of[candidate][0] != cat:
                    candidate = subs.make(f"{cat}-{value}", 120)
                sub_of.setdefault(candidate, (cat, label))
                subs.take(candidate)
                assigned[(cat, value)] = candidate
            sub_value[(cat, label)] = assigned[(cat, value)]
        sub_cats = [sub_value[p] for p in pairs]
        del pairs

        # -- events (Collector._event_row)
        def titled(full: str) -> tuple[str, str]:
            short = shorten(full, TITLE_MAX)
            return short, (f"Full title: {full}" if short != full else "")

        def described(full: str) -> tuple[str, str]:
            short = shorten(full, DESCRIPTION_MAX)
            return short, (f"Full text: {full}" if short != full else "")

        # the texts as they are, and at the few rows where one is too long: the short text and a note
        title_col, title_note = _shortened(title_pt, TITLE_MAX, titled)
        desc_pt = plain_texts(cd.description)
        desc_col, desc_note = _shortened([d or t for d, t in zip(desc_pt, title_pt, strict=True)], DESCRIPTION_MAX,
                                         described)
        places = plain_texts(cd.place_name)
        geo_words, role_words, verification_words = vocab("geo_precision"), vocab("location_role"), \
            vocab("verification")
        note_pt: dict[str, str] = {}
        coords_bad = centre_n = 0
        fmt_lat = per_value(lambda v: "" if v is None else format_coordinate(v), cd.latitude)
        fmt_lon = per_value(lambda v: "" if v is None else format_coordinate(v), cd.longitude)

        def noted(i: int) -> str:
            row_notes: list[str] = []
            for text in cd.notes[i]:
                cleaned = note_pt.get(text)
                if cleaned is None:
                    cleaned = note_pt[text] = plain_text(text)
                if cleaned:
                    row_notes.append(cleaned)
            row_notes.extend(x for x in (title_note.get(i, ""), desc_note.get(i, "")) if x)
            return " · ".join(dict.fromkeys(row_notes))

        notes_col = [""] * n
        for i in sorted({i for i, x in enumerate(cd.notes) if x}.union(title_note, desc_note)):
            notes_col[i] = noted(i)
        ev: dict[str, Any] = {
            C.EVENT_ID: event_ids, C.TITLE: title_col, C.DESCRIPTION: desc_col, C.NOTES: notes_col,
            C.CATEGORY: cats, C.SUB_CATEGORY: sub_cats, C.COUNTRY: cd.country,
            C.VERIFICATION: [v if v in verification_words else "unverified" for v in cd.verification],
        }
        kinds = [k for k, _, _ in cd.dates]
        ends = ["" if open_ended and kind == "period" else e
                for (kind, _, open_ended), e in zip(cd.dates, end_iso, strict=True)]
        precisions = [w.precision for _, w, _ in cd.dates]
        date_index = pa.array(cd.date, pa.int64())  # each event's reading among ``cd.dates``
        for name, values in ((C.KIND, kinds), (C.DATE_START, start_iso), (C.DATE_END, ends),
                             (C.DATE_PRECISION, precisions)):
            ev[name] = pc.take(pa.array(values, pa.large_string()), date_index, memory_pool=ARROW_POOL)
        geo_given = per_value(lambda g: g if g in geo_words else "", cd.geo_precision)
        role_given = per_value(lambda r: r if r in role_words else "", cd.location_role)
        # a row with both coordinates and a geo_precision other than "none" keeps them as they are
        place_col, lat_col, lon_col = list(places), list(fmt_lat), list(fmt_lon)
        geo_col = per_value(lambda g: g if g and g != "none" else "near", geo_given)
        role_col = per_value(lambda r: r if r and r != "none" else "site", role_given)
        plain = [a is not None and b is not None and g != "none"
                 for a, b, g in zip(cd.latitude, cd.longitude, geo_given, strict=True)]
        for i in np.flatnonzero(~np.array(plain, dtype=bool)).tolist() if not all(plain) else ():
            lat, lon, geo, role, country = cd.latitude[i], cd.longitude[i], geo_given[i], role_given[i], cd.country[i]
            if (lat is None) != (lon is None):
                coords_bad += 1
                lat = lon = None
            if geo == "none":
                lat = lon = None
            if lat is None and country and geo in ("", "country"):
                centre = country_centre(country)
                if centre is not None:
                    lat, lon = centre
                    lat_col[i], lon_col[i] = format_coordinate(lat), format_coordinate(lon)
                    geo = "country"
                    centre_n += 1
                    place_col[i] = place_col[i] or country_name(country)
            if lat is None or lon is None:
                geo_col[i], role_col[i] = "none", "none"
                lat_col[i] = lon_col[i] = ""
            else:
                geo_col[i] = geo if geo and geo != "none" else "near"
                role_col[i] = role if role and role != "none" else "site"
        del plain, geo_given, role_given
        ev[C.PLACE_NAME], ev[C.LATITUDE], ev[C.LONGITUDE] = place_col, lat_col, lon_col
        ev[C.GEO_PRECISION], ev[C.LOCATION_ROLE] = geo_col, role_col
        del place_col, lat_col, lon_col, geo_col, role_col

        # -- sources and their links (the dataset's own source is noted after the ids, as in result())
        kept, col.notes = col.notes, []
        try:
            dataset_source = col._dataset_source()
        finally:
            notes.extend(col.notes)
            col.notes = kept
        roles = vocab("source_role")
        source_unique = Unique()
        sources: dict[str, dict[str, str]] = {}
        source_ids: dict[str, str] = {}
        no_url = unsourced = 0

        def linked(drafts: Sequence[Any]) -> tuple[list[tuple[str, str, str]], int]:
            """A cell's sources as links (source id, role, note), and how many had no http(s) URL;
            a source is made the first time its URL is met, as the row path makes it."""
            drafted = [s for s in drafts if is_http_url(s.url)]
            no_http = len(drafts) - len(drafted)
            if not drafted and dataset_source is not None:
                drafted = [dataset_source]
            out: list[tuple[str, str, str]] = []
            seen: set[str] = set()
            for s in drafted:
                url = s.url.strip()
                sid = source_ids.get(url)
                if sid is None:
                    sid = source_unique.make(f"{slug(urlsplit(url).hostname or 'source', 40)}-{short_hash(url)}", 100)
                    source_ids[url] = sid
                    sources[sid] = col._source_row(sid, s)
                if sid in seen:
                    continue
                seen.add(sid)
                out.append((sid, s.role if s.role in roles else "primary", plain_text(s.note)))
            return out, no_http

        # rows read from the same cells share one tuple of sources: each tuple is linked once
        by_cell: dict[int, tuple[list[tuple[str, str, str]], int]] = {}
        row_links: list[list[tuple[str, str, str]]] = []
        for drafts in cd.sources:
            got = by_cell.get(id(drafts))
            if got is None:
                got = by_cell[id(drafts)] = linked(drafts)
            row_links.append(got[0])
            no_url += got[1]
        counts = np.fromiter(map(len, row_links), dtype=np.int64, count=n)
        unsourced = int((counts == 0).sum())
        triples = list(chain.from_iterable(row_links))
        del row_links, by_cell
        link_ids, link_roles, link_notes = (list(map(operator.itemgetter(k), triples)) for k in range(3))
        del triples
        links: dict[str, Any] = {
            C.EVENT_ID: pc.take(pa.array(event_ids, pa.large_string(), memory_pool=ARROW_POOL),
                                pa.array(np.repeat(np.arange(n), counts)), memory_pool=ARROW_POOL),
            C.SOURCE_ID: link_ids, C.ROLE: link_roles, C.NOTE: link_notes,
        }
        if sum(repairs.values()):
            raise NotColumnar("a text repair")
    if coords_bad:
        notes.append(f"{coords_bad} event(s) had only one of latitude/longitude, or an unusable pair; "
                     "they are kept without coordinates")
    if centre_n:
        notes.append(f"{centre_n} event(s) with a country but no coordinates are placed at the "
                     "country's centre (geo_precision \"country\")")
    if no_url:
        notes.append(f"{no_url} source reference(s) had no http(s) URL and were not kept as sources")
    if unsourced:
        notes.append(f"{unsourced} event(s) have no source with an http(s) URL; `validate` will warn "
                     "\"no-source\" for them")
    source_rows = list(sources.values())
    source_cols = {c: [r[c] for r in source_rows] for c in (source_rows[0] if source_rows else {})}
    tables = {
        C.EVENTS: _frame(C.EVENTS, ev, n),
        C.SOURCES: _frame(C.SOURCES, source_cols, len(source_rows)),
        C.EVENT_SOURCES: _frame(C.EVENT_SOURCES, links, len(link_ids)),
        C.ACTORS: _frame(C.ACTORS, {}, 0),
        C.EVENT_ACTORS: _frame(C.EVENT_ACTORS, {}, 0),
        C.SYSTEMS: _frame(C.SYSTEMS, {}, 0),
    }
    return {
        "tables": tables, "notes": notes, "categories": categories, "sub_of": sub_of,
        "used_cats": set(cats), "used_subs": set(sub_cats),
        "origins": Origins(event_ids, cd.where),
    }
