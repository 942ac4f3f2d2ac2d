"""Large tables: the counted timeline and map, first-fit period packing, zoom-by-click on a count,
and the server-paged table — on a synthetic package from bench/make_events.py."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.dataset import load_package
from app.figures import map as map_module
from app.figures import timeline as timeline_module
from app.figures.context import FigureContext
from app.filters import FilterState, ViewState
from app.web import ids
from app.web.callbacks import Deps, SyncInputs, sync_state, update_views
from app.web.factory import make_deps
from app.web.logic import bin_window, controls_from_states

REPO = Path(__file__).resolve().parents[1]
N = 6_000


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Deps:
    out = tmp_path_factory.mktemp("big")
    subprocess.run([sys.executable, str(REPO / "bench" / "make_events.py"), "--n", str(N), "--out", str(out)],
                   check=True, capture_output=True)
    ds = load_package(out)
    assert ds.errors == [] and len(ds.events) == N
    return make_deps(ds, FigureContext.from_dataset(ds, today="2026-11-23"))


def counted(text: str) -> int:
    return int(re.match(r"<b>([\d,]+) ", text).group(1).replace(",", ""))  # type: ignore[union-attr]


def test_large_timeline_counts_every_event_once(big: Deps) -> None:
    spec = timeline_module.timeline_spec(big.cache(FilterState()), big.ctx)
    events = next(t for t in spec["data"] if t["name"] == "Events (counted)")
    assert events["type"] == "scatter"  # SVG: counting keeps the marks few (no WebGL needed)
    points = big.ds.events[big.ds.events["kind"] != "period"]
    assert sum(counted(t) for t in events["text"]) == len(points)
    assert len(events["x"]) < len(points) / 2  # fewer marks than events (far fewer at 100k)
    assert len(events["x"]) <= timeline_module.MAX_MARKS
    for x, custom in zip(events["x"], events["customdata"], strict=True):
        first, last = custom["window"]
        assert first <= x <= last  # each mark sits inside the window it counts
    assert events["meta"] == {"marks": "bins"}
    assert any(t["name"] == "Periods in force (counted)" for t in spec["data"])
    assert "each mark counts" in spec["layout"]["annotations"][0]["text"]


def test_large_map_counts_every_placed_event_once(big: Deps) -> None:
    shown = big.cache(FilterState())
    spec = map_module.map_spec(shown, big.ctx)
    areas = next(t for t in spec["data"] if t["name"] == "Events (counted per area)")
    placed = shown["latitude"].notna().sum()
    assert sum(counted(t) for t in areas["text"]) == placed
    assert len(areas["lon"]) < placed
    assert not any(t.get("name") == "Events at their place" for t in spec["data"])


def test_large_live_map_is_a_density_of_every_placed_event(big: Deps) -> None:
    shown = big.cache(FilterState())
    spec = map_module.live_map_spec(shown, big.ctx)
    density = next(t for t in spec["data"] if t.get("meta") == "density")
    assert density["type"] == "densitymap"  # WebGL, in MapLibre
    placed = int(shown["latitude"].notna().sum())
    assert int(density["z"].sum()) == placed  # every placed event counted once
    assert len(density["lon"]) <= map_module.MAX_DENSITY_CELLS
    events = next(t for t in spec["data"] if t.get("meta") == "events")
    assert len(events["lon"]) == 0  # no single marks at this size


def test_filtered_down_shows_single_events_again(big: Deps) -> None:
    state = FilterState(start=pd.Timestamp("2015-01-01").date(), end=pd.Timestamp("2015-03-31").date())
    shown = update_views(state.to_dict(), {}, "", deps=big)
    timeline, geo, refresh = shown.timeline, shown.map, shown.rows
    assert refresh["n"] < timeline_module.DETAIL_LIMIT
    names = {t["name"] for t in timeline["data"]}
    assert "Events (counted)" not in names and "Events at their place" in {t["name"] for t in geo["data"]}


def test_response_stays_small_at_scale(big: Deps) -> None:
    from plotly.io.json import to_json_plotly

    out = update_views({}, {"lanes": "actor"}, "", deps=big)  # the table's first block included
    assert len(out.rows["block"]) == 200
    assert len(to_json_plotly([out.timeline, out.map, out.rows, out.summary])) < 1_000_000


def test_clicking_a_count_zooms_to_its_window(big: Deps) -> None:
    def click(custom: object) -> dict:
        return {"points": [{"customdata": custom}]}

    assert bin_window(click({"window": ["2015-01-01", "2015-01-31"]})) == (pd.Timestamp("2015-01-01").date(),
                                                                           pd.Timestamp("2015-01-31").date())
    for junk in ("", {}, {"window": ["x", "y"]}, {"window": ["2015-02-01", "2015-01-01"]}, ["ev-1"],
                 ["bin:2015-01-01:2015-01-31"]):
        assert bin_window(click(junk)) is None
    given = SyncInputs(controls=controls_from_states(FilterState(), ViewState()), selected="",
                       timeline_click=click({"window": ["2015-01-01", "2015-01-31"]}),
                       filter_data={"start": None}, view_data={"lanes": "category"})
    out = sync_state(given, deps=big, trigger=ids.TIMELINE + ".clickData")
    assert "from=2015-01-01" in out.url and "to=2015-01-31" in out.url


def first_fit(starts: list[int], ends: list[int]) -> list[int]:
    rows_end: list[int] = []
    rows = [0] * len(starts)
    for i in sorted(range(len(starts)), key=lambda k: starts[k]):
        for r, last in enumerate(rows_end):
            if last < starts[i]:
                rows[i], rows_end[r] = r, ends[i]
                break
        else:
            rows[i] = len(rows_end)
            rows_end.append(ends[i])
    return rows


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.integers(0, 60)), max_size=40))
def test_period_packing_is_first_fit(spans: list[tuple[int, int]]) -> None:
    starts = [s for s, _ in spans]
    ends = [s + d for s, d in spans]
    frame = pd.DataFrame({"date_start": pd.to_datetime(starts, unit="D"), "end": pd.to_datetime(ends, unit="D")})
    assert list(timeline_module.pack_periods(frame, "end")) == first_fit(starts, ends)
    assert isinstance(np.asarray(timeline_module.pack_periods(frame, "end")), np.ndarray)


def test_periods_lane_stays_within_the_mark_budget(big: Deps) -> None:
    # a narrow window of events with periods reaching far out: the periods lane is coarsened
    state = FilterState(start=pd.Timestamp("2015-01-01").date(), end=pd.Timestamp("2015-12-31").date())
    shown = big.cache(state)
    spec = timeline_module.density_spec(shown, big.ctx, lanes="actor")
    periods = next(t for t in spec["data"] if t["name"] == "Periods in force (counted)")
    assert 0 < len(periods["x"]) <= timeline_module.MAX_MARKS
