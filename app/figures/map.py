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

from html import escape as html_escape
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from app.dataset import columns as C
from app.figures.context import SELECTION_UID, FigureContext
from app.figures.theme import GEO_SYMBOLS, HIGHLIGHT, SEAT_SYMBOL, base_layout
from app.figures.timeline import hover_array, most_common
from app.geo import TOPOJSON_DIR as TOPOJSON_DIR  # where the exports read the shapes too
from app.geo import country_centroids

SPREAD_DEG = 1.3
HOVER = "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>%{customdata[3]}<extra></extra>"
SEAT = "authority-seat"
DETAIL_LIMIT = 2_000  # more placed events than this are counted per area
CELL_DEG = 2.0  # the finest area cell (degrees); doubled while there would be more than MAX_AREAS
MAX_AREAS = 400
MAX_ARCS = 400


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
    """One row per (transfer event, supplier -> recipient): start and end coordinates.

    Each distinct list of roles is read once (a large table repeats a few hundred of them), so only
    an event's own coordinates are looked at per event."""
    codes, lists = pd.factorize(events[C.ACTOR_ROLES])
    roles = pd.Series(lists, dtype=events[C.ACTOR_ROLES].dtype)
    both = (roles.str.contains(":supplier", regex=False) & roles.str.contains(":recipient", regex=False))
    has = np.append(both.to_numpy(dtype=bool, na_value=False), False)[codes]  # code -1 (missing): no
    if not has.any():  # (selecting no rows of every column costs as much as a small selection)
        return pd.DataFrame(columns=[C.EVENT_ID, "lon0", "lat0", "lon1", "lat1"])
    sub = events[has]
    centroids = country_centroids()
    plans: dict[str, list[tuple[tuple[float, float], bool, tuple[float, float] | None]]] = {}
    rows = []
    columns = (sub[C.EVENT_ID], sub[C.ACTOR_ROLES], sub[C.LATITUDE], sub[C.LONGITUDE])
    for eid, pairs, lat, lon in zip(*columns, strict=True):
        plan = plans.get(pairs)
        if plan is None:
            plan = plans[pairs] = _arc_plan(pairs, ctx, centroids)
        placed = pd.notna(lat) and pd.notna(lon)
        for start, abroad, recipient in plan:
            # a recipient in another country than the supplier: the arc ends at the event's place
            end = (float(lon), float(lat)) if placed and abroad else recipient
            if end is None or end == start:
                continue
            rows.append((eid, start[0], start[1], end[0], end[1]))
    return pd.DataFrame(rows, columns=[C.EVENT_ID, "lon0", "lat0", "lon1", "lat1"])


def _arc_plan(pairs: str, ctx: FigureContext, centroids: dict[str, tuple[float, float]]) -> list[
        tuple[tuple[float, float], bool, tuple[float, float] | None]]:
    """For one ';'-joined "actor:role" list: (supplier's centroid, recipient in another country,
    recipient's centroid) per supplier -> recipient pair whose supplier has a place."""
    suppliers = [p.split(":")[0] for p in pairs.split(";") if p.endswith(":supplier")]
    recipients = [p.split(":")[0] for p in pairs.split(";") if p.endswith(":recipient")]
    plan = []
    for s in suppliers:
        start = centroids.get(ctx.actor_countries.get(s, ""))
        if start is None:
            continue
        for r in recipients:
            plan.append((start, ctx.actor_countries.get(r) != ctx.actor_countries.get(s),
                         centroids.get(ctx.actor_countries.get(r, ""))))
    return plan


PRECISION_WORDS = {"near": " (near)", "admin-region": " (region)", "country": " (country level)", "sea": " (at sea)"}


