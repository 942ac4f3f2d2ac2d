"""Dates as precise as they are known: labels for windows of day/week/month/quarter/year precision."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from app.dataset import columns as C


def window_labels(events: pd.DataFrame) -> pd.Series:
    """A label per event: '17 May 2022', 'May 2022', 'Q3 2022', '2021', 'from Jan 2016 (in force)'."""
    start = events[C.DATE_START]
    end = events[C.DATE_END]
    prec = events[C.DATE_PRECISION]
    out = pd.Series("", index=events.index, dtype="str")
    fmt = {
        "day": "%-d %b %Y",
        "week": "%-d %b %Y",
        "month": "%b %Y",
        "quarter": "%Y",
        "year": "%Y",
    }
    for p, f in fmt.items():
        m = (prec == p).to_numpy()
        if not m.any():
            continue
        s_txt = start[m].dt.strftime(f)
        e_txt = end[m].dt.strftime(f).fillna("")
        if p == "quarter":
            s_txt = "Q" + start[m].dt.quarter.astype("str") + " " + s_txt
            e_txt = ("Q" + end[m].dt.quarter.astype("Int64").astype("str") + " " + e_txt).where(
                end[m].notna(), "")
        same = (s_txt == e_txt) | (e_txt == "")
        label = s_txt.where(same, s_txt + " – " + e_txt)
        out[m] = label.to_numpy()
    open_ended = events[C.OPEN_ENDED].to_numpy() if C.OPEN_ENDED in events else np.zeros(len(events), bool)
    if open_ended.any():
        out[open_ended] = ("from " + out[open_ended] + " (still in force)").to_numpy()
    return out


def today(setting: str = "") -> pd.Timestamp:
    """'Today' for open-ended periods: the setting if given (tests, reproducible figures), else now."""
    if setting:
        return pd.Timestamp(setting)
    return pd.Timestamp(dt.date.today())
