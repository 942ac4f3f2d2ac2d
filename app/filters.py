"""The filter state, the one function that applies it, and the sentence that says it in words.

Every view and every export goes through ``apply_filters(events, state, today)`` (the web through
``FilterCache``, which answers the same from its cache). One declaration: the fields of
``FilterState`` carry their ``Param`` (URL key = CLI flag, control, parsing, help) and ``FILTERS``
the tests and words; the URL codec (app.urlstate), the controls (app.web.logic, app.web.ids), the
CLI's options (app.cli) and ``describe`` are derived from them. Adding a criterion is one field, one
Filter entry and their tests.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from app.dataset import columns as C
from app.dates import LAST_DAY, ends_or_today
from app.sized import VIEWS, SharedBytes

LANE_MODES = ("category", "actor", "country")

# How a value of a filter is read, wherever it comes from (the URL, a control, a store, a CLI flag)
DATE, MEMBERS, ALIASES, CHOICE, TEXT = "date", "members", "aliases", "choice", "text"


@dataclass(frozen=True)
class Param:
    """One value of the filter state, declared once: everything below is derived from these.

    - ``url``: its key in a link (``?cat=…``) and, the same word, its CLI flag (``--cat``);
    - ``control``: the id of the dashboard control that sets it, and the control's property;
    - ``kind``: how a value is read (DATE, MEMBERS of a vocabulary, ALIASES of a vocabulary, one
      CHOICE of a vocabulary, free TEXT), ``limit`` its longest accepted length;
    - ``vocab``: the ``urlstate.Known`` field listing the values a link may name, ``what`` the
      word for an unknown one in a notice;
    - ``help``: what it means, for README, the URL docs and the CLI's --help;
    - ``rank``: where it goes in a written link (links keep the order they were always written in).
    """

    url: str
    control: str
    kind: str
    help: str
    prop: str = "value"
    vocab: str = ""
    what: str = ""
    limit: int = 100
    rank: int = 0


def param(**spec: Any) -> Any:
    """A FilterState field declared with its Param (the field's metadata)."""
    default: Any = None if spec["kind"] == DATE else "" if spec["kind"] in (CHOICE, TEXT) else ()
    return field(default=default, metadata={"param": Param(**spec)})


@dataclass(frozen=True)
class FilterState:
    """What subset of events is shown. Empty values mean 'no restriction'.

    Each field is a Param (its URL key, control, parsing and help); the tests that apply the
    fields and the words that say them are FILTERS below."""

    start: dt.date | None = param(url="from", control="date-start-input", prop="date", kind=DATE,
                                  help="start date, YYYY-MM-DD", rank=0)
    end: dt.date | None = param(url="to", control="date-end-input", prop="date", kind=DATE,
                                help="end date, YYYY-MM-DD", rank=1)
    categories: tuple[str, ...] = param(url="cat", control="category-checklist", kind=MEMBERS,
                                        vocab="categories", what="category", help="categories, comma-separated",
                                        rank=2)
    actors: tuple[str, ...] = param(url="actor", control="actor-dropdown", kind=MEMBERS, vocab="actors",
                                    what="actor", help="actor ids, comma-separated", rank=3)
    actor_role: str = param(url="role", control="role-dropdown", kind=CHOICE, vocab="roles", what="role",
                            help="the role those actors play", limit=60, rank=8)
    countries: tuple[str, ...] = param(url="country", control="country-dropdown", kind=MEMBERS,
                                       vocab="countries", what="country",
                                       help="ISO3 country codes, comma-separated", rank=4)
    systems: tuple[str, ...] = param(url="system", control="system-dropdown", kind=ALIASES, vocab="systems",
                                     what="drone system",
                                     help="drone systems (ids or any alias), comma-separated", rank=5)
    verification: tuple[str, ...] = param(url="verif", control="verification-checklist", kind=MEMBERS,
                                          vocab="verification", what="verification level",
                                          help="verification levels, comma-separated", rank=6)
    text: str = param(url="q", control="text-input", kind=TEXT, help="free-text search", limit=200, rank=9)

    def is_default(self) -> bool:
        return self == FilterState()

    def to_dict(self) -> dict[str, Any]:
        """The state as JSON values (a dcc.Store's data): dates as ISO strings, lists for tuples."""
        return {name: to_json(p, getattr(self, name)) for name, p in FIELDS.items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> FilterState:
        """Build from a dict (a dcc.Store's data). Unknown keys and bad values are ignored."""
        if not isinstance(data, Mapping) or not data:
            return cls()
        kwargs = {name: read_value(p, data[name]) for name, p in FIELDS.items() if data.get(name) is not None}
        return cls(**kwargs)


# field name -> its Param, in declaration order (the CLI's flags and the URL docs keep this order)
FIELDS: dict[str, Param] = {f.name: f.metadata["param"] for f in fields(FilterState)}


def read_value(p: Param, value: object) -> Any:
    """One value as a control, a store or a parsed link gives it -> the field's value. Never raises."""
    if p.kind == DATE:
        return parse_date(value)
    if p.kind in (CHOICE, TEXT):
        return clean_text(value)[: p.limit] if isinstance(value, str) else ""
    return clean_tuple(value)


def to_json(p: Param, value: Any) -> Any:
    """A field's value -> what a store (and a control) holds."""
    if p.kind == DATE:
        return value.isoformat() if value else None
    return list(value) if isinstance(value, tuple) else value


def clean_text(value: str) -> str:
    """``value`` stripped, without lone surrogates (JSON can carry them; no text may hold them)."""
    text = value.strip()
    if text.isascii():
        return text
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "ignore").strip() if _has_surrogate(text) else text


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


@dataclass(frozen=True)
class ViewState:
    """How the filtered events are shown: lanes, selection, map options, narrative step."""

    lanes: str = "category"
    selected: str = ""
    seats: bool = True  # show events placed at the seat of an issuing authority
    narrative: str = ""
    step: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ViewState:
        if not data:
            return cls()
        lanes = data.get("lanes", "category")
        step = data.get("step", 0)
        return cls(
            lanes=lanes if lanes in LANE_MODES else "category",
            selected=str(data.get("selected") or "")[:100],
            seats=bool(data.get("seats", True)),
            narrative=str(data.get("narrative") or "")[:100],
            step=step if isinstance(step, int) and 0 <= step < 10_000 else 0,
        )


def parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()[:10]
    try:
        parsed = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return parsed  # any year 1-9999: the dataset holds second-resolution dates


def clean_tuple(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        items: Iterable[object] = value.split(",")
    elif isinstance(value, list | tuple):
        items = value
    else:
        return ()
    out = []
    for item in items:
        if isinstance(item, str) and item.strip():
            out.append(item.strip()[:100])
    return tuple(dict.fromkeys(out))[:200]


def _contains_any(joined: pd.Series, values: Iterable[str]) -> np.ndarray:
    """Rows whose ';'-joined list holds any of ``values``."""
    alternatives = "|".join(re.escape(v) for v in values)
    pattern = rf"(?:^|;)(?:{alternatives})(?:;|$)"
    return joined.str.contains(pattern, regex=True).to_numpy(dtype=bool)


Criterion = tuple[str, Any]
Labels = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class Filter:
    """One test of the filter state, declared once.

    ``fields``: the FilterState fields it reads; ``keys(state)``: its hashable test values for a
    state (none: no restriction; a search has one per word, so a cache reuses each word's result);
    ``test(events, key, today)``: the rows that pass one key; ``words(state, names)``: how the
    summary line says it ('' when unrestricted; ``names(kind, values)`` gives the labels).
    """

    name: str
    fields: tuple[str, ...]
    keys: Callable[[FilterState], tuple[Any, ...]]
    test: Callable[[pd.DataFrame, Any, pd.Timestamp | None], np.ndarray]
    words: Callable[[FilterState, Callable[[str, Iterable[str]], str]], str]


def _dates_test(events: pd.DataFrame, value: Any, today: pd.Timestamp | None) -> np.ndarray:
    start, end = value
    mask = np.ones(len(events), dtype=bool)
    starts = events[C.DATE_START]
    ends = ends_or_today(events, today if today is not None else LAST_DAY)
    if end is not None:
        mask &= (starts <= pd.Timestamp(end)).to_numpy()
    if start is not None:
        mask &= (ends >= pd.Timestamp(start)).to_numpy()
    return mask


def _in_column(column: str) -> Callable[[pd.DataFrame, Any, pd.Timestamp | None], np.ndarray]:
    def test(events: pd.DataFrame, value: Any, today: pd.Timestamp | None) -> np.ndarray:
        return events[column].isin(value).to_numpy()
    return test


def _actors_test(events: pd.DataFrame, value: Any, today: pd.Timestamp | None) -> np.ndarray:
    actors, role = value
    if actors and role:
        return _contains_any(events[C.ACTOR_ROLES], [f"{a}:{role}" for a in actors])
    if actors:
        return _contains_any(events[C.ACTOR_IDS], actors)
    return events[C.ACTOR_ROLES].str.contains(rf":{re.escape(role)}(?:;|$)", regex=True).to_numpy(dtype=bool)


def _actors_words(state: FilterState, names: Callable[[str, Iterable[str]], str]) -> str:
    if state.actors:
        who = names("actor", state.actors)
        return f"{who} as {state.actor_role}" if state.actor_role else who
    return f"any actor as {state.actor_role}" if state.actor_role else ""


def _members(name: str, column: str, label_kind: str) -> Filter:
    """A filter on one field of values, any of which an event's ``column`` may equal."""
    return Filter(
        name=name, fields=(name,), keys=lambda s: (getattr(s, name),) if getattr(s, name) else (),
        test=_in_column(column), words=lambda s, names: names(label_kind, getattr(s, name)),
    )


# In the order the summary line says them ('37 events · transfer · Iran as supplier · Russia · …')
FILTERS: tuple[Filter, ...] = (
    _members("categories", C.CATEGORY, "category"),
    Filter("actors", ("actors", "actor_role"),
           keys=lambda s: ((s.actors, s.actor_role),) if s.actors or s.actor_role else (),
           test=_actors_test, words=_actors_words),
    _members("countries", C.COUNTRY, "country"),
    Filter("systems", ("systems",), keys=lambda s: (s.systems,) if s.systems else (),
           test=lambda e, v, t: _contains_any(e[C.SYSTEMS_COL].str.replace(" ", ""), v),
           words=lambda s, names: names("system", s.systems)),
    _members("verification", C.VERIFICATION, "verification"),
    Filter("word", ("text",), keys=lambda s: tuple(s.text.lower().split()),
           test=lambda e, v, t: e[C.SEARCH_TEXT].str.contains(v, regex=False).to_numpy(dtype=bool),
           words=lambda s, names: f"“{s.text}”" if s.text else ""),
    Filter("dates", ("start", "end"),
           keys=lambda s: ((s.start, s.end),) if s.start is not None or s.end is not None else (),
           test=_dates_test, words=lambda s, names: year_span(s.start, s.end)),
)
BY_NAME = {f.name: f for f in FILTERS}


def criteria(state: FilterState) -> tuple[Criterion, ...]:
    """``state`` as independent tests, each a hashable (filter name, key): an event passes the
    filter when it passes every one. Kept apart so that a cache can reuse each test's result
    across states (ticking one more category re-tests the categories only, not a free-text search)."""
    return tuple((f.name, key) for f in FILTERS for key in f.keys(state))


def passes(events: pd.DataFrame, criterion: Criterion, today: pd.Timestamp | None = None) -> np.ndarray:
    """The rows of ``events`` that pass one test of ``criteria`` (a boolean array)."""
    kind, value = criterion
    spec = BY_NAME.get(kind)
    if spec is None:
        raise ValueError(f"unknown filter criterion {kind!r}")
    return spec.test(events, value, today)


def filter_mask(events: pd.DataFrame, state: FilterState, today: pd.Timestamp | None = None,
                test: Callable[[Criterion], np.ndarray] | None = None) -> np.ndarray:
    """The rows of ``events`` that ``state`` lets through (a boolean array). ``test`` answers one
    criterion (a cache of ``passes``); by default each is worked out afresh."""
    mask = np.ones(len(events), dtype=bool)
    for criterion in criteria(state):
        mask &= test(criterion) if test is not None else passes(events, criterion, today)
    return mask


def apply_filters(events: pd.DataFrame, state: FilterState, today: pd.Timestamp | None = None,
                  presorted: bool = False) -> pd.DataFrame:
    """The events that ``state`` lets through, in date order. Never mutates ``events``.

    The date range keeps every event whose window overlaps it; an open-ended period reaches today.
    ``presorted``: ``events`` is already in date order (see ``date_order``), so the result is too.
    """
    if events.empty:
        return events
    mask = filter_mask(events, state, today)
    if presorted:
        return events if mask.all() else events.loc[mask]  # nothing filtered: the same frame, no copy
    return date_order(events.loc[mask])


def date_order(events: pd.DataFrame) -> pd.DataFrame:
    return events.sort_values([C.DATE_START, C.EVENT_ID], kind="stable")


# Long text the views never draw (the detail panel and the exports read it from the full rows)
NOT_IN_VIEWS = (C.DESCRIPTION, C.NOTES, C.SEARCH_TEXT)


def view_rows(events: pd.DataFrame) -> pd.DataFrame:
    """``events`` without the long text (NOT_IN_VIEWS), its text columns as plain Python strings,
    each distinct value one shared object. Selecting rows of this frame copies pointers; selecting
    rows of Arrow-backed text copies every string's bytes, which at 100,000 events cost 60–90 ms
    for each new filter state (12 ms here)."""
    rows = events.drop(columns=[c for c in NOT_IN_VIEWS if c in events.columns])
    for column in rows.columns:
        if pd.api.types.is_string_dtype(rows[column].dtype) and rows[column].dtype != object:
            codes, uniques = pd.factorize(rows[column])
            values = np.asarray(uniques, dtype=object).take(codes)
            values[codes < 0] = np.nan  # missing stays missing (as astype(object) gives it)
            rows[column] = pd.Series(values, index=rows.index, dtype=object)
    return rows


class FilterCache:
    """Filtered results per filter state, for one loaded (immutable) events frame.

    ``cache(state)`` are the rows the views draw (``view_rows``: every column but the long text);
    ``cache.full(state)`` has every column as loaded, for exports and printing.
    Besides whole results it keeps the result of each test (``criteria``): a new state that shares
    tests with earlier ones (one more category ticked, the same search) only runs the new ones.
    """

    def __init__(self, events: pd.DataFrame, maxsize: int = 64, today: pd.Timestamp | None = None,
                 budget: SharedBytes = VIEWS):
        self.today = today  # where open-ended periods end (None: they never do)
        self.events = date_order(events)  # sorted once: each filtered view keeps this order
        self.rows = view_rows(self.events)
        # the filtered tables are kept in the process's view budget (a state of a 100,000-event
        # upload holds up to ~20 MB of columns); the tests' masks and counts by number (a mask: a
        # byte an event)
        self._apply = budget.memoise(self._compute)
        self._full = budget.memoise(self._compute_full)
        self._passes = lru_cache(maxsize=maxsize)(self._test)
        self._count = lru_cache(maxsize=maxsize)(self._size)

    def _test(self, criterion: Criterion) -> np.ndarray:
        mask = passes(self.events, criterion, self.today)
        mask.flags.writeable = False  # shared by every state that has this test
        return mask

    def _mask(self, state: FilterState) -> np.ndarray:
        return filter_mask(self.events, state, test=self._passes)

    def _compute(self, state: FilterState) -> pd.DataFrame:
        return self._select(self.rows, state)

    def _compute_full(self, state: FilterState) -> pd.DataFrame:
        return self._select(self.events, state)

    def _select(self, frame: pd.DataFrame, state: FilterState) -> pd.DataFrame:
        if frame.empty:
            return frame
        mask = self._mask(state)
        return frame if mask.all() else frame.loc[mask]  # as apply_filters(presorted=True)

    def _size(self, state: FilterState) -> int:
        return int(self._mask(state).sum())

    def __call__(self, state: FilterState) -> pd.DataFrame:
        return self._apply(state)

    def full(self, state: FilterState) -> pd.DataFrame:
        """The events of ``state`` with every column, as loaded (exports, the printable list)."""
        return self._full(state)

    def count(self, state: FilterState) -> int:
        """``len(self(state))`` without selecting the rows (the timeline asks this of a wider view
        it only shows when small)."""
        return self._count(state)


def year_span(start: dt.date | None, end: dt.date | None) -> str:
    if start is None and end is None:
        return ""
    a = str(start.year) if start else "…"
    b = str(end.year) if end else "…"
    return a if a == b else f"{a}–{b}"


def describe(state: FilterState, n: int, labels: Labels | None = None) -> str:
    """The view in words: '37 events · transfer, production · Russia · 2022–2023'."""
    table = labels or {}

    def names(kind: str, values: Iterable[str]) -> str:
        known = table.get(kind, {})
        return ", ".join(known.get(v, v) for v in values)

    parts = [f"{n} event" + ("" if n == 1 else "s")]
    parts += [words for f in FILTERS if (words := f.words(state, names))]
    if len(parts) == 1:
        parts.append("all")
    return " · ".join(parts)


def slug(text: str, limit: int = 80) -> str:
    """A file-name-safe version of a description."""
    s = re.sub(r"[^A-Za-z0-9]+", "-", text.replace("–", "-")).strip("-").lower()
    return s[:limit].rstrip("-") or "events"


