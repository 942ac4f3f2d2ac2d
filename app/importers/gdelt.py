"""GDELT event files (``--from gdelt``): the daily/15-minute ``*.export.CSV`` of GDELT 1.0 (57 or
58 columns) and 2.0 (61 columns) — tab-separated, headerless, unquoted — or a BigQuery export of
the same table with a header row (comma or tab).

The header is known from the column count (GDELT 2.0 adds an ADM2 code to each of its three
geography blocks). ``NULL`` and empty cells are missing values. Used:

- ``GLOBALEVENTID`` -> event_id; ``SQLDATE`` (YYYYMMDD) -> a day (``DATEADDED`` is when GDELT
  saw the article, not the event: not used for the date).
- ``EventRootCode`` -> category, named by the CAMEO root labels (01 "Make public statement" …
  20 "Use unconventional mass violence"); ``EventBaseCode`` -> sub_category ("CAMEO 190").
- ``Actor1Name``/``Actor2Name`` -> actors; their ``Type1Code`` (CAMEO role codes: GOV, MIL, COP,
  REB …) -> our actor types; in material conflict (QuadClass 4) actor 1 is the attacker and
  actor 2 the target, otherwise both are participants.
- ``ActionGeo_*`` -> the place: FullName, Lat/Long, Type (1 country, 2/5 first-order region,
  3/4 city) -> geo_precision. GDELT's country codes are FIPS 10-4, not ISO 3166 ("UP" is
  Ukraine), so the country is read from the last part of ``ActionGeo_FullName`` instead.
- ``SOURCEURL`` -> the event's source (GDELT 1.0 files before April 2013 have none).
- GoldsteinScale, QuadClass, NumMentions, NumSources, NumArticles, AvgTone -> the event's notes.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlsplit

from app.importers.dates import DateProblem, parse_date
from app.importers.errors import ImportError_
from app.importers.model import ActorDraft, Collector, EventDraft, SourceDraft, is_http_url
from app.importers.places import country_code
from app.importers.readers import MISSING_ALWAYS, decode_text, read_bytes
from app.importers.source import Source
from app.importers.text import plain_text

_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
          "Type1Code", "Type2Code", "Type3Code")
_EVENT = ("IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
          "NumMentions", "NumSources", "NumArticles", "AvgTone")


def _geo(prefix: str, adm2: bool) -> list[str]:
    names = ["Type", "FullName", "CountryCode", "ADM1Code", *(["ADM2Code"] if adm2 else []), "Lat", "Long",
             "FeatureID"]
    return [f"{prefix}_{n}" for n in names]


def _columns(adm2: bool, source_url: bool) -> list[str]:
    cols = ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    cols += [f"Actor1{n}" for n in _ACTOR] + [f"Actor2{n}" for n in _ACTOR] + list(_EVENT)
    for prefix in ("Actor1Geo", "Actor2Geo", "ActionGeo"):
        cols += _geo(prefix, adm2)
    cols.append("DATEADDED")
    if source_url:
        cols.append("SOURCEURL")
    return cols


LAYOUTS = {57: _columns(False, False), 58: _columns(False, True), 61: _columns(True, True)}
VERSION = {57: "GDELT 1.0 (before April 2013)", 58: "GDELT 1.0", 61: "GDELT 2.0"}

#: CAMEO event root codes (the 20 top-level classes of the CAMEO codebook)
CAMEO_ROOT = {
    "01": "Make public statement", "02": "Appeal", "03": "Express intent to cooperate", "04": "Consult",
    "05": "Engage in diplomatic cooperation", "06": "Engage in material cooperation", "07": "Provide aid",
    "08": "Yield", "09": "Investigate", "10": "Demand", "11": "Disapprove", "12": "Reject", "13": "Threaten",
    "14": "Protest", "15": "Exhibit force posture", "16": "Reduce relations", "17": "Coerce", "18": "Assault",
    "19": "Fight", "20": "Use unconventional mass violence",
}
QUAD = {"1": "verbal cooperation", "2": "material cooperation", "3": "verbal conflict", "4": "material conflict"}
#: CAMEO actor role codes -> our actor types (codes without a type of ours are "other")
ACTOR_TYPE = {"GOV": "state", "MIL": "state-military", "COP": "state-agency", "SPY": "state-agency",
              "JUD": "state-agency", "LEG": "legislature", "REB": "armed-non-state", "INS": "armed-non-state",
              "SEP": "armed-non-state", "UAF": "armed-non-state", "IGO": "intergovernmental", "BUS": "company"}
GEO_PRECISION = {"1": "country", "2": "admin-region", "5": "admin-region", "3": "near", "4": "near"}


def _read(src: Source, col: Collector) -> tuple[list[str], list[tuple[int, list[str]]]]:
    notes: list[str] = []
    text = decode_text(read_bytes(src), src.name, notes)
    for n in notes:
        col.note(n)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise ImportError_(f"{src.name}: the file is empty")
    delimiter = "\t" if first.count("\t") >= first.count(",") else ","
    header: list[str] | None = None
    start = 0
    fields = next(csv.reader([first], delimiter=delimiter))
    if any(f.strip().upper() == "GLOBALEVENTID" for f in fields):
        header = [f.strip() for f in fields]
        start = lines.index(first) + 1
        col.note(f"{src.name}: a GDELT table with a header row ({len(header)} columns)")
    else:
        layout = LAYOUTS.get(len(fields))
        if layout is None or not fields[0].strip().isdigit():
            raise ImportError_(f"{src.name}: not a GDELT event file (its first row has {len(fields)} "
                               "tab-separated fields; GDELT event files have 57, 58 or 61 and begin with "
                               "GLOBALEVENTID)")
        header = layout
        col.note(f"{src.name}: headerless {VERSION[len(fields)]} event file ({len(fields)} columns)")
    rows: list[tuple[int, list[str]]] = []
    body = io.StringIO("\n".join(lines[start:]))
    reader = (csv.reader(body, delimiter="\t", quoting=csv.QUOTE_NONE) if delimiter == "\t"
              else csv.reader(body, delimiter=delimiter))
    for i, record in enumerate(reader, start=start + 1):
        if not any(v.strip() for v in record):
            continue
        rows.append((i, record))
    return header, rows


def import_gdelt(src: Source, col: Collector) -> None:
    header, rows = _read(src, col)
    index = {h.lower(): i for i, h in enumerate(header)}
    width = len(header)
    col.mapped = {
        "GLOBALEVENTID": "event_id", "SQLDATE": "date_start", "EventRootCode": "category",
        "EventBaseCode": "sub_category", "Actor1Name": "actors", "Actor2Name": "actors",
        "Actor1Type1Code": "actors.actor_type", "Actor2Type1Code": "actors.actor_type",
        "ActionGeo_FullName": "place_name, country", "ActionGeo_Lat": "latitude", "ActionGeo_Long": "longitude",
        "ActionGeo_Type": "geo_precision", "SOURCEURL": "sources.url",
        "GoldsteinScale": "notes", "QuadClass": "notes, actors.role", "NumMentions": "notes", "AvgTone": "notes",
    }
    col.mapped = {k: v for k, v in col.mapped.items() if k.lower() in index}
    col.unmapped = [h for h in header if h not in col.mapped]
    col.rows_read = len(rows)
    nulls = 0
    if "sourceurl" not in index:
        col.note("this GDELT file has no SOURCEURL column (GDELT 1.0 before April 2013): events have no source; "
                 "cite the file with --map dataset_url=URL")
    for line, record in rows:
        if len(record) != width:
            col.drop(line, f"has {len(record)} fields; a row of this file has {width}", "unreadable-row")
            continue
        nulls += sum(1 for v in record if v in MISSING_ALWAYS)

        def get(name: str, record: list[str] = record) -> str:
            i = index.get(name.lower())
            value = record[i].strip() if i is not None else ""
            return "" if value in MISSING_ALWAYS else value

        _row(line, get, col)
    if nulls:
        col.note(f'read "NULL" as a missing value: {nulls:,} cell(s)')


def _row(line: int, get: object, col: Collector) -> None:
    g = get  # a closure over one row: name -> text
    assert callable(g)
    date = g("SQLDATE") or g("Day")
    try:
        window = parse_date(date)
    except DateProblem as exc:
        col.drop(line, str(exc), exc.code, "SQLDATE", date)
        return
    root = g("EventRootCode").zfill(2) if g("EventRootCode") else ""
    verb = CAMEO_ROOT.get(root, f"CAMEO {root}" if root else "Event")
    a1 = plain_text(g("Actor1Name")) or g("Actor1Code")
    a2 = plain_text(g("Actor2Name")) or g("Actor2Code")
    place = plain_text(g("ActionGeo_FullName"))
    where = place.split(",")[0].strip() if place else ""
    title = " — ".join(p for p in (a1.title() if a1.isupper() else a1, verb, a2.title() if a2.isupper() else a2)
                       if p)
    title += f" in {where}" if where else ""
    quad = QUAD.get(g("QuadClass"), "")
    code = g("EventCode") or root
    # the verb names the root class (the first two digits): say so where the code is finer
    facts = [f"CAMEO event {code} ({verb})" if code == root or not root else
             f"CAMEO event {code} (class {root}: {verb})"]
    if a1 or a2:
        facts.append("between " + " and ".join(p for p in (a1, a2) if p))
    if place:
        facts.append(f"at {place}")
    description = " ".join(facts) + ", as coded by GDELT from news reports."
    notes = []
    stats = [(label, g(name)) for label, name in (("Goldstein scale", "GoldsteinScale"), ("mentions", "NumMentions"),
                                                  ("sources", "NumSources"), ("articles", "NumArticles"),
                                                  ("average tone", "AvgTone"))]
    shown = ", ".join(f"{label} {value}" for label, value in stats if value)
    if shown or quad:
        notes.append("GDELT: " + ", ".join(p for p in (quad, shown) if p))
    cited = plain_text(g("SOURCEURL"))
    if cited and not is_http_url(cited):
        # GDELT names some sources without a link (BBC Monitoring: "Shamshad TV, Kabul/BBC
        # Monitoring/(c) BBC"): kept in the notes, where a reader can still trace it
        notes.append(f"Source as GDELT names it (no link): {cited}")
    country = country_code(place.rsplit(",", 1)[-1].strip()) if place else ""
    draft = EventDraft(
        where=line, window=window, kind="point", title=title, description=description, notes=notes,
        event_id=g("GLOBALEVENTID"), category=verb,
        sub_category=f"CAMEO {g('EventBaseCode')}" if g("EventBaseCode") else "",
        place_name=place, country=country, geo_precision=GEO_PRECISION.get(g("ActionGeo_Type"), ""),
        location_role="site",
    )
    col.place(draft, g("ActionGeo_Lat"), g("ActionGeo_Long"), f"line {line}")
    conflict = g("QuadClass") == "4"
    for name, prefix, role in ((a1, "Actor1", "attacker"), (a2, "Actor2", "target")):
        if name:
            draft.actors.append(ActorDraft(name, role if conflict else "participant",
                                           ACTOR_TYPE.get(g(f"{prefix}Type1Code"), "other")))
    url = g("SOURCEURL")
    if url and is_http_url(url):
        draft.sources.append(SourceDraft(url=url, publisher=(urlsplit(url).hostname or "").removeprefix("www."),
                                         source_type="news", note="The article GDELT coded this event from."))
    col.add(draft)
