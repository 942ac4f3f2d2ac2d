"""What a shared server agrees to hold for one upload — the one table of limits, read by the upload
code, the browser's size check, the request-size limit and README (a test checks README says the
same numbers).

Each limit is checked as early as it can be: bytes in the browser before sending and again on
arrival; rows, columns and cells from the file's own structure (line count, header, sheet
dimension, JSON array length) before anything is parsed into tables; memory once the tables are
built. A file past any of them is refused with one line that says the limit and the way around it
(the command line, which has no such limits).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from app.importers.errors import ImportError_

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
MAX_UPLOAD_ROWS = 100_000
MAX_UPLOAD_COLUMNS = 300
MAX_UPLOAD_CELLS = 5_000_000
MAX_UPLOAD_MEMORY = 400 * 1024 * 1024  # the built tables of one upload, as pandas measures them
# a larger upload (within the limits) is read as a background job with a progress bar; a smaller one
# on the request (a second or two at most)
BACKGROUND_UPLOAD_BYTES = 1024 * 1024
CLI_WAY = ("for larger tables use `python -m app import FILE --from FORMAT --out DIR`, "
           "then `python -m app serve --data DIR`")


class LimitExceeded(ImportError_):
    """An upload past one of the limits; the message says which, the limit, and the CLI way."""


@dataclass(frozen=True)
class Shape:
    rows: int  # data rows (at least this many: counting stops past the limit)
    columns: int
    lines: int = 0  # the text's lines, when counted


def refuse(name: str, what: str, limit: str) -> LimitExceeded:
    return LimitExceeded(f"{name}: {what}; an upload may have at most {limit} ({CLI_WAY})")


def check_bytes(name: str, size: int) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise refuse(name, f"{size / 1048576:.1f} MB", f"{MAX_UPLOAD_BYTES // 1048576} MB")


def check_shape(name: str, shape: Shape) -> None:
    if shape.columns > MAX_UPLOAD_COLUMNS:
        raise refuse(name, f"{shape.columns:,} columns", f"{MAX_UPLOAD_COLUMNS:,} columns")
    if shape.rows > MAX_UPLOAD_ROWS:
        lines = f" ({shape.lines:,} lines)" if shape.lines > shape.rows else ""
        raise refuse(name, f"more than {MAX_UPLOAD_ROWS:,} rows{lines}" if shape.rows == MAX_UPLOAD_ROWS + 1
                     else f"{shape.rows:,} rows", f"{MAX_UPLOAD_ROWS:,} events")
    if shape.rows * max(shape.columns, 1) > MAX_UPLOAD_CELLS:
        raise refuse(name, f"{shape.rows:,} rows × {shape.columns:,} columns = "
                     f"{shape.rows * shape.columns:,} cells", f"{MAX_UPLOAD_CELLS:,} cells")


def check_events(name: str, n: int) -> None:
    if n > MAX_UPLOAD_ROWS:
        raise refuse(name, f"{n:,} events", f"{MAX_UPLOAD_ROWS:,} events")


def check_memory(name: str, nbytes: int) -> None:
    if nbytes > MAX_UPLOAD_MEMORY:
        raise refuse(name, f"{nbytes / 1048576:.0f} MB in memory once read",
                     f"{MAX_UPLOAD_MEMORY // 1048576} MB in memory")


def text_shape(text: str, delimiter: str) -> Shape:
    """Rows and columns of a delimited text, counting rows no further than one past the limit.

    Newlines are counted first (a C loop over the text); only when they pass the limit, and the
    text has a quote (a quoted cell may hold newlines), are the rows counted as CSV, and then only
    up to the limit + 1."""
    newlines = text.count("\n") + (0 if text.endswith("\n") else 1)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, [])
    if newlines - 1 <= MAX_UPLOAD_ROWS:
        return Shape(rows=max(newlines - 1, 0), columns=len(header))
    if '"' not in text:  # no quoted cell, so no newline inside one: every line is a row (a C scan)
        return Shape(rows=min(newlines - 1, MAX_UPLOAD_ROWS + 1), columns=len(header), lines=newlines)
    rows = 0
    for rows, _ in enumerate(reader, start=1):  # bounded: stops one past the limit
        if rows > MAX_UPLOAD_ROWS:
            break
    return Shape(rows=rows, columns=len(header), lines=newlines)


def json_events(data: bytes) -> int | None:
    """How many events a TimelineJS/TimeMap JSON document lists (None when it cannot tell)."""
    try:
        top = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if isinstance(top, dict):
        for key in ("events", "associations"):
            if isinstance(top.get(key), list):
                return len(top[key])
    return len(top) if isinstance(top, list) else None


def browser_checks() -> dict[str, object]:
    """What the browser checks before it sends a file (assets/callbacks.js ``checkUpload``): the
    byte limit, and for a delimited text the row limit by its line count; each refusal in the words
    the server would use (``refuse``), with ``{name}`` and ``{what}`` for the browser to fill. A
    1.75M-row CSV is then refused before its 30 MB are posted (the post and the page's handling of
    it took most of the 6–8 s the refusal took in the browser; bench/upload_refusal.py --browser)."""
    return {
        "bytes": MAX_UPLOAD_BYTES, "rows": MAX_UPLOAD_ROWS,
        "bytesRefusal": f"Not opened: {refuse('{name}', '{what}', f'{MAX_UPLOAD_BYTES // 1048576} MB')}",
        "rowsRefusal": f"Not opened: {refuse('{name}', '{what}', f'{MAX_UPLOAD_ROWS:,} events')}",
        "rowsWhat": f"more than {MAX_UPLOAD_ROWS:,} rows ({{lines}} lines)",  # check_shape's words
    }


def limits_in_words() -> str:
    """The limits as README and the upload panel say them."""
    return (f"{MAX_UPLOAD_BYTES // 1048576} MB, {MAX_UPLOAD_ROWS:,} events, {MAX_UPLOAD_COLUMNS} columns, "
            f"{MAX_UPLOAD_CELLS:,} cells and {MAX_UPLOAD_MEMORY // 1048576} MB in memory per upload")


def limits_sentence() -> str:
    """The upload panel's line on limits: the same words as README, and the same way around them as
    every refusal (CLI_WAY), as plain text."""
    return f"Limits: {limits_in_words()}; {CLI_WAY.replace('`', '')}."