def _custom(frame: pd.DataFrame, ctx: FigureContext) -> np.ndarray:
    """Per-point [event_id, title, date label, place (precision) (role)] for hover and clicks.
    Python over lists, as timeline.custom_data and for the same reason; missing stays missing."""
    places = [c if p == "" else p for p, c in zip(frame[C.PLACE_NAME].tolist(), frame[C.COUNTRY_NAME].tolist(),
                                                 strict=True)]
    words = [p + PRECISION_WORDS.get(g, "") + (" (seat of the issuing authority)" if r == SEAT else "")
             if isinstance(p, str) else np.nan
             for p, g, r in zip(places, frame[C.GEO_PRECISION].tolist(), frame[C.LOCATION_ROLE].tolist(),
                                strict=True)]
    return hover_array(frame, words)


APPROXIMATE = ("admin-region", "country", "sea")


def map_spec(
    events: pd.DataFrame, ctx: FigureContext, *, selected: str = "", seats: bool = True,
    title: str | None = None, font_size: int = 15, focus: dict[str, Any] | None = None,
    legend: bool = True,
) -> dict[str, Any]:
    """The map of ``events`` (already filtered) as a figure dict. ``focus`` = {lon, lat, scale}."""
    data: list[dict[str, Any]] = []
    placed = _placed(events)
    grouped = len(placed) > DETAIL_LIMIT
    arcs = transfer_arcs(events, ctx)
    if len(arcs):
        # one line per supplier -> recipient pair, however many transfers share it
        arcs = arcs.drop_duplicates(["lon0", "lat0", "lon1", "lat1"]).head(MAX_ARCS)
        # one trace, segments separated by None: plotly draws great-circle arcs
        lons: list[Any] = []
        lats: list[Any] = []
        for lon0, lat0, lon1, lat1 in zip(arcs["lon0"], arcs["lat0"], arcs["lon1"], arcs["lat1"], strict=True):
            lons += [lon0, lon1, None]
            lats += [lat0, lat1, None]
        data.append({"type": "scattergeo", "lon": lons, "lat": lats, "mode": "lines",
                     "name": "Transfer (supplier → recipient)", "line": {"width": 2, "color": ctx.colour("transfer")},
                     "opacity": 0.7, "hoverinfo": "skip", "showlegend": legend})
    if grouped:
        data.append(area_trace(placed if seats else placed[placed[C.LOCATION_ROLE] != SEAT], ctx))
    sites = placed[placed[C.LOCATION_ROLE] != SEAT] if not grouped else placed.iloc[:0]
    if len(sites):
        colours = sites[C.CATEGORY].map(ctx.colours).fillna("#777777")
        approx = sites[C.GEO_PRECISION].isin(APPROXIMATE)
        data.append({
            "type": "scattergeo", "lon": sites["_lon"].to_numpy(), "lat": sites["_lat"].to_numpy(),
            "mode": "markers", "name": "Events at their place", "showlegend": False,
            "marker": {"color": colours.tolist(), "size": 12,
                       "symbol": sites[C.GEO_PRECISION].map(GEO_SYMBOLS).fillna("circle").tolist(),
                       "line": {"color": colours.where(approx, "white").tolist(), "width": 2}},
            "customdata": _custom(sites, ctx), "hovertemplate": HOVER,
        })
    seat_rows = placed[placed[C.LOCATION_ROLE] == SEAT] if not grouped else placed.iloc[:0]
    if len(seat_rows):
        data.append({
            "type": "scattergeo", "lon": seat_rows["_lon"].to_numpy(), "lat": seat_rows["_lat"].to_numpy(),
            "mode": "markers", "name": "Seat of issuing authority", "visible": True if seats else "legendonly",
            "showlegend": legend,
            "marker": {"symbol": SEAT_SYMBOL, "size": 9, "opacity": 0.85,
                       "color": seat_rows[C.CATEGORY].map(ctx.colours).fillna("#777777").tolist(),
                       "line": {"color": "#333", "width": 1}},
            "customdata": _custom(seat_rows, ctx), "hovertemplate": HOVER,
        })
    if len(placed) and not grouped:
        visible = placed if seats else placed[placed[C.LOCATION_ROLE] != SEAT]
        groups = visible[visible["_n"] > 1].groupby([C.LATITUDE, C.LONGITUDE]).size().reset_index(name="n")
        if len(groups):
            data.append({
                "type": "scattergeo", "lat": (groups[C.LATITUDE] + SPREAD_DEG * np.sqrt(groups["n"]) + 1.0).to_numpy(),
                "lon": groups[C.LONGITUDE].to_numpy(), "text": [f"{n} here" for n in groups["n"]],
                "mode": "text", "name": "Events at one place", "textfont": {"size": 12, "color": "#222"},
                "showlegend": False, "hoverinfo": "skip",
            })
    if legend:
        present = set(placed[C.CATEGORY].unique()) if len(placed) else set()
        data += [{"type": "scattergeo", "lon": [None], "lat": [None], "mode": "markers",
                  "name": ctx.category_labels.get(c, c), "marker": {"color": ctx.colour(c), "size": 11},
                  "hoverinfo": "skip"} for c in ctx.categories if c in present]
    sel_lon, sel_lat = _selection(placed, selected)
    data.append({"type": "scattergeo", "lon": sel_lon, "lat": sel_lat, "mode": "markers", "name": "Selected",
                 "uid": SELECTION_UID, "showlegend": False, "hoverinfo": "skip",
                 "marker": {"symbol": "circle-open", "size": 26, "color": HIGHLIGHT, "line": {"width": 4}}})
    layout = base_layout(title, font_size)
    layout.update({
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0, "font": {"size": 13}},
        "showlegend": legend, "clickmode": "event",
        "geo": {
            "projection": {"type": "natural earth"}, "showcountries": True, "countrycolor": "#9aa0a8",
            # the sea is the map's background, not an ocean layer: a layer is re-projected on every
            # update, the background is not (about 8 ms of each redraw in headless Chromium)
            "showland": True, "landcolor": "#f3f1ec", "showocean": False, "bgcolor": "#e3edf5",
            # no coastline layer: the country outlines already draw every coast, and each layer is
            # re-projected on every update of the map
            "showlakes": False, "showcoastlines": False,
            "fitbounds": "locations" if len(placed) else False, "resolution": 110, "showframe": False,
        },
    })
    if focus:
        layout["geo"].update({"fitbounds": False, "center": {"lon": focus.get("lon", 0), "lat": focus.get("lat", 0)}})
        layout["geo"]["projection"]["scale"] = focus.get("scale", 1)
    return {"data": data, "layout": layout}


