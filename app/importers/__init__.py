"""Importers: foreign event tables -> our data package. Pure: never imports dash.

    import_source(path, fmt, mapping=None, dayfirst=False) -> ImportResult
    write_package(result, out_dir, schema_path=None, force=False) -> [paths written]

Formats: timelinejs (JSON), timelinejs-sheet (the Google-Sheets template as CSV/XLSX), timemap
(Forensic Architecture's events/sources/associations, JSON or CSV), acled (CSV/XLSX), csv and
xlsx (any table; columns by common names or ``mapping``). Bad rows never raise: they are
``result.dropped`` entries (line or item index, reason). A file that cannot be read at all raises
``ImportError_``; a bad ``fmt`` or ``mapping`` raises ``UserInputError``.

``mapping`` maps our field to a column (``{"date_start": "When"}``, from ``--map FIELD=COLUMN``)
for csv and xlsx. Three keys are options, accepted by every format:
``dataset_url`` (an http(s) address citing the imported dataset as a whole: it becomes the
source of events that have none, e.g. ACLED's), ``dataset_title`` and ``sheet`` (xlsx sheet).
"""

from __future__ import annotations

from pathlib import Path

from app.errors import UserInputError
from app.importers.acled import import_acled
from app.importers.errors import ImportError_
from app.importers.model import FORMAT_NAMES, Collector, Dropped, ImportResult
from app.importers.readers import read_csv, read_xlsx
from app.importers.tabular import FIELDS, import_table
from app.importers.timelinejs import import_json, import_sheet
from app.importers.timemap import import_timemap
from app.importers.writer import write_package

FORMATS = tuple(FORMAT_NAMES)
OPTION_KEYS = ("dataset_url", "dataset_title", "sheet")

__all__ = [
    "FIELDS", "FORMATS", "Dropped", "ImportError_", "ImportResult", "import_source", "parse_mapping",
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
    path: Path, fmt: str, mapping: dict[str, str] | None = None, dayfirst: bool = False,
) -> ImportResult:
    """Read ``path`` in format ``fmt`` and return the tables and the report (see the module doc)."""
    if fmt not in FORMATS:
        raise UserInputError(f'unknown format "{fmt}"; use one of {", ".join(FORMATS)}')
    path = path if isinstance(path, Path) else Path(path)  # a MemoryFile (an upload) stays one
    columns = dict(mapping or {})
    options = {k: columns.pop(k).strip() for k in OPTION_KEYS if k in columns}
    if columns and fmt not in ("csv", "xlsx"):
        raise UserInputError(f"--map FIELD=COLUMN applies to the csv and xlsx formats; {fmt} takes only "
                             f"{', '.join(f'{k}=…' for k in OPTION_KEYS)}")
    if not path.exists():
        raise ImportError_(f"{path}: no such file or directory")
    col = Collector(path, fmt, dataset_url=options.get("dataset_url", ""), title=options.get("dataset_title", ""))
    sheet = options.get("sheet") or None
    if fmt == "timelinejs":
        import_json(path, col, dayfirst)
    elif fmt == "timelinejs-sheet":
        import_sheet(path, col, dayfirst, sheet)
    elif fmt == "timemap":
        import_timemap(path, col, dayfirst)
    elif fmt == "acled":
        import_acled(path, col, dayfirst, sheet)
    else:
        table = read_xlsx(path, sheet) if fmt == "xlsx" else read_csv(path)
        import_table(table, col, columns, dayfirst)
    return col.result()
