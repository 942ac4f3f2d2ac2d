"""Dates as windows: what a foreign file says ("2019", "March 2023", "15/03/2023", "20230315",
"April-May 1945") becomes the first and last day the source supports, with a precision
(day · week · month · quarter · year).

Nothing is invented: a year alone is 1 January … 31 December at year precision, never a fake day;
a prose date read by python-dateutil keeps only the parts the text gives (it is parsed twice with
two different defaults, and a part that changes with the default was not in the text).
Problems are ``DateProblem`` exceptions carrying a message fit for the import report and a code.

The range is year 1 … 9999 (pandas 3 holds second-resolution datetimes, so the old 1677 … 2262
nanosecond limit no longer applies); BCE dates are refused with a clear reason.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

PRECISIONS = ("day", "week", "month", "quarter", "year")  # finest first

# The dataset holds dates as datetime64[s] (pandas 3), which spans far more than the calendar of
# Python's datetime.date: year 1 … 9999 is the range. BCE years are refused with a clear reason.
MIN_DATE = dt.date(1, 1, 1)
MAX_DATE = dt.date(9999, 12, 31)

_MONTHS: dict[str, int] = {}
for _i in range(1, 13):
    _MONTHS[calendar.month_name[_i].lower()] = _i
    _MONTHS[calendar.month_abbr[_i].lower()] = _i
_MONTHS["sept"] = 9

_ORD = r"(?:st|nd|rd|th)?"
_ISO_TIME = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?$")
_YEAR = re.compile(r"^([+-]?\d{1,6}|-\d{7,})(?:\.0+)?$")  # a BCE year may be long (cosmology timelines)
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
    """A date that cannot become a window; ``str()`` is the reason shown in the import report,
    ``code`` the problem code (bad-date, two-digit-year, ambiguous-date, date-out-of-range)."""

    def __init__(self, message: str, code: str = "bad-date") -> None:
        super().__init__(message)
        self.code = code


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
            f'"{text}" ({era}) is outside the dates the timeline can hold (year 1 … 9999)', "date-out-of-range")


def checked(window: Window, text: str = "") -> Window:
    """``window`` if it lies within MIN_DATE … MAX_DATE; else a DateProblem."""
    if window.start < MIN_DATE or window.end > MAX_DATE:
        shown = text or f"{window.start} … {window.end}"
        raise DateProblem(f'"{shown}" is outside the dates the timeline can hold (year 1 … 9999)',
                          "date-out-of-range")
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
            raise DateProblem(f'"{day}" is outside the dates the timeline can hold', "date-out-of-range") from exc
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


def two_digit_century(yy: int, pivot: int) -> int:
    """The year ending in ``yy`` closest to ``pivot`` (ties: the earlier one)."""
    base = pivot - pivot % 100 + yy
    return min((base - 100, base, base + 100), key=lambda y: (abs(y - pivot), y))


def _full_year(text: str, year: str, hint: int | None = None, pivot: int | None = None) -> int:
    if len(year) != 2:
        return int(year)
    yy = int(year)
    if hint is not None:
        if hint % 100 == yy:
            return hint
        raise DateProblem(f'"{text}" has a two-digit year that does not match the row\'s year {hint}',
                          "two-digit-year")
    if pivot is not None:
        return two_digit_century(yy, pivot)
    raise DateProblem(f'"{text}" has a two-digit year; write the year in full', "two-digit-year")


@lru_cache(maxsize=65536)
def has_two_digit_year(text: str) -> bool:
    t = " ".join(text.split())
    m = _NUMERIC.match(t) or _D_MON_Y.match(t) or _MON_D_Y.match(t) or _MON_Y.match(t)
    return m is not None and len(m.groups()[-1]) == 2 and not _Y_M.match(t)


@lru_cache(maxsize=65536)
def numeric_order(text: str) -> tuple[int, int] | None:
    """For 'a/b/yyyy' dates: (a, b), used to guess whether a column is day-first."""
    m = _NUMERIC.match(text.strip())
    return (int(m.group(1)), int(m.group(2))) if m else None


@dataclass(frozen=True)
class Order:
    """What a column's a/b/yyyy dates say about their order."""

    day_first: int  # rows whose first field is over 12 (only day-first makes sense)
    month_first: int  # rows whose second field is over 12
    ambiguous: int  # rows where both readings are real, different dates

    @property
    def decided(self) -> bool | None:
        if self.day_first and not self.month_first:
            return True
        if self.month_first and not self.day_first:
            return False
        return None


def date_order(values: Iterable[str]) -> Order:
    day_first = month_first = ambiguous = 0
    for v in values:
        pair = numeric_order(v) if v and v[0].isdigit() else None
        if pair is None:
            continue
        if pair[0] > 12:
            day_first += 1
        elif pair[1] > 12:
            month_first += 1
        elif pair[0] != pair[1]:
            ambiguous += 1
    return Order(day_first, month_first, ambiguous)


def guess_dayfirst(values: Iterable[str]) -> bool | None:
    """True when some 'a/b/yyyy' value only makes sense day-first (a > 12) and none month-first."""
    return date_order(values).decided


