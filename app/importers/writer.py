"""Writing an import as a data package: the six CSVs, schema.json and datapackage.json.

The schema is the bundled one with the *category* and *sub_category* vocabularies replaced by
what the import found (an imported dataset brings its own categories; each category has a
generic sub-category of the same name, plus any real sub-categories the source had). When ACLED
actors have no type of ours, an "other" actor type is added. Files are written through a
temporary file and a rename, so no half-written file is left behind.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from app.dataset import columns as C
from app.dataset.schema import BUNDLED_SCHEMA
from app.errors import OutputError, SchemaError
from app.export.write import as_user_file
from app.importers.model import FORMAT_NAMES, OTHER_ACTOR_TYPE, ImportResult
from app.importers.readers import ARROW_POOL
from app.importers.text import slug

LICENCE = {"name": "unknown", "title": "unknown — check the source"}


def package_schema(result: ImportResult, schema_path: Path | None = None) -> dict[str, Any]:
    """The bundled (or given) schema.json with the import's own category vocabularies."""
    path = schema_path or BUNDLED_SCHEMA
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
        vocabularies = schema["vocabularies"]
    except FileNotFoundError as exc:
        raise SchemaError(f"{path}: schema file not found") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise SchemaError(f"{path}: not a readable schema ({exc})") from exc
    origin = result.source_name
    vocabularies[C.CATEGORY]["values"] = [
        {"value": value, "label": label, "description": f'Imported from {origin}: "{label}".'}
        for value, label in result.categories.items()
    ]
    vocabularies[C.SUB_CATEGORY]["values"] = [
        {"value": value, "category": category, "label": label,
         "description": f'Imported from {origin}: "{label}"' + (" (the category as a whole)." if value == category
                                                                 else ".")}
        for value, (category, label) in result.sub_categories.items()
    ]
    actor_types = vocabularies.get("actor_type", {}).get("values", [])
    if result.uses_other_actor_type and not any(t.get("value") == "other" for t in actor_types):
        actor_types.append(dict(OTHER_ACTOR_TYPE))
    schema["$comment"] = (f"Schema of a dataset imported from {origin} by geotimeline. The category and "
                          "sub_category vocabularies are the ones found in the import. " + schema.get("$comment", ""))
    return dict(schema)


def package_metadata(result: ImportResult, today: dt.date | None = None) -> dict[str, Any]:
    day = (today or dt.date.today()).isoformat()
    origin = result.source_name
    fmt = FORMAT_NAMES.get(result.fmt, result.fmt)
    where = f", {result.dataset_url}" if result.dataset_url else ""
    source: dict[str, str] = {"title": origin}
    if result.dataset_url:
        source["path"] = result.dataset_url
    return {
        "name": slug(result.title) or "imported-dataset",
        "title": result.title,
        "description": f"Events imported from {origin} ({fmt}) with geotimeline on {day}. Not yet reviewed: "
                       "check every event against its source before citing it.",
        "version": "0.1.0",
        "last_reviewed": day,
        "licenses": [dict(LICENCE)],
        "citation": f"{result.title}. Imported from {origin} ({fmt}{where}) with geotimeline on {day}. "
                    "Cite the original source, and check its licence before sharing.",
        "sources": [source],
        "curation_rules": [
            "Imported automatically and not yet reviewed by a curator.",
            "Verification is 'unverified' unless the source format says otherwise.",
            "Dates are windows at the precision the source gives; nothing finer is invented.",
        ],
        "import": {
            "format": result.fmt, "file": origin, "mapped": result.mapped, "unmapped": result.unmapped,
            "dropped": [d.as_dict() for d in result.dropped], "notes": result.notes,
        },
        "resources": [{"name": name, "path": f"{name}.csv"} for name in result.tables],
        "schema": "schema.json",
    }