def map_figure(events: pd.DataFrame, ctx: FigureContext, **kwargs: Any) -> go.Figure:
    """``map_spec`` as a ``go.Figure`` (for image export and inspection)."""
    return go.Figure(map_spec(events, ctx, **kwargs))


def area_trace(placed: pd.DataFrame, ctx: FigureContext) -> dict[str, Any]:
    """Many events: one marker per grid cell (CELL_DEG degrees or coarser), at the mean position of its events,
    sized by their number and coloured by the most common category. The bytes sent depend on the
    cells occupied, not on the events."""
    lat = placed[C.LATITUDE].to_numpy(dtype=float)
    lon = placed[C.LONGITUDE].to_numpy(dtype=float)
    deg = CELL_DEG
    cell, n_cells = area_cells(lat, lon, deg)
    while deg < 16 and n_cells > MAX_AREAS:
        deg *= 2  # coarser cells until the markers are few enough to redraw quickly
        cell, n_cells = area_cells(lat, lon, deg)
    cell = pd.factorize(cell)[0]  # numbered in order of appearance, as a groupby(sort=False) lists them
    cat_codes, cat_values = pd.factorize(placed[C.CATEGORY])
    top = np.full(int(cell.max(initial=-1)) + 1, np.nan, dtype=object)  # no category: missing, as a join leaves it
    rep = most_common(cell, cat_codes)
    top[cell[rep]] = np.asarray(cat_values, dtype=object)[cat_codes[rep]]
    cells = pd.DataFrame({"lat": lat, "lon": lon}).groupby(cell).mean()  # in order of appearance
    n = np.bincount(cell)
    # hover text and colour per distinct category, not per cell (labels are data: escaped)
    mostly = {c: html_escape(str(ctx.category_labels.get(c, c))) for c in set(top)}
    text = [f"<b>{k:,} event{'' if k == 1 else 's'}</b> in this area<br>mostly {mostly[c]}" for k, c in zip(n, top,
                                                                                                     strict=True)]
    colour_of = {c: ctx.colours.get(c, "#777777") for c in set(top)}
    colours = [colour_of[c] for c in top]
    return {
        "type": "scattergeo", "lon": cells["lon"].round(2).to_numpy(), "lat": cells["lat"].round(2).to_numpy(),
        "mode": "markers", "name": "Events (counted per area)", "showlegend": False, "text": text,
        "hovertemplate": "%{text}<br>narrow the filters or the time range to see each one<extra></extra>",
        "marker": {"color": colours, "size": np.clip(4 + 1.4 * np.sqrt(n), 4, 26).round(1), "opacity": 0.7,
                   "line": {"color": "white", "width": 0.5}},
    }


