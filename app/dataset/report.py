"""Human and machine renderings of a validation report and of dataset counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from app.dataset import columns as C
from app.dataset.package import Dataset
from app.dataset.problems import Problem, shorten

#: Version of the ``validate --json`` format; bump on any incompatible change.
REPORT_FORMAT = 1


def summary_line(ds: Dataset) -> str:
    status = "UNREADABLE" if ds.unreadable else ("INVALID" if ds.errors else "valid")
    return (
        f"{status}: {len(ds.events)} events, {len(ds.sources)} sources, {len(ds.actors)} actors · "
        f"{len(ds.errors)} errors, {len(ds.warnings)} warnings"
        + (f" · {ds.dropped_events} events not loaded" if ds.dropped_events else "")
    )


def problem_table(problems: Sequence[Problem], limit: int = 500) -> str:
    """A plain-text table: severity, where, code, message, fix. Cut after ``limit`` rows."""
    rows = []
    for p in problems[:limit]:
        where = p.file + (f":{p.line}" if p.line is not None else "")
        rows.append((p.severity.upper(), where, p.field or "", p.code,
                     shorten(p.message.split(": ", 1)[-1], 90), p.hint))
    header = ("LEVEL", "WHERE", "FIELD", "CODE", "PROBLEM", "HOW TO FIX")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(5)]
    lines = []
    for r in [header, *rows]:
        lines.append("  ".join(str(r[i]).ljust(widths[i]) for i in range(5)) + "  " + r[5])
    if len(problems) > limit:
        lines.append(f"… and {len(problems) - limit} more (use --json for all)")
    return "\n".join(lines)


def validation_json(ds: Dataset) -> dict[str, Any]:
    """The stable ``validate --json`` document (format documented in README)."""
    status = "unreadable" if ds.unreadable else ("invalid" if ds.errors else "valid")
    return {
        "format": REPORT_FORMAT,
        "status": status,
        "data_dir": str(ds.data_dir) if ds.data_dir else None,
        "summary": {
            "events": len(ds.events),
            "events_in_file": ds.raw_event_count,
            "sources": len(ds.sources),
            "actors": len(ds.actors),
            "systems": len(ds.systems),
            "errors": len(ds.errors),
            "warnings": len(ds.warnings),
        },
        "problems": [
            {
                "severity": p.severity, "file": p.file, "line": p.line, "field": p.field,
                "value": p.value, "code": p.code, "message": p.message, "hint": p.hint,
            }
            for p in ds.problems
        ],
    }


def describe_counts(ds: Dataset) -> dict[str, Any]:
    ev = ds.events
    per_cat: pd.Series | None
    per_year: pd.Series | None
    if len(ev):
        per_cat = ev[C.CATEGORY].value_counts().sort_index()
        per_year = ev[C.DATE_START].dt.year.value_counts().sort_index()
        span = (ev[C.DATE_START].min().date().isoformat(),
                ev[C.DATE_END].max().date().isoformat() if ev[C.DATE_END].notna().any() else "")
        periods = int((ev[C.KIND] == "period").sum())
    else:
        per_cat = per_year = None
        span = ("", "")
        periods = 0
    return {
        "title": ds.title(),
        "version": ds.metadata.get("version"),
        "events": len(ev),
        "periods": periods,
        "sources": len(ds.sources),
        "actors": len(ds.actors),
        "systems": len(ds.systems),
        "date_span": list(span),
        "per_category": {str(k): int(v) for k, v in per_cat.items()} if per_cat is not None else {},
        "per_year": {str(k): int(v) for k, v in per_year.items()} if per_year is not None else {},
    }


def data_notice(ds: Dataset) -> str:
    """The page's one-line warning when rows of the data package were not loaded ('' if none)."""
    if not ds.errors:
        return ""
    n = ds.dropped_events
    target = ds.data_dir or "DATA_DIR"
    what = f"{n} event{'s' if n != 1 else ''} not shown" if n else "Some rows were not loaded"
    return f"{what} — run `python -m app validate {target}` to see why."
