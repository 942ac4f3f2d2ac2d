"""Framing rules of the timeline (README "Framing rules"), on tiny frames and the shipped data."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from app.dataset import load_package
from app.figures.context import FigureContext
from app.figures.framing import frame_of, parse_coverage
from app.figures.timeline import MAX_NAMED_PERIODS, period_labels, timeline_spec, wrap_words

TODAY = pd.Timestamp("2026-11-23")


def frame(rows: list[tuple[str, str | None, str]]) -> pd.DataFrame:
    """(start, end or None = open-ended, kind) per event."""
    return pd.DataFrame({
        "date_start": pd.to_datetime([r[0] for r in rows]),
        "date_end": pd.to_datetime([r[1] for r in rows]),
        "kind": [r[2] for r in rows],
    })


def test_coverage_is_read_from_the_metadata_and_never_raises() -> None:
    assert parse_coverage({"temporalCoverage": "2007-01-01/.."}) == (pd.Timestamp("2007-01-01"), None)
    assert parse_coverage({"temporalCoverage": "2007/2020"}) == (pd.Timestamp("2007-01-01"),
                                                                 pd.Timestamp("2020-12-31"))
    assert parse_coverage({"temporalCoverage": {"start": "2010-05"}}) == (pd.Timestamp("2010-05-01"), None)
    for junk in ({}, {"temporalCoverage": "soon"}, {"temporalCoverage": 2007}, None,
                 {"temporalCoverage": "2007-13-45/.."}):
        assert parse_coverage(junk) == (None, None)  # type: ignore[arg-type]


def test_the_axis_ends_a_small_margin_past_the_last_event_or_today() -> None:
    events = frame([("1980-01-01", "1988-01-01", "period"), ("2007-03-01", "2007-03-01", "point"),
                    ("2025-09-28", "2025-09-28", "point"), ("2016-01-16", None, "period")])
    f = frame_of(events, TODAY, (pd.Timestamp("2007-01-01"), None))
    assert f is not None and f.open_periods
    assert f.last == TODAY  # an open period reaches today
    assert pd.Timedelta(0) < f.hi - TODAY <= pd.Timedelta(days=120)
    assert pd.Timedelta(0) < pd.Timestamp("1980-01-01") - f.lo <= pd.Timedelta(days=120)
    # the default view: the declared story (2007 - today), a small margin either side
    assert pd.Timestamp("2006-06-01") < f.story[0] < pd.Timestamp("2007-01-01") and f.story[1] == f.hi
    quick = f.quick()
    # 1 y / 5 y count back from the end of the data (today here), All is everything
    assert pd.Timestamp(quick["1y"][0]) == TODAY - pd.DateOffset(years=1)
    assert pd.Timestamp(quick["5y"][0]) == TODAY - pd.DateOffset(years=5)
    assert quick["1y"][1] == quick["5y"][1] == quick["all"][1] == f.hi.date().isoformat()
    assert quick["all"][0] == f.lo.date().isoformat()
    # without open periods the end is the last event, not today
    closed = frame_of(events.iloc[:3], TODAY)
    assert closed is not None and closed.last == pd.Timestamp("2025-09-28")
    assert closed.hi < pd.Timestamp("2026-03-01")
    assert pd.Timestamp(closed.quick()["1y"][0]) == pd.Timestamp("2024-09-28")
    assert closed.story == (closed.lo, closed.hi)  # no story declared: everything


@pytest.fixture(scope="module")
def shipped():
    ds = load_package("data")
    return ds, FigureContext.from_dataset(ds, today="2026-11-23")


def test_the_shipped_timeline_opens_on_the_story_with_earlier_context_one_click_away(shipped) -> None:
    ds, ctx = shipped
    spec = timeline_spec(ds.events, ctx, legend=False)
    xaxis = spec["layout"]["xaxis"]
    lo, hi = (pd.Timestamp(x) for x in xaxis["range"])
    assert pd.Timestamp("2006-01-01") < lo <= pd.Timestamp("2007-01-01")  # the story: 2007 ...
    assert pd.Timestamp("2026-11-23") < hi <= pd.Timestamp("2027-03-23")  # ... to today, small margin
    # never more than a small margin past today (open periods) nor before the first event
    assert pd.Timestamp(xaxis["maxallowed"]) <= pd.Timestamp("2027-03-23")
    assert pd.Timestamp(xaxis["minallowed"]) >= ds.events["date_start"].min() - pd.Timedelta(days=120)
    earlier = int((ds.events["date_end"].fillna(ctx.today) < lo).sum())
    assert earlier > 0
    notes = [a["text"] for a in spec["layout"]["annotations"]]
    assert f"← {earlier} earlier events · show all" in notes
    assert "today" in notes and spec["layout"]["shapes"][0]["x0"] == "2026-11-23"
    assert "rangeselector" not in xaxis  # quick ranges are page buttons: no picture has them
    # All: everything, from before the earliest event
    assert pd.Timestamp(spec["layout"]["meta"]["frame"]["quick"]["all"][0]) < ds.events["date_start"].min()


def test_an_empty_view_shows_no_axis(shipped) -> None:
    ds, ctx = shipped
    spec = timeline_spec(ds.events.iloc[:0], ctx)
    assert spec["layout"]["xaxis"]["visible"] is False and "range" not in spec["layout"]["xaxis"]
    assert spec["layout"]["annotations"][-1]["text"].startswith("No events match")


def test_period_names_are_whole_or_cut_between_words(shipped) -> None:
    assert wrap_words("Resolution 2231 missile- and drone-related restrictions", 20) == (
        ["Resolution 2231", "missile- and …"], True)
    assert wrap_words("Short name", 40) == (["Short name"], False)
    ds, ctx = shipped
    # names are written for up to MAX_NAMED_PERIODS periods in view (more are packed into shared,
    # unnamed rows whose hover names them): the shipped points with the first of its periods
    is_period = ds.events["kind"] == "period"
    first = ds.events[is_period].sort_values("date_start").head(MAX_NAMED_PERIODS)
    events = pd.concat([ds.events[~is_period], first]).sort_values("date_start", kind="stable")
    spec = timeline_spec(events, ctx, legend=False)
    lo = pd.Timestamp(spec["layout"]["xaxis"]["range"][0])
    periods = first
    titles = periods["title"].tolist()
    labels = [a for a in spec["layout"]["annotations"] if a["yref"] == "y"]
    assert len(labels) == int((periods["date_end"].fillna(ctx.today) >= lo).sum())  # every period in view
    for label in labels:
        text = label["text"].replace("<br>", " ")
        shown = text.removesuffix(" →").removesuffix(" …").removesuffix(" ")
        assert any(t.startswith(shown.replace("&#x27;", "'").replace("&amp;", "&")) for t in titles), text
        if text.endswith("…"):
            assert text[-2] == " "  # cut between words, never mid-word


def test_a_label_goes_inside_a_wide_bar_and_beside_a_narrow_one() -> None:
    periods = pd.DataFrame({"title": ["A long period with a name", "Short"], "open_ended": [False, True],
                            "date_start": pd.to_datetime(["2000-01-01", "2019-12-01"]),
                            "end_or_today": pd.to_datetime(["2015-01-01", "2020-01-01"])})
    window = (pd.Timestamp("2000-01-01"), pd.Timestamp("2021-01-01"))
    wide, narrow = period_labels(periods, [1.0, 2.0], window, 1000, 12)
    assert wide["xanchor"] == "left" and wide["x"].startswith("2000-01-01") and wide["text"] == periods.title[0]
    assert narrow["text"] == "Short →" and narrow["xanchor"] == "right" and narrow["x"].startswith("2019-12-01")


def test_exported_pictures_have_a_key_no_controls_and_only_the_periods_in_their_window(shipped) -> None:
    ds, ctx = shipped
    window = (pd.Timestamp("2022-01-01"), pd.Timestamp("2023-06-30"))
    spec = timeline_spec(ds.events, ctx, window=window, export=True)
    assert spec["layout"]["xaxis"]["rangeslider"] == {"visible": False}
    assert spec["layout"]["showlegend"] is True and spec["layout"]["legend"]["orientation"] == "h"
    periods = next(t for t in spec["data"] if t.get("name") == "Periods (in force)")
    ends = [pd.Timestamp(b) + pd.Timedelta(milliseconds=float(x)) for b, x in zip(periods["base"], periods["x"],
                                                                                   strict=True)]
    assert all(pd.Timestamp(b) <= window[1] and e >= window[0] for b, e in zip(periods["base"], ends, strict=True))
    everything = timeline_spec(ds.events, ctx, export=False)
    assert len(periods["base"]) < len(next(t for t in everything["data"] if t.get("name") == "Periods (in force)")
                                      ["base"])


def test_no_coverage_declared_opens_on_everything(shipped) -> None:
    ds, ctx = shipped
    spec = timeline_spec(ds.events, replace(ctx, coverage=(None, None)))
    lo = pd.Timestamp(spec["layout"]["xaxis"]["range"][0])
    assert lo < ds.events["date_start"].min()
