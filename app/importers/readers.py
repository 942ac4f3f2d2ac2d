"""Reading foreign files into rows of text, defensively.

- CSV: UTF-8 (with or without BOM); when that fails, Windows-1252 and then Latin-1, which is
  reported. The delimiter (``,`` ``;`` tab ``|``) is taken from the header line. Each row keeps
  its physical line number (header = line 1; quoted fields spanning lines are counted).
- XLSX: openpyxl in read-only mode, after checking the zip's *uncompressed* size (a small file can
  inflate to gigabytes: a zip bomb). openpyxl parses XML through defusedxml when it is installed
  (it is a dependency), which stops entity-expansion attacks. Formulas are never evaluated and
  never kept as text: a formula cell gives the value Excel cached when it last saved the file, or
  nothing.
- JSON: UTF-8, size-limited, syntax errors reported with line and column.

Anything that cannot be read at all raises ``ImportError_`` with one line saying why.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PosixPath, PurePosixPath
from typing import Any

from app.importers.errors import ImportError_

MAX_FILE_BYTES = 512 * 1024 * 1024  # what we agree to read into memory
MAX_XLSX_UNCOMPRESSED = 512 * 1024 * 1024  # sum of the zip members once inflated
MAX_XLSX_RATIO = 200  # a member inflating more than 200x is treated as a zip bomb
_DELIMITERS = (",", ";", "\t", "|")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


@dataclass(frozen=True)
class Row:
    line: int  # CSV line (header = 1) or spreadsheet row number
    values: dict[str, str]

    def get(self, column: str | None) -> str:
        return self.values.get(column, "").strip() if column else ""


@dataclass
class Table:
    """A sheet of text: column names in order, rows with their line numbers, and reading notes."""

    label: str
    columns: list[str]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # (line, reason): could not be split


class MemoryFile(PosixPath):
    """A file held in memory (a browser upload) that the readers accept in place of a path: it has
    the name (and so the suffix) of the uploaded file, and its bytes never touch the disk."""

    data: bytes = b""

    @classmethod
    def of(cls, name: str, data: bytes) -> MemoryFile:
        # only the final component of a browser-given name: never a path into our file system
        file = cls(PurePosixPath(name.replace("\\", "/")).name or "upload")
        file.data = data
        return file

    def read_bytes(self) -> bytes:
        return self.data

    def exists(self, *args: Any, **kwargs: Any) -> bool:
        return True

    def is_dir(self) -> bool:
        return False

    def size(self) -> int:
        return len(self.data)


def check_file(path: Path) -> None:
    """A readable file of a size we agree to read; else ImportError_."""
    if isinstance(path, MemoryFile):
        size = path.size()
        if size > MAX_FILE_BYTES:
            raise ImportError_(f"{path.name}: {size // (1024 * 1024)} MiB is larger than the "
                               f"{MAX_FILE_BYTES // (1024 * 1024)} MiB this importer reads")
        return
    try:
        if path.is_dir():
            raise ImportError_(f"{path}: is a folder, not a file")
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise ImportError_(f"{path}: no such file") from exc
    except OSError as exc:
        raise ImportError_(f"{path}: cannot be read ({exc.strerror})") from exc
    if size > MAX_FILE_BYTES:
        raise ImportError_(f"{path.name}: {size // (1024 * 1024)} MiB is larger than the "
                           f"{MAX_FILE_BYTES // (1024 * 1024)} MiB this importer reads")


def read_bytes(path: Path) -> bytes:
    check_file(path)
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise ImportError_(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise ImportError_(f"{path}: is a folder, not a file") from exc
    except OSError as exc:
        raise ImportError_(f"{path}: cannot be read ({exc.strerror})") from exc


def decode_text(data: bytes, label: str, notes: list[str]) -> str:
    """UTF-8 if possible; else Windows-1252 / Latin-1, with a note saying so."""
    if b"\x00" in data[:65536]:
        raise ImportError_(f"{label}: contains NUL bytes, so it is not a text file (a workbook? use xlsx)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        for encoding, name in (("cp1252", "Windows-1252"), ("latin-1", "Latin-1 (ISO-8859-1)")):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            notes.append(f"{label} is not UTF-8 (first bad byte on line {line}); read as {name}. "
                         "Check accented letters in the result.")
            return text
    raise ImportError_(f"{label}: cannot be decoded as text")  # pragma: no cover - latin-1 decodes anything


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _unique_columns(header: list[str], label: str, notes: list[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(header, start=1):
        name = raw.strip() or f"column {i}"
        if name in seen:
            renamed = f"{name} ({i})"
            notes.append(f'{label}: column "{name}" appears more than once; column {i} is read as "{renamed}"')
            name = renamed
        seen.add(name)
        out.append(name)
    return out


def parse_csv_text(text: str, label: str, notes: list[str] | None = None) -> Table:
    notes = notes if notes is not None else []
    first_line = text.split("\n", 1)[0]
    delimiter = _delimiter(first_line)
    if delimiter != ",":
        notes.append(f"{label}: columns are separated by {delimiter!r}")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration as exc:
        raise ImportError_(f"{label}: the file is empty (no header row)") from exc
    except csv.Error as exc:
        raise ImportError_(f"{label}: the header row cannot be read as CSV ({exc})") from exc
    if not any(h.strip() for h in header):
        raise ImportError_(f"{label}: the first row is empty; it must name the columns")
    columns = _unique_columns(header, label, notes)
    table = Table(label, columns, [], notes)
    last_line = reader.line_num
    while True:
        start = last_line + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            table.bad_rows.append((start, f"cannot be read as CSV ({exc})"))
            last_line = reader.line_num
            continue
        last_line = reader.line_num
        if not any(v.strip() for v in record):
            continue
        extra = record[len(columns):]
        if any(v.strip() for v in extra):
            table.bad_rows.append((start, f"has {len(record)} fields but the header names {len(columns)}; "
                                          "check commas and quotes"))
            continue
        values = {c: (record[i] if i < len(record) else "") for i, c in enumerate(columns)}
        table.rows.append(Row(start, values))
    return table


def read_csv(path: Path) -> Table:
    notes: list[str] = []
    text = decode_text(read_bytes(path), path.name, notes)
    return parse_csv_text(text, path.name, notes)


def _check_zip(path: Path, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise ImportError_(f"{path.name}: not an .xlsx workbook (not a zip file)") from exc
    except OSError as exc:
        raise ImportError_(f"{path}: cannot be read ({exc.strerror})") from exc
    total = sum(i.file_size for i in infos)
    if total > MAX_XLSX_UNCOMPRESSED:
        raise ImportError_(f"{path.name}: would inflate to {total // (1024 * 1024)} MiB; refusing "
                           f"(limit {MAX_XLSX_UNCOMPRESSED // (1024 * 1024)} MiB, possible zip bomb)")
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > MAX_XLSX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise ImportError_(f"{path.name}: member {info.filename} inflates {ratio}x; refusing (possible zip bomb)")


def cell_text(value: object) -> str:
    """A spreadsheet value as text: dates as ISO, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _clean_tree(value: Any) -> Any:
    """A parsed JSON value with lone surrogates (which a \\udXXX escape can spell, but no UTF-8
    file can hold, so that writing or printing the text would fail) replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_clean_tree(v) for v in value]
    if isinstance(value, dict):
        return {_clean_tree(k): _clean_tree(v) for k, v in value.items()}
    return value


def read_xlsx(path: Path, sheet: str | None = None) -> Table:
    data = read_bytes(path)  # read once: the zip check and both workbook views use these bytes
    _check_zip(path, data)
    from openpyxl import load_workbook  # imported here: only the xlsx path needs it

    try:
        # two read-only views of the same file: formulas in one, Excel's cached values in the other
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types (KeyError, InvalidFileException, XML errors)
        raise ImportError_(f"{path.name}: cannot be opened as an .xlsx workbook ({type(exc).__name__})") from exc
    try:
        names = formulas.sheetnames
        name = sheet or names[0]
        if name not in names:
            raise ImportError_(f'{path.name}: no sheet named "{name}" (sheets: {", ".join(names)})')
        label = f"{path.name} [{name}]"
        notes: list[str] = []
        try:
            rows, formula_cells = _sheet_rows(formulas[name], values[name])
        except Exception as exc:  # read-only sheets parse as they go: broken XML, a bad cell value …
            raise ImportError_(f"{label}: the sheet cannot be read ({type(exc).__name__}: {exc})") from exc
    finally:
        formulas.close()
        values.close()
    if formula_cells:
        notes.append(f"{label}: {formula_cells} formula cell(s) were not evaluated; their values are the ones "
                     "Excel saved with the file (empty if it never calculated them)")
    return _table_from_rows(rows, label, notes)


def _sheet_rows(formulas: Any, values: Any) -> tuple[list[list[str]], int]:
    """The sheet's cells as text, and how many were formulas (their cached values are used)."""
    formula_cells = 0
    rows: list[list[str]] = []
    for f_row, v_row in zip(formulas.iter_rows(), values.iter_rows(), strict=False):
        out: list[str] = []
        for f_cell, v_cell in zip(f_row, v_row, strict=False):
            if getattr(f_cell, "data_type", None) == "f":
                formula_cells += 1
                out.append(cell_text(v_cell.value) if not str(v_cell.value or "").startswith("=") else "")
            else:
                out.append(cell_text(f_cell.value))
        rows.append(out)
    return rows, formula_cells


