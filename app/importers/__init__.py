"""Importers: foreign event tables -> our data package. Pure: never imports dash.

    import_source(source, fmt, mapping=None, dayfirst=None) -> ImportResult
    write_package(result, out_dir, schema_path=None, force=False) -> [paths written]

``source`` is a ``Source`` (a name plus bytes — an upload — or a real file or folder; a path is
turned into one). Sibling files (TimeMap's sources next to its events) are looked up only in a
real folder. Formats: timelinejs (JSON), timelinejs-sheet (the Google-Sheets template as
CSV/XLSX), timemap (Forensic Architecture's events/sources/associations, JSON, CSV or the
datasheet-server workbook), acled (CSV/XLSX), gdelt (GDELT 1.0/2.0 event files, headerless),
csv and xlsx (any table; columns by common names or ``mapping``).

Bad rows never raise: each is a ``Problem`` in ``result.dropped`` (the same record validation
uses: the user's file, the line of the user's file — or the JSON item —, the user's column, the
value, a code, a message and a hint). Rows kept with a doubt (an ambiguous date) are
``result.warnings``. A file that cannot be read at all raises ``ImportError_``; a bad ``fmt``
or ``mapping`` raises ``UserInputError``.

``mapping`` maps our field to a column (``{"date_start": "When"}``, from ``--map FIELD=COLUMN``)
for csv and xlsx. Three keys are options, accepted by every format:
``dataset_url`` (an http(s) address citing the imported dataset as a whole: it becomes the
source of events that have none, e.g. ACLED's), ``dataset_title`` and ``sheet`` (xlsx sheet).
``dayfirst``: True/False as the user said (``--dayfirst``/``--monthfirst``); None lets the file
decide (and says how in the report).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from app.errors import UserInputError
from app.importers.acled import import_acled
from app.importers.errors import ImportError_
from app.importers.gdelt import import_gdelt
from app.importers.model import FORMAT_NAMES, Collector, ImportResult
from app.importers.readers import read_csv, read_xlsx
from app.importers.source import Source, as_source
from app.importers.tabular import FIELDS, import_table
from app.importers.text import REPAIRS, repair_notes
from app.importers.timelinejs import import_json, import_sheet
from app.importers.timemap import import_timemap
from app.importers.writer import write_package

FORMATS = tuple(FORMAT_NAMES)
OPTION_KEYS = ("dataset_url", "dataset_title", "sheet")

__all__ = [
    "FIELDS", "FORMATS", "ImportError_", "ImportResult", "Source", "import_source", "parse_mapping",
    "write_package",
]


def parse_mapping(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["date_start=When", "dataset_url=https://…"]`` -> a mapping; UserInputError when malformed."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UserInputError(f'--map "{pair}": expected FIELD=COLUMN, e.g. date_start=When')
        out[key.strip()] = value.strip()
    return out


def import_source(
    source: Source | Path | str, fmt: str, mapping: dict[str, str] | None = None, dayfirst: bool | None = None,
    max_rows: int | None = None,
) -> ImportResult:
    """Read ``source`` in format ``fmt`` and return the tables and the report (see the module doc)."""
    if fmt not in FORMATS:
        raise UserInputError(f'unknown format "{fmt}"; use one of {", ".join(FORMATS)}')
    src = as_source(source)
    columns = dict(mapping or {})
    options = {k: columns.pop(k).strip() for k in OPTION_KEYS if k in columns}
    if columns and fmt not in ("csv", "xlsx"):
        raise UserInputError(f"--map FIELD=COLUMN applies to the csv and xlsx formats; {fmt} takes only "
                             f"{', '.join(f'{k}=…' for k in OPTION_KEYS)}")
    if not src.exists():
        raise ImportError_(f"{src.path}: no such file or directory")
    col = Collector(src.name, fmt, dataset_url=options.get("dataset_url", ""), title=options.get("dataset_title", ""))
    col.max_rows = max_rows  # checked once the file is read, before its rows become events
    sheet = options.get("sheet") or None
    if sheet and fmt not in ("xlsx", "acled", "timelinejs-sheet", "timemap"):
        raise UserInputError(f"--map sheet=… applies to workbooks (xlsx); {fmt} files have no sheets")
    repairs: Counter[str] = Counter()
    token = REPAIRS.set(repairs)
    try:
        if fmt == "timelinejs":
            import_json(src, col, dayfirst)
        elif fmt == "timelinejs-sheet":
            import_sheet(src, col, dayfirst, sheet)
        elif fmt == "timemap":
            import_timemap(src, col, dayfirst, sheet)
        elif fmt == "acled":
            import_acled(src, col, dayfirst, sheet)
        elif fmt == "gdelt":
            import_gdelt(src, col)
        else:
            table = read_xlsx(src, sheet) if fmt == "xlsx" else read_csv(src)
            import_table(table, col, columns, dayfirst)
        result = col.result()
    finally:
        REPAIRS.reset(token)
    result.notes.extend(repair_notes(repairs))
    return result
