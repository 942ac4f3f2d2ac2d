"""Load a whole data package: read every table, validate, drop what is broken, type the rest.

``load_package(path)`` is the one call. It never raises on bad *content*; it raises
``DataUnreadableError`` only when the directory itself is missing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from app.dataset import columns as C
from app.dataset.problems import Problem
from app.dataset.reader import LINE_COLUMN, RawTable, empty_frame, read_table
from app.dataset.schema import Schema, load_schema
from app.dataset.validate import (
    Collector,
    arrow_strings,
    check_events,
    check_fields,
    check_measures,
    check_primary_key,
    check_reference,
    country_names,
    isin,
    per_unique,
)
from app.dates import window_labels
from app.errors import DataUnreadableError

METADATA_FILE = "datapackage.json"
_TEXT_SLICE = 1 << 17  # rows of search text built at a time
SCHEMA_FILE = "schema.json"
REQUIRED_METADATA = ("title", "version", "licenses", "last_reviewed", "citation")


@dataclass(frozen=True)
class Dataset:
    """The loaded, validated package. Frames are never mutated after loading."""

    events: pd.DataFrame
    sources: pd.DataFrame
    event_sources: pd.DataFrame
    actors: pd.DataFrame
    event_actors: pd.DataFrame
    systems: pd.DataFrame
    narratives: pd.DataFrame
    narrative_steps: pd.DataFrame
    schema: Schema
    metadata: dict[str, Any]
    problems: tuple[Problem, ...]
    data_dir: Path | None = None
    raw_event_count: int = 0
    unreadable: bool = False
    #: figures as sources give them (measures.csv), typed: dates as dates, values as floats
    measures: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: names searched alike (aliases.csv)
    aliases: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity in ("error", "fatal")]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def dropped_events(self) -> int:
        return self.raw_event_count - len(self.events)

    def title(self) -> str:
        return str(self.metadata.get("title") or "Untitled dataset")


def load_package(path: Path | str, schema: Schema | None = None) -> Dataset:
    """Read and validate the data package in ``path``."""
    data_dir = Path(path)
    if not data_dir.is_dir():
        raise DataUnreadableError(f"{data_dir}: no such data directory")
    problems: list[Problem] = []
    if schema is None:
        own = data_dir / SCHEMA_FILE
        schema = load_schema(own if own.exists() else None)
    metadata = _load_metadata(data_dir, problems)

    raw: dict[str, RawTable] = {}
    for name, table in schema.tables.items():
        if table.optional and not (data_dir / table.path).exists():
            raw[name] = RawTable(empty_frame(table), ())
            continue
        raw[name] = read_table(data_dir / table.path, table)
        problems.extend(raw[name].problems)
    unreadable = any(r.fatal for r in raw.values())
    return build_dataset(raw, schema, metadata, problems, data_dir=data_dir, unreadable=unreadable)


def build_dataset(
    raw: dict[str, RawTable], schema: Schema, metadata: dict[str, Any],
    problems: list[Problem], data_dir: Path | None = None, unreadable: bool = False,
) -> Dataset:
    """Validate raw tables (already read) and assemble the typed Dataset."""
    tables = schema.tables
    cols: dict[str, Collector] = {}
    parsed: dict[str, dict[str, pd.Series]] = {}
    for name in tables:
        frame = raw[name].frame if name in raw else None
        if frame is None:
            continue
        col = Collector(schema, tables[name], tables[name].path, frame)
        parsed[name] = check_fields(col, raw[name].missing_required)
        check_primary_key(col)
        cols[name] = col
    if C.EVENTS in cols:
        check_events(cols[C.EVENTS], parsed[C.EVENTS], schema)
    if C.MEASURES in cols:
        check_measures(cols[C.MEASURES], parsed[C.MEASURES])

    key_cache: dict[str, tuple[bytes, pa.Array, pa.Array]] = {}

    def keys(name: str) -> tuple[pa.Array, pa.Array]:
        """The target table's kept and dropped keys (several references share them)."""
        col = cols[name]
        state = np.packbits(col.drop).tobytes()
        if name not in key_cache or key_cache[name][0] != state:
            pk = tables[name].primary_key[0]
            values = arrow_strings(col.stripped(pk))
            drop = pa.array(col.drop)
            skipped = list(raw[name].skipped_keys) if name in raw else []
            dropped = pa.chunked_array([*values.filter(drop).chunks, pa.array(skipped, pa.large_string())],
                                       type=pa.large_string())
            key_cache[name] = (state, values.filter(pc.invert(drop)).combine_chunks(), dropped.combine_chunks())
        return key_cache[name][1], key_cache[name][2]

    # references, in dependency order: list-valued ones only warn; link rows are dropped
    for name in (C.ACTORS, C.SYSTEMS, C.SOURCES, C.EVENTS, C.EVENT_SOURCES, C.EVENT_ACTORS,
                 C.NARRATIVES, C.NARRATIVE_STEPS, C.MEASURES, C.ALIASES_TABLE):
        if name not in cols:
            continue
        for fk in tables[name].foreign_keys:
            if fk.resource not in cols or (fk.resource in raw and raw[fk.resource].broken):
                continue  # the broken table is reported once; its links are not checked
            valid, dropped = keys(fk.resource)
            is_list = tables[name].field(fk.fields).type == "list"
            link_table = len(tables[name].primary_key) > 1
            check_reference(
                cols[name], fk.fields, valid, dropped, tables[fk.resource].path,
                severity="error" if link_table else "warning", is_list=is_list,
            )
    if C.EVENT_SOURCES in cols:
        known = set(cols[C.SOURCES].stripped(C.SOURCE_ID)) if C.SOURCES in cols else set()
        _check_relays(cols[C.EVENT_SOURCES], known)
    for col in cols.values():
        problems.extend(col.problems)

    def kept(name: str) -> pd.DataFrame:
        if name not in cols:
            return pd.DataFrame()
        col = cols[name]
        if not col.drop.any():  # no row dropped: the same frame, without copying it
            return col.frame.reset_index(drop=True)
        return col.frame.loc[~col.drop].reset_index(drop=True)

    events_col = cols.get(C.EVENTS)
    raw_count = len(events_col.frame) if events_col is not None else 0
    event_sources = kept(C.EVENT_SOURCES)
    if events_col is not None and not events_col.drop.all():
        keep = ~events_col.drop
        ids = _rows(events_col.frame[C.EVENT_ID], keep)
        no_source = ~isin(ids, event_sources[C.EVENT_ID])
        for line, eid in zip(_rows(events_col.frame[LINE_COLUMN], keep)[no_source], ids[no_source], strict=True):
            problems.append(Problem(
                tables[C.EVENTS].path, int(line), C.EVENT_ID, eid, "no-source",
                f'{tables[C.EVENTS].path}, line {line}, field "{C.EVENT_ID}": event "{eid}" has no source',
                "warning"))
        events = _type_events(events_col, parsed[C.EVENTS])
    else:
        events = kept(C.EVENTS)
    actors = kept(C.ACTORS)
    event_actors = kept(C.EVENT_ACTORS)
    sources = kept(C.SOURCES)
    systems = kept(C.SYSTEMS)
    narratives, steps = _narratives(kept(C.NARRATIVES), kept(C.NARRATIVE_STEPS), parsed, cols, tables, problems)
    measures = _type_measures(cols, parsed)
    aliases = kept(C.ALIASES_TABLE)
    if len(events):
        events = _derive(events, actors, event_actors, sources, event_sources, systems, aliases)
    events_broken = C.EVENTS in raw and raw[C.EVENTS].broken
    if events_col is not None and not len(events) and not unreadable and not events_broken:  # empty is not "valid"
        path = tables[C.EVENTS].path
        problems.append(Problem(path, None, None, None, "no-events",
                                f"{path}: no event could be loaded ({raw_count} row(s) in the file)", "error"))
    problems.sort(key=lambda p: (p.file, p.line or 0, p.field or ""))
    return Dataset(
        events=events, sources=sources, event_sources=event_sources, actors=actors,
        event_actors=event_actors, systems=systems, narratives=narratives, narrative_steps=steps,
        schema=schema, metadata=metadata,
        problems=tuple(problems), data_dir=data_dir, raw_event_count=raw_count,
        unreadable=unreadable, measures=measures, aliases=aliases,
    )


