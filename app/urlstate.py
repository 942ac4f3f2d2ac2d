"""FilterState + ViewState ⇄ query string.

    ?from=2022-01-01&to=2023-12-31&cat=transfer,production&actor=iran&role=supplier
     &country=RUS&system=shahed-136&verif=confirmed&q=alabuga&lanes=actor&event=ID&seats=0
     &story=ID&step=3

Parsing never raises: unknown parameters and bad values fall back to defaults, and each one
becomes a notice the page shows to the user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs, urlencode

from app.dataset import columns as C
from app.dataset.package import Dataset
from app.filters import (
    ALIASES,
    CHOICE,
    DATE,
    FIELDS,
    LANE_MODES,
    MEMBERS,
    TEXT,
    FilterState,
    ViewState,
    clean_text,
    parse_date,
    to_json,
)

VIEW_PARAMS = {
    "lanes": "timeline lanes: category, actor or country",
    "event": "the selected event id",
    "seats": "1 to show events placed at an authority's seat, 0 to hide them",
    "story": "a narrative id (presentation mode)",
    "step": "the narrative step, from 1",
}
# every link parameter: the filter's (declared in app.filters, the CLI's flags too), then the view's
PARAMS = {**{p.url: p.help for p in FIELDS.values()}, **VIEW_PARAMS}
MAX_QUERY = 4000


@dataclass(frozen=True)
class Known:
    """The values a query may name, taken from the loaded dataset."""

    categories: frozenset[str] = frozenset()
    actors: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    systems: dict[str, str] | None = None  # lower-cased id or alias -> system id
    verification: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset()
    narratives: frozenset[str] = frozenset()

    @classmethod
    def from_dataset(cls, ds: Dataset) -> Known:
        schema = ds.schema
        systems: dict[str, str] = {}
        for sid, name, aliases in zip(
            ds.systems.get(C.SYSTEM_ID, []), ds.systems.get(C.NAME, []),
            ds.systems.get(C.ALIASES, []), strict=True,
        ):
            for alias in [sid, name, *str(aliases).split(";")]:
                if alias.strip():
                    systems[alias.strip().lower()] = sid
        narratives: list[str] = list(ds.narratives[C.NARRATIVE_ID]) if len(ds.narratives) else []
        return cls(
            categories=frozenset(schema.vocab(C.CATEGORY).values),
            actors=frozenset(ds.actors.get(C.ACTOR_ID, [])),
            roles=frozenset(schema.vocab("actor_role").values) if "actor_role" in schema.vocabularies else frozenset(),
            countries=frozenset(ds.events[C.COUNTRY].unique()) - {""} if len(ds.events) else frozenset(),
            systems=systems,
            verification=frozenset(schema.vocab(C.VERIFICATION).values),
            events=frozenset(ds.events[C.EVENT_ID]) if len(ds.events) else frozenset(),
            narratives=frozenset(narratives),
        )


    def allowed(self, vocab: str) -> frozenset[str]:
        """The values a link may name for a Param's ``vocab`` (any ISO3 code is a country)."""
        values: frozenset[str] = getattr(self, vocab)
        return values | _all_iso3() if vocab == "countries" else values


def _one(params: dict[str, list[str]], key: str) -> str:
    values = params.get(key) or [""]
    return values[-1]


def _many(params: dict[str, list[str]], key: str) -> list[str]:
    out: list[str] = []
    for v in params.get(key, []):
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return list(dict.fromkeys(out))


