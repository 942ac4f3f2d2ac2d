"""ACLED (Armed Conflict Location & Event Data) exports, CSV or XLSX.

Columns used: event_id_cnty, event_date ("15 March 2023" or 2023-03-15), time_precision,
event_type, sub_event_type, actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, iso,
country, location, latitude, longitude, geo_precision, source, source_scale, notes, fatalities,
tags. ACLED's codes map onto ours:

- time_precision 1 -> the day; 2 -> a week: the coded date ± 3 days; 3 -> the whole month.
- geo_precision 1 -> exact; 2 -> near (part of a region, or near a town); 3 -> admin-region.
- event_type / sub_event_type -> category / sub_category (the dataset's own vocabularies).
- actor1 / actor2 -> attacker / target in battles, explosions/remote violence and violence
  against civilians; otherwise (and for associated actors) participant.
- iso (numeric ISO 3166) -> alpha-3, falling back to the country name.

Sources: ACLED names its sources ("Reuters; Ukrainska Pravda") without links, and our schema
requires a URL for every source, so inventing source rows would break curation rule 2 ("never
invent a source"). The names and the source scale are kept in each event's notes instead, and
the ACLED export itself can be cited as the events' source with ``--map dataset_url=URL`` (the
page the data was downloaded from). Without it events have no source and ``validate`` warns
``no-source``, which is honest for unreviewed imports. Verification stays "unverified".
"""

from __future__ import annotations

from app.importers.datecols import DateReading, decide
from app.importers.dates import DateProblem, day_window
from app.importers.errors import ImportError_
from app.importers.model import ActorDraft, Collector, EventDraft
from app.importers.places import country_code
from app.importers.readers import Row, read_rows
from app.importers.source import Source
from app.importers.text import plain_text

VIOLENT = {"battles", "explosions/remote violence", "violence against civilians"}
GEO_PRECISION = {"1": "exact", "2": "near", "3": "admin-region"}
# ACLED "inter" codes (numbers in older exports, words in newer ones) -> our actor types
INTER = {
    "1": "state-military", "state forces": "state-military",
    "2": "armed-non-state", "rebel group": "armed-non-state", "rebel groups": "armed-non-state",
    "3": "armed-non-state", "political militia": "armed-non-state", "political militias": "armed-non-state",
    "4": "armed-non-state", "identity militia": "armed-non-state", "identity militias": "armed-non-state",
    "5": "other", "rioters": "other", "6": "other", "protesters": "other",
    "7": "other", "civilians": "other", "8": "other", "external/other forces": "other",
}
FIELDS = {
    "event_id_cnty": "event_id", "event_date": "date_start", "time_precision": "date_precision",
    "event_type": "category", "sub_event_type": "sub_category", "actor1": "actors (attacker/participant)",
    "assoc_actor_1": "actors (participant)", "inter1": "actors.actor_type", "actor2": "actors (target/participant)",
    "assoc_actor_2": "actors (participant)", "inter2": "actors.actor_type", "iso": "country", "country": "country",
    "location": "place_name", "latitude": "latitude", "longitude": "longitude", "geo_precision": "geo_precision",
    "source": "notes (sources)", "source_scale": "notes (sources)", "notes": "description",
    "fatalities": "notes", "tags": "notes", "year": "date_start (settles two-digit years)",
    "iso3": "country", "admin1": "place_name", "admin2": "place_name",
}


def import_acled(path: Source, col: Collector, dayfirst: bool | None = None, sheet: str | None = None) -> None:
    table = read_rows(path, sheet)
    col.take_table(table)
    by_name = {c.strip().lower(): c for c in reversed(table.columns)}
    if "event_date" not in by_name:
        raise ImportError_(f"{table.label}: not an ACLED export (no event_date column; found: "
                           f"{', '.join(table.columns[:12])})")
    cols = {name: by_name.get(name) for name in FIELDS}
    col.mapped = {by_name[k]: v for k, v in FIELDS.items() if k in by_name}
    col.unmapped = [c for c in table.columns if c not in col.mapped]
    col.rows_read = len(table.rows)
    missing = [c for c in ("event_type", "location", "latitude", "longitude") if c not in by_name]
    if missing:
        col.note("this ACLED export has no " + ", ".join(missing) + " column(s)")
    reading = decide(col.notes, by_name["event_date"], [r.get(cols["event_date"]) for r in table.rows], dayfirst,
                     (True, "ACLED writes numeric dates day-first"), cols.get("year"))
    if not col.dataset_url:
        col.note("ACLED lists its sources by name, without links: they are kept in each event's notes. "
                 "To cite the ACLED export itself, pass --map dataset_url=URL (where you downloaded it).")
    for row in table.rows:
        _row(row, cols, col, reading)


def _row(row: Row, cols: dict[str, str | None], col: Collector, reading: DateReading) -> None:
    cells = {name: plain_text(row.get(column)) for name, column in cols.items() if column}

    def get(name: str) -> str:
        return cells.get(name, "")

    sub, etype = get("sub_event_type"), get("event_type")
    location = get("location") or get("admin2") or get("admin1")
    what = (sub if sub.lower() != "other" else "") or etype or "Event"
    title = f"{what} in {location}" if location else what
    name = f'"{get("event_id_cnty") or title}"'
    year = get("year")
    try:
        window = reading.parse(get("event_date"), int(year) if year.isdigit() and len(year) == 4 else None)
        precision = get("time_precision")
        if window.precision == "day" and precision == "2":
            window = day_window(window.start, "week")
        elif window.precision == "day" and precision == "3":
            window = window.widen("month")
        elif precision not in ("", "1", "2", "3"):
            col.tally(f'time_precision "{precision}" is not 1, 2 or 3; the date is read as given', f"line {row.line}")
    except DateProblem as exc:
        col.drop(row.line, f"{name}: {exc}", exc.code, cols.get("event_date"), get("event_date"))
        return
    notes = []
    if get("source"):
        scale = f" (source scale: {get('source_scale')})" if get("source_scale") else ""
        notes.append(f"Sources named by ACLED: {get('source')}{scale}")
    if get("fatalities"):
        notes.append(f"Fatalities reported by ACLED: {get('fatalities')}")
    if get("tags"):
        notes.append(f"ACLED tags: {get('tags')}")
    country = country_code(get("iso")) or country_code(get("iso3")) or country_code(get("country"))
    if not country and (get("iso") or get("country")):
        col.tally(f'country "{get("country") or get("iso")}" has no ISO 3166 code; left empty', f"line {row.line}")
    draft = EventDraft(
        where=row.line, window=window, kind="point", title=title, description=get("notes") or title,
        notes=notes, event_id=get("event_id_cnty"), category=etype, sub_category=sub,
        place_name=location, country=country, geo_precision=GEO_PRECISION.get(get("geo_precision"), ""),
        location_role="site",
    )
    col.place(draft, get("latitude"), get("longitude"), f"line {row.line}")
    violent = etype.lower() in VIOLENT
    for actor, assoc, inter, role in (("actor1", "assoc_actor_1", "inter1", "attacker"),
                                      ("actor2", "assoc_actor_2", "inter2", "target")):
        if get(actor):
            draft.actors.append(ActorDraft(get(actor), role if violent else "participant",
                                           INTER.get(get(inter).lower(), "other")))
        for other in get(assoc).split(";"):
            if other.strip():
                draft.actors.append(ActorDraft(other.strip(), "participant", "other"))
    col.add(draft)
