"""The live map's clusters as MapLibre draws them (issue 14, item 2), against the bundled data:

- at world zoom the clusters drawn, and the counts written on them, are the numbers of events at
  their places counted from data/events.csv; every event is in exactly one drawn mark;
- zoomed in on a cluster, it splits into smaller clusters and points whose counts add up to it;
- every point drawn at town zoom is within 1 km of its event's coordinates.

Everything is read back from MapLibre (``queryRenderedFeatures`` on the events trace's layers and
the cluster source's leaves), not from the figure handed to it."""

from __future__ import annotations

import csv
import math
from collections import Counter
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from tests.browser.conftest import shot, until, wait_ready

DATA = Path(__file__).resolve().parents[2] / "data" / "events.csv"
SEAT = "authority-seat"
MAP = "document.querySelector('#map-graph .js-plotly-plot')"
SUBPLOT = f"{MAP}._fullLayout.map._subplot.map"

#: Moves the map (``jumpTo``), waits until MapLibre is idle (tiles loaded, clusters placed), then
#: returns what is drawn for the events trace: each cluster (deduplicated over world copies) with
#: the count written on it and the coordinates of its leaves, each single point, and the view.
DRAWN = """async (view) => {
  const gd = document.querySelector('#map-graph .js-plotly-plot');
  const map = gd._fullLayout.map._subplot.map;
  const uid = gd._fullData.find(t => t.meta === 'events').uid;
  const layer = 'plotly-trace-layer-' + uid, source = map.getSource('source-' + uid + '-circle');
  if (view) {
    await new Promise(done => {
      const timer = setTimeout(done, 15000);
      map.once('idle', () => { clearTimeout(timer); done(); });
      map.jumpTo(view);
      map.triggerRepaint();
    });
  }
  const written = {};
  for (const f of map.queryRenderedFeatures({layers: [layer + '-cluster-count']}))
    written[f.properties.cluster_id] = f.properties.point_count_abbreviated;
  const clusters = {};
  for (const f of map.queryRenderedFeatures({layers: [layer + '-cluster']})) {
    const id = f.properties.cluster_id;
    if (id in clusters) continue;
    const leaves = await source.getClusterLeaves(id, Infinity, 0);
    clusters[id] = {count: f.properties.point_count, written: written[id] ?? null,
                    at: f.geometry.coordinates, leaves: leaves.map(l => l.geometry.coordinates)};
  }
  const points = map.queryRenderedFeatures({layers: [layer + '-circle']})
    .map(f => f.geometry.coordinates);
  const b = map.getBounds();
  return {clusters: Object.values(clusters), points, zoom: map.getZoom(),
          bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
          canvas: [map.getCanvas().clientWidth, map.getCanvas().clientHeight]};
}"""

def km(lon0: float, lat0: float, lon1: float, lat1: float) -> float:
    a = (math.sin(math.radians(lat1 - lat0) / 2) ** 2 + math.cos(math.radians(lat0)) * math.cos(math.radians(lat1))
         * math.sin(math.radians(lon1 - lon0) / 2) ** 2)
    return 2 * 6371 * math.asin(min(1.0, math.sqrt(a)))


def clustered_events() -> Counter[tuple[float, float]]:
    """Events the events trace clusters (placed, not at an authority's seat), counted per place."""
    return Counter((round(float(r["longitude"]), 5), round(float(r["latitude"]), 5))
                   for r in csv.DictReader(DATA.open(encoding="utf-8"))
                   if r["latitude"] and r["longitude"] and r["location_role"] != SEAT)


def place(coords: list[float]) -> tuple[float, float]:
    lon = (coords[0] + 180.0) % 360.0 - 180.0  # a world copy's mark is the same mark
    return round(lon, 5), round(coords[1], 5)


def nearest(expected: Counter[tuple[float, float]], lon: float, lat: float) -> tuple[tuple[float, float], float]:
    best = min(expected, key=lambda p: km(lon, lat, *p))
    return best, km(lon, lat, *best)


def point_place(expected: Counter[tuple[float, float]], coords: list[float], zoom: float) -> tuple[float, float]:
    """The event place of a drawn point. MapLibre hands back a point's position as its vector tile
    stores it, to 1/8192 of a tile (about 2.4 km at zoom 1, 5 m at zoom 10): the place nearest to it,
    which must be within that precision (the 1 km test below reads points at zoom 10)."""
    lon, lat = place(coords)
    found, dist = nearest(expected, lon, lat)
    assert dist < 2 * 40075 / 2 ** math.floor(zoom) / 8192 + 0.01, (coords, found, dist)
    return found


def open_map(page: Page, server_url: str) -> dict[str, Any]:
    """The dashboard at 1366×768 with the map full screen (a large canvas: clusters fit when split)."""
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(server_url)
    wait_ready(page)
    page.click("#map-fullscreen-button")
    until(page, f"{SUBPLOT}.getCanvas().getBoundingClientRect().width > 1300")
    width = page.evaluate(f"() => {SUBPLOT}.getCanvas().clientWidth")
    # world zoom: the whole world once across the canvas (MapLibre's world is 512 px at zoom 0)
    return page.evaluate(DRAWN, {"center": [25, 25], "zoom": math.log2(width / 512)})


