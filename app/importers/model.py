"""What every importer produces: event drafts, collected into the six tables of a data package.

A format module reads its file and turns each item into an ``EventDraft`` (or a ``Problem``
saying why it could not: the same record validation uses, naming the user's file, line and
column). ``Collector.result()`` then does what is common to all formats:
stable identifiers, category vocabularies, places, sources and actors, and the string frames
with exactly the columns of schema.json.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Container
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from app.dataset import columns as C
from app.dataset.problems import Problem
from app.dataset.schema import Schema, load_schema
from app.importers.dates import DateProblem, Window, parse_date
from app.importers.places import PlaceProblem, coordinate, country_centre, country_name, format_coordinate
from app.importers.text import DESCRIPTION_MAX, TITLE_MAX, plain_text, safe_id, short_hash, shorten, slug

UNCATEGORISED = "uncategorised"
FORMAT_NAMES = {
    "timelinejs": "TimelineJS JSON", "timelinejs-sheet": "TimelineJS spreadsheet", "timemap": "TimeMap export",
    "acled": "ACLED export", "gdelt": "GDELT event file", "csv": "CSV table", "xlsx": "Excel workbook",
}
OTHER_ACTOR_TYPE = {
    "value": "other", "label": "Other group",
    "description": "A group the imported data names without a type this schema knows "
                   "(protesters, rioters, civilians, unidentified groups).",
}
_URL_RE = re.compile(r"^(?i:https?)://[^\s/?#]+\S*$")  # the validator's rule for a url field
_URL_IN_TEXT = re.compile(r"https?://[^\s;|<>\"']+", re.IGNORECASE)


@dataclass
class SourceDraft:
    url: str
    title: str = ""
    publisher: str = ""
    author: str = ""
    published: str = ""  # any date text; kept only when it parses
    source_type: str = "other"
    role: str = "primary"
    note: str = ""


@dataclass
class ActorDraft:
    name: str
    role: str
    actor_type: str = "other"


@dataclass
class EventDraft:
    where: int
    window: Window
    kind: str
    title: str
    description: str = ""
    notes: list[str] = field(default_factory=list)
    event_id: str = ""
    category: str = ""
    sub_category: str = ""
    place_name: str = ""
    country: str = ""
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: str = ""
    location_role: str = ""
    verification: str = "unverified"
    open_ended: bool = False
    sources: list[SourceDraft] = field(default_factory=list)
    actors: list[ActorDraft] = field(default_factory=list)


@dataclass(frozen=True)
class ImportResult:
    """The imported tables and the report of what was used, left out and dropped."""

    tables: dict[str, pd.DataFrame]
    mapped: dict[str, str]
    unmapped: list[str]
    dropped: list[Problem]  # rows that did not become events (file = the user's file, its line and column)
    notes: list[str]
    title: str
    source_name: str
    fmt: str
    categories: dict[str, str]  # category value -> label
    sub_categories: dict[str, tuple[str, str]]  # sub_category value -> (category value, label)
    uses_other_actor_type: bool = False
    dataset_url: str = ""
    rows_read: int = 0  # items of the user's file that could have become events
    warnings: list[Problem] = field(default_factory=list)  # kept rows with a doubt (an ambiguous date)
    origins: dict[str, tuple[int | None, str]] = field(default_factory=dict)  # event_id -> (line, item label)

    @property
    def events(self) -> pd.DataFrame:
        return self.tables[C.EVENTS]

    @property
    def problems(self) -> list[Problem]:
        return [*self.dropped, *self.warnings]

    def summary(self) -> str:
        n = len(self.events)
        parts = [f"{n:,} event{'s' if n != 1 else ''} imported from {self.source_name} ({self.fmt})"]
        if self.rows_read:
            parts.append(f"{self.rows_read:,} row(s) read")
        if self.dropped:
            parts.append(f"{len(self.dropped):,} dropped")
        if self.warnings:
            parts.append(f"{len(self.warnings):,} kept with a doubt")
        if self.unmapped:
            parts.append(f"{len(self.unmapped)} column(s) not used")
        return " · ".join(parts)

    def report_lines(self) -> list[str]:
        """The import's report as lines of text (the problem table comes separately)."""
        lines = [self.summary()]
        if self.mapped:
            lines.append("Used: " + ", ".join(f"{src} → {dst}" for src, dst in self.mapped.items()))
        if self.unmapped:
            lines.append("Not used: " + ", ".join(self.unmapped))
        lines.extend(f"Note: {n}" for n in self.notes)
        return lines

    def column_of(self, our_field: str) -> str | None:
        """The user's column that fed one of our fields (None when none did)."""
        for src, dst in self.mapped.items():
            if dst == our_field or dst.split(" ")[0] == our_field:
                return src
        return None


