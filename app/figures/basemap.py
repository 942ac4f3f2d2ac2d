"""The offline basemap and the geometry the map draws with: pure functions, no Dash.

The basemap lives in ``app/web/assets/map/`` (built by ``app/vendor/build/basemap.py``; origin and
licences in ``app/vendor/README.md``):

- ``land.json``, ``borders.json`` (between countries), ``lakes.json``, ``rivers.json``: Natural Earth
  1:50m, public domain;
- ``admin1.json``: the first-level borders of every country (the edges Natural Earth 1:10m admin-1
  divisions of one country share), simplified to about 3 km; ``admin1_export.json``: the same lines
  simplified to about 6 km, for static figures (public domain);
- ``places.json``: capitals and cities of 50,000 people or more (GeoNames, CC BY 4.0), largest
  first, ranked 0 (capital) .. 5;
- ``glyphs/NotoSans-Regular/{range}.pbf``: the glyphs every label and cluster count is drawn with
  (Noto Sans, SIL Open Font License), made from the font by ``app/vendor/build/glyphs.py``;
- ``country_areas.json``: ISO3 -> area in km² (GeoNames), for the size of a country-level halo.

The dashboard's map (MapLibre, ``scattermap``) gets a style whose sources and glyphs are URLs on this
server; exported figures (``scattergeo``, kaleido) draw the same Natural Earth layers from plotly's
1:50m topojson plus the first-level borders (``admin1_export.json``) and the place names as text.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

MAP_ASSETS = Path(__file__).resolve().parents[1] / "web" / "assets" / "map"
FONT = "NotoSans-Regular"
SEA = "#dbe7f1"
LAND = "#f4f2ed"
BORDER = "#8d939b"
ADMIN1 = "#b4aea3"
WATER_LINE = "#9ec0da"
EARTH_KM = 6371.0
#: Radius of the halo of an event known only to its region (km); a country's is its own size.
REGION_KM = 100.0
SEA_KM = 150.0
#: The zoom from which first-level borders show (about a large country's width on screen); they fade
#: in over the next two zoom levels, so a continent is not covered in dashes.
ADMIN1_MINZOOM = 3.0
#: Label rank -> the zoom from which it shows (capitals and very large cities from the start).
RANK_MINZOOM = {0: 0.0, 1: 1.5, 2: 3.0, 3: 4.2, 4: 5.2, 5: 6.2}


def style(base_url: str) -> dict[str, Any]:
    """A MapLibre style drawing the local basemap; ``base_url`` is where assets/map/ is served
    (ends with /). Nothing in it names another host."""
    src = {name: {"type": "geojson", "data": f"{base_url}{name}.json"}
           for name in ("land", "borders", "admin1", "lakes", "rivers", "places")}
    label = {"text-field": ["get", "n"], "text-font": [FONT], "text-max-width": 8,
             "text-size": ["match", ["get", "r"], 0, 13, 1, 12.5, 2, 12, 11.5]}
    paint = {"text-color": ["match", ["get", "r"], 0, "#3a3f46", "#5d646c"], "text-halo-color": "#ffffff",
             "text-halo-width": 1.4}
    places = [{"id": f"places-{r}", "type": "symbol", "source": "places", "minzoom": z,
               "filter": ["==", ["get", "r"], r], "layout": label, "paint": paint}
              for r, z in RANK_MINZOOM.items()]
    return {
        "version": 8, "id": "geotimeline-basemap", "name": "geotimeline offline basemap",
        "glyphs": f"{base_url}glyphs/{{fontstack}}/{{range}}.pbf",
        "sources": src,
        "layers": [
            {"id": "sea", "type": "background", "paint": {"background-color": SEA}},
            {"id": "land", "type": "fill", "source": "land", "paint": {"fill-color": LAND}},
            {"id": "lakes", "type": "fill", "source": "lakes", "paint": {"fill-color": SEA}},
            {"id": "rivers", "type": "line", "source": "rivers",
             "paint": {"line-color": WATER_LINE, "line-width": ["interpolate", ["linear"], ["zoom"], 1, 0.5, 8, 1.6]}},
            {"id": "admin1", "type": "line", "source": "admin1", "minzoom": ADMIN1_MINZOOM,
             "paint": {"line-color": ADMIN1, "line-dasharray": [3, 2],
                       "line-width": ["interpolate", ["linear"], ["zoom"], ADMIN1_MINZOOM, 0.5, 8, 1.1],
                       "line-opacity": ["interpolate", ["linear"], ["zoom"], ADMIN1_MINZOOM, 0.4,
                                        ADMIN1_MINZOOM + 2, 0.9]}},
            {"id": "borders", "type": "line", "source": "borders",
             "paint": {"line-color": BORDER, "line-width": ["interpolate", ["linear"], ["zoom"], 1, 0.6, 8, 1.8]}},
            *places,
        ],
    }


@lru_cache(maxsize=1)
def country_areas() -> dict[str, float]:
    return {k: float(v) for k, v in json.loads((MAP_ASSETS / "country_areas.json").read_text("utf-8")).items()}


def halo_km(precision: str, country: str) -> float:
    """How far from its point an event of this place precision may be: the radius of a circle with
    the country's area for a country-level place; REGION_KM / SEA_KM otherwise; 0 for a point."""
    if precision == "country":
        area = country_areas().get(country, 0.0)
        return max(math.sqrt(area / math.pi), 30.0) if area else 300.0
    return {"admin-region": REGION_KM, "sea": SEA_KM}.get(precision, 0.0)


