"""Geographic reference data shared by the map, the importers and the exports: one home, no
dependency on either (app.figures.map and app.importers.places both read it from here)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

#: The Natural Earth shapes plotly.js draws the map from (served to the browser as an asset).
TOPOJSON_DIR = Path(__file__).resolve().parent / "web" / "assets" / "topojson"


@lru_cache(maxsize=1)
def country_centroids() -> dict[str, tuple[float, float]]:
    """ISO3 -> (lon, lat) from the Natural Earth topojson that plotly.js ships (property 'ct')."""
    topo = json.loads((TOPOJSON_DIR / "world_110m.json").read_text(encoding="utf-8"))
    out: dict[str, tuple[float, float]] = {}
    for geom in topo["objects"]["countries"]["geometries"]:
        ct = (geom.get("properties") or {}).get("ct")
        if geom.get("id") and ct:
            out[str(geom["id"])] = (float(ct[0]), float(ct[1]))
    return out
