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
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from app.importers.errors import ImportError_
from app.importers.source import MAX_FILE_BYTES as MAX_FILE_BYTES
from app.importers.source import Source

MAX_XLSX_UNCOMPRESSED = 512 * 1024 * 1024  # sum of the zip members once inflated
MAX_XLSX_RATIO = 200  # a member inflating more than 200x is treated as a zip bomb
_DELIMITERS = (",", ";", "\t", "|")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


#: the allocator of the importers' large Arrow arrays: the system's. pyarrow's default (mimalloc)
#: gives freed pages back and faults them in again: 8 s of system time in an import of a million
#: rows, against 3 s.
ARROW_POOL = pa.system_memory_pool()

MISSING_ALWAYS = frozenset({"NULL", "null", "Null", "#N/A", "N/A", "n/a", "NaN", "nan", "#NULL!"})
MISSING_R = frozenset({"NA", "None"})  # R's and Python's markers; "NA" is also Namibia's ISO 3166 code
MISSING = MISSING_ALWAYS | MISSING_R


class Row:
    """One row of text: its line in the user's file (header = 1) and its cells, by column."""

    __slots__ = ("index", "line", "record")

    def __init__(self, line: int, record: list[str], index: dict[str, int]) -> None:
        self.line = line
        self.record = record
        self.index = index

    @property
    def values(self) -> dict[str, str]:
        n = len(self.record)
        return {c: (self.record[i] if i < n else "") for c, i in self.index.items()}

    def get(self, column: str | None) -> str:
        if not column:
            return ""
        i = self.index.get(column)
        if i is None or i >= len(self.record):
            return ""
        return self.record[i].strip()

    def __repr__(self) -> str:
        return f"Row({self.line}, {self.values!r})"


class ColumnRows:
    """The rows of a CSV held as columns (one list of cells per column, repeated values shared),
    a sequence of ``Row`` made on demand: a million rows of text take a few hundred bytes each
    instead of a list and a ``Row`` object each."""

    def __init__(self, cells: list[list[str]], lines: list[int], index: dict[str, int]) -> None:
        self.cells, self.lines, self.index = cells, lines, index

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self.lines)))]
        return Row(self.lines[i], [c[i] for c in self.cells], self.index)

    def __iter__(self) -> Any:
        index = self.index
        for line, record in zip(self.lines, zip(*self.cells, strict=True), strict=True):
            yield Row(line, list(record), index)


@dataclass
class Table:
    """A sheet of text: column names in order, rows with their line numbers, and reading notes."""

    label: str
    columns: list[str]
    rows: Any  # list[Row], or ColumnRows (a CSV)
    notes: list[str] = field(default_factory=list)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # (line, reason): could not be split
    missing: dict[str, int] = field(default_factory=dict)  # marker -> cells read as empty


def blank_markers(table: Table) -> None:
    """Cells holding a missing-value marker of R, SQL or spreadsheet exports become empty, with a
    note. "NULL", "#N/A", "N/A", "NaN" always; "NA" and "None" too, except in a column whose other
    values are two-letter codes (there "NA" is Namibia)."""
    hits: dict[int, dict[str, list[Row]]] = {}
    for row in table.rows:
        if MISSING.isdisjoint(row.record):
            continue
        for i, v in enumerate(row.record):
            if v in MISSING:
                hits.setdefault(i, {}).setdefault(v, []).append(row)
    counts: dict[str, list[int]] = {}
    for i, by_marker in sorted(hits.items()):
        for marker, rows in by_marker.items():
            if marker == "NA" and _two_letter_column(table, i):
                continue
            for r in rows:
                r.record[i] = ""
            counts.setdefault(marker, []).append(len(rows))
    _note_markers(table, counts)


def _note_markers(table: Table, counts: dict[str, list[int]]) -> None:
    """The note (and ``table.missing``) for the cells emptied per marker: cells per column."""
    for marker, per_column in counts.items():
        cells = sum(per_column)
        table.missing[marker] = cells
        table.notes.append(f'{table.label}: read "{marker}" as a missing value (a marker of R, SQL or spreadsheet '
                           f"exports): {cells:,} cell(s) in {len(per_column)} column(s) left empty")


