"""Framing rules of the timeline: which stretch of time a view opens on, how far the axis may run,
and what the quick ranges (1 y, 5 y, Story, All) show. Pure (no dash, no plotly).

The rules (README, "Framing rules"):

1. The default view spans the *story* the data package declares in its metadata
   (``"temporalCoverage": "2007-01-01/.."`` in datapackage.json, an ISO 8601 interval as in
   schema.org; ``..`` = still going on, i.e. today). Earlier events stay one click away (All).
2. Open-ended periods end at *today*, which the timeline marks with a line.
3. The axis never runs more than a small margin (``margin``) past the last event's end, or today
   when a period is still in force; nor before the first event.
4. *1 y* and *5 y* count back from the end of the data (or today); *All* shows everything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from app.dataset import columns as C
from app.dates import FIRST_DAY, clamp, ends_or_today

MARGIN_SHARE = 0.015  # of the span: the small margin either side
MIN_MARGIN = pd.Timedelta(days=10)
MAX_MARGIN = pd.Timedelta(days=120)
MIN_SPAN = pd.Timedelta(days=90)  # the narrowest window a view opens on
COVERAGE_KEYS = ("temporalCoverage", "temporal_coverage")
_DATE = r"([0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?|\.\.)?"
_INTERVAL = re.compile(r"^\s*" + _DATE + r"\s*(?:/\s*" + _DATE + r")?\s*$")


@dataclass(frozen=True)
class Frame:
    """The time frame of a set of events: ``first``..``last`` is everything (open periods reach
    ``today``); ``lo``..``hi`` the axis bounds (a small margin beyond); ``story`` the default window."""

    first: pd.Timestamp
    last: pd.Timestamp
    lo: pd.Timestamp
    hi: pd.Timestamp
    story: tuple[pd.Timestamp, pd.Timestamp]
    today: pd.Timestamp
    open_periods: bool

    def quick(self) -> dict[str, tuple[str, str]]:
        """The quick ranges as ISO dates: 1 y and 5 y back from the end, the story, everything."""
        end = self.last
        out = {}
        for key, years in (("1y", 1), ("5y", 5)):
            # DateOffset works through Python's datetime: no year before 1 (a frame ending in year 3)
            start = self.lo if end.year - years < FIRST_DAY.year else max(end - pd.DateOffset(years=years), self.lo)
            out[key] = (_day(start), _day(self.hi))
        out["story"] = (_day(self.story[0]), _day(self.story[1]))
        out["all"] = (_day(self.lo), _day(self.hi))
        return out

    def meta(self) -> dict[str, Any]:
        """What the page's script needs (layout.meta.frame): quick ranges, the story, today."""
        return {"quick": self.quick(), "today": _day(self.today), "bounds": [_day(self.lo), _day(self.hi)]}


def _day(stamp: pd.Timestamp) -> str:
    return pd.Timestamp(stamp).date().isoformat()


def parse_coverage(metadata: Mapping[str, Any] | None) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """(start, end) of the story the metadata declares; None for an open or missing end.
    Never raises: a value it cannot read is ignored (the whole span is then the story)."""
    if not isinstance(metadata, Mapping):
        return None, None
    value = next((metadata[k] for k in COVERAGE_KEYS if k in metadata), None)
    if isinstance(value, Mapping):  # {"start": ..., "end": ...}
        value = f"{value.get('start') or '..'}/{value.get('end') or '..'}"
    if not isinstance(value, str):
        return None, None
    m = _INTERVAL.match(value)
    if not m:
        return None, None
    return _stamp(m.group(1), start=True), _stamp(m.group(2), start=False)


def _stamp(text: str | None, start: bool) -> pd.Timestamp | None:
    if not text or text == "..":
        return None
    try:
        stamp = pd.Timestamp(text)
    except (ValueError, TypeError):
        return None
    if start:
        return stamp
    # an end written as a year or a month means its last day
    if len(text) == 4:
        return pd.Timestamp(year=stamp.year, month=12, day=31)
    if len(text) == 7:
        return stamp + pd.offsets.MonthEnd(0)
    return stamp


def margin(first: pd.Timestamp, last: pd.Timestamp) -> pd.Timedelta:
    """The small margin either side of a span: 1.5 % of it, between 10 and 120 days."""
    share = (last - first) * MARGIN_SHARE
    return max(MIN_MARGIN, min(MAX_MARGIN, share))


def frame_of(events: pd.DataFrame, today: pd.Timestamp, coverage: tuple[pd.Timestamp | None, pd.Timestamp | None]
             = (None, None)) -> Frame | None:
    """The frame of ``events`` (None when there are none, or none is dated)."""
    if events.empty:
        return None
    starts = events[C.DATE_START]
    ends = ends_or_today(events, today)
    first, last = starts.min(), ends.max()
    if pd.isna(first) or pd.isna(last):
        return None
    open_periods = bool(events[C.DATE_END].isna().any())
    if last - first < MIN_SPAN:  # a few events close together: a season around them
        mid = first + (last - first) / 2
        first, last = mid - MIN_SPAN / 2, mid + MIN_SPAN / 2
    pad = margin(first, last)
    first, last = clamp(first), clamp(last)
    lo, hi = clamp(first - pad).normalize(), clamp(last + pad).normalize()  # never year 0 or 10000
    story_start, story_end = coverage
    s0 = story_start if story_start is not None and first < story_start < last else first
    s1 = story_end if story_end is not None and s0 < story_end < last else last
    story = (clamp(s0 - margin(s0, s1)).normalize() if s0 > first else lo,
             clamp(s1 + margin(s0, s1)).normalize() if s1 < last else hi)
    return Frame(first=first, last=last, lo=lo, hi=hi, story=story, today=today, open_periods=open_periods)


def outside(events: pd.DataFrame, today: pd.Timestamp, window: tuple[pd.Timestamp, pd.Timestamp]) -> tuple[int, int]:
    """(events that end before the window, events that start after it)."""
    if events.empty:
        return 0, 0
    ends = ends_or_today(events, today)
    return int((ends < window[0]).sum()), int((events[C.DATE_START] > window[1]).sum())
