"""How many independent reports stand behind an event's sources.

An outlet that relays another's report (event_sources.relays) adds a source but not a report: four
outlets repeating one newspaper's story are one report. The event panel says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from app.dataset import columns as C

#: roles that support the event (context and contradicting sources are not counted as its reports)
SUPPORTING = ("primary", "corroborating")


def origins(rows: Iterable[Mapping[str, object]]) -> list[str]:
    """The originating report of each supporting source row: what it relays, else itself."""
    out = []
    for row in rows:
        if str(row.get(C.ROLE, "")) not in SUPPORTING:
            continue
        relays = str(row.get(C.RELAYS, "") or "").strip()
        out.append(relays or str(row.get(C.SOURCE_ID, "")))
    return out


def report_summary(rows: Iterable[Mapping[str, object]], names: Mapping[str, str] | None = None) -> str:
    """'4 sources, all relaying one report (The Wall Street Journal, 5 Feb 2023)', '3 sources, 2
    independent reports', '' for a single source or no relays. ``names`` maps source ids to a
    readable name (publisher) for a relayed source that is itself listed."""
    rows = list(rows)
    found = origins(rows)
    n_sources = len(found)
    if n_sources < 2:
        return ""
    relayed = [r for r in rows if str(r.get(C.RELAYS, "") or "").strip()]
    if not relayed:
        return ""
    distinct = list(dict.fromkeys(found))
    if len(distinct) == 1:
        name = (names or {}).get(distinct[0], distinct[0])
        return f"{n_sources} sources, all relaying one report ({name})"
    return f"{n_sources} sources, {len(distinct)} independent reports"