def _blank_cells(table: Table, rows: ColumnRows) -> None:
    """``blank_markers`` for rows held as columns (the same cells, the same notes)."""
    counts: dict[str, list[int]] = {}
    for cells in rows.cells:
        present = MISSING.intersection(cells)
        if not present:
            continue
        for marker in sorted(present, key=cells.index):
            if marker == "NA" and _two_letter_codes(cells[:5000]):
                continue
            n = 0
            for j, v in enumerate(cells):
                if v == marker:
                    cells[j] = ""
                    n += 1
            counts.setdefault(marker, []).append(n)
    _note_markers(table, counts)


def _two_letter_column(table: Table, i: int) -> bool:
    return _two_letter_codes([r.record[i] for r in table.rows[:5000] if i < len(r.record)])


def _two_letter_codes(cells: list[str]) -> bool:
    """Whether the cells that are not missing-value markers are all two-letter codes ("NA" is then
    Namibia, not a missing value)."""
    others = [v for v in (c.strip() for c in cells) if v and v not in MISSING]
    return bool(others) and all(len(v) == 2 and v.isalpha() and v.isupper() for v in others)


def read_bytes(source: Source) -> bytes:
    return source.read_bytes()


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
    # lines cut as io.StringIO(newline="") cuts them; without "\r", without a copy of the text
    reader = csv.reader(_lines(text, 0) if "\r" not in text else io.StringIO(text, newline=""), delimiter=delimiter)
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
    index = {c: i for i, c in enumerate(columns)}
    width = len(columns)
    header_line = reader.line_num
    fast = _arrow_cells(text, delimiter, width) if header_line == 1 else None
    if fast is not None:  # every line after the header one record of the header's width
        rows = ColumnRows(fast, list(range(2, 2 + len(fast[0]))), index)
        table.rows = rows
        _blank_cells(table, rows)
        return table
    cells: list[list[str]] = [[] for _ in columns]
    shared: dict[int, dict[str, str] | None] = {}
    lines: list[int] = []
    chunk: list[list[str]] = []
    ends: list[int] = []
    last = header_line
    try:  # the common case in one pass: every record can be split
        for record in reader:
            chunk.append(record)
            ends.append(reader.line_num)
            if len(chunk) == 20000:
                last = _take(table, chunk, ends, last, width, cells, shared, lines)
        last = _take(table, chunk, ends, last, width, cells, shared, lines)
    except csv.Error:
        table.bad_rows.clear()
    else:
        rows = ColumnRows(cells, lines, index)
        table.rows = rows
        _blank_cells(table, rows)
        return table
    # a record that cannot be split: read again, one record at a time, each error on its line
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    next(reader)
    append = table.rows.append
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
        if _fit(table, record, width, start):
            append(Row(start, record, index))
    blank_markers(table)
    return table


# what str.strip() strips (str.isspace), in RE2: a cell with any other character is not blank
_NOT_SPACE = r"[^\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"


def _arrow_cells(text: str, delimiter: str, width: int) -> list[list[str]] | None:
    """The cells of the records after the header, column by column, read by pyarrow's CSV parser
    (in C++) when the csv reader would read the same (``_arrow_columns``); a header on one line.
    None otherwise (the csv reader then reads the file)."""
    start = text.find("\n") + 1
    if not start or "\x00" in text or width < 2 or ("\r" in text and text.count("\r") != text.count("\r\n")):
        return None
    body = text[start:].encode("utf-8")
    lines = body.count(b"\n") + (1 if body and not body.endswith(b"\n") else 0)
    columns = _arrow_columns(body, lines, delimiter, width)
    del body
    return None if columns is None else _python_cells(columns)


