"""Problems found in a data package or in a file being imported: one typed record for both,
collected rather than raised.

Every problem names the file, the CSV line (header = line 1), the field, the offending value,
a stable machine code, a message and a hint on how to fix it. Errors drop the row (and rows that
depend on it); warnings keep it; a *fatal* problem means a table could not be read at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["fatal", "error", "warning"]

#: Stable problem codes, with the fix hint shown to users. Documented in README.
CODES: dict[str, str] = {
    "missing-directory": "Check the path; it must be a folder holding the data package.",
    "missing-table": "Add the CSV file named in schema.json, with its header row.",
    "not-utf8": "Save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8').",
    "not-csv": "The file must be comma-separated text with one header row.",
    "empty-file": "The file is empty: it needs at least the header row.",
    "missing-column": "Add the column to the header row (see schema.json for the column list).",
    "unknown-column": "Remove or rename the column; it is not in schema.json and is ignored.",
    "duplicate-column": "Each column name may appear once in the header.",
    "bad-row-shape": "The row has a different number of fields than the header; check commas and quotes.",
    "required": "Fill in the field; it may not be empty.",
    "bad-date": "Use a real calendar date written YYYY-MM-DD.",
    "bad-partial-date": "Use YYYY-MM-DD, YYYY-MM or YYYY.",
    "bad-number": "Use a plain decimal number such as 38.5598.",
    "out-of-range": "Use a value within the allowed range.",
    "bad-enum": "Use one of the allowed values listed in schema.json.",
    "bad-pattern": "Use only letters, digits, '.', '_' and '-' and start with a letter or digit.",
    "too-long": "Shorten the text.",
    "bad-url": "Use a full http:// or https:// address.",
    "bad-country": "Use an ISO 3166-1 alpha-3 country code such as IRN, RUS or TJK.",
    "duplicate-key": "Give each row its own identifier; identifiers are never reused.",
    "missing-reference": "Point at an identifier that exists in the referenced table, or add that row.",
    "end-before-start": "date_end must be on or after date_start.",
    "point-window": "A day-precision point event has date_start equal to date_end.",
    "open-point": "Only a period may be open-ended; give a point event a date_end.",
    "precision-window": ("Make the window match the precision (a month is its 1st to its last day, of one month); "
                         "a window of several months is precision 'range'."),
    "bad-bounds": "Keep value_low <= value <= value_high.",
    "no-value": "Give the figure in value, or its bounds in value_low / value_high.",
    "relay-not-listed": ("Name the originating report: a source_id listed for the same event, or the report's name "
                         "and date when we did not see it; leave it empty for an original report."),
    "lat-lon-pair": "Give both latitude and longitude, or neither.",
    "geo-none-with-coords": "Either set geo_precision to something other than 'none' or remove the coordinates.",
    "missing-coords": "Add latitude and longitude, or set geo_precision to 'none'.",
    "sub-category-mismatch": "Pick a sub_category that belongs to the category (see schema.json).",
    "no-source": "Link the event to at least one source in event_sources.csv.",
    "dependent-dropped": "Fix the row it depends on; this row was dropped with it.",
    "empty-narrative": "Add steps for the narrative in narrative_steps.csv, or remove it.",
    "bad-metadata": "Fix datapackage.json (valid JSON with title, version, licenses, last_reviewed).",
    "no-events": "The package has no events: add rows to events.csv (or fix the rows an import dropped).",
    # found while importing a foreign file (file = the user's file, line = its line, field = its column)
    "unreadable-row": "Check commas and quotes on that line of your file.",
    "no-date": "Fill in the date column of that row.",
    "two-digit-year": "Write the year in full (2024, not 24), or keep a year column beside the date.",
    "ambiguous-date": "Pass --dayfirst or --monthfirst to say how your file writes dates.",
    "date-out-of-range": "Dates must lie between year 1 and year 9999 (BCE dates cannot be shown).",
    "no-title": "Give the row a title or a description.",
    "not-an-object": "Each item of the list must be an object with the format's keys.",
    "missing-field": "Add the column (or name it with --map FIELD=COLUMN).",
}


@dataclass(frozen=True)
class Problem:
    """One problem in one place."""

    file: str
    line: int | None
    field: str | None
    value: str | None
    code: str
    message: str
    severity: Severity = "error"
    fix: str = ""  # a hint for this very problem (an import's speaks of the user's columns)

    @property
    def hint(self) -> str:
        return self.fix or CODES.get(self.code, "")

    def where(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.field:
            parts.append(f'field "{self.field}"')
        return ", ".join(parts)

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        del d["fix"]
        d["hint"] = self.hint
        return d


def flatten(problems: Iterable[Problem]) -> list[tuple[int | None, str | None, str]]:
    """The (line, field, code) list that fixture tests assert on."""
    return [(p.line, p.field, p.code) for p in problems]


def shorten(value: object, limit: int = 60) -> str:
    """A value as shown in a message: repr-like, cut to ``limit`` characters."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text
