"""Reading one CSV table into a frame of strings, with each row's CSV line number.

Nothing here raises on bad content: unreadable files come back as *fatal* problems, and a table
that cannot be read yields an empty frame with the schema's columns.

The bytes are parsed by pyarrow's CSV reader straight into Arrow strings (pandas 3's str dtype),
on all cores; a file it cannot read exactly as the pandas C parser would (rows with more fields
than the header, oddly named columns, broken quoting) is read by the pandas C parser, as before.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from pyarrow import csv as pa_csv

from app.dataset.problems import Problem, Severity, shorten
from app.dataset.schema import TableSchema

LINE_COLUMN = "_line"
_SKIP_RE = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")
# ASCII characters that str.strip() removes (bytes.strip() leaves out \x1c-\x1f)
_ASCII_BLANK_RE = re.compile(rb"[ \t\n\r\x0b\x0c\x1c-\x1f]*")
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class RawTable:
    """A table as read: every schema column as strings, plus ``_line``; and what went wrong."""

    frame: pd.DataFrame
    problems: tuple[Problem, ...]
    fatal: bool = False
    missing_required: tuple[str, ...] = ()
    skipped_keys: tuple[str, ...] = ()  # first field of rows the parser could not split

    @property
    def broken(self) -> bool:
        """True when the table as a whole is unusable (rows from it cannot be trusted)."""
        return self.fatal or bool(self.missing_required) or any(
            p.code == "empty-file" for p in self.problems)


def empty_frame(table: TableSchema) -> pd.DataFrame:
    frame = pd.DataFrame({name: pd.Series([], dtype="str") for name in table.field_names})
    frame[LINE_COLUMN] = pd.Series([], dtype="int64")
    return frame


def read_table(path: Path, table: TableSchema, label: str | None = None) -> RawTable:
    """Read ``path`` as the table ``table`` describes. ``label`` is the file name used in problems."""
    label = label or path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return _fatal(table, label, None, "missing-table", f"{label}: file not found")
    except OSError as exc:
        return _fatal(table, label, None, "missing-table", f"{label}: cannot be read ({exc.strerror})")
    return parse_table_bytes(data, table, label)


def parse_table_bytes(data: bytes, table: TableSchema, label: str) -> RawTable:
    """Parse CSV bytes as ``table``. Used for files on disk and for uploads alike."""
    # The checks below work on the bytes: decoding a large file to one str (and wrapping it in a
    # StringIO, 4 bytes a character) costs more time and memory than all of the parsing.
    text: str | None = None
    if not data.isascii():
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            bad = data[exc.start : exc.start + 4]
            return _fatal(
                table, label, line, "not-utf8",
                f"{label}, line {line}: byte sequence {bad!r} is not UTF-8",
                value=repr(bad),
            )
    nul = data.find(b"\x00")
    if nul >= 0:
        # a BOM holds no newline, so counting in the bytes gives the line of the text
        line = data.count(b"\n", 0, nul) + 1
        return _fatal(table, label, line, "not-csv", f"{label}, line {line}: contains a NUL byte")
    empty = not text.strip() if text is not None else _ASCII_BLANK_RE.fullmatch(data) is not None
    if empty:
        problem = Problem(label, 1, None, None, "empty-file", f"{label} is empty (no header row)")
        return RawTable(empty_frame(table), (problem,))
    del text  # the parsers below read the bytes

    problems: list[Problem] = []
    missing_required: list[str] = []
    raw_header = _raw_header(data)
    if raw_header is None:
        return _fatal(table, label, 1, "not-csv", f"{label}: the header row cannot be parsed as CSV")
    header = [c.strip() for c in raw_header]
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(
                Problem(label, 1, name, name, "duplicate-column",
                        f'{label}, line 1: column "{name}" appears more than once')
            )
        seen.add(name)
    if problems:
        return RawTable(empty_frame(table), tuple(problems), fatal=True)

    quoted = data.find(b'"') >= 0  # without quotes no value can hold a newline
    skipped_records: list[int] = []
    arrow_frame = _read_arrow(data, raw_header, quoted)
    if arrow_frame is not None:
        frame = arrow_frame
    else:
        read = _read_pandas(data)
        if isinstance(read, str):
            return _fatal(table, label, None, "not-csv", f"{label}: cannot be parsed as CSV ({read})")
        frame, skipped_records = read
    frame.columns = [str(c).strip() for c in frame.columns]
    newlines = _newlines_per_row(frame) if quoted else np.zeros(len(frame), dtype=np.int64)
    lines = _line_numbers(newlines, skipped_records)
    skipped_keys: list[str] = []
    if skipped_records:
        physical_lines = data.decode("utf-8-sig").split("\n")
        for rec, phys in zip(skipped_records, _skipped_physical(newlines, skipped_records), strict=True):
            first = _first_field(physical_lines[phys - 1] if phys - 1 < len(physical_lines) else "")
            skipped_keys.append(first)
            problems.append(
                Problem(label, phys, None, first, "bad-row-shape",
                        f"{label}, line {phys}: has more fields than the header (row {rec} of the file)")
            )
    frame[LINE_COLUMN] = lines
    # rows that are entirely empty (blank lines) are ignored
    value_cols = [c for c in frame.columns if c != LINE_COLUMN]
    if value_cols and len(frame):
        blank = np.ones(len(frame), dtype=bool)
        for col in value_cols:
            blank &= np.asarray(frame[col] == "", dtype=bool)
        if blank.any():
            frame = frame.loc[~blank]

    for name in table.field_names:
        if name not in frame.columns:
            spec = table.field(name)
            if spec.may_be_absent:
                frame[name] = ""
                continue
            severity: Severity = "error" if spec.required else "warning"
            if spec.required:
                missing_required.append(name)
            problems.append(
                Problem(label, 1, name, None, "missing-column",
                        f'{label}, line 1: required column "{name}" is missing'
                        if spec.required else f'{label}, line 1: optional column "{name}" is missing',
                        severity=severity)
            )
            frame[name] = ""
    for name in header:
        if name not in table.field_names and name.strip():
            problems.append(
                Problem(label, 1, name, name, "unknown-column",
                        f'{label}, line 1: column "{shorten(name)}" is not in the schema; ignored',
                        severity="warning")
            )
    frame = frame[[*table.field_names, LINE_COLUMN]].reset_index(drop=True)
    return RawTable(frame, tuple(problems), missing_required=tuple(missing_required),
                    skipped_keys=tuple(skipped_keys))


def _first_field(line: str) -> str:
    try:
        return next(csv.reader([line]))[0].strip()
    except (StopIteration, IndexError, csv.Error):
        return ""


def _text_lines(data: bytes) -> Iterator[str]:
    """The lines of the UTF-8 ``data`` as iterating a StringIO of its text yields them, decoded
    one at a time (a newline byte never occurs inside a multi-byte character)."""
    start = len(_BOM) if data.startswith(_BOM) else 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end + 1
        yield data[start:end].decode("utf-8")
        start = end


def _raw_header(data: bytes) -> list[str] | None:
    """The header row as the csv module reads it (names not yet stripped)."""
    try:
        return next(csv.reader(_text_lines(data)))
    except (StopIteration, csv.Error):
        return None


def _read_arrow(data: bytes, raw_header: list[str], quoted: bool) -> pd.DataFrame | None:
    """Parse with pyarrow's CSV reader: multi-threaded and straight into Arrow strings, where the
    pandas C parser makes a Python object of every cell first.

    Both parsers follow the same CSV grammar (quotes only open a field, doubled quotes, \\n,
    \\r\\n and \\r end a row, a blank line is a row of empty fields). Rows with fewer fields
    than the header, pandas pads with empty fields; so does this when their text holds no quote
    or line break. Anything else unusual (such rows with quotes, rows with more fields, which
    pandas skips with a warning, odd header names, a file pyarrow rejects) returns None, and the
    caller reads the file with pandas."""
    if len(raw_header) < 2 or not all(name.strip() for name in raw_header):
        return None
    buffer = pa.py_buffer(data)
    if data.startswith(_BOM):
        buffer = buffer.slice(len(_BOM))
    table = _parse_arrow(buffer, raw_header, quoted)
    if table is None:
        # again on one thread, which numbers the rows of another width, collecting them
        odd: list[tuple[int, int, str]] = []

        def collect(row: pa_csv.InvalidRow) -> str:
            odd.append((-1 if row.number is None else row.number, row.actual_columns, row.text))
            return "skip"

        table = _parse_arrow(buffer, raw_header, quoted, collect)
        # Long rows stay with pandas: it reports them in batches, and only the first of each batch
        # is picked up from its warning, which this cannot reproduce.
        if table is None or not odd or any(
                number < 2 or actual >= len(raw_header)
                or any(c in text for c in '"\r\n') or text.count(",") + 1 != actual
                for number, actual, text in odd):
            return None
        table = _insert_short_rows(table, odd)
        if table is None:
            return None
    if table.column_names != raw_header or any(t != pa.large_string() for t in table.schema.types):
        return None
    if quoted:
        # pyarrow ends a quoted field left open at the end of the file; pandas rejects the file.
        # Such a file ends with '"' and the last value, quotes doubled (so may a few valid ones).
        last = str(table.column(-1)[-1].as_py()) if table.num_rows else raw_header[-1]
        if data.endswith(('"' + last.replace('"', '""')).encode("utf-8")):
            return None
    return table.to_pandas()


def _parse_arrow(
    buffer: pa.Buffer, raw_header: list[str], quoted: bool,
    on_invalid: Callable[[pa_csv.InvalidRow], str] | None = None,
) -> pa.Table | None:
    try:
        return pa_csv.read_csv(
            pa.BufferReader(buffer),
            read_options=pa_csv.ReadOptions(use_threads=on_invalid is None),
            parse_options=pa_csv.ParseOptions(newlines_in_values=quoted, ignore_empty_lines=False,
                                              invalid_row_handler=on_invalid),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(raw_header, pa.large_string()), strings_can_be_null=False),
        )
    except (pa.ArrowException, ValueError):
        return None


def _insert_short_rows(table: pa.Table, short: list[tuple[int, int, str]]) -> pa.Table | None:
    """Put back the rows with fewer fields than the header (texts without quotes), padded with
    empty fields as pandas pads them, at their place among the rows (pyarrow numbers records
    from 1 for the header)."""
    width = table.num_columns
    fields = [text.split(",") for _, _, text in short]
    padded = pa.table({name: pa.array([f[i] if i < len(f) else "" for f in fields], pa.large_string())
                       for i, name in enumerate(table.column_names)})
    at = np.array([number for number, _, _ in short], dtype=np.int64) - 2
    total = table.num_rows + len(short)
    if len(set(at.tolist())) != len(at) or at.min() < 0 or at.max() >= total or width != padded.num_columns:
        return None  # not where they can be: let pandas read the file
    source = np.empty(total, dtype=np.int64)
    is_short = np.zeros(total, dtype=bool)
    is_short[at] = True
    source[~is_short] = np.arange(table.num_rows)
    source[at] = table.num_rows + np.arange(len(short))
    return pa.concat_tables([table, padded]).take(pa.array(source))


def _read_pandas(data: bytes) -> tuple[pd.DataFrame, list[int]] | str:
    """Parse with the pandas C parser: the frame and the record numbers of rows it skipped for
    having more fields than the header, or why the file cannot be parsed."""
    # The bytes, not a StringIO of the text: pandas would encode the text back to UTF-8 for its
    # parser anyway, and a StringIO holds up to four bytes a character. The BOM goes as decoding
    # with utf-8-sig drops it (pandas drops a second one at the start itself, as it did).
    body = data[len(_BOM):] if data.startswith(_BOM) else data
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            frame = pd.read_csv(
                io.BytesIO(body),
                encoding="utf-8",
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                on_bad_lines="warn",
                engine="c",
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error) as exc:
            return shorten(exc, 120)
    skipped_records = sorted(
        int(m.group(1)) for w in caught if (m := _SKIP_RE.search(str(w.message)))
    )
    return frame, skipped_records


def _newlines_per_row(frame: pd.DataFrame) -> np.ndarray:
    counts = np.zeros(len(frame), dtype=np.int64)
    for col in frame.columns:
        series = frame[col]
        if series.str.contains("\n", regex=False).any():
            counts += series.str.count("\n").to_numpy(dtype=np.int64)
    return counts


def _line_numbers(newlines: np.ndarray, skipped_records: list[int]) -> np.ndarray:
    """Physical line of each row: header is line 1; embedded newlines and skipped rows count."""
    n = len(newlines)
    records = np.arange(n, dtype=np.int64) + 2
    if skipped_records:
        skipped = np.asarray(skipped_records, dtype=np.int64)
        # record numbers after removing skipped ones: shift each row past the skipped records
        for rec in skipped:
            records[records >= rec] += 1
    before = np.concatenate([[0], np.cumsum(newlines)[:-1]]) if n else newlines
    return records + before


def _skipped_physical(newlines: np.ndarray, skipped_records: list[int]) -> list[int]:
    rows_before = [max(0, rec - 2 - i) for i, rec in enumerate(skipped_records)]
    return [
        rec + int(newlines[: min(rb, len(newlines))].sum())
        for rec, rb in zip(skipped_records, rows_before, strict=True)
    ]


def _fatal(
    table: TableSchema, label: str, line: int | None, code: str, message: str,
    value: str | None = None,
) -> RawTable:
    problem = Problem(label, line, None, value, code, message, severity="fatal")
    return RawTable(empty_frame(table), (problem,), fatal=True)
