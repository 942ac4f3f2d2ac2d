"""Figure builders on tiny frames: trace types, counts, styles by precision/verification/role."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.dataset import load_package
from app.figures.context import SELECTION_UID, FigureContext
from app.figures.map import country_centroids, map_figure, transfer_arcs
from app.figures.timeline import pack_periods, timeline_figure

EXTRA = (
    "ev-month,point,2022-08-01,2022-08-31,month,,Transfer in August,Drones delivered.,,transfer,delivery,"
    "Moscow,RUS,55.7558,37.6173,near,site,claimed,,\n"
    "ev-seat,point,2022-11-15,2022-11-15,day,,Designation,Named.,,sanctions,designation,Washington,USA,"
    "38.8980,-77.0340,exact,authority-seat,confirmed,,\n"
    "ev-country,point,2021-01-01,2021-12-31,year,,Drones seen,Seen somewhere.,,combat-use,strike,,ETH,"
    "9.1450,40.4897,country,site,unverified,,\n"
)


@pytest.fixture
def ds(make_package):
    base = (make_package().joinpath("events.csv")).read_text()
    sources = "event_id,source_id,role,note\n" + "\n".join(
        f"{e},src-a,primary," for e in ["ev-plant", "ev-visit", "ev-regime", "ev-month", "ev-seat", "ev-country"])
    actors = ("event_id,actor_id,role\nev-plant,iran,supplier\nev-plant,tajikistan,recipient\n"
              "ev-visit,iran,visitor\nev-regime,iran,participant\nev-month,iran,supplier\n"
              "ev-month,russia,recipient\nev-seat,iran,sanctioned-party\nev-country,iran,attributed-to\n")
    pkg = make_package(events=base + EXTRA, event_sources=sources, event_actors=actors)
    loaded = load_package(pkg)
    assert loaded.errors == []
    return loaded


@pytest.fixture
def ctx(ds) -> FigureContext:
    return FigureContext.from_dataset(ds, today="2026-11-23")


def traces(fig, name=None, type_=None):
    return [t for t in fig.data if (name is None or t.name == name) and (type_ is None or t.type == type_)]


def point_of(fig, event_id: str):
    """(trace, index) of the mark for ``event_id``."""
    for t in fig.data:
        if t.customdata is not None:
            ids = [row[0] for row in t.customdata]
            if event_id in ids:
                return t, ids.index(event_id)
    raise KeyError(event_id)


def test_timeline_points_windows_and_periods(ds, ctx) -> None:
    fig = timeline_figure(ds.events, ctx)
    # the period is a bar in the top band, reaching "today" because it is open-ended
    period, i = point_of(fig, "ev-regime")
    assert period.type == "bar" and period.name == "Periods (in force)"
    assert "Restrictions in force →" in [a.text.replace("<br>", " ") for a in fig.layout.annotations]  # named
    end = pd.Timestamp(period.base[i]) + pd.Timedelta(milliseconds=float(period.x[i]))
    assert end.normalize() == pd.Timestamp("2026-11-24")  # through the whole of 'today'
    # a month-precision event is a bar over the whole month, never a marker on a made-up day
    window, i = point_of(fig, "ev-month")
    assert window.type == "bar" and pd.Timestamp(window.base[i]) == pd.Timestamp("2022-08-01")
    assert float(window.x[i]) == 31 * 86_400_000
    assert window.marker.pattern.shape[i] == "/"  # claimed -> hatched
    assert window.marker.color[i] == ctx.colour("transfer")
    # day-precision points are markers whose shape says the verification level
    points, i = point_of(fig, "ev-visit")
    assert points.type == "scatter" and points.marker.symbol[i] == "circle-open"  # single-source
    points, i = point_of(fig, "ev-plant")
    assert points.marker.symbol[i] == "circle" and points.marker.color[i] == ctx.colour("production")
    assert fig.layout.xaxis.rangeslider.visible is True
    # the quick ranges are the page's buttons (no controls drawn in the figure), told the frame
    assert not fig.layout.xaxis.rangeselector.buttons
    assert set(fig.layout.meta["frame"]["quick"]) == {"1y", "5y", "story", "all"}
    ring = next(t for t in fig.data if t.uid == SELECTION_UID)  # found by its uid, not its place
    assert ring.name == "Selected" and list(ring.x) == []
    # the exported figure carries a legend: a colour per category, a shape per verification level
    names = {t.name for t in fig.data if t.legendgroup in ("category", "verification")}
    assert {"Transfer", "Production", "Confirmed", "Disputed"} <= names
    assert timeline_figure(ds.events, ctx, legend=False).layout.showlegend is False


def test_timeline_lanes_and_selection(ds, ctx) -> None:
    fig = timeline_figure(ds.events, ctx, lanes="actor", selected="ev-visit")
    assert "Iran" in fig.layout.yaxis.ticktext and "Periods in force" in fig.layout.yaxis.ticktext
    assert len(next(t for t in fig.data if t.uid == SELECTION_UID).x) == 1  # iran's lane only for ev-visit
    fig = timeline_figure(ds.events, ctx, lanes="country")
    assert "Ethiopia" in fig.layout.yaxis.ticktext
    assert timeline_figure(ds.events.iloc[:0], ctx).layout.annotations[0].text.startswith("No events")


def test_hover_says_the_date_as_precise_as_known(ds, ctx) -> None:
    fig = timeline_figure(ds.events, ctx)
    custom = [row for t in fig.data if t.customdata is not None for row in t.customdata]
    labels = {row[0]: row[2] for row in custom}
    assert labels["ev-month"] == "Aug 2022"
    assert labels["ev-country"] == "2021"
    assert labels["ev-plant"] == "17 May 2022"
    assert labels["ev-regime"] == "from 16 Jan 2016 (still in force)"


def test_pack_periods_never_overlap() -> None:
    frame = pd.DataFrame({
        "date_start": pd.to_datetime(["2000-01-01", "2001-01-01", "2003-01-01", "2000-06-01"]),
        "end": pd.to_datetime(["2002-01-01", "2002-06-01", "2004-01-01", "2000-12-01"]),
    })
    rows = pack_periods(frame, "end")
    assert list(rows) == [0, 1, 0, 1]


def test_map_styles_by_precision_and_role(ds, ctx) -> None:
    fig = map_figure(ds.events, ctx)
    assert all(t.type == "scattergeo" for t in fig.data)
    seats, i = point_of(fig, "ev-seat")
    assert seats.name == "Seat of issuing authority" and seats.marker.symbol == "square" and seats.visible is True
    sites, i = point_of(fig, "ev-country")
    assert sites.marker.symbol[i] == "circle-open-dot"  # country-level place looks approximate
    sites, i = point_of(fig, "ev-plant")
    assert sites.marker.symbol[i] == "circle" and sites.marker.color[i] == ctx.colour("production")
    hidden = map_figure(ds.events, ctx, seats=False)
    assert point_of(hidden, "ev-seat")[0].visible == "legendonly"
    assert fig.layout.geo.projection.type == "natural earth"
    focused = map_figure(ds.events, ctx, focus={"lon": 60, "lat": 40, "scale": 3})
    assert focused.layout.geo.fitbounds is False and focused.layout.geo.projection.scale == 3


def test_transfer_arcs_from_supplier_country(ds, ctx) -> None:
    arcs = transfer_arcs(ds.events, ctx)
    assert sorted(arcs["event_id"]) == ["ev-month", "ev-plant"]
    iran = country_centroids()["IRN"]
    row = arcs.set_index("event_id").loc["ev-month"]
    assert (row.lon0, row.lat0) == iran and (row.lon1, row.lat1) == (37.6173, 55.7558)
    lines = traces(map_figure(ds.events, ctx), "Transfer (supplier → recipient)")[0]
    assert lines.mode == "lines" and list(lines.lon).count(None) == 2


def test_centroids_come_from_local_topojson() -> None:
    c = country_centroids()
    assert len(c) > 150 and "TJK" in c and "RUS" in c


def test_a_lone_event_opens_on_a_season_not_milliseconds(ds, ctx) -> None:
    from app.figures.timeline import MIN_SPAN_DAYS, timeline_spec

    one = ds.events[ds.events["event_id"] == "ev-seat"]
    lo, hi = timeline_spec(one, ctx)["layout"]["xaxis"]["range"]
    # a season and the small margin either side (app.figures.framing)
    assert MIN_SPAN_DAYS <= (pd.Timestamp(hi) - pd.Timestamp(lo)).days <= MIN_SPAN_DAYS + 21
    assert pd.Timestamp(lo) < pd.Timestamp("2022-11-15") < pd.Timestamp(hi)


# --- counting on integer codes (large tables): the same marks, order and ties as pandas grouping ---

def lanes_frame(kinds: list[str], cats: list[str], actors: list[str], countries: list[str]) -> pd.DataFrame:
    n = len(kinds)
    text = {"event_id": [f"e{i}" for i in range(n)], "kind": kinds, "category": cats, "actor_ids": actors,
            "country_name": countries}
    return pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in text.items()}).assign(
        date_start=pd.Timestamp("2020-01-01"), date_end=pd.Timestamp("2020-01-01"))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["point", "point", "period"]), st.sampled_from(["a", "b", "c", "d"]),
                          st.lists(st.sampled_from(["x", "y", "z", "w", "_other", ""]), max_size=3),
                          st.sampled_from(["", "Peru", "Chad", "Laos", "Fiji"])), max_size=40),
       st.integers(1, 3))
def test_lanes_rank_like_value_counts(rows, top) -> None:
    from app.figures import timeline as tl

    frame = lanes_frame([r[0] for r in rows], [r[1] for r in rows], [";".join(r[2]) for r in rows],
                        [r[3] for r in rows])
    ctx = FigureContext(categories=("b", "a"), category_labels={"a": "A", "b": "B", "c": "A"}, colours={},
                        verification=(), verification_labels={}, symbols={}, actor_names={"x": "X", "y": "X"})
    points = frame[frame["kind"] != "period"]
    # country lanes: most events first, ties in order of appearance (as value_counts ranks them)
    labels = points["country_name"].where(points["country_name"] != "", "No place")
    assert tl.lane_rows(frame, "country", ctx).order == list(labels.value_counts().index)
    # actor lanes: one row per actor of an event, the top ones named, the rest "Other actors"
    tl_top, tl.MAX_ACTOR_LANES = tl.MAX_ACTOR_LANES, top
    try:
        rows_frame, order = tl.lane_assignments(frame, "actor", ctx)
        exploded = points.assign(_lane=points["actor_ids"].str.split(";")).explode("_lane")
        exploded = exploded[exploded["_lane"].fillna("") != ""]
        ranked = list(exploded["_lane"].value_counts().index[:top])
        assert list(rows_frame.index) == list(exploded.index)
        assert list(rows_frame["_lane"]) == [a if a in ranked else "_other" for a in exploded["_lane"]]
        names = {**{a: ctx.actor_names.get(a, a) for a in ranked}, "_other": "Other actors"}
        assert list(rows_frame["_label"]) == [names[a] for a in rows_frame["_lane"]]
        assert order == [names[a] for a in [*ranked, *(["_other"] if "_other" in set(rows_frame["_lane"]) else [])]]
    finally:
        tl.MAX_ACTOR_LANES = tl_top
    # category lanes: the vocabulary's order; two categories with one label share a lane (a table of
    # one category gets its actors' or countries' lanes instead: test_a_single_category_table_...)
    if points["category"].nunique() < 2:
        return
    cat_rows, cat_order = tl.lane_assignments(frame, "category", ctx)
    assert list(cat_rows["_label"]) == [ctx.category_labels.get(c, c) for c in points["category"]]
    present = set(points["category"])
    assert cat_order[:len([c for c in ("b", "a") if c in present])] == [ctx.category_labels[c] for c in ("b", "a")
                                                                         if c in present]


def grouped_reference(lane: list[int], when: list[int], cat: list[int]) -> list[tuple[int, int, int, int]]:
    """(lane, bin, top category, count) per cell, counted as the timeline counted with pandas."""
    binned = pd.DataFrame({"lane": lane, "bin": when, "cat": [c if c >= 0 else None for c in cat]})
    by_cat = binned.groupby(["lane", "bin", "cat"], sort=False).size().reset_index(name="n")
    by_cat = by_cat.sort_values("n", ascending=False, kind="stable")
    counts = by_cat.groupby(["lane", "bin"], sort=False)["n"].sum()
    top = by_cat.drop_duplicates(["lane", "bin"]).set_index(["lane", "bin"])["cat"]
    cells = pd.DataFrame({"n": counts, "cat": top.reindex(counts.index)}).reset_index()
    return [(int(a), int(b), int(c), int(k)) for a, b, c, k in zip(cells["lane"], cells["bin"], cells["cat"],
                                                                    cells["n"], strict=True)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 5), st.integers(-1, 3)), max_size=60))
def test_count_cells_like_pandas_grouping(rows) -> None:
    import numpy as np

    from app.figures.timeline import count_cells

    lane = np.array([r[0] for r in rows], dtype=np.int64)
    when = np.array([r[1] for r in rows], dtype="datetime64[D]")
    cat = np.array([r[2] for r in rows], dtype=np.int64)
    rep, n = count_cells(lane, when, cat)
    got = [(int(lane[i]), int(when[i].astype(np.int64)), int(cat[i]), int(k)) for i, k in zip(rep, n, strict=True)]
    assert got == grouped_reference([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.floats(-90, 90), st.floats(-180, 180)), min_size=1, max_size=50),
       st.sampled_from([2.0, 4.0, 16.0]), st.booleans())
def test_area_cells_like_grouping_by_row_and_column(points, deg, far) -> None:
    import numpy as np

    from app.figures.map import area_cells

    lat = np.array([p[0] for p in points])
    lon = np.array([p[1] * (60 if far else 1) for p in points])  # far: beyond the table (the other path)
    cell, n = area_cells(lat, lon, deg)
    assert n == len(np.unique(np.floor(lat / deg) * 1000 + np.floor(lon / deg)))
    pairs = pd.DataFrame({"r": np.floor(lat / deg), "c": np.floor(lon / deg)}).groupby(["r", "c"], sort=False).ngroup()
    assert list(pd.factorize(cell)[0]) == list(pairs)  # the same cells, in the same order


def test_iso_strings_as_strftime_writes_them() -> None:
    import numpy as np

    from app.figures.timeline import iso_strings

    stamps = pd.Series(pd.to_datetime(["2024-02-29 23:59:59", "1969-12-31 12:00:00", "2000-01-01 00:00:00"]))
    assert iso_strings(stamps.to_numpy(), "s") == stamps.dt.strftime("%Y-%m-%dT%H:%M:%S").tolist()
    assert iso_strings(stamps.to_numpy(), "D") == stamps.dt.strftime("%Y-%m-%d").tolist()
    odd = pd.Series(np.array(["1500-06-01", "2900-01-01", "NaT"], dtype="datetime64[s]"))  # strftime writes these
    assert iso_strings(odd.to_numpy(), "s") == odd.dt.strftime("%Y-%m-%dT%H:%M:%S").tolist()
    assert iso_strings(np.array([], dtype="datetime64[s]"), "D") == []


def test_transfer_arcs_read_each_list_of_roles_once(ds, ctx) -> None:
    twice = pd.concat([ds.events, ds.events], ignore_index=True)
    arcs = transfer_arcs(twice, ctx)
    assert sorted(arcs["event_id"]) == ["ev-month", "ev-month", "ev-plant", "ev-plant"]
    no_roles = ds.events.assign(actor_roles=pd.Series([None] * len(ds.events), dtype="str"))
    assert transfer_arcs(no_roles, ctx).empty


# --- dense lanes: counted per bin, the other lanes keep single marks (issue 15) --------------------

REPO = __import__("pathlib").Path(__file__).resolve().parents[1]
DENSE = 1_548  # the imported table of issue 15: this many events in one lane


@pytest.fixture(scope="module")
def crowded(tmp_path_factory):
    """A synthetic table (bench/make_events.py) whose first 1,548 point events are all strikes:
    one lane far too dense for single marks, eleven sparse ones."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("crowded")
    subprocess.run([sys.executable, str(REPO / "bench" / "make_events.py"), "--n", "1900", "--out", str(out)],
                   check=True, capture_output=True)
    loaded = load_package(out)
    events = loaded.events.copy()
    points = events.index[events["kind"] != "period"]
    events.loc[points[:DENSE], "category"] = "strike"
    events.loc[points[DENSE:], "category"] = events.loc[points[DENSE:], "category"].replace("strike", "riot")
    return events, FigureContext.from_dataset(loaded, today="2026-11-23")


