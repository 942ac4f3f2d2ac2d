"""Dates as windows: what a foreign file says ("2019", "March 2023", "15/03/2023") becomes the
first and last day the source supports, with a precision (day · week · month · quarter · year).

Nothing is invented: a year alone is 1 January … 31 December at year precision, never a fake day.
Problems are ``DateProblem`` exceptions carrying a message fit for the import report.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

PRECISIONS = ("day", "week", "month", "quarter", "year")  # finest first

# The dashboard keeps dates as pandas timestamps (nanoseconds since 1970 in its timeline, filters
# and exports), which hold 1677-09-22 … 2262-04-11 only. Earlier or later dates (year 602, BCE,
# far-future typos) are reported and dropped rather than crashing the app later.
MIN_DATE = (pd.Timestamp.min.ceil("D")).date()
MAX_DATE = (pd.Timestamp.max.floor("D")).date()

_MONTHS: dict[str, int] = {}
for _i in range(1, 13):
    _MONTHS[calendar.month_name[_i].lower()] = _i
    _MONTHS[calendar.month_abbr[_i].lower()] = _i
_MONTHS["sept"] = 9

_ORD = r"(?:st|nd|rd|th)?"
_ISO_TIME = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?$")
_YEAR = re.compile(r"^([+-]?\d{1,6})(?:\.0+)?$")
_BCE = re.compile(r"^(\d{1,6})\s*(?:BC|BCE|B\.C\.|B\.C\.E\.)$", re.IGNORECASE)
_Y_M = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_Y_M_D = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})$")
_M_Y = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_D_MON_Y = re.compile(rf"^(\d{{1,2}}){_ORD}[\s-]+([A-Za-z]+)\.?,?[\s-]+(\d{{1,4}})$")
_MON_D_Y = re.compile(rf"^([A-Za-z]+)\.?[\s-]+(\d{{1,2}}){_ORD},?\s+(\d{{1,4}})$")
_MON_Y = re.compile(r"^([A-Za-z]+)\.?,?[\s-]+(\d{1,4})$")
_Q_Y = re.compile(r"^Q([1-4])[\s-]*(\d{4})$", re.IGNORECASE)
_Y_Q = re.compile(r"^(\d{4})[\s-]*Q([1-4])$", re.IGNORECASE)


class DateProblem(ValueError):
    """A date that cannot become a window; ``str()`` is the reason shown in the import report."""


@dataclass(frozen=True)
class Window:
    """The first and last day a source supports, and how precise it is."""

    start: dt.date
    end: dt.date
    precision: str

    def widen(self, precision: str) -> Window:
        """The window at a coarser precision (a day inside "August 2022" -> the whole month)."""
        if PRECISIONS.index(precision) <= PRECISIONS.index(self.precision):
            return self
        d = self.start
        if precision == "week":  # the Monday-to-Sunday week holding the date
            monday = d - dt.timedelta(days=d.weekday())
            return checked(Window(monday, monday + dt.timedelta(days=6), "week"))
        if precision == "month":
            return window_of(d.year, d.month, None)
        if precision == "quarter":
            return quarter_window(d.year, (d.month - 1) // 3 + 1)
        return window_of(d.year, None, None)


def _year_in_range(year: int, text: str) -> None:
    if year < MIN_DATE.year or year > MAX_DATE.year:
        era = "a BCE year" if year <= 0 else f"year {year}"
        raise DateProblem(
            f'"{text}" ({era}) is outside the dates the timeline can hold ({MIN_DATE} … {MAX_DATE})')


def checked(window: Window, text: str = "") -> Window:
    """``window`` if it lies within MIN_DATE … MAX_DATE; else a DateProblem."""
    if window.start < MIN_DATE or window.end > MAX_DATE:
        shown = text or f"{window.start} … {window.end}"
        raise DateProblem(f'"{shown}" is outside the dates the timeline can hold ({MIN_DATE} … {MAX_DATE})')
    return window


def window_of(year: int, month: int | None, day: int | None, text: str = "") -> Window:
    """The window of a partial date: year only, year + month, or a full day."""
    shown = text or "-".join(str(p) for p in (year, month, day) if p is not None)
    _year_in_range(year, shown)
    if day is not None and month is None:
        raise DateProblem(f'"{shown}" has a day but no month')
    if month is not None and not 1 <= month <= 12:
        raise DateProblem(f'"{shown}": month {month} is not 1–12')
    try:
        if month is None:
            return checked(Window(dt.date(year, 1, 1), dt.date(year, 12, 31), "year"), shown)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return checked(Window(dt.date(year, month, 1), dt.date(year, month, last), "month"), shown)
        d = dt.date(year, month, day)
    except (ValueError, OverflowError) as exc:  # OverflowError: a day beyond a C int (2147483648)
        raise DateProblem(f'"{shown}" is not a real date') from exc
    return checked(Window(d, d, "day"), shown)


def quarter_window(year: int, quarter: int, text: str = "") -> Window:
    shown = text or f"Q{quarter} {year}"
    _year_in_range(year, shown)
    first = 3 * (quarter - 1) + 1
    last_day = calendar.monthrange(year, first + 2)[1]
    return checked(Window(dt.date(year, first, 1), dt.date(year, first + 2, last_day), "quarter"), shown)


def day_window(day: dt.date, precision: str = "day") -> Window:
    """A window around one known day: the day itself, or a week centred on it (ACLED's ±3 days)."""
    if precision == "week":
        try:
            return checked(Window(day - dt.timedelta(days=3), day + dt.timedelta(days=3), "week"))
        except OverflowError as exc:
            raise DateProblem(f'"{day}" is outside the dates the timeline can hold') from exc
    return checked(Window(day, day, "day"), day.isoformat())


def to_int(value: object, what: str) -> int | None:
    """A JSON/cell value as an integer ('2012', 2012, 2012.0, '-500'); None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise DateProblem(f"{what} {value!r} is not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value) or value != int(value):
            raise DateProblem(f"{what} {value!r} is not a whole number")
        return int(value)
    text = str(value).strip()
    m = _YEAR.match(text)
    if not m:
        raise DateProblem(f'{what} "{text}" is not a number')
    return int(m.group(1))


def _month(name: str) -> int | None:
    return _MONTHS.get(name.lower().rstrip("."))


def _full_year(text: str, year: str) -> int:
    if len(year) == 2:
        raise DateProblem(f'"{text}" has a two-digit year; write the year in full')
    return int(year)


def numeric_order(text: str) -> tuple[int, int] | None:
    """For 'a/b/yyyy' dates: (a, b), used to guess whether a column is day-first."""
    m = _NUMERIC.match(text.strip())
    return (int(m.group(1)), int(m.group(2))) if m else None


def guess_dayfirst(values: Iterable[str]) -> bool | None:
    """True when some 'a/b/yyyy' value only makes sense day-first (a > 12) and none month-first."""
    day_first = month_first = False
    for v in values:
        pair = numeric_order(v)
        if pair is None:
            continue
        day_first |= pair[0] > 12
        month_first |= pair[1] > 12
    if day_first and not month_first:
        return True
    if month_first and not day_first:
        return False
    return None


def parse_date(value: object, dayfirst: bool = False) -> Window:
    """A date written by a person or a program, as a window. Raises DateProblem."""
    if isinstance(value, dt.datetime):
        return window_of(value.year, value.month, value.day)
    if isinstance(value, dt.date):
        return window_of(value.year, value.month, value.day)
    text = " ".join(str(value if value is not None else "").split())
    if not text:
        raise DateProblem("the date is empty")
    m = _ISO_TIME.match(text)
    if m:
        text = m.group(1)
    if m := _YEAR.match(text):
        return window_of(int(m.group(1)), None, None, text)
    if m := _BCE.match(text):
        return window_of(-int(m.group(1)) + 1, None, None, text)
    if m := _Y_M_D.match(text):
        return window_of(int(m.group(1)), int(m.group(2)), int(m.group(3)), text)
    if m := _Y_M.match(text):
        return window_of(int(m.group(1)), int(m.group(2)), None, text)
    if m := _NUMERIC.match(text):
        a, b, year = int(m.group(1)), int(m.group(2)), _full_year(text, m.group(3))
        day, month = (a, b) if dayfirst else (b, a)
        if month > 12 and day <= 12:
            order = "month-first" if dayfirst else "day-first"
            raise DateProblem(f'"{text}" only makes sense {order}; check the day-first setting')
        return window_of(year, month, day, text)
    if m := _M_Y.match(text):
        return window_of(int(m.group(2)), int(m.group(1)), None, text)
    if (m := _D_MON_Y.match(text)) and (mon := _month(m.group(2))):
        return window_of(_full_year(text, m.group(3)), mon, int(m.group(1)), text)
    if (m := _MON_D_Y.match(text)) and (mon := _month(m.group(1))):
        return window_of(_full_year(text, m.group(3)), mon, int(m.group(2)), text)
    if (m := _MON_Y.match(text)) and (mon := _month(m.group(1))):
        return window_of(_full_year(text, m.group(2)), mon, None, text)
    if m := _Q_Y.match(text):
        return quarter_window(int(m.group(2)), int(m.group(1)), text)
    if m := _Y_Q.match(text):
        return quarter_window(int(m.group(1)), int(m.group(2)), text)
    raise DateProblem(f'"{text}" is not a date this importer understands (e.g. 2023-03-15, 15 March 2023, 2023)')


def span(start: Window, end: Window | None) -> tuple[str, Window]:
    """(kind, window) from a start and an optional end: a span longer than the start's own window
    is a period; otherwise a point event at the start's precision."""
    if end is None or (end.start, end.end) == (start.start, start.end):
        return "point", start
    if end.end < start.start:
        raise DateProblem(f"the end ({end.start}) is before the start ({start.start})")
    if end.end <= start.end:  # the end lies inside the start's window: nothing more is known
        return "point", start
    return "period", Window(start.start, end.end, start.precision)