def _table_from_rows(rows: list[list[str]], label: str, notes: list[str]) -> Table:
    start = next((i for i, r in enumerate(rows) if any(v.strip() for v in r)), None)
    if start is None:
        raise ImportError_(f"{label}: the sheet is empty")
    columns = _unique_columns(rows[start], label, notes)
    table = Table(label, columns, [], notes)
    for i, record in enumerate(rows[start + 1:], start=start + 2):
        if not any(v.strip() for v in record):
            continue
        values = {c: (record[j] if j < len(record) else "") for j, c in enumerate(columns)}
        table.rows.append(Row(i, values))
    return table


def read_rows(path: Path, sheet: str | None = None) -> Table:
    """A CSV or XLSX file (by its extension) as a Table."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return read_xlsx(path, sheet)
    return read_csv(path)


def read_json(path: Path) -> Any:
    data = read_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportError_(f"{path.name}: JSON must be UTF-8 (bad byte at offset {exc.start})") from exc
    try:
        tree = json.loads(text)
        return _clean_tree(tree) if _SURROGATE_ESCAPE.search(text) else tree
    except json.JSONDecodeError as exc:
        raise ImportError_(f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    except ValueError as exc:  # json.loads refuses integers of more than 4300 digits with a ValueError
        raise ImportError_(f"{path.name}: cannot be read as JSON ({str(exc).split(':')[0]})") from exc
    except RecursionError as exc:
        raise ImportError_(f"{path.name}: JSON nested too deeply") from exc

