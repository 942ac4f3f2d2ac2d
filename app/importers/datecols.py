"""How a whole date column is read, decided once from all its values and written in the report.

A careful analyst does not guess a date's order row by row. For each date column:

- **Day/month order** (``a/b/yyyy``): ``--dayfirst`` / ``--monthfirst`` when given; else the rows
  decide ("dates read day-first: 312 rows have a first field over 12"); a column that only has
  readings where both orders give real dates follows the format's own convention (ACLED's old
  layout is day-first, TimeMap's default month-first), and with no convention the rows are kept,
  read month-first, and each one is flagged ``ambiguous-date`` (exit code 1) — never silently.
- **Two-digit years** (``5-Aug-24``): the row's own ``year`` column when the file has one (ACLED);
  else the century of the column's four-digit years; else the latest year not after this one.
- **Excel serial day numbers** (``43831``): when most of the column is 5–7 digit numbers.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from app.importers.dates import (
    _SERIAL,
    DateProblem,
    Window,
    date_order,
    has_two_digit_year,
    numeric_order,
    parse_date,
)


@dataclass(frozen=True)
class DateReading:
    """The decisions for one column; ``parse`` applies them to one value."""

    dayfirst: bool = False
    flag_ambiguous: bool = False  # no evidence, no convention, no flag: each ambiguous row is flagged
    pivot: int | None = None
    serial: bool = False

    def parse(self, text: str, year_hint: int | None = None) -> Window:
        return parse_date(text, self.dayfirst, year_hint=year_hint, pivot=self.pivot, serial=self.serial)

    def ambiguous(self, text: str) -> bool:
        if not self.flag_ambiguous:
            return False
        pair = numeric_order(text)
        return pair is not None and pair[0] <= 12 and pair[1] <= 12 and pair[0] != pair[1]


def decide(
    notes: list[str], column: str, values: Sequence[str], dayfirst: bool | None = None,
    convention: tuple[bool, str] | None = None, year_column: str | None = None, today: dt.date | None = None,
) -> DateReading:
    """Decide how ``column`` is read; each decision taken adds one sentence to ``notes``."""
    texts = [v for v in values if v]
    serial = _serial_column(texts)
    if serial:
        notes.append(f'"{column}" holds Excel serial day numbers (e.g. {next(v for v in texts if _SERIAL.match(v))}); '
                     "read as days since 1899-12-30, Excel's own epoch")
    order = date_order(texts)
    flag = False
    if dayfirst is not None:
        chosen = dayfirst
        if order.ambiguous or order.day_first or order.month_first:
            notes.append(f'dates in "{column}" read {"day" if dayfirst else "month"}-first, as asked '
                         f"({'--dayfirst' if dayfirst else '--monthfirst'})")
    elif order.decided is not None:
        chosen = order.decided
        n = order.day_first if chosen else order.month_first
        notes.append(f'dates in "{column}" read {"day" if chosen else "month"}-first: {n:,} row(s) have a '
                     f'{"first" if chosen else "second"} field over 12, none the other way')
    elif order.day_first and order.month_first:
        chosen = order.day_first >= order.month_first
        notes.append(f'dates in "{column}" mix both orders ({order.day_first:,} row(s) only make sense day-first, '
                     f"{order.month_first:,} only month-first); read {'day' if chosen else 'month'}-first, the rows "
                     "that contradict it are dropped — check the file")
    elif order.ambiguous and convention is not None:
        chosen = convention[0]
        notes.append(f'dates in "{column}" read {"day" if chosen else "month"}-first ({convention[1]}); no row '
                     "settles it — pass --dayfirst or --monthfirst if that is wrong")
    elif order.ambiguous:
        chosen, flag = False, True
        notes.append(f'{order.ambiguous:,} date(s) in "{column}" could be read either day-first or month-first and '
                     "nothing in the file settles it; they were read month-first and each is flagged "
                     "\"ambiguous-date\" — pass --dayfirst or --monthfirst to say which")
    else:
        chosen = False
    pivot = None
    two = [v for v in texts if has_two_digit_year(v)]
    if two and year_column:
        notes.append(f'{len(two):,} date(s) in "{column}" have two-digit years ("{two[0]}"); read with the file\'s '
                     f'"{year_column}" column')
    elif two:
        four = [_year(v, chosen) for v in texts[:20000] if not has_two_digit_year(v)]
        years = [y for y in four if y is not None]
        if years:
            pivot = int(statistics.median(years))
            notes.append(f'{len(two):,} date(s) in "{column}" have two-digit years ("{two[0]}"); each read in the '
                         f"century closest to the column's four-digit years ({min(years)}–{max(years)})")
        else:
            this_year = (today or dt.date.today()).year
            pivot = this_year - 50
            notes.append(f'{len(two):,} date(s) in "{column}" have two-digit years ("{two[0]}"); each read as the '
                         f"year closest to {pivot}, so none lies after {pivot + 50} (\"24\" → 2024, \"77\" → 1977)")
    return DateReading(chosen, flag, pivot, serial)


def _serial_column(texts: Sequence[str]) -> bool:
    sample = texts[:2000]
    if not sample:
        return False
    serials = sum(1 for v in sample if _SERIAL.match(v) and 10000 <= float(v) <= 2958465)
    return serials * 2 > len(sample)


def _year(text: str, dayfirst: bool) -> int | None:
    try:
        return parse_date(text, dayfirst).start.year
    except DateProblem:
        return None