def marks_by_kind(spec: dict) -> tuple[list[dict], list[dict]]:
    """(traces of single events, traces of counted bins), as each trace's meta says."""
    events = [t for t in spec["data"] if (t.get("meta") or {}).get("marks") == "events"]
    bins = [t for t in spec["data"] if (t.get("meta") or {}).get("marks") == "bins"]
    return events, bins


def test_a_dense_lane_is_counted_while_the_others_keep_single_marks(crowded) -> None:
    from app.figures.timeline import MIN_BIN_PX, SCREEN_PLOT_PX, timeline_spec

    events, ctx = crowded
    spec = timeline_spec(events, ctx)  # the story: 20 years on about 1,000 px
    singles, bins = marks_by_kind(spec)
    assert len(bins) == 1
    counted = bins[0]
    yaxis = spec["layout"]["yaxis"]
    lane_y = dict(zip(yaxis["ticktext"], yaxis["tickvals"], strict=True))
    strike = next(label for label in lane_y if label.startswith("Strike"))
    assert strike == "Strike · counted"  # the lane says so on its label (its hover: per year)
    assert all("<br>1 year" not in h and "event" in h for h in counted["hovertext"])
    assert set(counted["y"]) == {lane_y[strike]}  # only the dense lane is counted
    n_strike_points = int(((events["category"] == "strike") & (events["kind"] != "period")).sum())
    assert sum(int(t.replace(",", "")) for t in counted["text"]) == n_strike_points  # the count, written
    assert all(h.startswith(f"<b>{t} event") for t, h in zip(counted["text"], counted["hovertext"], strict=True))
    # one mark per year with strikes in it, each inside the year it counts, far enough apart not to overlap
    for x, custom in zip(counted["x"], counted["customdata"], strict=True):
        first, last = custom["window"]
        assert first <= x <= last and first.endswith("-01-01") and last.endswith("-12-31")
    xs = sorted(pd.Timestamp(x) for x in counted["x"])
    px_per_day = SCREEN_PLOT_PX / ((pd.Timestamp(spec["layout"]["xaxis"]["range"][1])
                          - pd.Timestamp(spec["layout"]["xaxis"]["range"][0])) / pd.Timedelta(days=1))
    assert min((b - a).days for a, b in itertools.pairwise(xs)) * px_per_day >= max(counted["marker"]["size"]) - 1
    assert max(counted["marker"]["size"]) <= MIN_BIN_PX
    # every other event (periods too) is still a single mark, its id first in its customdata
    drawn = [row[0] for t in singles for row in t["customdata"]]
    others = events[(events["category"] != "strike") | (events["kind"] == "period")]
    assert sorted(drawn) == sorted(others["event_id"])