def area_cells(lat: np.ndarray, lon: np.ndarray, deg: float) -> tuple[np.ndarray, int]:
    """(a number per cell of each event, how many cells): cells of ``deg`` degrees, told apart as
    ``floor(lat / deg) * 1000 + floor(lon / deg)`` tells them. The grid is small (a few thousand
    cells on the globe), so it is ticked off in a table rather than sorted or hashed."""
    row, col = np.floor(lat / deg), np.floor(lon / deg)
    if len(row) and np.isfinite(row).all() and np.isfinite(col).all() and np.abs(col).max() < 500:
        # |col| < 500: (row, col) pairs and row * 1000 + col are told apart alike
        top, left = row.min(), col.min()
        width = int(col.max() - left) + 1
        size = (int(row.max() - top) + 1) * width
        if size <= 4_000_000:
            number = (row - top).astype(np.int64) * width + (col - left).astype(np.int64)
            seen = np.zeros(size, dtype=bool)
            seen[number] = True
            return number, int(seen.sum())
    rows, cols = pd.factorize(row)[0], pd.factorize(col)[0]  # the cells are (row, col) pairs
    return rows * (int(cols.max(initial=0)) + 1) + cols, len(pd.unique(row * 1000 + col))


def _placed(events: pd.DataFrame) -> pd.DataFrame:
    """Events with coordinates, plus their spread display position (_lat, _lon) and group size (_n).
    A table too large to draw event by event is not spread (it is counted per area instead)."""
    has_place = (events[C.LATITUDE].notna() & events[C.LONGITUDE].notna()).to_numpy()
    if int(has_place.sum()) > DETAIL_LIMIT:
        # counted per area: only the columns counting needs (selecting all of them costs more)
        slim = events[[C.EVENT_ID, C.LATITUDE, C.LONGITUDE, C.CATEGORY, C.LOCATION_ROLE]]
        slim = slim if has_place.all() else slim[has_place]  # every event placed: no rows to select
        return slim.assign(_lat=slim[C.LATITUDE], _lon=slim[C.LONGITUDE], _n=1)
    placed = events[has_place]
    if placed.empty:
        return placed.assign(_lat=pd.Series(dtype=float), _lon=pd.Series(dtype=float), _n=pd.Series(dtype=int))
    dlat, dlon, size = spread_offsets(placed[C.LATITUDE].to_numpy(), placed[C.LONGITUDE].to_numpy())
    return placed.assign(_lat=placed[C.LATITUDE].to_numpy() + dlat, _lon=placed[C.LONGITUDE].to_numpy() + dlon,
                         _n=size)


def _selection(placed: pd.DataFrame, selected: str) -> tuple[list[float], list[float]]:
    if not selected or placed.empty:
        return [], []
    hit = placed[placed[C.EVENT_ID] == selected]
    return hit["_lon"].head(1).tolist(), hit["_lat"].head(1).tolist()


def selection_lonlat(events: pd.DataFrame, selected: str) -> tuple[list[float], list[float]]:
    """Where the map's highlight ring goes, computed exactly as in the full figure."""
    if not selected:
        return [], []  # nothing to place: no need to spread the events first
    return _selection(_placed(events), selected)
