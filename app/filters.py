"""The filter state, the one function that applies it, and the sentence that says it in words.

Every view and every export goes through ``apply_filters(events, state)``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
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


def apply_filters(events: pd.DataFrame, state: FilterState, today: pd.Timestamp | None = None,
                  presorted: bool = False) -> pd.DataFrame:
    """The events that ``state`` lets through, in date order. Never mutates ``events``.

    The date range keeps every event whose window overlaps it; an open-ended period reaches today.
    ``presorted``: ``events`` is already in date order (see ``date_order``), so the result is too.
    """
    if events.empty:
        return events
    mask = np.ones(len(events), dtype=bool)
    if state.start is not None or state.end is not None:
        starts = events[C.DATE_START]
        ends = events[C.DATE_END].fillna(today if today is not None else pd.Timestamp.max.normalize())
        if state.end is not None:
            mask &= (starts <= pd.Timestamp(state.end)).to_numpy()
        if state.start is not None:
            mask &= (ends >= pd.Timestamp(state.start)).to_numpy()
    if state.categories:
        mask &= events[C.CATEGORY].isin(state.categories).to_numpy()
    if state.verification:
        mask &= events[C.VERIFICATION].isin(state.verification).to_numpy()
    if state.countries:
        mask &= events[C.COUNTRY].isin(state.countries).to_numpy()
    if state.actors:
        if state.actor_role:
            pairs = [f"{a}:{state.actor_role}" for a in state.actors]
            mask &= _contains_any(events[C.ACTOR_ROLES], pairs)
        else:
            mask &= _contains_any(events[C.ACTOR_IDS], state.actors)
    elif state.actor_role:
        mask &= events[C.ACTOR_ROLES].str.contains(
            rf":{re.escape(state.actor_role)}(?:;|$)", regex=True).to_numpy(dtype=bool)
    if state.systems:
        mask &= _contains_any(events[C.SYSTEMS_COL].str.replace(" ", ""), state.systems)
    if state.text:
        for word in state.text.lower().split():
            mask &= events[C.SEARCH_TEXT].str.contains(word, regex=False).to_numpy(dtype=bool)
    if presorted:
        return events if mask.all() else events.loc[mask]  # nothing filtered: the same frame, no copy
    return date_order(events.loc[mask])


def date_order(events: pd.DataFrame) -> pd.DataFrame:
    return events.sort_values([C.DATE_START, C.EVENT_ID], kind="stable")


class FilterCache:
    """Filtered results per filter state, for one loaded (immutable) events frame."""

    def __init__(self, events: pd.DataFrame, maxsize: int = 64):
        self.events = date_order(events)  # sorted once: each filtered view keeps this order
        self._apply = lru_cache(maxsize=maxsize)(self._compute)

    def _compute(self, state: FilterState) -> pd.DataFrame:
        return apply_filters(self.events, state, presorted=True)

    def __call__(self, state: FilterState) -> pd.DataFrame:
        return self._apply(state)


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