_WEEKDAY = re.compile(r"^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)
_OF = re.compile(r"(\d)(?:st|nd|rd|th)?\s+of\s+", re.IGNORECASE)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\d{2}(?:\d{2}(?:\d{2})?)?)?$")  # YYYYMMDD[HH[MM[SS]]]
_SERIAL = re.compile(r"^(\d{5,7})(?:\.\d+)?$")
_APPROX = re.compile(r"^(?:c\.|ca\.?|circa|about|around|approx\.?|approximately)\s*(.+)$", re.IGNORECASE)
_DECADE = re.compile(r"^(\d{3})0s$")
_MON_MON_Y = re.compile(r"^([A-Za-z]+)\.?\s*(?:-|–|—|to|/)\s*([A-Za-z]+)\.?,?\s+(\d{4})$")
_D_D_MON_Y = re.compile(rf"^(\d{{1,2}}){_ORD}\s*(?:-|–|—|to)\s*(\d{{1,2}}){_ORD}\s+([A-Za-z]+)\.?,?\s+(\d{{4}})$")
_MON_D_D_Y = re.compile(rf"^([A-Za-z]+)\.?\s+(\d{{1,2}}){_ORD}\s*(?:-|–|—|to)\s*(\d{{1,2}}){_ORD},?\s+(\d{{4}})$")
_Y_Y = re.compile(r"^(\d{4})\s*(?:-|–|—|to|/)\s*(\d{2}|\d{4})$")
_RANGE_SPLIT = re.compile(r"\s+(?:-|–|—|to|until)\s+|\s*[–—]\s*", re.IGNORECASE)
EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value: object, dayfirst: bool = False, *, year_hint: int | None = None,
               pivot: int | None = None, serial: bool = False) -> Window:
    """A date written by a person or a program, as a window. Raises DateProblem.

    ``year_hint``: the row's own year (ACLED's ``year`` column) settles a two-digit year;
    ``pivot``: else a two-digit year is the one closest to this year; ``serial``: 5-7 digit
    numbers are Excel serial day numbers (the column was decided to hold them).
    A range ("April-May 1945", "3-5 March 2020", "1939-45", "1990s", "May 2020 – June 2021")
    gives a window from its first to its last day at the start's precision (``span`` makes it a
    period)."""
    if isinstance(value, dt.datetime | dt.date):
        return window_of(value.year, value.month, value.day)
    text = " ".join(str(value if value is not None else "").split())
    if not text:
        raise DateProblem("the date is empty", "no-date")
    return _parse_text(text, dayfirst, year_hint, pivot, serial)


@lru_cache(maxsize=65536)
def _parse_text(text: str, dayfirst: bool, hint: int | None, pivot: int | None, serial: bool) -> Window:
    try:
        return _single(text, dayfirst, hint, pivot, serial)
    except DateProblem as first:
        if first.code != "bad-date" or not (found := _range(text, dayfirst, hint, pivot)):
            if first.code == "bad-date" and any(c.isalpha() for c in text):
                prose = _prose(text, dayfirst)
                if prose is not None:
                    return prose
            raise
        return found


def _single(text: str, dayfirst: bool, hint: int | None, pivot: int | None, serial: bool) -> Window:
    text = text.rstrip(".").strip() if not text.endswith("B.C.") and not text.endswith("B.C.E.") else text
    text = _OF.sub(r"\1 ", _WEEKDAY.sub("", text))
    if m := _ISO_TIME.match(text):
        text = m.group(1)
    if m := _COMPACT.match(text):
        return window_of(int(m.group(1)), int(m.group(2)), int(m.group(3)), text)
    if serial and (m := _SERIAL.match(text)):
        n = int(m.group(1))
        try:
            serial_day = EXCEL_EPOCH + dt.timedelta(days=n)
        except OverflowError as exc:
            raise DateProblem(f'"{text}" is not an Excel date serial in range', "date-out-of-range") from exc
        return window_of(serial_day.year, serial_day.month, serial_day.day, text)
    if m := _YEAR.match(text):
        return window_of(int(m.group(1)), None, None, text)
    if m := _BCE.match(text):
        return window_of(-int(m.group(1)) + 1, None, None, text)
    if m := _Y_M_D.match(text):
        return window_of(int(m.group(1)), int(m.group(2)), int(m.group(3)), text)
    if m := _Y_M.match(text):
        if int(m.group(2)) > 12 and "-" in text and (y := _Y_Y.match(text)):
            return _year_range(y, text)
        return window_of(int(m.group(1)), int(m.group(2)), None, text)
    if m := _NUMERIC.match(text):
        a, b, year = int(m.group(1)), int(m.group(2)), _full_year(text, m.group(3), hint, pivot)
        day, month = (a, b) if dayfirst else (b, a)
        if month > 12 and day <= 12:
            order = "month-first" if dayfirst else "day-first"
            raise DateProblem(f'"{text}" only makes sense {order}, but the column is read '
                              f'{"day-first" if dayfirst else "month-first"}', "ambiguous-date")
        return window_of(year, month, day, text)
    if m := _M_Y.match(text):
        return window_of(int(m.group(2)), int(m.group(1)), None, text)
    if (m := _D_MON_Y.match(text)) and (mon := _month(m.group(2))):
        return window_of(_full_year(text, m.group(3), hint, pivot), mon, int(m.group(1)), text)
    if (m := _MON_D_Y.match(text)) and (mon := _month(m.group(1))):
        return window_of(_full_year(text, m.group(3), hint, pivot), mon, int(m.group(2)), text)
    if (m := _MON_Y.match(text)) and (mon := _month(m.group(1))):
        return window_of(_full_year(text, m.group(2), hint, pivot), mon, None, text)
    if m := _Q_Y.match(text):
        return quarter_window(int(m.group(2)), int(m.group(1)), text)
    if m := _Y_Q.match(text):
        return quarter_window(int(m.group(1)), int(m.group(2)), text)
    if m := _APPROX.match(text):
        return _single(m.group(1), dayfirst, hint, pivot, False)
    raise DateProblem(f'"{text}" is not a date this importer understands (e.g. 2023-03-15, 15 March 2023, 2023)')