def csv_text(frame: pd.DataFrame) -> str:
    """The table as CSV text, as ``frame.to_csv(index=False, lineterminator="\\n")`` writes it (the
    same ``csv`` writer, minimal quoting), from the columns at once rather than block by block."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([str(c) for c in frame.columns])
    writer.writerows(zip(*(frame[c].tolist() for c in frame.columns), strict=True))
    return buffer.getvalue()


_QUOTED = '[,"\n\r]'  # what makes the csv writer (minimal quoting, "\n" ending lines) quote a cell, and "\r"
_BLOCK = 65536  # rows joined at a time: the bytes of one block, never of the whole table


def _arrow_columns(frame: pd.DataFrame) -> list[tuple[pa.ChunkedArray, pa.ChunkedArray | None]] | None:
    """The frame's columns as Arrow strings, each with which of its cells need quotes (None: none
    does), or None when ``csv_bytes`` cannot vouch for the csv writer's bytes: not all text, a
    missing value, a "\\r" (which the csv writer of one Python quotes and of another does not),
    or a single column (whose empty cells the csv writer quotes)."""
    if len(frame.columns) < 2:
        return None
    out = []
    for name in frame.columns:
        try:
            arr = pa.chunked_array(pa.array(frame[name].array))
        except (pa.ArrowException, TypeError, ValueError):
            return None
        if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)) or arr.null_count:
            return None
        arr = pc.cast(arr, pa.large_string(), memory_pool=ARROW_POOL)
        needs = pc.match_substring_regex(arr, _QUOTED, memory_pool=ARROW_POOL) if _may_need_quotes(arr) else None
        if needs is not None and not pc.any(needs).as_py():
            needs = None
        if needs is not None and pc.any(pc.match_substring(arr.filter(needs), "\r")).as_py():
            return None
        out.append((arr, needs))
    return out


def _may_need_quotes(arr: pa.ChunkedArray) -> bool:
    """Whether any of the column's bytes is one that makes a cell quoted, or a "\\r" (a memchr
    over its buffers: most columns have none, and need no test cell by cell)."""
    for chunk in arr.chunks:
        data = chunk.buffers()[2]
        if data is not None and len(chunk):
            blob = data.to_pybytes()
            if any(c in blob for c in (b",", b'"', b"\n", b"\r")):
                return True
    return False


def _quoted(arr: pa.ChunkedArray, needs: pa.ChunkedArray | None) -> pa.ChunkedArray:
    if needs is None or not pc.any(needs).as_py():
        return arr
    quote, empty = pa.scalar('"', arr.type), pa.scalar("", arr.type)
    doubled = pc.replace_substring(arr, '"', '""', memory_pool=ARROW_POOL)
    quoted = pc.binary_join_element_wise(quote, doubled, quote, empty, memory_pool=ARROW_POOL)
    return pc.if_else(needs, quoted, arr, memory_pool=ARROW_POOL)


def csv_bytes(frame: pd.DataFrame, fh: BinaryIO) -> None:
    """Write the table to ``fh`` as the UTF-8 bytes of ``csv_text(frame)``: each cell quoted as
    the csv writer quotes it (a cell with a comma, a quote or a line break is quoted, its quotes
    doubled), done on the Arrow columns a block of rows at a time (pyarrow's own CSV writer quotes
    every string); the csv writer itself when ``_arrow_columns`` cannot vouch for the same bytes."""
    columns = _arrow_columns(frame)
    if columns is None:
        fh.write(csv_text(frame).encode("utf-8"))
        return
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow([str(c) for c in frame.columns])
    fh.write(header.getvalue().encode("utf-8"))
    kind = pa.large_string()
    for start in range(0, len(frame), _BLOCK):
        cells = [_quoted(arr.slice(start, _BLOCK), None if needs is None else needs.slice(start, _BLOCK))
                 for arr, needs in columns]
        cells[-1] = pc.binary_join_element_wise(cells[-1], pa.scalar("\n", kind), pa.scalar("", kind),
                                                memory_pool=ARROW_POOL)  # each line ends with its last cell
        lines = pc.binary_join_element_wise(*cells, pa.scalar(",", kind), memory_pool=ARROW_POOL)
        for chunk in lines.chunks:  # the lines' bytes are one buffer, end to end
            _, offsets, data = chunk.buffers()
            if len(chunk) and offsets is not None and data is not None:
                at = np.frombuffer(offsets, dtype=np.int64)[chunk.offset:chunk.offset + len(chunk) + 1]
                fh.write(memoryview(data)[int(at[0]):int(at[-1])])


def _write_text(text: str, fh: BinaryIO) -> None:
    fh.write(text.encode("utf-8"))


def _write_atomic(path: Path, write: Callable[[BinaryIO], None]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        as_user_file(fd)  # mkstemp makes 0600; the package gets the mode any file of the user gets
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_package(
    result: ImportResult, out_dir: Path, schema_path: Path | None = None, force: bool = False,
    today: dt.date | None = None,
) -> list[Path]:
    """Write the import as a data package in ``out_dir``; returns the files written.

    Refuses a directory that exists and is not empty unless ``force`` (then the package's files
    are replaced; other files in the directory are left alone).
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: exists and is not a directory")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise OutputError(f"{out_dir}: is not empty; choose a new directory or use --force")
    schema = package_schema(result, schema_path)  # before writing anything: a bad schema writes nothing
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        for name, frame in result.tables.items():
            path = out_dir / f"{name}.csv"
            _write_atomic(path, functools.partial(csv_bytes, frame))
            written.append(path)
        for name, data in (("schema.json", schema), ("datapackage.json", package_metadata(result, today))):
            path = out_dir / name
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
            _write_atomic(path, functools.partial(_write_text, text))
            written.append(path)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot write the package ({exc.strerror or exc})") from exc
    return written