def test_world_clusters_count_the_events_at_their_places(watched: Page, server_url: str) -> None:
    expected = clustered_events()
    world = open_map(watched, server_url)
    assert world["bounds"][2] - world["bounds"][0] >= 355, world["bounds"]  # the whole world is in view
    clusters, points = world["clusters"], world["points"]
    assert len(clusters) >= 5 and sum(c["count"] for c in clusters) > 100  # at world zoom most events are clustered
    drawn: Counter[tuple[float, float]] = Counter()
    for c in clusters:
        # the count written on the disc is the cluster's count (MapLibre abbreviates from 1,000 on)
        assert str(c["written"]) == str(c["count"]), c
        assert len(c["leaves"]) == c["count"]
        here = Counter(place(p) for p in c["leaves"])
        # all events of each of its places are in it, and nothing else: the count is the data's
        assert c["count"] == sum(expected[p] for p in here), (c["at"], here)
        assert all(here[p] == expected[p] for p in here), here
        drawn.update(here)
    singles = Counter({point_place(expected, p, world["zoom"]) for p in points})  # world copies drawn once
    drawn.update(singles)
    assert all(expected[p] == 1 for p in singles)  # a place with two events is never a lone point
    assert drawn == expected  # every event in exactly one mark, at its own place
    shot(watched, "map-clusters-world.png")


def test_a_cluster_splits_as_you_zoom_in(watched: Page, server_url: str) -> None:
    expected = clustered_events()
    world = open_map(watched, server_url)
    width, height = world["canvas"]
    for big in sorted(world["clusters"], key=lambda c: -c["count"]):
        places = {place(p) for p in big["leaves"]}
        if len(places) < 2:
            continue  # events at one exact place never split (they are listed on a click instead)
        lons, lats = [p[0] for p in places], [p[1] for p in places]
        break
    else:
        raise AssertionError("no cluster of several places at world zoom")
    before = Counter(place(p) for p in big["leaves"])
    centre = [(min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2]
    # zoom in step by step on the cluster's own extent until it has split (all of it stays in view)
    zoom = world["zoom"]
    pieces: list[Counter[tuple[float, float]]] = []
    while zoom < 10:
        zoom += 1
        drawn = watched.evaluate(DRAWN, {"center": centre, "zoom": zoom})
        west, south, east, north = drawn["bounds"]
        assert all(west <= lon <= east and south <= lat <= north for lon, lat in places), "cluster left the view"
        pieces = []
        for c in drawn["clusters"]:
            here = Counter(place(p) for p in c["leaves"])
            assert len(c["leaves"]) == c["count"]
            lon, lat = c["at"]
            if west <= lon <= east and south <= lat <= north:
                # its count is written on it (a disc whose centre is past the view's edge shows only
                # a rim: its count stands outside the canvas, and MapLibre does not place it)
                assert str(c["written"]) == str(c["count"]), c
            if all(p in before for p in here):
                pieces.append(here)
        singles = {point_place(expected, p, drawn["zoom"]) for p in drawn["points"]}
        pieces += [Counter([p]) for p in singles if p in before]
        if len(pieces) > 1:
            break
    assert len(pieces) > 1, f"the cluster of {big['count']} did not split by zoom {zoom}"
    total: Counter[tuple[float, float]] = Counter()
    for piece in pieces:
        total.update(piece)
    assert sum(sum(p.values()) for p in pieces) == big["count"]  # the pieces' counts add up to the cluster
    assert total == before  # ... and they are its events, none lost, none counted twice
    assert width > 1300 and height > 600
    shot(watched, "map-clusters-split.png")


def test_every_point_is_drawn_within_1_km_of_its_event(watched: Page, server_url: str) -> None:
    """At zoom 10 (past the clusters' last zoom, 9) every event is a point: each place is visited
    and the points MapLibre drew there are counted against the data, each within 1 km."""
    expected = clustered_events()
    open_map(watched, server_url)
    seen: Counter[tuple[float, float]] = Counter()
    checked: set[tuple[float, float]] = set()
    views = 0
    for target in sorted(expected):
        if target in checked:
            continue
        drawn = watched.evaluate(DRAWN, {"center": list(target), "zoom": 10.5})
        views += 1
        assert drawn["clusters"] == [], "no clusters past zoom 9"
        west, south, east, north = drawn["bounds"]
        margin_lon, margin_lat = (east - west) * 0.02, (north - south) * 0.02
        inside = {p for p in expected if west + margin_lon <= p[0] <= east - margin_lon
                  and south + margin_lat <= p[1] <= north - margin_lat}
        assert target in inside
        here: Counter[tuple[float, float]] = Counter()
        for lon, lat in drawn["points"]:
            event_place, dist = nearest(expected, lon, lat)
            assert dist < 1.0, (lon, lat, event_place, dist)  # drawn where the event happened
            if event_place in inside:
                here[event_place] += 1
        for p in inside - checked:
            assert here[p] == expected[p], (p, here[p], expected[p])  # one drawn point per event
            seen[p] = here[p]
        checked |= inside
    assert seen == expected
    assert views < len(expected)  # places in one town share a view