def test_zoomed_in_the_dense_lane_is_single_marks_again(crowded) -> None:
    from app.figures.timeline import timeline_spec

    events, ctx = crowded
    spec = timeline_spec(events, ctx, window=(pd.Timestamp("2015-03-01"), pd.Timestamp("2015-03-31")))
    singles, bins = marks_by_kind(spec)
    assert bins == []
    assert not any("counted" in t for t in spec["layout"]["yaxis"]["ticktext"])
    assert sum(len(t["customdata"]) for t in singles) == len(events)


def test_a_click_says_whether_it_hit_an_event_or_a_bin(crowded) -> None:
    from app.figures.timeline import timeline_spec
    from app.web.logic import bin_window, event_from_click

    events, ctx = crowded
    singles, bins = marks_by_kind(timeline_spec(events, ctx))
    on_bin = {"points": [{"customdata": bins[0]["customdata"][0], "curveNumber": 2}]}
    on_event = {"points": [{"customdata": list(singles[-1]["customdata"][0]), "curveNumber": 3}]}
    first, last = bins[0]["customdata"][0]["window"]
    assert bin_window(on_bin) == (pd.Timestamp(first).date(), pd.Timestamp(last).date())
    assert event_from_click(on_bin) == ""  # a bin is no event
    assert bin_window(on_event) is None
    assert event_from_click(on_event) in set(events["event_id"])


