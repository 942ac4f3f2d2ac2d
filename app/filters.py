"""The filter state, the one function that applies it, and the sentence that says it in words.

Every view and every export goes through ``apply_filters(events, state)``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from app.dataset import columns as C

LANE_MODES = ("category", "actor", "country")


@dataclass(frozen=True)
class FilterState:
    """What subset of events is shown. Empty tuples mean 'no restriction'."""

    start: dt.date | None = None
    end: dt.date | None = None
    categories: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    actor_role: str = ""
    countries: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()
    verification: tuple[str, ...] = ()
    text: str = ""

    def is_default(self) -> bool:
        return self == FilterState()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("start", "end"):
            d[k] = d[k].isoformat() if d[k] else None
        for f in fields(self):
            if isinstance(d[f.name], tuple):
                d[f.name] = list(d[f.name])
        return d

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> FilterState:
        """Build from a dict (a dcc.Store's data). Unknown keys and bad values are ignored."""
        if not data:
            return cls()
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data or data[f.name] is None:
                continue
            value = data[f.name]
            if f.name in ("start", "end"):
                parsed = parse_date(value)
                if parsed is not None:
                    kwargs[f.name] = parsed
            elif f.name in ("text", "actor_role"):
                if isinstance(value, str):
                    kwargs[f.name] = value.strip()[:200]
            else:
                kwargs[f.name] = clean_tuple(value)
        return cls(**kwargs)


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
    return parsed if 1000 <= parsed.year <= 2999 else None


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


def criteria(state: FilterState) -> tuple[Criterion, ...]:
    """``state`` as independent tests, each a hashable (kind, value): an event passes the filter when
    it passes every one. Kept apart so that a cache can reuse each test's result across states
    (ticking one more category re-tests the categories only, not a free-text search)."""
    out: list[Criterion] = []
    if state.start is not None or state.end is not None:
        out.append(("dates", (state.start, state.end)))
    if state.categories:
        out.append(("categories", state.categories))
    if state.verification:
        out.append(("verification", state.verification))
    if state.countries:
        out.append(("countries", state.countries))
    if state.actors or state.actor_role:
        out.append(("actors", (state.actors, state.actor_role)))
    if state.systems:
        out.append(("systems", state.systems))
    out += [("word", word) for word in state.text.lower().split()]
    return tuple(out)


def passes(events: pd.DataFrame, criterion: Criterion, today: pd.Timestamp | None = None) -> np.ndarray:
    """The rows of ``events`` that pass one test of ``criteria`` (a boolean array)."""
    kind, value = criterion
    if kind == "dates":
        start, end = value
        mask = np.ones(len(events), dtype=bool)
        starts = events[C.DATE_START]
        ends = events[C.DATE_END].fillna(today if today is not None else pd.Timestamp.max.normalize())
        if end is not None:
            mask &= (starts <= pd.Timestamp(end)).to_numpy()
        if start is not None:
            mask &= (ends >= pd.Timestamp(start)).to_numpy()
        return mask
    if kind in ("categories", "verification", "countries"):
        column = {"categories": C.CATEGORY, "verification": C.VERIFICATION, "countries": C.COUNTRY}[kind]
        return events[column].isin(value).to_numpy()
    if kind == "actors":
        actors, role = value
        if actors and role:
            return _contains_any(events[C.ACTOR_ROLES], [f"{a}:{role}" for a in actors])
        if actors:
            return _contains_any(events[C.ACTOR_IDS], actors)
        return events[C.ACTOR_ROLES].str.contains(rf":{re.escape(role)}(?:;|$)", regex=True).to_numpy(dtype=bool)
    if kind == "systems":
        return _contains_any(events[C.SYSTEMS_COL].str.replace(" ", ""), value)
    if kind == "word":
        return events[C.SEARCH_TEXT].str.contains(value, regex=False).to_numpy(dtype=bool)
    raise ValueError(f"unknown filter criterion {kind!r}")


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

    def __init__(self, events: pd.DataFrame, maxsize: int = 64):
        self.events = date_order(events)  # sorted once: each filtered view keeps this order
        self.rows = view_rows(self.events)
        self._apply = lru_cache(maxsize=maxsize)(self._compute)
        self._full = lru_cache(maxsize=8)(self._compute_full)
        self._passes = lru_cache(maxsize=maxsize)(self._test)
        self._count = lru_cache(maxsize=maxsize)(self._size)

    def _test(self, criterion: Criterion) -> np.ndarray:
        mask = passes(self.events, criterion)
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


def describe(state: FilterState, n: int, labels: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """The view in words: '37 events · transfer, production · Russia · 2022–2023'."""
    labels = labels or {}

    def names(kind: str, values: Iterable[str]) -> str:
        table = labels.get(kind, {})
        return ", ".join(table.get(v, v) for v in values)

    parts = [f"{n} event" + ("" if n == 1 else "s")]
    if state.categories:
        parts.append(names("category", state.categories))
    if state.actors:
        who = names("actor", state.actors)
        parts.append(f"{who} as {state.actor_role}" if state.actor_role else who)
    elif state.actor_role:
        parts.append(f"any actor as {state.actor_role}")
    if state.countries:
        parts.append(names("country", state.countries))
    if state.systems:
        parts.append(names("system", state.systems))
    if state.verification:
        parts.append(names("verification", state.verification))
    if state.text:
        parts.append(f"“{state.text}”")
    span = year_span(state.start, state.end)
    if span:
        parts.append(span)
    if len(parts) == 1:
        parts.append("all")
    return " · ".join(parts)


def slug(text: str, limit: int = 80) -> str:
    """A file-name-safe version of a description."""
    s = re.sub(r"[^A-Za-z0-9]+", "-", text.replace("–", "-")).strip("-").lower()
    return s[:limit].rstrip("-") or "events"


