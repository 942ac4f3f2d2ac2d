"""One report for an import, the same from the command line and the upload: the import's own
problems (rows dropped or kept with a doubt) followed by what validation found in the package
written from it — told in the user's terms: the user's file, the line of the user's file (or its
JSON item) and the user's column, never our internal ``events.csv, line 3``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from app.dataset import columns as C
from app.dataset.problems import Problem
from app.importers.model import ImportResult

#: our tables whose rows belong to one event (a problem there is told at the event's row)
_BY_EVENT = (C.EVENTS, C.EVENT_SOURCES, C.EVENT_ACTORS)


def translate(result: ImportResult, problems: Iterable[Problem]) -> list[Problem]:
    """Validation problems of the package built from ``result``, pointed at the user's file."""
    out: list[Problem] = []
    frames = {name: result.tables.get(name) for name in _BY_EVENT}
    for p in problems:
        table = p.file.removesuffix(".csv")
        frame = frames.get(table)
        if frame is None or p.line is None or not isinstance(frame, pd.DataFrame) or not 2 <= p.line < len(frame) + 2:
            where = result.source_name if table in (C.EVENTS, C.SOURCES, C.ACTORS) else p.file
            out.append(Problem(f"{where} ({table} built from it)" if where != p.file else where, None,
                               p.field, p.value, p.code, _plain(p.message), p.severity, p.hint))
            continue
        eid = str(frame.iloc[p.line - 2][C.EVENT_ID])
        line, label = result.origins.get(eid, (None, ""))
        column = result.column_of(p.field) if p.field else None
        field = f"{label}.{column or p.field}" if label else (column or p.field)
        hint = p.hint
        if column:
            hint = f'{hint} (your column "{column}")'
        out.append(Problem(result.source_name, line, field, p.value, p.code,
                           f'event "{eid}": {_plain(p.message)}', p.severity, hint))
    return out


def _plain(message: str) -> str:
    """A validator message without its own 'events.csv, line 3, field "x": ' prefix."""
    head, sep, rest = message.partition(": ")
    return rest if sep and (".csv" in head or "line" in head) else message


def full_report(result: ImportResult, validation: Iterable[Problem]) -> list[Problem]:
    """The import's problems, then validation's, in the user's terms."""
    return [*result.dropped, *result.warnings, *translate(result, validation)]


def exit_status(result: ImportResult, validation: Iterable[Problem]) -> int:
    """0 only when every row became an event with nothing in doubt; 1 otherwise (rows dropped,
    ambiguous dates, validation errors, or no event at all)."""
    errors = [p for p in validation if p.severity != "warning"]
    if result.dropped or result.warnings or errors or not len(result.events):
        return 1
    return 0