def parse_query(search: str | None, known: Known) -> tuple[FilterState, ViewState, list[str]]:
    """Query string (with or without '?') -> states and a list of notices. Never raises."""
    notices: list[str] = []
    text = (search or "").lstrip("?")
    if len(text) > MAX_QUERY:
        return FilterState(), ViewState(), ["The link is too long; showing the default view."]
    try:
        params = parse_qs(text, keep_blank_values=False, max_num_fields=100)
    except ValueError:
        return FilterState(), ViewState(), ["The link could not be read; showing the default view."]
    for key in params:
        if key not in PARAMS:
            notices.append(f'Ignored unknown link parameter "{key[:40]}".')

    def date(key: str) -> dt.date | None:
        raw = _one(params, key)
        if not raw:
            return None
        parsed = parse_date(raw) if len(raw) == 10 else None
        if parsed is None:
            notices.append(f'Ignored "{key}={raw[:40]}": expected a date like 2022-05-17.')
        return parsed

    def members(key: str, allowed: frozenset[str], what: str) -> tuple[str, ...]:
        values = _many(params, key)
        good = [v for v in values if v in allowed]
        bad = [v for v in values if v not in allowed]
        if bad:
            notices.append(f"Ignored unknown {what}: {', '.join(b[:40] for b in bad[:5])}.")
        return tuple(good)

    def aliases(key: str, table: dict[str, str], what: str) -> tuple[str, ...]:
        values = _many(params, key)
        unknown = [v for v in values if v.lower() not in table]
        if unknown:
            notices.append(f"Ignored unknown {what}: {', '.join(s[:40] for s in unknown[:5])}.")
        return tuple(dict.fromkeys(table[v.lower()] for v in values if v.lower() in table))

    def choice(key: str, allowed: frozenset[str], what: str) -> str:
        value = _one(params, key)
        if value and value not in allowed:
            notices.append(f'Ignored unknown {what} "{value[:40]}".')
            return ""
        return value

    values: dict[str, Any] = {}
    for name, p in FIELDS.items():
        if p.kind == DATE:
            values[name] = date(p.url)
        elif p.kind == MEMBERS:
            values[name] = members(p.url, known.allowed(p.vocab), p.what)
        elif p.kind == ALIASES:
            values[name] = aliases(p.url, getattr(known, p.vocab) or {}, p.what)
        elif p.kind == CHOICE:
            values[name] = choice(p.url, known.allowed(p.vocab), p.what)
        elif p.kind == TEXT:
            values[name] = clean_text(_one(params, p.url))[: p.limit]
    if values["start"] and values["end"] and values["end"] < values["start"]:
        notices.append("Ignored the date range: its end is before its start.")
        values["start"] = values["end"] = None
    state = FilterState(**values)
    view = ViewState()
    lanes = _one(params, "lanes")
    if lanes:
        if lanes in LANE_MODES:
            view = replace(view, lanes=lanes)
        else:
            notices.append(f'Ignored "lanes={lanes[:40]}": use category, actor or country.')
    event = _one(params, "event")
    if event:
        if event in known.events:
            view = replace(view, selected=event)
        else:
            notices.append(f'The event "{event[:60]}" is not in this dataset.')
    seats = _one(params, "seats")
    if seats:
        if seats in ("0", "1"):
            view = replace(view, seats=seats == "1")
        else:
            notices.append(f'Ignored "seats={seats[:20]}": use 0 or 1.')
    story = _one(params, "story")
    if story:
        if story in known.narratives:
            view = replace(view, narrative=story)
        else:
            notices.append(f'The narrative "{story[:60]}" is not in this dataset.')
    step = _one(params, "step")
    if step:
        if step.isascii() and step.isdigit() and 1 <= int(step) <= 1000:
            view = replace(view, step=int(step) - 1)
        else:
            notices.append(f'Ignored "step={step[:20]}": use a step number from 1.')
    return state, view, notices


def to_query(state: FilterState, view: ViewState | None = None) -> str:
    """States -> '?…' (only what differs from the defaults; '' for the default view)."""
    view = view or ViewState()
    ranked: list[tuple[int, str, str]] = []
    for name, p in FIELDS.items():
        value = to_json(p, getattr(state, name))
        if value:
            ranked.append((p.rank, p.url, ",".join(value) if isinstance(value, list) else value))
    pairs = [(key, value) for _, key, value in sorted(ranked)]
    if view.lanes != "category":
        pairs.append(("lanes", view.lanes))
    if view.selected:
        pairs.append(("event", view.selected))
    if not view.seats:
        pairs.append(("seats", "0"))
    if view.narrative:
        pairs.append(("story", view.narrative))
        pairs.append(("step", str(view.step + 1)))
    return "?" + urlencode(pairs) if pairs else ""


def _all_iso3() -> frozenset[str]:
    from app.dataset.validate import iso3_codes

    return iso3_codes()