def _check_relays(col: Collector, source_ids: set[str] | None = None) -> None:
    """``relays`` names the report an outlet relays: a source listed for the same event, or the
    name of a report we did not see. Warn when it names the row's own source, or a source of the
    package that is not listed for this event (the panel could not count it)."""
    if C.RELAYS not in col.frame:
        return
    relays = col.stripped(C.RELAYS)
    given = np.asarray(relays != "", dtype=bool)
    if not given.any():
        return
    events, sources = col.stripped(C.EVENT_ID), col.stripped(C.SOURCE_ID)
    pairs = set(zip(events, sources, strict=True))
    known = source_ids or set()
    bad = np.zeros(len(given), dtype=bool)
    for i in np.flatnonzero(given):
        target = relays.iloc[i]
        bad[i] = target == sources.iloc[i] or (target in known and (events.iloc[i], target) not in pairs)
    col.flag(bad, C.RELAYS, "relay-not-listed",
             '"{value}" is this source itself or a source not listed for the same event', severity="warning")


def _type_measures(cols: dict[str, Collector], parsed: dict[str, dict[str, pd.Series]]) -> pd.DataFrame:
    """The kept figures: dates as datetime64[s], numbers as floats, text stripped."""
    col = cols.get(C.MEASURES)
    if col is None:
        return pd.DataFrame()
    keep = ~col.drop
    data: dict[str, pd.Series] = {}
    for name in col.frame.columns:
        if name in (C.DATE_START, C.DATE_END):
            data[name] = _rows(parsed[C.MEASURES][name], keep).astype("datetime64[s]")
        elif name in (C.VALUE, C.VALUE_LOW, C.VALUE_HIGH):
            data[name] = _rows(parsed[C.MEASURES][name], keep)
        elif name == LINE_COLUMN:
            data[name] = _rows(col.frame[name], keep)
        else:
            data[name] = _rows(col.stripped(name), keep)
    return pd.DataFrame(data)


