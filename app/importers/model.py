"""What every importer produces: event drafts, collected into the six tables of a data package.

A format module reads its file and turns each item into an ``EventDraft`` (or a ``Dropped``
entry saying why it could not). ``Collector.result()`` then does what is common to all formats:
stable identifiers, category vocabularies, places, sources and actors, and the string frames
with exactly the columns of schema.json.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import pandas as pd

from app.dataset import columns as C
from app.dataset.schema import Schema, load_schema
from app.importers.dates import DateProblem, Window, parse_date
from app.importers.places import PlaceProblem, coordinate, country_centre, country_name, format_coordinate
from app.importers.text import DESCRIPTION_MAX, TITLE_MAX, plain_text, safe_id, short_hash, shorten, slug

UNCATEGORISED = "uncategorised"
FORMAT_NAMES = {
    "timelinejs": "TimelineJS JSON", "timelinejs-sheet": "TimelineJS spreadsheet", "timemap": "TimeMap export",
    "acled": "ACLED export", "csv": "CSV table", "xlsx": "Excel workbook",
}
OTHER_ACTOR_TYPE = {
    "value": "other", "label": "Other group",
    "description": "A group the imported data names without a type this schema knows "
                   "(protesters, rioters, civilians, unidentified groups).",
}
_URL_RE = re.compile(r"^(?i:https?)://[^\s/?#]+\S*$")  # the validator's rule for a url field
_URL_IN_TEXT = re.compile(r"https?://[^\s;|<>\"']+", re.IGNORECASE)


class Dropped(NamedTuple):
    """An input item that did not become an event: its CSV line (header = 1) or JSON index, and why."""

    line: int
    reason: str


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
    dropped: list[Dropped]
    notes: list[str]
    title: str
    source_path: Path
    fmt: str
    categories: dict[str, str]  # category value -> label
    sub_categories: dict[str, tuple[str, str]]  # sub_category value -> (category value, label)
    uses_other_actor_type: bool = False
    dataset_url: str = ""

    @property
    def events(self) -> pd.DataFrame:
        return self.tables[C.EVENTS]

    def summary(self) -> str:
        n = len(self.events)
        parts = [f"{n} event{'s' if n != 1 else ''} imported from {self.source_path.name} ({self.fmt})"]
        if self.dropped:
            parts.append(f"{len(self.dropped)} dropped")
        if self.unmapped:
            parts.append(f"{len(self.unmapped)} column(s) not used")
        return " · ".join(parts)

    def report_lines(self) -> list[str]:
        """The whole report as lines of text, for the command line."""
        lines = [self.summary()]
        if self.mapped:
            lines.append("Used: " + ", ".join(f"{src} → {dst}" for src, dst in self.mapped.items()))
        if self.unmapped:
            lines.append("Not used: " + ", ".join(self.unmapped))
        lines.extend(f"Note: {n}" for n in self.notes)
        lines.extend(f"Dropped (line/item {d.line}): {d.reason}" for d in self.dropped)
        return lines


@lru_cache(maxsize=1)
def bundled_schema() -> Schema:
    return load_schema()


def vocab(name: str) -> tuple[str, ...]:
    return bundled_schema().vocab(name).values


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
    out: list[str] = []
    for m in _URL_IN_TEXT.findall(text or ""):
        url = m.rstrip(".,)")
        if is_http_url(url) and url not in out:
            out.append(url)
    return out


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


class Collector:
    """Accumulates drafts, drops and notes for one import; ``result()`` builds the tables."""

    def __init__(self, path: Path, fmt: str, dataset_url: str = "", title: str = "") -> None:
        self.path = path
        self.fmt = fmt
        self.dataset_url = dataset_url.strip()
        self.title = title
        self.drafts: list[EventDraft] = []
        self.dropped: list[Dropped] = []
        self.notes: list[str] = []
        self.mapped: dict[str, str] = {}
        self.unmapped: list[str] = []
        self._tallies: dict[str, list[str]] = {}

    def drop(self, where: int, reason: str) -> None:
        self.dropped.append(Dropped(where, reason))

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

    def take_table(self, table: Any, bad_rows: bool = True) -> None:
        """Forward a read table's notes (and, for the main table, its unreadable rows)."""
        for message in table.notes:
            self.note(message)
        if bad_rows:
            for line, reason in table.bad_rows:
                self.drop(line, reason)

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
        drafts = self._assign_ids()
        categories, sub_of = self._categories(drafts)
        dataset_source = self._dataset_source()
        events: list[dict[str, str]] = []
        sources: dict[str, dict[str, str]] = {}
        source_ids: dict[str, str] = {}
        links: dict[tuple[str, str], dict[str, str]] = {}
        actors: dict[str, dict[str, str]] = {}
        actor_ids: dict[str, str] = {}
        actor_links: dict[tuple[str, str, str], dict[str, str]] = {}
        counts = {"coords": 0, "centre": 0, "no-url": 0}
        other_type = False
        for d, eid in drafts:
            events.append(self._event_row(d, eid, categories, sub_of, counts))
            drafted = [s for s in d.sources if is_http_url(s.url)]
            counts["no-url"] += len(d.sources) - len(drafted)
            if not drafted and dataset_source is not None:
                drafted = [dataset_source]
            for s in drafted:
                url = s.url.strip()
                if url not in source_ids:
                    sid = self._unique(f"{slug(urlsplit(url).hostname or 'source', 40)}-{short_hash(url)}",
                                       sources, 100)
                    source_ids[url] = sid
                    sources[sid] = self._source_row(sid, s)
                key = (eid, source_ids[url])
                if key not in links:
                    links[key] = {C.EVENT_ID: eid, C.SOURCE_ID: key[1],
                                  C.ROLE: s.role if s.role in vocab("source_role") else "primary",
                                  C.NOTE: plain_text(s.note)}
            for a in d.actors:
                name = plain_text(a.name)
                if not name:
                    continue
                key_name = name.casefold()
                if key_name not in actor_ids:
                    aid = self._unique(slug(name, 80) or f"actor-{short_hash(name)}", actors, 80)
                    actor_ids[key_name] = aid
                    atype = a.actor_type if a.actor_type in vocab("actor_type") else "other"
                    other_type |= atype == "other"
                    actors[aid] = {C.ACTOR_ID: aid, C.NAME: name, C.ACTOR_TYPE: atype, C.COUNTRY: "",
                                   C.PARENT_ID: "", C.ALIASES: ""}
                role = a.role if a.role in vocab("actor_role") else "participant"
                link = (eid, actor_ids[key_name], role)
                actor_links.setdefault(link, {C.EVENT_ID: eid, C.ACTOR_ID: link[1], C.ROLE: role})
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
        return ImportResult(
            tables=tables, mapped=dict(self.mapped), unmapped=list(self.unmapped),
            dropped=sorted(self.dropped, key=lambda d: d.line), notes=list(self.notes),
            title=self.title or self.path.stem, source_path=self.path, fmt=self.fmt,
            categories={k: v for k, v in categories.items() if k in used_cats},
            sub_categories={k: v for k, v in sub_of.items() if k in used_subs or (k == v[0] and k in used_cats)},
            uses_other_actor_type=other_type, dataset_url=self.dataset_url,
        )

    @staticmethod
    def _unique(base: str, taken: Container[str], limit: int) -> str:
        base = base[:limit].rstrip("._-") or "x"
        candidate, n = base, 2
        while candidate in taken:
            suffix = f"-{n}"
            candidate = base[: limit - len(suffix)].rstrip("._-") + suffix
            n += 1
        return candidate

    def _assign_ids(self) -> list[tuple[EventDraft, str]]:
        """Given ids made safe (duplicates dropped); missing ones generated from date and title."""
        taken: set[str] = set()
        given: dict[int, str] = {}
        adjusted = 0
        for i, d in enumerate(self.drafts):
            raw = d.event_id.strip()
            if not raw:
                continue
            eid = safe_id(raw)
            if not eid:
                continue
            adjusted += eid != raw
            if eid in taken:
                self.drop(d.where, f'id "{raw}" is used by an earlier item')
                given[i] = ""
                continue
            taken.add(eid)
            given[i] = eid
        if adjusted:
            self.note(f"{adjusted} id(s) were adjusted to letters, digits, '.', '_' and '-'")
        out: list[tuple[EventDraft, str]] = []
        generated = 0
        for i, d in enumerate(self.drafts):
            if i in given:
                if given[i]:
                    out.append((d, given[i]))
                continue
            words = slug(plain_text(d.title), 40) or short_hash(d.title + d.description)
            eid = self._unique(f"{d.window.start:%Y-%m-%d}-{words}", taken, 80)
            taken.add(eid)
            out.append((d, eid))
            generated += 1
        if generated:
            self.note(f"{generated} event(s) had no id; ids were made from the date and title "
                      "(stable as long as those do not change)")
        return out

    def _categories(self, drafts: list[tuple[EventDraft, str]]) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
        categories: dict[str, str] = {}
        for d, _ in drafts:
            label = shorten(plain_text(d.category), 60)
            value = (slug(label) or f"category-{short_hash(label)}") if label else UNCATEGORISED
            categories.setdefault(value, label or "Uncategorised")
            d.category = value
        # each category has a generic sub-category of the same name; real ones must stay unique
        sub_of: dict[str, tuple[str, str]] = {c: (c, label) for c, label in categories.items()}
        assigned: dict[tuple[str, str], str] = {}
        for d, _ in drafts:
            label = shorten(plain_text(d.sub_category), 60)
            value = (slug(label) or f"sub-{short_hash(label)}") if label else ""
            if not value or value == d.category:
                d.sub_category = d.category
                continue
            if (d.category, value) not in assigned:
                candidate = value
                if candidate in sub_of and sub_of[candidate][0] != d.category:
                    candidate = self._unique(f"{d.category}-{value}", sub_of, 120)
                sub_of.setdefault(candidate, (d.category, label))
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
        title = f"{FORMAT_NAMES.get(self.fmt, self.fmt)}: {self.path.name}"
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


def _frame(table: str, rows: list[dict[str, str]]) -> pd.DataFrame:
    columns = list(bundled_schema().tables[table].field_names)
    frame = pd.DataFrame(rows, columns=columns, dtype="str") if rows else pd.DataFrame(columns=columns, dtype="str")
    return frame.fillna("")