def test_the_bundled_category_lanes_keep_single_marks() -> None:
    from app.figures.timeline import timeline_spec

    bundled = load_package(REPO / "data")
    spec = timeline_spec(bundled.events, FigureContext.from_dataset(bundled, today="2026-11-23"))
    assert marks_by_kind(spec)[1] == []  # a curated table of a few hundred events reads mark by mark


def test_many_periods_are_packed_and_named_inside_their_bars_where_they_fit() -> None:
    from app.figures.timeline import MAX_BAND_ROWS, MAX_NAMED_PERIODS, PERIOD_ROW, timeline_spec

    bundled = load_package(REPO / "data")
    ctx = FigureContext.from_dataset(bundled, today="2026-11-23")
    # the dashboard's default height (330 px, a figures lane below) and a taller plot
    for window, plot_h in itertools.product((None, (pd.Timestamp("2022-01-01"), pd.Timestamp("2023-12-31"))),
                                            (None, 500)):
        spec = timeline_spec(bundled.events, ctx, window=window, plot_h=plot_h)
        bars = next(t for t in spec["data"] if t["name"] == "Periods (in force)")
        shown = [pd.Timestamp(d) for d in spec["layout"]["xaxis"]["range"]]
        in_window = [i for i in range(len(bars["y"]))
                     if pd.Timestamp(bars["base"][i]) <= shown[1]
                     and pd.Timestamp(bars["base"][i]) + pd.Timedelta(milliseconds=float(bars["x"][i])) >= shown[0]]
        assert len(in_window) > MAX_NAMED_PERIODS or window  # the bundled story has 27 periods in its window
        # the band is at most MAX_BAND_ROWS rows high
        ys = sorted(set(bars["y"]))
        assert (ys[-1] - ys[0]) <= (MAX_BAND_ROWS - 1) * PERIOD_ROW + 1e-9
        labels = [a for a in spec["layout"]["annotations"] if a.get("xref") == "x" and a["text"] != "today"]
        assert len(labels) >= 3 or plot_h is None
        # a name only where its row is taller than its type: the rows' pixel height from the
        # plot's height, the lanes' share of it and the y range (at 1366x768 names stood in 9 px rows)
        yaxis = spec["layout"]["yaxis"]
        share = yaxis.get("domain", [0, 1])[1] - yaxis.get("domain", [0, 1])[0]
        px_per_unit = (plot_h or 330) * share / (yaxis["range"][1] - yaxis["range"][0])
        row_px = px_per_unit * min(b - a for a, b in itertools.pairwise(ys))
        assert all(label["font"]["size"] + 2 <= row_px for label in labels), (plot_h, row_px)
        for label in labels:  # each name sits inside a bar of its row and starts that period's title
            hits = [i for i in in_window if abs(bars["y"][i] - label["y"]) < 1e-9
                    and pd.Timestamp(bars["base"][i]) <= pd.Timestamp(label["x"])
                    <= pd.Timestamp(bars["base"][i]) + pd.Timedelta(milliseconds=float(bars["x"][i]))]
            title = label["text"].removesuffix(" …").replace("&#x27;", "'")
            assert any(bars["customdata"][i][1].startswith(title) for i in hits), label["text"]
        # every period in the window is named by its bar's hover (the title is customdata[1])
        assert all(bars["customdata"][i][1] for i in in_window)


def test_a_single_category_table_gets_actor_lanes_and_says_so(ds, ctx) -> None:
    from dataclasses import replace

    from app.figures.timeline import timeline_spec

    one = ds.events.assign(category="transfer")
    spec = timeline_spec(one, replace(ctx, categories=("transfer",)))  # an imported table of one category
    ticks = spec["layout"]["yaxis"]["ticktext"]
    assert "Iran" in ticks and "Transfer" not in ticks  # lanes by actor, not one "Transfer" lane
    notes = [a["text"] for a in spec["layout"]["annotations"] if a.get("name") == "lanes-note"]
    assert notes == ["All events are Transfer: one lane per actor instead"]
    # a table of several categories, even filtered down to one: category lanes, no note
    for events in (ds.events, one):
        spec = timeline_spec(events, ctx)
        assert not [a for a in spec["layout"]["annotations"] if a.get("name") == "lanes-note"]
    assert "Transfer" in spec["layout"]["yaxis"]["ticktext"]
