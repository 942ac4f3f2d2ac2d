"""The table's rows and the views' frames (app/view.py) on small frames: what they hold,
missing values included, and which wider view the timeline shows."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from app import view
from app.dataset import load_package
from app.figures.context import FigureContext
from app.filters import FilterCache, FilterState


@pytest.fixture
def ds(make_package):
    return load_package(make_package())


def rows_reference(shown: pd.DataFrame, ctx: FigureContext) -> list[dict]:
    """The rows as a frame's records (how the table's rows were first built)."""
    frame = pd.DataFrame({
        "event_id": shown["event_id"], "start": shown["date_start"].dt.strftime("%Y-%m-%d"),
        "date_label": shown["date_label"], "title": shown["title"],
        "category_label": shown["category"].map(lambda c: ctx.category_labels.get(c, c)),
        "place": shown["place_name"].where(shown["place_name"] != "", shown["country_name"]),
        "verification_label": shown["verification"].map(lambda v: ctx.verification_labels.get(v, v)),
        "source_count": shown["source_count"],
    })
    return frame.to_dict("records")


def same(a: object, b: object) -> bool:
    return (a != a and b != b) or (a == b and type(a) is type(b))  # NaN is NaN; an int stays an int


def test_grid_rows_hold_what_the_table_shows(ds) -> None:
    ctx = FigureContext.from_dataset(ds, today="2026-11-23")
    odd = ds.events.copy()
    odd.loc[odd.index[0], "place_name"] = None
    odd.loc[odd.index[1], "category"] = "not-in-vocabulary"
    odd.loc[odd.index[2], "date_start"] = pd.NaT
    for frame in (ds.events, odd, ds.events.iloc[:0]):
        got, want = view.table_rows(frame, ctx), rows_reference(frame, ctx)
        assert [list(r) for r in got] == [list(r) for r in want]
        assert all(same(r[k], w[k]) for r, w in zip(got, want, strict=True) for k in r)
    row = view.table_rows(ds.events.iloc[:1], ctx)[0]
    assert isinstance(row["source_count"], int) and row["category_label"] == ctx.category_labels.get(
        ds.events["category"].iloc[0])


def test_timeline_shows_the_undated_view_only_when_small(ds, monkeypatch) -> None:
    cache = FilterCache(ds.events)
    state = FilterState(start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31))
    views = view.visible_events(cache, state)
    assert len(views.timeline) == len(ds.events) > len(views.shown)  # zoomed: every event stays on the timeline
    monkeypatch.setattr(view, "TIMELINE_DETAIL_LIMIT", 1)  # too many to draw: the timeline is the window
    views = view.visible_events(FilterCache(ds.events), state)
    assert views.timeline is views.shown