def _type_events(col: Collector, parsed: dict[str, pd.Series]) -> pd.DataFrame:
    """The kept events, typed: dates, numbers, and every text column stripped (the validator has
    stripped them already). Built column by column from the table as read, so the kept rows are
    copied once, not once as read and again stripped."""
    keep = ~col.drop
    typed = (C.DATE_START, C.DATE_END, C.ANNOUNCED_DATE, C.LATITUDE, C.LONGITUDE)
    data: dict[str, pd.Series] = {}
    for name in col.frame.columns:
        series = col.frame[name]
        if name in typed:
            data[name] = _rows(parsed[name], keep)
            if name in (C.DATE_START, C.DATE_END, C.ANNOUNCED_DATE):
                data[name] = data[name].astype("datetime64[s]")
        elif name == LINE_COLUMN or not (series.dtype == object or str(series.dtype) == "str"):
            data[name] = _rows(series, keep)
        elif str(series.dtype) == "str":
            data[name] = _rows(col.stripped(name), keep)
        else:
            data[name] = _rows(series, keep).astype("str").str.strip()
    out = pd.DataFrame(data)
    # as before: a period is open-ended when its end is empty and its kind, as written, "period"
    out[C.OPEN_ENDED] = out[C.DATE_END].isna() & (_rows(col.frame[C.KIND], keep) == "period")
    return out


def _rows(series: pd.Series, keep: np.ndarray) -> pd.Series:
    """The kept rows, numbered from 0 (no copy when every row is kept)."""
    return series.reset_index(drop=True) if keep.all() else series[keep].reset_index(drop=True)


