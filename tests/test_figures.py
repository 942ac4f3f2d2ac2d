"""Figure builders on tiny frames: trace types, counts, styles by precision/verification/role."""

from __future__ import annotations

import pandas as pd
import pytest

from app.dataset import load_package
from app.figures.context import FigureContext
from app.figures.map import country_centroids, map_figure, spread_offsets, transfer_arcs
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
    assert "Restrictions in force →" in [a.text for a in fig.layout.annotations]  # named, open-ended
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
    assert [b.label for b in fig.layout.xaxis.rangeselector.buttons] == ["1 y", "5 y", "All"]
    assert fig.data[-1].name == "Selected" and list(fig.data[-1].x) == []
    # the exported figure carries a legend: a colour per category, a shape per verification level
    names = {t.name for t in fig.data if t.legendgroup in ("category", "verification")}
    assert {"Transfer", "Production", "Confirmed", "Disputed"} <= names
    assert timeline_figure(ds.events, ctx, legend=False).layout.showlegend is False


def test_timeline_lanes_and_selection(ds, ctx) -> None:
    fig = timeline_figure(ds.events, ctx, lanes="actor", selected="ev-visit")
    assert "Iran" in fig.layout.yaxis.ticktext and "Periods in force" in fig.layout.yaxis.ticktext
    assert len(fig.data[-1].x) == 1  # iran's lane only for ev-visit
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


def test_events_at_one_place_are_spread() -> None:
    lat = pd.Series([10.0, 10.0, 10.0, 50.0]).to_numpy()
    lon = pd.Series([20.0, 20.0, 20.0, 5.0]).to_numpy()
    dlat, dlon, size = spread_offsets(lat, lon)
    assert list(size) == [3, 3, 3, 1]
    points = {(round(a, 4), round(b, 4)) for a, b in zip(lat + dlat, lon + dlon, strict=True)}
    assert len(points) == 4 and dlat[3] == 0 and dlon[3] == 0


def test_centroids_come_from_local_topojson() -> None:
    c = country_centroids()
    assert len(c) > 150 and "TJK" in c and "RUS" in c


def test_a_lone_event_opens_on_a_season_not_milliseconds(ds, ctx) -> None:
    from app.figures.timeline import MIN_SPAN_DAYS, timeline_spec

    one = ds.events[ds.events["event_id"] == "ev-seat"]
    lo, hi = timeline_spec(one, ctx)["layout"]["xaxis"]["range"]
    assert (pd.Timestamp(hi) - pd.Timestamp(lo)).days == MIN_SPAN_DAYS
    assert pd.Timestamp(lo) < pd.Timestamp("2022-11-15") < pd.Timestamp(hi)
    assert "range" not in timeline_spec(ds.events, ctx)["layout"]["xaxis"]  # a wide table autoranges
