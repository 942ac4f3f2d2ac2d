"""The world map: geo traces on a Natural Earth projection, drawn from local topojson only.

- Markers are coloured like the timeline (by category).
- Approximate places look approximate: region-level places are rings, country-level places are
  rings with a dot, sea areas open diamonds; exact and near places are filled circles.
- Events placed at the seat of an issuing authority (a designation "in" Washington) are squares
  in their own trace, which can be hidden.
- Transfers are great-circle arcs from the supplier's country to the recipient.
- Several events at one place are spread on a small spiral around it, with a count label.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from app.dataset import columns as C
from app.figures.context import FigureContext
from app.figures.theme import GEO_SYMBOLS, HIGHLIGHT, SEAT_SYMBOL, base_layout

TOPOJSON_DIR = Path(__file__).resolve().parents[1] / "web" / "assets" / "topojson"
SPREAD_DEG = 1.3
AGGREGATE_THRESHOLD = 4_000
HOVER = "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>%{customdata[3]}<extra></extra>"
SEAT = "authority-seat"


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


def spread_offsets(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Offsets placing the k-th event at a shared place on a golden-angle spiral; and group sizes."""
    key = pd.Series(np.round(lat, 2).astype(str)) + "," + pd.Series(np.round(lon, 2).astype(str))
    rank = key.groupby(key).cumcount().to_numpy()
    size = key.map(key.value_counts()).to_numpy()
    radius = np.where(size > 1, SPREAD_DEG * np.sqrt(rank + 0.5), 0.0)
    angle = rank * 2.39996
    dlat = radius * np.sin(angle)
    dlon = radius * np.cos(angle) / np.maximum(np.cos(np.radians(lat)), 0.2)
    return dlat, dlon, size


def transfer_arcs(events: pd.DataFrame, ctx: FigureContext) -> pd.DataFrame:
    """One row per (transfer event, supplier -> recipient): start and end coordinates."""
    roles = events[C.ACTOR_ROLES]
    has = roles.str.contains(":supplier", regex=False) & roles.str.contains(":recipient", regex=False)
    sub = events[has]
    if sub.empty:
        return pd.DataFrame(columns=[C.EVENT_ID, "lon0", "lat0", "lon1", "lat1"])
    centroids = country_centroids()
    rows = []
    columns = (sub[C.EVENT_ID], sub[C.ACTOR_ROLES], sub[C.LATITUDE], sub[C.LONGITUDE])
    for eid, pairs, lat, lon in zip(*columns, strict=True):
        suppliers = [p.split(":")[0] for p in pairs.split(";") if p.endswith(":supplier")]
        recipients = [p.split(":")[0] for p in pairs.split(";") if p.endswith(":recipient")]
        for s in suppliers:
            start = centroids.get(ctx.actor_countries.get(s, ""))
            if start is None:
                continue
            for r in recipients:
                if pd.notna(lat) and pd.notna(lon) and ctx.actor_countries.get(r) != ctx.actor_countries.get(s):
                    end: tuple[float, float] | None = (float(lon), float(lat))
                else:
                    end = centroids.get(ctx.actor_countries.get(r, ""))
                if end is None or end == start:
                    continue
                rows.append((eid, start[0], start[1], end[0], end[1]))
    return pd.DataFrame(rows, columns=[C.EVENT_ID, "lon0", "lat0", "lon1", "lat1"])


def _custom(frame: pd.DataFrame, ctx: FigureContext) -> np.ndarray:
    place = frame[C.PLACE_NAME].where(frame[C.PLACE_NAME] != "", frame[C.COUNTRY_NAME])
    role = frame[C.LOCATION_ROLE].map({SEAT: " (seat of the issuing authority)"}).fillna("")
    prec = frame[C.GEO_PRECISION].map(
        {"near": " (near)", "admin-region": " (region)", "country": " (country level)", "sea": " (at sea)"}
    ).fillna("")
    return np.column_stack([frame[C.EVENT_ID], frame[C.TITLE], frame[C.DATE_LABEL], place + prec + role])