def _derive(
    events: pd.DataFrame, actors: pd.DataFrame, event_actors: pd.DataFrame,
    sources: pd.DataFrame, event_sources: pd.DataFrame, systems: pd.DataFrame,
    aliases: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Helper columns for filtering and display, computed once at load time.

    Each link table is grouped by event id once (``_Links``); per-event texts are then joined per
    group and taken for each event, all in Arrow. Intermediate columns live in helper functions,
    so a million-row load does not hold them all at once.
    """
    out = events.copy(deep=False)
    by_actor = _Links.of(out, event_actors[C.EVENT_ID])
    actor_id = event_actors[C.ACTOR_ID].str.strip()
    out[C.ACTOR_IDS] = by_actor.joined(actor_id, ";", rows=_first_pairs(by_actor.group, actor_id))
    out[C.ACTOR_ROLES] = by_actor.joined(actor_id + ":" + event_actors[C.ROLE].str.strip(), ";")
    names = country_names()
    out[C.COUNTRY_NAME] = per_unique(out[C.COUNTRY], lambda codes: codes.map(names).fillna(""))
    by_source = _Links.of(out, event_sources[C.EVENT_ID])
    out[C.SOURCE_COUNT] = by_source.counts()
    out[C.SEARCH_TEXT] = with_aliases(
        _search_text(out, actors, actor_id, by_actor, sources, event_sources, by_source, systems),
        alias_groups(aliases))
    out[C.DATE_LABEL] = _window_labels(out)
    return out


def _search_text(
    out: pd.DataFrame, actors: pd.DataFrame, actor_id: pd.Series, by_actor: _Links,
    sources: pd.DataFrame, event_sources: pd.DataFrame, by_source: _Links, systems: pd.DataFrame,
) -> pd.Series:
    """Lower-cased free text: title, description, notes, place, country, actor names + aliases,
    source publishers + titles, system names + aliases."""
    actor_text = (actors[C.NAME] + " " + actors[C.ALIASES].str.replace(";", " ")).set_axis(actors[C.ACTOR_ID])
    src_title = (sources[C.PUBLISHER] + " " + sources[C.SOURCE_TITLE]).set_axis(sources[C.SOURCE_ID])
    system_text = (systems[C.NAME] + " " + systems[C.ALIASES].str.replace(";", " ")).set_axis(systems[C.SYSTEM_ID])
    listed = out[C.SYSTEMS_COL]
    listed = listed[np.asarray(listed.fillna("") != "", dtype=bool)]  # "" splits into nothing kept
    sys_ex = listed.str.split(";").explode().str.strip()
    sys_ex = sys_ex[sys_ex.fillna("") != ""]
    by_row = _Links(sys_ex.index.to_numpy(dtype=np.int64), len(out), np.arange(len(out), dtype=np.int64))
    parts = [
        out[C.TITLE], out[C.DESCRIPTION], out[C.NOTES], out[C.PLACE_NAME], out[C.COUNTRY_NAME],
        by_actor.joined(_lookup(actor_id, actor_text), " "),
        by_source.joined(_lookup(event_sources[C.SOURCE_ID], src_title), " "),
        by_row.joined(_lookup(sys_ex, system_text), " "),
    ]
    # One join of all parts (a + " " + b + ... would build seven intermediate columns), a slice
    # of rows at a time, so only a slice of the joined text is ever held besides the result.
    columns = [arrow_strings(p) for p in parts]
    sep = pa.scalar(" ", pa.large_string())
    chunks: list[pa.Array] = []
    for start in range(0, len(out), _TEXT_SLICE):
        text = pc.binary_join_element_wise(*(c.slice(start, _TEXT_SLICE) for c in columns), sep)
        # utf8_lower is what pandas' str.lower runs; on ASCII text ascii_lower gives the same, faster
        ascii_only = pc.all(pc.string_is_ascii(text)).as_py() is not False
        chunks.extend((pc.ascii_lower(text) if ascii_only else pc.utf8_lower(text)).chunks)
    lowered = pa.chunked_array(chunks, type=pa.large_string())
    return pd.Series(lowered.to_pandas().array, index=out.index)


def alias_groups(aliases: pd.DataFrame | None) -> list[tuple[str, ...]]:
    """Each row of aliases.csv as a group of lower-cased names searched alike."""
    if aliases is None or aliases.empty or C.ALIASES not in aliases:
        return []
    groups = []
    for name, more in zip(aliases[C.NAME], aliases[C.ALIASES], strict=True):
        terms = [str(name), *str(more).split(C.LIST_SEPARATOR)]
        group = tuple(dict.fromkeys(t.strip().lower() for t in terms if t.strip()))
        if len(group) > 1:
            groups.append(group)
    return groups


def with_aliases(text: pd.Series, groups: list[tuple[str, ...]]) -> pd.Series:
    """Search text in which a name of a group brings every name of its group: an event that says
    "Yelabuga" is found by "Alabuga", "Алабуга" and "Елабуга" too, and one that says "Shahed" by
    "شاهد". One regular-expression pass finds the rows holding any name; only those are extended."""
    if not groups or not len(text):
        return text
    every = sorted({t for g in groups for t in g}, key=len, reverse=True)
    arr = arrow_strings(text)
    hit = pc.match_substring_regex(arr, "|".join(re.escape(t) for t in every)).fill_null(False)
    rows = np.flatnonzero(np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool))
    if not len(rows):
        return text
    sub = arr.take(pa.array(rows)).combine_chunks()
    extra = np.full(len(rows), "", dtype=object)
    for group in groups:
        found = np.zeros(len(rows), dtype=bool)
        for term in group:
            found |= np.asarray(pc.match_substring(sub, term).fill_null(False).to_numpy(zero_copy_only=False),
                                dtype=bool)
        if found.any():
            extra[found] = extra[found] + " " + " ".join(group)
    values = text.to_numpy(dtype=object).copy()
    values[rows] = [f"{a}{b}" for a, b in zip(sub.to_pylist(), extra, strict=True)]
    return pd.Series(values, index=text.index, dtype="str")


@dataclass(frozen=True)
class _Links:
    """The rows of a link table grouped by event id: ``group`` of each row (-1: no id), the number
    of groups, and ``event_group``: each event's group (-1: the event has no row)."""

    group: np.ndarray
    n: int
    event_group: np.ndarray

    @classmethod
    def of(cls, events: pd.DataFrame, link_event_ids: pd.Series) -> _Links:
        """One hash pass over the link rows' and the events' ids together: equal ids get one
        code, which serves as the group (an event without rows has a group of none)."""
        links = arrow_strings(link_event_ids)
        ids = arrow_strings(events[C.EVENT_ID])
        both = pa.chunked_array([*links.chunks, *ids.chunks], type=pa.large_string()).combine_chunks()
        encoded = pc.dictionary_encode(both)
        codes = np.asarray(encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
        return cls(codes[: len(links)], len(encoded.dictionary), codes[len(links):])

    def counts(self) -> np.ndarray:
        """Rows per event (0 for an event with none)."""
        per_group = np.bincount(self.group[self.group >= 0], minlength=self.n)
        count = np.zeros(len(self.event_group), dtype="int64")
        found = self.event_group >= 0
        count[found] = per_group[self.event_group[found]]
        return count

    def joined(self, values: pd.Series, sep: str, rows: np.ndarray | None = None) -> pd.Series:
        """Per event, its rows' ``values`` joined by ``sep`` in row order ('' for none): a
        vectorised ``groupby(event_id).agg(sep.join)`` mapped onto the events. As before, a
        missing first value leaves the event's text empty and a missing later value is skipped.

        groupby-agg with a Python function runs once per group (28 s for 100,000 events); this
        sorts the rows by group (stably, keeping their order) and has Arrow join each run."""
        group = self.group if rows is None else self.group[rows]
        text = arrow_strings(values.astype("str")).combine_chunks()
        if rows is not None:
            text = text.filter(pa.array(rows))
        keep = np.flatnonzero(group >= 0)  # a missing id is no group
        if np.bincount(group[keep], minlength=self.n).max(initial=0) <= 1:
            # at most one row per event (one source each, say): its value is the joined text
            row_of_group = np.full(self.n, -1, dtype=np.int64)
            row_of_group[group[keep]] = keep
            row = np.where(self.event_group >= 0, row_of_group[self.event_group], -1)
            return pd.Series(text.take(pa.array(row, mask=row < 0)).fill_null("").to_pandas().array)
        order = keep[np.argsort(group[keep], kind="stable")]
        group = group[order]
        text = text.take(pa.array(order))
        missing = text.is_null().to_numpy(zero_copy_only=False)
        if missing.any():
            first = np.ones(len(group), dtype=bool)
            first[1:] = group[1:] != group[:-1]
            later_missing = missing & ~first
            text, group = text.filter(pa.array(~later_missing)), group[~later_missing]
        offsets = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(group, minlength=self.n), out=offsets[1:])
        per_group = pc.binary_join(pa.LargeListArray.from_arrays(pa.array(offsets), text),
                                   pa.scalar(sep, pa.large_string()))
        per_event = per_group.take(pa.array(self.event_group, mask=self.event_group < 0)).fill_null("")
        return pd.Series(per_event.to_pandas().array)


def _first_pairs(group: np.ndarray, actor_id: pd.Series) -> np.ndarray:
    """Rows that are the first with their (event, actor): ``drop_duplicates`` of the pair."""
    actor, _ = pd.factorize(actor_id)
    pair = (group.astype(np.int64) + 1) * (int(actor.max(initial=-1)) + 2) + (actor + 1)
    return ~pd.Series(pair).duplicated().to_numpy()


def _window_labels(events: pd.DataFrame) -> pd.Series:
    """``window_labels(events)``, computed once per distinct window: a million events share a
    few hundred thousand (start, end, precision, open-ended) windows at most."""
    cols = [c for c in (C.DATE_START, C.DATE_END, C.DATE_PRECISION, C.KIND, C.OPEN_ENDED) if c in events]
    window = events[cols]
    codes = _row_codes(window)
    _, first = np.unique(codes, return_index=True)
    labels = window_labels(window.iloc[first].reset_index(drop=True))
    return labels.take(codes).set_axis(events.index)


def _narratives(
    narratives: pd.DataFrame, steps: pd.DataFrame, parsed: dict[str, dict[str, pd.Series]],
    cols: dict[str, Collector], tables: dict[str, Any], problems: list[Problem],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Type the narrative steps (step as int, windows as dates, focus as floats), order them, and
    flag narratives left with no step (an empty narrative cannot be presented)."""
    if C.NARRATIVES not in cols or C.NARRATIVE_STEPS not in cols:
        return narratives, steps
    keep = ~cols[C.NARRATIVE_STEPS].drop
    typed = steps.copy()
    for name in (C.STEP, C.WINDOW_START, C.WINDOW_END, C.FOCUS_LON, C.FOCUS_LAT, C.FOCUS_SCALE):
        typed[name] = parsed[C.NARRATIVE_STEPS][name][keep].reset_index(drop=True)
    typed[C.STEP] = typed[C.STEP].astype("int64")
    for name in (C.WINDOW_START, C.WINDOW_END):
        typed[name] = typed[name].astype("datetime64[s]")
    typed = typed.sort_values([C.NARRATIVE_ID, C.STEP], kind="stable").reset_index(drop=True)
    empty = ~narratives[C.NARRATIVE_ID].isin(typed[C.NARRATIVE_ID])
    label = tables[C.NARRATIVES].path
    for line, nid in zip(narratives.loc[empty, LINE_COLUMN], narratives.loc[empty, C.NARRATIVE_ID], strict=True):
        problems.append(Problem(label, int(line), C.NARRATIVE_ID, nid, "empty-narrative",
                                f'{label}, line {line}, field "{C.NARRATIVE_ID}": narrative "{nid}" has no steps'))
    return narratives.loc[~empty].reset_index(drop=True), typed


def _row_codes(frame: pd.DataFrame) -> np.ndarray:
    """A dense code per distinct row, as ``groupby(all columns, dropna=False).ngroup()`` gives, from
    the codes of each column combined into one integer."""
    key = np.zeros(len(frame), dtype=np.int64)
    size = 1
    for name in frame.columns:
        codes, uniques = pd.factorize(frame[name], use_na_sentinel=False)
        size *= max(len(uniques), 1)
        if size >= 2**62:  # too many combinations for one integer
            return frame.groupby(list(frame.columns), sort=False, dropna=False).ngroup().to_numpy()
        key = key * max(len(uniques), 1) + codes
    return pd.factorize(key)[0]


def _positions(keys: pd.Series, index: pd.Index) -> np.ndarray:
    """Position of each key in ``index`` (unique strings), -1 where it is not there."""
    found = pc.index_in(arrow_strings(keys), value_set=arrow_strings(index).combine_chunks())
    return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)


def _lookup(keys: pd.Series, mapping: pd.Series) -> pd.Series:
    """``keys.map(mapping)`` as strings, '' where a key is not in ``mapping`` (unique keys)."""
    pos = _positions(keys, mapping.index)
    values = arrow_strings(mapping).combine_chunks()
    taken = values.take(pa.array(pos, mask=pos < 0)).fill_null("")
    return pd.Series(taken.to_pandas().array, index=keys.index)


def _load_metadata(data_dir: Path, problems: list[Problem]) -> dict[str, Any]:
    path = data_dir / METADATA_FILE
    if not path.exists():
        problems.append(Problem(METADATA_FILE, None, None, None, "bad-metadata",
                                f"{METADATA_FILE}: not found; title, version and licence unknown",
                                "warning"))
        return {}
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(Problem(METADATA_FILE, None, None, None, "bad-metadata",
                                f"{METADATA_FILE}: not valid UTF-8 JSON ({exc})", "warning"))
        return {}
    if not isinstance(meta, dict):
        problems.append(Problem(METADATA_FILE, None, None, None, "bad-metadata",
                                f"{METADATA_FILE}: must hold a JSON object", "warning"))
        return {}
    for key in REQUIRED_METADATA:
        if not meta.get(key):
            problems.append(Problem(METADATA_FILE, None, key, None, "bad-metadata",
                                    f'{METADATA_FILE}: "{key}" is missing', "warning"))
    return meta