def _arrow_columns(body: Any, lines: int, delimiter: str, width: int) -> list[Any] | None:
    """The text after the header (UTF-8 bytes, or a buffer of them) as one Arrow string column per
    field, when the csv reader would read the same: no NUL, no "\\r" but in "\\r\\n" (the caller
    checks both), ``lines`` records of exactly the header's width (no blank line, no quoted line
    break, no record wider or narrower), no cell past the csv reader's size limit, no record of
    blank cells, and valid UTF-8 throughout. None otherwise."""
    if not lines:
        return None
    names = [f"c{i}" for i in range(width)]
    try:
        read = pa_csv.read_csv(
            body if isinstance(body, pa.Buffer) else pa.py_buffer(body), memory_pool=ARROW_POOL,
            read_options=pa_csv.ReadOptions(column_names=names, block_size=1 << 24, use_threads=False),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if read.num_rows != lines:
        return None
    limit = csv.field_size_limit()
    blank = None
    columns = [read.column(i) for i in range(width)]
    del read
    for arr in columns:
        if arr.null_count or (len(arr) and pc.max(pc.binary_length(arr)).as_py() > limit):
            return None
    for arr in columns:  # a record is blank when each of its cells is
        cell_blank = pc.invert(pc.match_substring_regex(arr, _NOT_SPACE))
        blank = cell_blank if blank is None else pc.and_(blank, cell_blank)
        if not pc.any(blank).as_py():
            break
    else:
        return None
    return columns


def _python_cells(columns: list[Any]) -> list[list[str]]:
    """Arrow string columns as lists of str; a column that repeats its values shares one string
    per value. The list is emptied as it goes: each column's Arrow memory goes once its strings
    are made."""
    out: list[list[str]] = []
    for i, arr in enumerate(columns):
        columns[i] = arr.slice(0, 0)
        first = arr.slice(0, 20000).to_pylist()
        values: list[str] = []
        if len(set(first)) * 2 < len(first):
            seen: dict[str, str] = {}
            for chunk in arr.chunks:
                part = chunk.to_pylist()
                values.extend(map(seen.setdefault, part, part))
        else:
            for chunk in arr.chunks:
                values.extend(chunk.to_pylist())
        del arr
        out.append(values)
    return out


_BOM = b"\xef\xbb\xbf"


def _read_csv_bytes(box: list[bytes], label: str) -> Table | None:
    """A CSV read column-wise straight from its bytes, without decoding the whole text first: the
    table ``parse_csv_text`` would make of the decoded text when pyarrow can read it
    (``_arrow_columns``), valid UTF-8 throughout and the header on its first line. ``box`` holds the
    bytes; it is emptied before the cells are made, so the file's memory goes first. None (and
    ``box`` untouched) when the file must be decoded and read by the csv reader."""
    data = box[0]
    skip = len(_BOM) if data.startswith(_BOM) else 0
    newline = data.find(b"\n", skip)
    if newline < 0 or b"\x00" in data or (b"\r" in data and data.count(b"\r") != data.count(b"\r\n")):
        return None
    second = data.find(b"\n", newline + 1)
    try:  # the header and the line after it: a header whose quotes run on past its line is not read here
        head = data[skip: second + 1 if second >= 0 else len(data)].decode("utf-8")
    except UnicodeDecodeError:
        return None
    delimiter = _delimiter(head.split("\n", 1)[0])
    reader = csv.reader(_lines(head, 0), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return None
    if reader.line_num != 1 or not any(h.strip() for h in header) or len(header) < 2:
        return None
    start = newline + 1
    lines = data.count(b"\n", start) + (1 if len(data) > start and not data.endswith(b"\n") else 0)
    columns = _arrow_columns(pa.py_buffer(data).slice(start), lines, delimiter, len(header))
    if columns is None:
        return None
    box.clear()
    del data, head
    notes: list[str] = []
    if delimiter != ",":
        notes.append(f"{label}: columns are separated by {delimiter!r}")
    names = _unique_columns(header, label, notes)
    cells = _python_cells(columns)
    rows = ColumnRows(cells, list(range(2, 2 + len(cells[0]))), {c: i for i, c in enumerate(names)})
    table = Table(label, names, rows, notes)
    _blank_cells(table, rows)
    return table


def _fit(table: Table, record: list[str], width: int, line: int) -> bool:
    """Whether a record on ``line`` is a row: a record wider than the header loses its empty extra
    cells (one with text there is a bad row, noted); a blank record is skipped."""
    if len(record) > width:
        if any(v.strip() for v in record[width:]):
            table.bad_rows.append((line, f"has {len(record)} fields but the header names {width}; "
                                         "check commas and quotes"))
            return False
        del record[width:]
    return any(record) and bool("".join(record).strip())


def _lines(text: str, start: int) -> Any:
    """The text's lines from ``start`` on, each with its "\\n" (a text without "\\r")."""
    find = text.find
    end = len(text)
    while start < end:
        stop = find("\n", start)
        if stop < 0:
            yield text[start:]
            return
        yield text[start:stop + 1]
        start = stop + 1


def _take(table: Table, chunk: list[list[str]], ends: list[int], last: int, width: int,
          cells: list[list[str]], shared: dict[int, dict[str, str] | None], lines: list[int]) -> int:
    """Move a chunk of records into the columns (the checks of the row-by-row loop below);
    a column whose first chunk repeats its values shares one string per value."""
    kept: list[list[str]] = []
    keep, mark = kept.append, lines.append
    for end, record in zip(ends, chunk, strict=True):
        start, last = last + 1, end
        first = record[0] if len(record) == width else ""
        if not first or first.isspace():  # not plainly a row of the header's width: the checks of _fit
            if not _fit(table, record, width, start):
                continue
            n = len(record)
            if n < width:
                record.extend([""] * (width - n))
        keep(record)
        mark(start)
    chunk.clear()
    ends.clear()
    if not kept:
        return last
    for i, values in enumerate(zip(*kept, strict=True)):
        if i not in shared:
            shared[i] = {} if len(set(values)) * 2 < len(values) else None
        seen = shared[i]
        if seen is not None:
            cells[i].extend(map(seen.setdefault, values, values))
        else:
            cells[i].extend(values)
    return last


def read_csv(path: Source) -> Table:
    box = [read_bytes(path)]
    table = _read_csv_bytes(box, path.name)
    if table is not None:
        return table
    notes: list[str] = []
    text = decode_text(box.pop(), path.name, notes)
    return parse_csv_text(text, path.name, notes)


def _check_zip(path: Source, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise ImportError_(f"{path.name}: not an .xlsx workbook (not a zip file)") from exc
    except OSError as exc:
        raise ImportError_(f"{path.name}: cannot be read ({exc.strerror})") from exc
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
    if isinstance(value, dt.time):
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


def read_xlsx(path: Source, sheet: str | None = None) -> Table:
    return read_xlsx_sheets(path, [sheet] if sheet else None)[0]


def read_xlsx_sheets(path: Source, sheets: list[str] | None = None,
                     pick: Any = None) -> list[Table]:
    """Sheets of a workbook as Tables: the ones named (``sheets``), or those ``pick(names)``
    returns, or else the first sheet."""
    data = read_bytes(path)  # read once: the zip check and both workbook views use these bytes
    _check_zip(path, data)
    from openpyxl import load_workbook  # imported here: only the xlsx path needs it

    try:
        # two read-only views of the same file: formulas in one, Excel's cached values in the other
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types (KeyError, InvalidFileException, XML errors)
        raise ImportError_(f"{path.name}: cannot be opened as an .xlsx workbook ({type(exc).__name__})") from exc
    tables: list[Table] = []
    try:
        names = list(formulas.sheetnames)
        wanted = list(sheets) if sheets else (list(pick(names)) if pick is not None else names[:1])
        for name in wanted:
            if name not in names:
                raise ImportError_(f'{path.name}: no sheet named "{name}" (sheets: {", ".join(names)})')
            label = f"{path.name} [{name}]"
            notes: list[str] = []
            try:
                rows, formula_cells = _sheet_rows(formulas[name], values[name])
            except Exception as exc:  # read-only sheets parse as they go: broken XML, a bad cell value …
                raise ImportError_(f"{label}: the sheet cannot be read ({type(exc).__name__}: {exc})") from exc
            if formula_cells:
                notes.append(f"{label}: {formula_cells} formula cell(s) were not evaluated; their values are the "
                             "ones Excel saved with the file (empty if it never calculated them)")
            if not any(any(v.strip() for v in r) for r in rows) and sheets is None and pick is not None:
                continue
            tables.append(_table_from_rows(rows, label, notes))
    finally:
        formulas.close()
        values.close()
    return tables


def sheet_names(path: Source) -> list[str]:
    data = read_bytes(path)
    _check_zip(path, data)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True)
    except Exception as exc:
        raise ImportError_(f"{path.name}: cannot be opened as an .xlsx workbook ({type(exc).__name__})") from exc
    try:
        return list(book.sheetnames)
    finally:
        book.close()


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
    index = {c: i for i, c in enumerate(columns)}
    for i, record in enumerate(rows[start + 1:], start=start + 2):
        if not any(v.strip() for v in record):
            continue
        table.rows.append(Row(i, record[: len(columns)], index))
    blank_markers(table)
    return table


def read_rows(path: Source, sheet: str | None = None) -> Table:
    """A CSV or XLSX file (by its extension) as a Table."""
    if path.suffix in {".xlsx", ".xlsm"}:
        return read_xlsx(path, sheet)
    return read_csv(path)


def read_json(path: Source) -> Any:
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