def circle(lon: float, lat: float, km: float, n: int = 48) -> list[list[float]]:
    """A closed ring of points ``km`` from (lon, lat) on the sphere."""
    d = km / EARTH_KM
    la, lo = math.radians(lat), math.radians(lon)
    ring = []
    for k in range(n + 1):
        b = 2 * math.pi * k / n
        lat2 = math.asin(math.sin(la) * math.cos(d) + math.cos(la) * math.sin(d) * math.cos(b))
        lon2 = lo + math.atan2(math.sin(b) * math.sin(d) * math.cos(la), math.cos(d) - math.sin(la) * math.sin(lat2))
        ring.append([round(math.degrees(lon2), 4), round(math.degrees(lat2), 4)])
    return ring


def great_circle(lon0: float, lat0: float, lon1: float, lat1: float, n: int = 32) -> tuple[list[float], list[float]]:
    """Points along the great circle from (lon0, lat0) to (lon1, lat1); longitudes unwrapped so a
    line on a flat map never jumps across it."""
    p0 = _xyz(lon0, lat0)
    p1 = _xyz(lon1, lat1)
    omega = math.acos(max(-1.0, min(1.0, float(np.dot(p0, p1)))))
    if omega < 1e-9:
        return [lon0, lon1], [lat0, lat1]
    t = np.linspace(0.0, 1.0, n + 1)
    pts = (np.sin((1 - t) * omega)[:, None] * p0 + np.sin(t * omega)[:, None] * p1) / math.sin(omega)
    lats = np.degrees(np.arcsin(np.clip(pts[:, 2], -1, 1)))
    lons = np.degrees(np.unwrap(np.arctan2(pts[:, 1], pts[:, 0])))
    lons += round((lon0 - lons[0]) / 360) * 360
    return [round(float(v), 4) for v in lons], [round(float(v), 4) for v in lats]


def _xyz(lon: float, lat: float) -> np.ndarray:
    lo, la = math.radians(lon), math.radians(lat)
    return np.array([math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)])


def distance_km(lon0: float, lat0: float, lon1: float, lat1: float) -> float:
    a = (math.sin(math.radians(lat1 - lat0) / 2) ** 2 + math.cos(math.radians(lat0)) * math.cos(math.radians(lat1))
         * math.sin(math.radians(lon1 - lon0) / 2) ** 2)
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def frame(lons: np.ndarray, lats: np.ndarray, min_span: float = 3.0) -> dict[str, float] | None:
    """The box to show for these points: their extent, at least ``min_span`` degrees each way (one
    town is shown with its surroundings, not at street level), within the Web Mercator latitudes."""
    ok = np.isfinite(lons) & np.isfinite(lats)
    if not ok.any():
        return None
    lo, la = lons[ok], lats[ok]
    west, east, south, north = float(lo.min()), float(lo.max()), float(la.min()), float(la.max())
    # a margin of a tenth of the extent: a mark on the edge is drawn whole, with its label
    pad_x, pad_y = (east - west) * 0.1, (north - south) * 0.1
    west, east, south, north = west - pad_x, east + pad_x, south - pad_y, north + pad_y
    if east - west < min_span:
        mid = (east + west) / 2
        west, east = mid - min_span / 2, mid + min_span / 2
    if north - south < min_span:
        mid = (north + south) / 2
        south, north = mid - min_span / 2, mid + min_span / 2
    return {"west": max(west, -180.0), "east": min(east, 180.0), "south": max(south, -80.0), "north": min(north, 84.0)}


def focus_zoom(scale: float) -> float:
    """A narrative's focus ``scale`` (1 = the whole world on a geo projection) as a MapLibre zoom."""
    return round(max(0.0, math.log2(max(scale, 1e-6)) + 0.6), 2)


@lru_cache(maxsize=1)
def places() -> list[tuple[float, float, str, int]]:
    """(lon, lat, name, rank) of the basemap's place names, largest first."""
    data = json.loads((MAP_ASSETS / "places.json").read_text("utf-8"))
    return [(f["geometry"]["coordinates"][0], f["geometry"]["coordinates"][1], f["properties"]["n"],
             int(f["properties"]["r"])) for f in data["features"]]


@lru_cache(maxsize=1)
def admin1_lines() -> tuple[list[float | None], list[float | None]]:
    """The first-level borders of every country for static figures (``admin1_export.json``, the
    dashboard's lines simplified further) as one lon/lat list with None between lines (scattergeo)."""
    data = json.loads((MAP_ASSETS / "admin1_export.json").read_text("utf-8"))
    lons: list[float | None] = []
    lats: list[float | None] = []
    for f in data["features"]:
        for line in f["geometry"]["coordinates"]:
            lons += [p[0] for p in line] + [None]
            lats += [p[1] for p in line] + [None]
    return lons, lats