def map_figure(
    events: pd.DataFrame, ctx: FigureContext, *, selected: str = "", seats: bool = True,
    title: str | None = None, font_size: int = 15, focus: dict[str, Any] | None = None,
    legend: bool = True,
) -> go.Figure:
    """Build the map of ``events`` (already filtered). ``focus`` = {lon, lat, scale} to frame a region."""
    fig = go.Figure()
    placed = events[events[C.LATITUDE].notna() & events[C.LONGITUDE].notna()].copy()
    if len(placed):
        dlat, dlon, size = spread_offsets(placed[C.LATITUDE].to_numpy(), placed[C.LONGITUDE].to_numpy())
        placed["_lat"] = placed[C.LATITUDE].to_numpy() + dlat
        placed["_lon"] = placed[C.LONGITUDE].to_numpy() + dlon
        placed["_n"] = size
    arcs = transfer_arcs(events, ctx)
    if len(arcs):
        # one trace, segments separated by None: plotly draws great-circle arcs
        lons: list[Any] = []
        lats: list[Any] = []
        for lon0, lat0, lon1, lat1 in zip(arcs["lon0"], arcs["lat0"], arcs["lon1"], arcs["lat1"], strict=True):
            lons += [lon0, lon1, None]
            lats += [lat0, lat1, None]
        fig.add_trace(go.Scattergeo(
            lon=lons, lat=lats, mode="lines", name="Transfer (supplier → recipient)",
            line={"width": 2, "color": ctx.colour("transfer")}, opacity=0.7, hoverinfo="skip",
        ))
    sites = placed[placed[C.LOCATION_ROLE] != SEAT] if len(placed) else placed
    for cat in [*ctx.categories, *sorted(set(sites[C.CATEGORY]) - set(ctx.categories))] if len(sites) else []:
        sub = sites[sites[C.CATEGORY] == cat]
        if sub.empty:
            continue
        colour = ctx.colour(cat)
        fig.add_trace(go.Scattergeo(
            lon=sub["_lon"], lat=sub["_lat"], mode="markers", name=ctx.category_labels.get(cat, cat),
            legendgroup=cat,
            marker={"color": colour, "size": 12,
                    "symbol": [GEO_SYMBOLS.get(g, "circle") for g in sub[C.GEO_PRECISION]],
                    "line": {"color": [colour if g in ("admin-region", "country", "sea") else "white"
                                       for g in sub[C.GEO_PRECISION]], "width": 2}},
            customdata=_custom(sub, ctx), hovertemplate=HOVER,
        ))
    seat_rows = placed[placed[C.LOCATION_ROLE] == SEAT] if len(placed) else placed
    if len(seat_rows):
        fig.add_trace(go.Scattergeo(
            lon=seat_rows["_lon"], lat=seat_rows["_lat"], mode="markers",
            name="Seat of issuing authority", legendgroup="seats", visible=True if seats else "legendonly",
            marker={"symbol": SEAT_SYMBOL, "size": 9, "opacity": 0.85,
                    "color": [ctx.colour(c) for c in seat_rows[C.CATEGORY]],
                    "line": {"color": "#333", "width": 1}},
            customdata=_custom(seat_rows, ctx), hovertemplate=HOVER,
        ))
    if len(placed):
        visible = placed if seats else placed[placed[C.LOCATION_ROLE] != SEAT]
        groups = visible[visible["_n"] > 1].groupby([C.LATITUDE, C.LONGITUDE]).size().reset_index(name="n")
        if len(groups):
            fig.add_trace(go.Scattergeo(
                lat=groups[C.LATITUDE] + SPREAD_DEG * np.sqrt(groups["n"]) + 1.0,
                lon=groups[C.LONGITUDE],
                text=[f"{n} here" for n in groups["n"]], mode="text", name="Events at one place",
                textfont={"size": 12, "color": "#222"}, showlegend=False, hoverinfo="skip",
            ))
    sel = placed[placed[C.EVENT_ID] == selected] if selected and len(placed) else placed.iloc[:0]
    fig.add_trace(go.Scattergeo(
        lon=list(sel["_lon"]) if len(sel) else [], lat=list(sel["_lat"]) if len(sel) else [],
        mode="markers", name="Selected", showlegend=False, hoverinfo="skip",
        marker={"symbol": "circle-open", "size": 26, "color": HIGHLIGHT, "line": {"width": 4}},
    ))
    layout = base_layout(title, font_size)
    layout["meta"] = {"selection_trace": len(fig.data) - 1}
    layout["legend"] = {"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0, "font": {"size": 13}}
    layout["showlegend"] = legend
    layout["clickmode"] = "event"
    fig.update_layout(layout)
    geo: dict[str, Any] = {
        "projection_type": "natural earth", "showcountries": True, "countrycolor": "#9aa0a8",
        "showland": True, "landcolor": "#f3f1ec", "showocean": True, "oceancolor": "#e3edf5",
        "showlakes": False, "showcoastlines": True, "coastlinecolor": "#9aa0a8",
        "fitbounds": "locations" if len(placed) else False, "resolution": 110, "showframe": False,
    }
    if focus:
        geo["fitbounds"] = False
        geo["center"] = {"lon": focus.get("lon", 0), "lat": focus.get("lat", 0)}
        geo["projection_scale"] = focus.get("scale", 1)
    fig.update_geos(**geo)
    return fig


def selection_lonlat(events: pd.DataFrame, selected: str) -> tuple[list[float], list[float]]:
    """Where the map's highlight ring goes, computed the same way as in the full figure."""
    placed = events[events[C.LATITUDE].notna() & events[C.LONGITUDE].notna()]
    if not selected or placed.empty:
        return [], []
    dlat, dlon, _ = spread_offsets(placed[C.LATITUDE].to_numpy(), placed[C.LONGITUDE].to_numpy())
    pos = np.flatnonzero((placed[C.EVENT_ID] == selected).to_numpy())
    if not len(pos):
        return [], []
    i = pos[0]
    return [float(placed[C.LONGITUDE].iloc[i] + dlon[i])], [float(placed[C.LATITUDE].iloc[i] + dlat[i])]