def _year_range(m: re.Match[str], text: str) -> Window:
    first, second = m.group(1), m.group(2)
    last = int(first[:2] + second) if len(second) == 2 else int(second)
    return _join(window_of(int(first), None, None, text), window_of(last, None, None, text), text)


def _join(start: Window, end: Window, text: str) -> Window:
    if end.end < start.start:
        raise DateProblem(f'"{text}": the end ({end.start}) is before the start ({start.start})')
    return Window(start.start, end.end, start.precision)


def _range(text: str, dayfirst: bool, hint: int | None, pivot: int | None) -> Window | None:
    """A range written in one cell, or None when the text is not one."""
    t = text.rstrip(".").strip()
    t = _APPROX.sub(r"\1", t)
    try:
        if m := _DECADE.match(t):
            first = int(m.group(1)) * 10
            return _join(window_of(first, None, None, t), window_of(first + 9, None, None, t), t)
        if m := _Y_Y.match(t):
            return _year_range(m, t)
        if (m := _MON_MON_Y.match(t)) and (a := _month(m.group(1))) and (b := _month(m.group(2))):
            year = int(m.group(3))
            return _join(window_of(year, a, None, t), window_of(year, b, None, t), t)
        if (m := _D_D_MON_Y.match(t)) and (mon := _month(m.group(3))):
            year = int(m.group(4))
            return _join(window_of(year, mon, int(m.group(1)), t), window_of(year, mon, int(m.group(2)), t), t)
        if (m := _MON_D_D_Y.match(t)) and (mon := _month(m.group(1))):
            year = int(m.group(4))
            return _join(window_of(year, mon, int(m.group(2)), t), window_of(year, mon, int(m.group(3)), t), t)
        parts = _RANGE_SPLIT.split(t)
        if len(parts) != 2 or not all(parts):
            return None
        end = _single(parts[1], dayfirst, hint, pivot, False)
        try:
            start = _single(parts[0], dayfirst, hint, pivot, False)
        except DateProblem:  # "5 March - 7 April 2020": the start borrows the end's year
            start = _single(f"{parts[0]} {end.start.year}", dayfirst, hint, pivot, False)
        return _join(start, end, t)
    except DateProblem:
        return None


def _prose(text: str, dayfirst: bool) -> Window | None:
    """A date in words that the patterns above miss ("Tuesday 5th March, 2019 at 10am"), read by
    python-dateutil; only the parts the text gives are kept."""
    from dateutil import parser

    try:
        a = parser.parse(text, dayfirst=dayfirst, default=dt.datetime(2000, 1, 1))
        b = parser.parse(text, dayfirst=dayfirst, default=dt.datetime(2004, 2, 2))
    except (ValueError, OverflowError, TypeError):
        return None
    if a.year != b.year:
        return None  # no year in the text: a date cannot be placed
    try:
        if a.month != b.month:
            return window_of(a.year, None, None, text)
        if a.day != b.day:
            return window_of(a.year, a.month, None, text)
        return window_of(a.year, a.month, a.day, text)
    except DateProblem:
        return None


def single_unit(w: Window) -> bool:
    """True when the window is one unit of its precision (one day, one month …)."""
    if w.precision == "day":
        return w.start == w.end
    if w.precision == "week":
        return (w.end - w.start).days == 6
    try:
        return w.start.replace(day=1) == w.start and Window(w.start, w.start, "day").widen(w.precision) == w
    except DateProblem:
        return False


def span(start: Window, end: Window | None) -> tuple[str, Window]:
    """(kind, window) from a start and an optional end: a span longer than the start's own window
    is a period; otherwise a point event at the start's precision."""
    if end is None:
        return ("point", start) if single_unit(start) else ("period", start)
    if (end.start, end.end) == (start.start, start.end):
        return ("point", start) if single_unit(start) else ("period", start)
    if end.end < start.start:
        raise DateProblem(f"the end ({end.start}) is before the start ({start.start})")
    if end.end <= start.end:  # the end lies inside the start's window: nothing more is known
        return ("point", start) if single_unit(start) else ("period", start)
    return "period", Window(start.start, end.end, start.precision)
