"""A browser upload -> an import report and a validated Dataset, entirely in memory.

The bytes are wrapped in a ``Source`` (a name plus bytes: it has no folder, so no sibling file
is ever looked for on the server), imported with the same importers as ``python -m app
import``, and the resulting tables are validated exactly as a package on disk would be (each
table goes through the CSV parser and the validator), so the problem report of an upload is
the one ``python -m app import`` prints for the same file (``Upload.problems``). Nothing is
written to disk.

Limits (what a shared server agrees to hold per upload) are checked before the expensive work:
file size and columns before parsing, rows once the file is read and before its rows become
events. Past them, the message says to import with the command line instead.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass

from app.dataset.package import Dataset, build_dataset
from app.dataset.problems import Problem
from app.dataset.reader import RawTable, empty_frame, parse_table_bytes
from app.dataset.schema import schema_from_dict
from app.importers import import_source
from app.importers.errors import ImportError_
from app.importers.gdelt import LAYOUTS
from app.importers.model import ImportResult, RowLimit
from app.importers.readers import decode_text, read_xlsx
from app.importers.report import full_report
from app.importers.source import Source
from app.importers.writer import package_metadata, package_schema

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
MAX_UPLOAD_ROWS = 200_000
MAX_UPLOAD_COLUMNS = 300
UPLOAD_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".json")
CLI_HINT = "for larger tables use `python -m app import` and `python -m app serve --data DIR`"


@dataclass(frozen=True)
class Upload:
    dataset: Dataset
    result: ImportResult
    fmt: str

    @property
    def problems(self) -> list[Problem]:
        """The report the command line prints for the same file: the import's problems, then
        validation's, in the user's terms."""
        return full_report(self.result, self.dataset.problems)


def detect_format(name: str, data: bytes) -> str:
    """Which importer fits an uploaded file: by its extension, then by its header or keys."""
    suffix = Source.from_bytes(name, b"").suffix
    if suffix not in UPLOAD_SUFFIXES:
        raise ImportError_(f"{name}: unsupported file type {suffix or '(none)'}; upload a .csv, .xlsx or "
                           "TimelineJS .json file")
    if suffix == ".json":
        try:
            top = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            return "timelinejs"  # the importer reports exactly what is wrong with it
        keys = {str(k).lower(): v for k, v in top.items()} if isinstance(top, dict) else {}
        events = keys.get("events")
        first = events[0] if isinstance(events, list) and events else {}
        first = {str(k).lower() for k in first} if isinstance(first, dict) else set()
        if "start_date" in first or "text" in first:
            return "timelinejs"
        if "associations" in keys or "sources" in keys or ("date" in first and "description" in first):
            return "timemap"
        return "timelinejs"
    first_line: list[str] = []
    if suffix == ".xlsx":
        columns = read_xlsx(Source.from_bytes(name, data)).columns
    else:
        first_line = decode_text(data[:65536], name, []).splitlines()[:1]
        columns = [c.strip().strip('"') for c in _split(first_line[0])] if first_line else []
    if len(columns) > MAX_UPLOAD_COLUMNS:
        raise ImportError_(f"{name}: {len(columns)} columns; uploads may have at most {MAX_UPLOAD_COLUMNS} "
                           f"({CLI_HINT})")
    lowered = {c.strip().lower() for c in columns}
    if suffix != ".xlsx" and first_line and len(columns) in LAYOUTS and first_line[0].count("\t") + 1 == len(columns) \
            and columns[0].isdigit():
        return "gdelt"
    if "globaleventid" in lowered and "sqldate" in lowered:
        return "gdelt"
    if "event_id_cnty" in lowered or {"event_date", "event_type"} <= lowered:
        return "acled"
    if "year" in lowered and ("headline" in lowered or "text" in lowered):
        return "timelinejs-sheet"
    return "xlsx" if suffix == ".xlsx" else "csv"


def _split(line: str) -> list[str]:
    import csv

    delimiter = max((",", ";", "\t", "|"), key=line.count)
    return next(csv.reader(io.StringIO(line), delimiter=delimiter), [])


def load_upload(name: str, data: bytes, today: dt.date | None = None) -> Upload:
    """Import and validate an uploaded file. Raises ImportError_ (one line) when it cannot be used."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportError_(f"{name}: {len(data) / 1048576:.1f} MB is more than the "
                           f"{MAX_UPLOAD_BYTES // 1048576} MB an upload may have ({CLI_HINT})")
    if not data.strip():
        raise ImportError_(f"{name}: the file is empty")
    fmt = detect_format(name, data)
    try:
        result = import_source(Source.from_bytes(name, data), fmt, max_rows=MAX_UPLOAD_ROWS)
    except RowLimit as exc:
        raise ImportError_(f"{name}: {exc.rows:,} rows; uploads may have at most {MAX_UPLOAD_ROWS:,} "
                           f"({CLI_HINT})") from exc
    return Upload(dataset=to_dataset(result, today), result=result, fmt=fmt)


def to_dataset(result: ImportResult, today: dt.date | None = None) -> Dataset:
    """The import's tables validated as a package (in memory)."""
    schema = schema_from_dict(package_schema(result), "schema.json")
    metadata = package_metadata(result, today)
    problems: list[Problem] = []
    raw: dict[str, RawTable] = {}
    for name, table in schema.tables.items():
        frame = result.tables.get(name)
        if frame is None:
            raw[name] = RawTable(empty_frame(table), ())
            continue
        text = frame.to_csv(index=False, lineterminator="\n")
        raw[name] = parse_table_bytes(text.encode("utf-8"), table, table.path)
        problems.extend(raw[name].problems)
    return build_dataset(raw, schema, metadata, problems)