@lru_cache(maxsize=1)
def bundled_schema() -> Schema:
    return load_schema()


def vocab(name: str) -> tuple[str, ...]:
    return bundled_schema().vocab(name).values


@lru_cache(maxsize=65536)
def is_http_url(text: str) -> bool:
    text = text.strip()
    if not _URL_RE.match(text):
        return False
    try:
        urlsplit(text)  # "http://[abc/x" (a broken IPv6 host) matches the pattern but cannot be split
    except ValueError:
        return False
    return True


def urls_in(text: str) -> list[str]:
    """Every http(s) URL in a cell: 'see https://a.org/x; https://b.org/y.' -> both, trailing dots cut."""
    if "http" not in (text or "").lower():
        return []
    return list(_urls_in(text))


@lru_cache(maxsize=65536)
def _urls_in(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for m in _URL_IN_TEXT.findall(text or ""):
        url = m.rstrip(".,)")
        if is_http_url(url) and url not in out:
            out.append(url)
    return tuple(out)


def partial_date(text: str) -> str:
    """A publication date as YYYY-MM-DD, YYYY-MM or YYYY, or '' when it does not parse."""
    if not text.strip():
        return ""
    try:
        w = parse_date(text)
    except DateProblem:
        return ""
    if w.precision == "day":
        return w.start.isoformat()
    if w.precision == "month":
        return w.start.isoformat()[:7]
    return str(w.start.year)


class RowLimit(Exception):
    """More rows than the caller agreed to import (raised before the rows become events)."""

    def __init__(self, rows: int, limit: int) -> None:
        super().__init__(f"{rows:,} rows; the limit is {limit:,}")
        self.rows, self.limit = rows, limit


class Collector:
    """Accumulates drafts, drops and notes for one import; ``result()`` builds the tables."""

    def __init__(self, name: str, fmt: str, dataset_url: str = "", title: str = "") -> None:
        self.name = name
        self.fmt = fmt
        self.dataset_url = dataset_url.strip()
        self.title = title
        self.drafts: list[EventDraft] = []
        self.dropped: list[Problem] = []
        self.warnings: list[Problem] = []
        self.notes: list[str] = []
        self.mapped: dict[str, str] = {}
        self.unmapped: list[str] = []
        self.max_rows: int | None = None
        self._rows_read = 0
        self.labels: dict[int, str] = {}  # JSON item index -> "events[3]" (no line numbers in JSON)
        self._tallies: dict[str, list[str]] = {}
        self.columns: Any = None  # a ColumnDrafts when the table was read column-wise (app.importers.columnar)

    @property
    def rows_read(self) -> int:
        return self._rows_read

    @rows_read.setter
    def rows_read(self, n: int) -> None:
        """Set once the file is read, before any row is turned into an event: past ``max_rows``
        (an upload's limit) the import stops here, before the expensive work."""
        if self.max_rows is not None and n > self.max_rows:
            raise RowLimit(n, self.max_rows)
        self._rows_read = n

    def drop(self, where: int, reason: str, code: str = "bad-row", field: str | None = None,
             value: str | None = None, fix: str = "", label: str = "") -> None:
        """An item that does not become an event: a problem of the user's file at its line (CSV,
        sheet) or item (JSON, ``label`` like "events[3]"), naming the user's column."""
        self.dropped.append(self._problem(where, reason, code, field, value, fix, label, "error"))

    def doubt(self, where: int, reason: str, code: str, field: str | None = None, value: str | None = None,
              fix: str = "", label: str = "") -> None:
        """A kept row the user should look at (e.g. a date whose order the file does not settle)."""
        self.warnings.append(self._problem(where, reason, code, field, value, fix, label, "warning"))

    def _problem(self, where: int, reason: str, code: str, field: str | None, value: str | None, fix: str,
                 label: str, severity: Any) -> Problem:
        label = label or self.labels.get(where, "")
        line = None if label else where
        if label:
            field = f"{label}.{field}" if field else label
        return Problem(self.name, line, field, value, code, reason, severity, fix)

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

    def take_table(self, table: Any, bad_rows: bool = True) -> None:
        """Forward a read table's notes (and, for the main table, its unreadable rows)."""
        for message in table.notes:
            self.note(message)
        if bad_rows:
            for line, reason in table.bad_rows:
                self.drop(line, reason, "unreadable-row")

    def place(self, draft: EventDraft, latitude: object, longitude: object, where: str) -> None:
        """Set the draft's coordinates; a bad pair is noted and the event kept without them."""
        try:
            draft.latitude = coordinate(latitude, "latitude")
            draft.longitude = coordinate(longitude, "longitude")
        except PlaceProblem as exc:
            self.tally(f"{exc}; kept without coordinates", where)
            draft.latitude = draft.longitude = None

    def tally(self, message: str, where: str) -> None:
        """A problem that repeats over rows: one note per message, naming the first few places."""
        self._tallies.setdefault(message, []).append(where)

    def _tally_notes(self) -> None:
        for message, places in self._tallies.items():
            shown = ", ".join(places[:5]) + (f" and {len(places) - 5} more" if len(places) > 5 else "")
            self.note(f"{message} ({shown})")
        self._tallies.clear()

    def add(self, draft: EventDraft) -> None:
        self.drafts.append(draft)

    # -- building the tables ---------------------------------------------------------------
    def result(self) -> ImportResult:
        self._tally_notes()
        if self.columns is not None:
            from app.importers.columnar import NotColumnar, build_tables

            try:
                built = build_tables(self, self.columns)
            except NotColumnar:
                self.drafts = self.columns.drafts()
            else:
                return self._columnar_result(built)
            finally:
                self.columns = None
        self._ids = Unique()
        drafts = self._assign_ids()
        categories, sub_of = self._categories(drafts)
        dataset_source = self._dataset_source()
        events: list[dict[str, str]] = []
        sources: dict[str, dict[str, str]] = {}
        source_ids: dict[str, str] = {}
        links: dict[tuple[str, str], dict[str, str]] = {}
        actors: dict[str, dict[str, str]] = {}
        actor_ids: dict[str, str] = {}
        actor_types: dict[str, Counter[str]] = {}
        actor_links: dict[tuple[str, str, str], dict[str, str]] = {}
        counts = {"coords": 0, "centre": 0, "no-url": 0}
        source_unique, actor_unique = Unique(), Unique()
        roles, actor_roles, actor_type_vocab = vocab("source_role"), vocab("actor_role"), vocab("actor_type")
        origins: dict[str, tuple[int | None, str]] = {}
        for d, eid in drafts:
            origins[eid] = (None, self.labels[d.where]) if d.where in self.labels else (d.where, "")
            events.append(self._event_row(d, eid, categories, sub_of, counts))
            drafted = [s for s in d.sources if is_http_url(s.url)]
            counts["no-url"] += len(d.sources) - len(drafted)
            if not drafted and dataset_source is not None:
                drafted = [dataset_source]
            for s in drafted:
                url = s.url.strip()
                if url not in source_ids:
                    sid = source_unique.make(f"{slug(urlsplit(url).hostname or 'source', 40)}-{short_hash(url)}", 100)
                    source_ids[url] = sid
                    sources[sid] = self._source_row(sid, s)
                key = (eid, source_ids[url])
                if key not in links:
                    links[key] = {C.EVENT_ID: eid, C.SOURCE_ID: key[1],
                                  C.ROLE: s.role if s.role in roles else "primary",
                                  C.NOTE: plain_text(s.note)}
            for a in d.actors:
                name = plain_text(a.name)
                if not name:
                    continue
                key_name = name.casefold()
                if key_name not in actor_ids:
                    new_id = actor_unique.make(slug(name, 80) or f"actor-{short_hash(name)}", 80)
                    actor_ids[key_name] = new_id
                    actor_types[new_id] = Counter()
                    actors[new_id] = {C.ACTOR_ID: new_id, C.NAME: name, C.ACTOR_TYPE: "other", C.COUNTRY: "",
                                      C.PARENT_ID: "", C.ALIASES: ""}
                aid = actor_ids[key_name]
                if a.actor_type in actor_type_vocab and a.actor_type != "other":
                    actor_types[aid][a.actor_type] += 1
                role = a.role if a.role in actor_roles else "participant"
                link = (eid, aid, role)
                actor_links.setdefault(link, {C.EVENT_ID: eid, C.ACTOR_ID: aid, C.ROLE: role})
        other_type = self._actor_types(actors, actor_types)
        if counts["coords"]:
            self.note(f"{counts['coords']} event(s) had only one of latitude/longitude, or an unusable pair; "
                      "they are kept without coordinates")
        if counts["centre"]:
            self.note(f"{counts['centre']} event(s) with a country but no coordinates are placed at the "
                      "country's centre (geo_precision \"country\")")
        if counts["no-url"]:
            self.note(f"{counts['no-url']} source reference(s) had no http(s) URL and were not kept as sources")
        linked = {link[0] for link in links}
        unsourced = sum(1 for _, eid in drafts if eid not in linked)
        if unsourced:
            self.note(f"{unsourced} event(s) have no source with an http(s) URL; `validate` will warn "
                      "\"no-source\" for them")
        tables = {
            C.EVENTS: _frame(C.EVENTS, events),
            C.SOURCES: _frame(C.SOURCES, list(sources.values())),
            C.EVENT_SOURCES: _frame(C.EVENT_SOURCES, list(links.values())),
            C.ACTORS: _frame(C.ACTORS, list(actors.values())),
            C.EVENT_ACTORS: _frame(C.EVENT_ACTORS, list(actor_links.values())),
            C.SYSTEMS: _frame(C.SYSTEMS, []),
        }
        used_cats = {row[C.CATEGORY] for row in events}
        used_subs = {row[C.SUB_CATEGORY] for row in events}
        return self._result(tables, categories, sub_of, used_cats, used_subs, other_type, origins)

    def _result(self, tables: dict[str, pd.DataFrame], categories: dict[str, Any], sub_of: dict[str, Any],
                used_cats: set[str], used_subs: set[str], other_type: bool,
                origins: dict[str, tuple[int | None, str]]) -> ImportResult:
        """The import's result from its tables: only the categories the events use, problems in
        the order of the user's lines."""

        def order(p: Problem) -> tuple[int, str]:
            return (p.line if p.line is not None else -1, p.field or "")

        return ImportResult(
            tables=tables, mapped=dict(self.mapped), unmapped=list(self.unmapped),
            dropped=sorted(self.dropped, key=order), notes=list(self.notes),
            title=self.title or _stem(self.name), source_name=self.name, fmt=self.fmt,
            categories={k: v for k, v in categories.items() if k in used_cats},
            sub_categories={k: v for k, v in sub_of.items() if k in used_subs or (k == v[0] and k in used_cats)},
            uses_other_actor_type=other_type, dataset_url=self.dataset_url, rows_read=self.rows_read,
            warnings=sorted(self.warnings, key=order), origins=origins,
        )

    def _columnar_result(self, built: dict[str, Any]) -> ImportResult:
        for message in built["notes"]:
            self.note(message)
        return self._result(built["tables"], built["categories"], built["sub_of"], built["used_cats"],
                            built["used_subs"], False, built["origins"])

    def _actor_types(self, actors: dict[str, dict[str, str]], types: dict[str, Counter[str]]) -> bool:
        """Each actor's type is the one the file gives it most often (not the first seen); an actor
        the file never types is "other". Actors typed two ways are noted."""
        other = False
        mixed: list[str] = []
        for aid, row in actors.items():
            counter = types.get(aid)
            if counter:
                (best, n), *rest = counter.most_common()
                row[C.ACTOR_TYPE] = best
                if rest:
                    mixed.append(f"{row[C.NAME]} ({best} {n}×, " + ", ".join(f"{t} {k}×" for t, k in rest) + ")")
            else:
                other = True
        if mixed:
            shown = "; ".join(mixed[:5]) + (f" and {len(mixed) - 5} more" if len(mixed) > 5 else "")
            self.note(f"{len(mixed)} actor(s) are typed differently across rows; each takes its most frequent "
                      f"type: {shown}")
        return other

    def _assign_ids(self) -> list[tuple[EventDraft, str]]:
        """Ids made safe; an id given twice is one event listed twice (ACLED's monadic exports list
        an event once per actor) when the rows agree on date, place and text — they are merged, with
        all their actors and sources — and two distinct events otherwise (the later one gets
        ``ID-2``). Missing ids are generated from date and title. Linear in the number of rows."""
        ids = self._ids
        first: dict[str, EventDraft] = {}
        given: list[str] = []
        keep: list[bool] = []
        adjusted = merged = 0
        renamed: list[str] = []
        for d in self.drafts:
            raw = d.event_id.strip()
            eid = safe_id(raw) if raw else ""
            adjusted += bool(eid) and eid != raw
            if eid and eid in first:
                prior = first[eid]
                if _same_event(prior, d):
                    _merge(prior, d)
                    merged += 1
                    given.append("")
                    keep.append(False)
                    continue
                new = ids.make(eid, 80)
                renamed.append(f'"{raw}" (line/item {d.where} → {new})')
                eid = new
            if eid:
                ids.take(eid)
                first.setdefault(eid, d)
            given.append(eid)
            keep.append(True)
        if adjusted:
            self.note(f"{adjusted} id(s) were adjusted to letters, digits, '.', '_' and '-'")
        if merged:
            self.note(f"{merged:,} row(s) repeat an earlier row's id with the same date, place and text (one event "
                      "listed once per actor); they were merged into that event, keeping all actors and sources")
        if renamed:
            shown = ", ".join(renamed[:5]) + (f" and {len(renamed) - 5} more" if len(renamed) > 5 else "")
            self.note(f"{len(renamed)} distinct event(s) share an id with an earlier one; each was kept under a new "
                      f"id: {shown}")
        out: list[tuple[EventDraft, str]] = []
        generated = 0
        for d, eid, kept in zip(self.drafts, given, keep, strict=True):
            if not kept:
                continue
            if not eid:
                words = slug(plain_text(d.title), 40) or short_hash(d.title + d.description)
                eid = ids.make(f"{d.window.start.isoformat()}-{words}", 80)
                generated += 1
            out.append((d, eid))
        if generated:
            self.note(f"{generated:,} event(s) had no id; ids were made from the date and title "
                      "(stable as long as those do not change)")
        return out

    def _categories(self, drafts: list[tuple[EventDraft, str]]) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
        categories: dict[str, str] = {}
        for d, _ in drafts:
            label = plain_text(d.category)
            value = (slug(label) or f"category-{short_hash(label)}") if label else UNCATEGORISED
            categories.setdefault(value, label or "Uncategorised")
            d.category = value
        # each category has a generic sub-category of the same name; real ones must stay unique
        sub_of: dict[str, tuple[str, str]] = {c: (c, label) for c, label in categories.items()}
        subs = Unique(sub_of)
        assigned: dict[tuple[str, str], str] = {}
        for d, _ in drafts:
            label = plain_text(d.sub_category)
            value = (slug(label) or f"sub-{short_hash(label)}") if label else ""
            if not value or value == d.category:
                d.sub_category = d.category
                continue
            if (d.category, value) not in assigned:
                candidate = value
                if candidate in sub_of and sub_of[candidate][0] != d.category:
                    candidate = subs.make(f"{d.category}-{value}", 120)
                sub_of.setdefault(candidate, (d.category, label))
                subs.take(candidate)
                assigned[(d.category, value)] = candidate
            d.sub_category = assigned[(d.category, value)]
        return categories, sub_of

    def _dataset_source(self) -> SourceDraft | None:
        if not self.dataset_url:
            return None
        if not is_http_url(self.dataset_url):
            self.note(f'dataset_url "{self.dataset_url}" is not an http(s) URL; not used')
            return None
        host = urlsplit(self.dataset_url).hostname or ""
        title = f"{FORMAT_NAMES.get(self.fmt, self.fmt)}: {self.name}"
        return SourceDraft(url=self.dataset_url, title=title, publisher=host, source_type="reference", role="primary",
                           note="The imported dataset as a whole, cited for events without a source URL of their own.")

    def _event_row(
        self, d: EventDraft, eid: str, categories: dict[str, str], sub_of: dict[str, tuple[str, str]],
        counts: dict[str, int],
    ) -> dict[str, str]:
        notes = [plain_text(n) for n in d.notes if plain_text(n)]
        full_title = plain_text(d.title)
        title = shorten(full_title, TITLE_MAX)
        if title != full_title:
            notes.append(f"Full title: {full_title}")
        full_text = plain_text(d.description) or full_title
        description = shorten(full_text, DESCRIPTION_MAX)
        if description != full_text:
            notes.append(f"Full text: {full_text}")
        lat, lon = d.latitude, d.longitude
        geo = d.geo_precision if d.geo_precision in vocab("geo_precision") else ""
        role = d.location_role if d.location_role in vocab("location_role") else ""
        place = plain_text(d.place_name)
        if (lat is None) != (lon is None):
            counts["coords"] += 1
            lat = lon = None
        if geo == "none":
            lat = lon = None
        if lat is None and d.country and geo in ("", "country"):
            centre = country_centre(d.country)
            if centre is not None:
                lat, lon = centre
                geo = "country"
                counts["centre"] += 1
                place = place or country_name(d.country)
        if lat is None or lon is None:
            geo, role = "none", "none"
        else:
            geo = geo if geo and geo != "none" else "near"
            role = role if role and role != "none" else "site"
        verification = d.verification if d.verification in vocab("verification") else "unverified"
        return {
            C.EVENT_ID: eid, C.KIND: d.kind, C.DATE_START: d.window.start.isoformat(),
            C.DATE_END: "" if d.open_ended and d.kind == "period" else d.window.end.isoformat(),
            C.DATE_PRECISION: d.window.precision, C.ANNOUNCED_DATE: "",
            C.TITLE: title, C.DESCRIPTION: description, C.NOTES: " · ".join(dict.fromkeys(notes)),
            C.CATEGORY: d.category, C.SUB_CATEGORY: d.sub_category,
            C.PLACE_NAME: place, C.COUNTRY: d.country,
            C.LATITUDE: "" if lat is None else format_coordinate(lat),
            C.LONGITUDE: "" if lon is None else format_coordinate(lon),
            C.GEO_PRECISION: geo, C.LOCATION_ROLE: role, C.VERIFICATION: verification,
            C.SYSTEMS_COL: "", C.RELATED_EVENTS: "",
        }

    @staticmethod
    def _source_row(sid: str, s: SourceDraft) -> dict[str, str]:
        url = s.url.strip()
        host = urlsplit(url).hostname or ""
        publisher = plain_text(s.publisher) or host.removeprefix("www.")
        title = shorten(plain_text(s.title), 300) or publisher or url
        return {
            C.SOURCE_ID: sid, C.PUBLISHER: publisher, C.SOURCE_TITLE: title, C.AUTHOR: plain_text(s.author),
            C.PUBLISHED: partial_date(s.published), C.URL: url, C.ARCHIVE_URL: "", C.ACCESSED: "",
            C.SOURCE_TYPE: s.source_type if s.source_type in vocab("source_type") else "other",
            C.LANGUAGE: "",
        }


class Unique:
    """Identifiers made unique in linear time: ``make("x")`` gives x, then x-2, x-3 … (a counter per
    base, never a probe from 2 for each row)."""

    def __init__(self, taken: Container[str] | None = None) -> None:
        self.taken: set[str] = set(taken) if isinstance(taken, set | dict | list | tuple) else set()
        self.next: dict[str, int] = {}

    def take(self, value: str) -> None:
        self.taken.add(value)

    def make(self, base: str, limit: int) -> str:
        base = base[:limit].rstrip("._-") or "x"
        if base not in self.taken:
            self.taken.add(base)
            return base
        n = self.next.get(base, 2)
        while True:
            suffix = f"-{n}"
            candidate = base[: limit - len(suffix)].rstrip("._-") + suffix
            n += 1
            if candidate not in self.taken:
                break
        self.next[base] = n
        self.taken.add(candidate)
        return candidate


def _event_key(d: EventDraft) -> tuple[object, ...]:
    return (d.window, d.kind, plain_text(d.title), plain_text(d.description), d.place_name, d.country,
            d.latitude, d.longitude, d.category, d.sub_category)


def _same_event(a: EventDraft, b: EventDraft) -> bool:
    return _event_key(a) == _event_key(b)


def _merge(into: EventDraft, other: EventDraft) -> None:
    names = {(x.name.casefold(), x.role) for x in into.actors}
    for actor in other.actors:
        if (actor.name.casefold(), actor.role) not in names:
            into.actors.append(actor)
            names.add((actor.name.casefold(), actor.role))
    urls = {s.url for s in into.sources}
    into.sources.extend(s for s in other.sources if s.url not in urls)
    into.notes.extend(n for n in other.notes if n not in into.notes)


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name.strip(".") else name


def _frame(table: str, rows: list[dict[str, str]]) -> pd.DataFrame:
    columns = list(bundled_schema().tables[table].field_names)
    frame = pd.DataFrame(rows, columns=columns, dtype="str") if rows else pd.DataFrame(columns=columns, dtype="str")
    return frame.fillna("")
