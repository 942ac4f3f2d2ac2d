"""Dates as precise as they are known: labels for windows of day/week/month/quarter/year precision."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from app.dataset import columns as C

MONTHS = np.array(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])


def _fmt(dates: pd.Series, precision: str) -> np.ndarray:
    """Dates as text at a precision, with numpy string ops (strftime is ~5x slower at 100k rows)."""
    valid = dates.notna().to_numpy()
    year = dates.dt.year.fillna(0).astype("int64").to_numpy().astype(str)
    if precision in ("year", "quarter"):
        text = year if precision == "year" else np.char.add(
            np.char.add("Q", dates.dt.quarter.fillna(1).astype("int64").to_numpy().astype(str)), np.char.add(" ", year))
    else:
        month = MONTHS[dates.dt.month.fillna(1).astype("int64").to_numpy() - 1]
        text = np.char.add(np.char.add(month, " "), year)
        if precision in ("day", "week"):
            day = dates.dt.day.fillna(1).astype("int64").to_numpy().astype(str)
            text = np.char.add(np.char.add(day, " "), text)
    return np.where(valid, text, "")


def window_labels(events: pd.DataFrame) -> pd.Series:
    """A label per event: '17 May 2022', 'May 2022', 'Q3 2022', '2021', 'from 16 Jan 2016 (still in force)';
    a window over several days/months/years reads 'a – b'."""
    start = events[C.DATE_START]
    end = events[C.DATE_END]
    prec = events[C.DATE_PRECISION].to_numpy()
    out = np.full(len(events), "", dtype=object)
    for p in ("day", "week", "month", "quarter", "year"):
        m = prec == p
        if not m.any():
            continue
        s_txt = _fmt(start[m], p)
        e_txt = _fmt(end[m], p)
        same = (s_txt == e_txt) | (e_txt == "")
        out[m] = np.where(same, s_txt, np.char.add(np.char.add(s_txt.astype(str), " – "), e_txt.astype(str)))
    labels = pd.Series(out, index=events.index, dtype="str")
    open_ended = events[C.OPEN_ENDED].to_numpy() if C.OPEN_ENDED in events else np.zeros(len(events), bool)
    if open_ended.any():
        labels[open_ended] = ("from " + labels[open_ended] + " (still in force)").to_numpy()
    return labels


def today(setting: str = "") -> pd.Timestamp:
    """'Today' for open-ended periods: the setting if given (tests, reproducible figures), else now."""
    if setting:
        return pd.Timestamp(setting)
    return pd.Timestamp(dt.date.today())
