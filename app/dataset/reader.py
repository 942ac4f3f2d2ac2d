"""Reading one CSV table into a frame of strings, with each row's CSV line number.

Nothing here raises on bad content: unreadable files come back as *fatal* problems, and a table
that cannot be read yields an empty frame with the schema's columns.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from app.dataset.problems import Problem, Severity, shorten
from app.dataset.schema import TableSchema

LINE_COLUMN = "_line"
_SKIP_RE = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")


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
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        return _fatal(table, label, line, "not-csv", f"{label}, line {line}: contains a NUL byte")
    if not text.strip():
        problem = Problem(label, 1, None, None, "empty-file", f"{label} is empty (no header row)")
        return RawTable(empty_frame(table), (problem,))

    problems: list[Problem] = []
    missing_required: list[str] = []
    header = _header(text)
    if header is None:
        return _fatal(table, label, 1, "not-csv", f"{label}: the header row cannot be parsed as CSV")
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

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            frame = pd.read_csv(
                io.StringIO(text),
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                on_bad_lines="warn",
                engine="c",
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error) as exc:
            return _fatal(table, label, None, "not-csv",
                          f"{label}: cannot be parsed as CSV ({shorten(exc, 120)})")
    skipped_records = sorted(
        int(m.group(1)) for w in caught if (m := _SKIP_RE.search(str(w.message)))
    )
    frame.columns = [str(c).strip() for c in frame.columns]
    lines = _line_numbers(frame, skipped_records)
    physical_lines = text.split("\n")
    skipped_keys: list[str] = []
    for rec, phys in zip(skipped_records, _skipped_physical(frame, skipped_records), strict=True):
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
            blank &= (frame[col].to_numpy(dtype=object) == "")
        if blank.any():
            frame = frame.loc[~blank]

    for name in table.field_names:
        if name not in frame.columns:
            spec = table.field(name)
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


def _header(text: str) -> list[str] | None:
    try:
        row = next(csv.reader(io.StringIO(text)))
    except (StopIteration, csv.Error):
        return None
    return [c.strip() for c in row]


def _newlines_per_row(frame: pd.DataFrame) -> np.ndarray:
    counts = np.zeros(len(frame), dtype=np.int64)
    for col in frame.columns:
        series = frame[col]
        if series.str.contains("\n", regex=False).any():
            counts += series.str.count("\n").to_numpy(dtype=np.int64)
    return counts


def _line_numbers(frame: pd.DataFrame, skipped_records: list[int]) -> np.ndarray:
    """Physical line of each row: header is line 1; embedded newlines and skipped rows count."""
    n = len(frame)
    records = np.arange(n, dtype=np.int64) + 2
    if skipped_records:
        skipped = np.asarray(skipped_records, dtype=np.int64)
        # record numbers after removing skipped ones: shift each row past the skipped records
        for rec in skipped:
            records[records >= rec] += 1
    newlines = _newlines_per_row(frame)
    before = np.concatenate([[0], np.cumsum(newlines)[:-1]]) if n else newlines
    return records + before


def _skipped_physical(frame: pd.DataFrame, skipped_records: list[int]) -> list[int]:
    if not skipped_records:
        return []
    newlines = _newlines_per_row(frame)
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
