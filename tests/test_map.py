"""The map's core (app/figures/map.py, basemap.py) on tiny frames: true coordinates, clusters,
honest precision, arcs on great circles, framing, place names and an offline style."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest

from app.dataset import load_package
from app.figures import basemap
from app.figures.context import FigureContext
from app.figures.map import CLUSTER_MAXZOOM, frame_live, live_map_spec, map_spec, same_place, selection_lonlat

EXTRA = (
    "ev-month,point,2022-08-01,2022-08-31,month,,Transfer in August,Drones delivered.,,transfer,delivery,"
    "Moscow,RUS,55.7558,37.6173,near,site,claimed,,\n"
    "ev-seat,point,2022-11-15,2022-11-15,day,,Designation,Named.,,sanctions,designation,Washington,USA,"
    "38.8980,-77.0340,exact,authority-seat,confirmed,,\n"
    "ev-country,point,2021-01-01,2021-12-31,year,,Drones seen,Seen somewhere.,,combat-use,strike,,ETH,"
    "9.1450,40.4897,country,site,unverified,,\n"
    "ev-twin,point,2022-05-18,2022-05-18,day,,Second event at the plant,Same place.,,production,plant-opening,"
    "Dushanbe,TJK,38.5598,68.7870,near,site,confirmed,,\n"
)


@pytest.fixture
def ds(make_package):
    base = (make_package().joinpath("events.csv")).read_text()
    ids_ = ["ev-plant", "ev-visit", "ev-regime", "ev-month", "ev-seat", "ev-country", "ev-twin"]
    sources = "event_id,source_id,role,note\n" + "\n".join(f"{e},src-a,primary," for e in ids_)
    actors = ("event_id,actor_id,role\nev-plant,iran,supplier\nev-plant,tajikistan,recipient\n"
              "ev-visit,iran,visitor\nev-regime,iran,participant\nev-month,iran,supplier\n"
              "ev-month,russia,recipient\nev-seat,iran,sanctioned-party\nev-country,iran,attributed-to\n"
              "ev-twin,iran,supplier\n")
    loaded = load_package(make_package(events=base + EXTRA, event_sources=sources, event_actors=actors))
    assert loaded.errors == []
    return loaded


@pytest.fixture
def ctx(ds) -> FigureContext:
    return FigureContext.from_dataset(ds, today="2026-11-23")


def trace(spec, meta):
    return next(t for t in spec["data"] if t.get("meta") == meta)


def by_id(t):
    return {c[0]: (lon, lat) for c, lon, lat in zip(t["customdata"], t["lon"], t["lat"], strict=True)}


def test_every_mark_is_at_its_events_coordinates(ds, ctx) -> None:
    spec = live_map_spec(ds.events, ctx)
    drawn = by_id(trace(spec, "events")) | by_id(trace(spec, "seats"))
    placed = ds.events.dropna(subset=["latitude", "longitude"])
    assert set(drawn) == set(placed["event_id"])
    for eid, lat, lon in zip(placed["event_id"], placed["latitude"], placed["longitude"], strict=True):
        assert basemap.distance_km(*drawn[eid], lon, lat) < 0.001  # nothing is moved off its place
    # the two events at one exact place share their coordinates on the map too
    assert drawn["ev-plant"] == drawn["ev-twin"]
    # the static figure (exports) places them alike
    static = map_spec(ds.events, ctx)
    assert by_id(trace(static, "events")) | by_id(trace(static, "seats")) == drawn
    assert trace(static, "counts")["text"] == ["×2"]  # one mark for both, with their count


def test_events_cluster_with_counts_that_split_as_you_zoom(ds, ctx) -> None:
    events = trace(live_map_spec(ds.events, ctx), "events")
    assert events["type"] == "scattermap" and events["cluster"]["enabled"] is True
    assert events["cluster"]["maxzoom"] == CLUSTER_MAXZOOM  # from there on every event is its own mark
    assert events["textfont"]["family"] == basemap.FONT  # cluster counts are drawn with the local glyphs


def test_a_click_on_a_shared_place_lists_the_others(ds) -> None:
    assert same_place(ds.events, "ev-plant") == ["ev-twin"]
    assert same_place(ds.events, "ev-seat") == []
    assert same_place(ds.events, "no-such-event") == []


def test_approximate_places_are_not_pinpoints(ds, ctx) -> None:
    spec = live_map_spec(ds.events, ctx)
    events = trace(spec, "events")
    i = [c[0] for c in events["customdata"]].index("ev-country")
    j = [c[0] for c in events["customdata"]].index("ev-plant")
    assert events["marker"]["opacity"][i] < events["marker"]["opacity"][j]
    assert events["marker"]["size"][i] < events["marker"]["size"][j]
    assert "(country level)" in events["customdata"][i][3]
    fill = next(layer for layer in spec["layout"]["map"]["layers"] if layer["type"] == "fill")
    (disc,) = fill["source"]["features"]  # ev-country's disc: the area Ethiopia covers
    ring = disc["geometry"]["coordinates"][0]
    radius = basemap.distance_km(40.4897, 9.1450, *ring[0])
    assert radius == pytest.approx(math.sqrt(basemap.country_areas()["ETH"] / math.pi), rel=0.01)
    assert fill["below"] == "traces"


def test_arcs_follow_great_circles(ds, ctx) -> None:
    arcs = trace(live_map_spec(ds.events, ctx), "arcs")
    lons, lats = arcs["lon"], arcs["lat"]
    cut = lons.index(None)
    first = list(zip(lons[:cut], lats[:cut], strict=True))
    assert len(first) > 10
    # the midpoint of Iran -> Moscow on the sphere, not on the flat map
    (lon0, lat0), (lon1, lat1) = first[0], first[-1]
    mid = first[len(first) // 2]
    flat = ((lon0 + lon1) / 2, (lat0 + lat1) / 2)
    d = basemap.distance_km(lon0, lat0, lon1, lat1)
    assert basemap.distance_km(lon0, lat0, *mid) == pytest.approx(d / 2, rel=0.02)
    assert basemap.distance_km(*mid, *flat) > 1 or d < 500


def test_great_circle_across_the_date_line_does_not_jump() -> None:
    lons, _lats = basemap.great_circle(170.0, 10.0, -170.0, 10.0)
    assert max(abs(a - b) for a, b in itertools.pairwise(lons)) < 5


def test_the_view_is_framed_on_the_events(ds, ctx) -> None:
    tajik = ds.events[ds.events["country"] == "TJK"]
    spec = live_map_spec(tajik, ctx)
    corners = trace(spec, "frame")
    west, east = corners["lon"]
    south, north = corners["lat"]
    assert west < 68.787 < east and south < 38.56 < north
    assert east - west < 5 and north - south < 5  # a town and its surroundings, not the world
    assert "center" not in spec["layout"]["map"]  # MapLibre fits the corners to the map's own size
    focused = frame_live(spec, {"lon": 52.0, "lat": 55.7, "scale": 8})
    assert focused["layout"]["map"]["center"] == {"lon": 52.0, "lat": 55.7}
    assert focused["layout"]["map"]["zoom"] == basemap.focus_zoom(8) and focused["layout"]["map"]["fitbounds"] is False
    assert spec["layout"]["map"]["uirevision"] != focused["layout"]["map"]["uirevision"]


def test_place_names_of_the_events_are_labelled(ds, ctx) -> None:
    labels = trace(live_map_spec(ds.events, ctx), "labels")
    assert "Dushanbe" in labels["text"] and labels["text"].count("Dushanbe") == 1
    assert labels["textfont"]["family"] == basemap.FONT
    static = trace(map_spec(ds.events, ctx), "labels")
    assert "Dushanbe" in static["text"]


def test_style_is_served_from_this_server_only() -> None:
    style = basemap.style("/assets/map/")
    text = json.dumps(style)
    assert "http" not in text  # no tile, glyph or sprite server anywhere
    assert style["glyphs"] == "/assets/map/glyphs/{fontstack}/{range}.pbf"
    for src in style["sources"].values():
        path = basemap.MAP_ASSETS / src["data"].removeprefix("/assets/map/")
        assert path.is_file() and path.stat().st_size > 1000
    fonts = {f for layer in style["layers"] for f in layer.get("layout", {}).get("text-font", [])}
    assert fonts == {basemap.FONT}
    for start in (0, 256, 1024):  # Latin, Latin Extended, Cyrillic
        assert (basemap.MAP_ASSETS / "glyphs" / basemap.FONT / f"{start}-{start + 255}.pbf").stat().st_size > 10_000
    assert len(list((basemap.MAP_ASSETS / "glyphs" / basemap.FONT).glob("*.pbf"))) == 256  # no range is missing


def test_places_rank_capitals_and_cities_by_size() -> None:
    names = {n: r for _, _, n, r in basemap.places()}
    assert names["Dushanbe"] == 0 and names["Moscow"] == 0  # capitals show from the start
    assert names["Yelabuga"] > names["Kazan"] >= 1  # smaller towns show only when zoomed in
    zooms = [layer["minzoom"] for layer in basemap.style("/x/")["layers"] if layer["id"].startswith("places-")]
    assert zooms == sorted(zooms)


def test_selection_is_at_the_events_own_place(ds) -> None:
    assert selection_lonlat(ds.events, "ev-plant") == ([68.787], [38.5598])
    assert selection_lonlat(ds.events, "") == ([], [])


def test_circle_has_the_radius_asked() -> None:
    ring = basemap.circle(68.8, 38.6, 250.0)
    assert ring[0] == ring[-1]
    assert all(basemap.distance_km(68.8, 38.6, lon, lat) == pytest.approx(250.0, rel=1e-3) for lon, lat in ring)


def test_frame_of_nothing_is_none() -> None:
    assert basemap.frame(np.array([np.nan]), np.array([np.nan])) is None
    assert basemap.frame(pd.Series([10.0]).to_numpy(), pd.Series([20.0]).to_numpy())["east"] > 10.0


def test_the_served_style_is_the_one_the_code_builds(ds, ctx) -> None:
    """assets/map/style.json is written from basemap.style (the live map names it by URL): they agree."""
    served = json.loads((basemap.MAP_ASSETS / "style.json").read_text(encoding="utf-8"))
    assert served == basemap.style("/assets/map/")
    assert live_map_spec(ds.events, ctx)["layout"]["map"]["style"] == "/assets/map/style.json"
