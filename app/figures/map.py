"""The map, drawn from local files only, in two forms with the same marks and basemap:

- ``live_map_spec``: the dashboard's map, MapLibre GL (``scattermap``) on the offline basemap of
  app/figures/basemap.py: zoom from the world to a town, place names, clusters with counts that
  split as you zoom in, WebGL points;
- ``map_spec``: a static figure (``scattergeo``, Natural Earth projection) for kaleido pictures,
  slides, the print view's copy and the offline snapshot/brief, where no server can hand MapLibre its
  basemap and glyphs.

In both: every event is drawn at its own coordinates (never moved); colours are the timeline's
categories; an event known only to its region, the sea area or the country is not drawn as if
pinpointed (a paler mark on a disc of the area it may be in, sized by the precision; rings on the
static map); decisions placed at the seat of an issuing authority are their own hideable trace;
transfers are great-circle arcs from the supplier's country to the recipient.
"""

from __future__ import annotations

import copy
import json
from html import escape as html_escape
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from app.dataset import columns as C
from app.figures.basemap import (
    ADMIN1,
    BORDER,
    FONT,
    LAND,
    SEA,
    WATER_LINE,
    admin1_lines,
    circle,
    focus_zoom,
    frame,
    great_circle,
    halo_km,
    places,
)
from app.figures.context import SELECTION_UID, FigureContext
from app.figures.theme import GEO_SYMBOLS, HIGHLIGHT, MISSING_COLOUR, SEAT_SYMBOL, base_layout
from app.figures.timeline import hover_array, most_common, wrap_words
from app.geo import TOPOJSON_DIR as TOPOJSON_DIR  # where the exports read the shapes too
from app.geo import country_centroids
from app.textsafe import label_text

HOVER_WIDTH = 36  # characters per line of a map hover label: at 15 px about 300 px wide
# title, date, category (a mark's colour is not the only thing that says it), place
HOVER = "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>%{customdata[4]}<br>%{customdata[3]}<extra></extra>"
SEAT = "authority-seat"
DETAIL_LIMIT = 2_000  # more placed events than this are counted per area
CELL_DEG = 2.0  # the finest area cell (degrees); doubled while there would be more than MAX_AREAS
MAX_AREAS = 400
MAX_ARCS = 400




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
    """Per-point [event_id, title, date label, place (precision) (role), category] for hover and clicks.
    Python over lists, as timeline.custom_data and for the same reason; missing stays missing."""
    places = [c if p == "" else p for p, c in zip(frame[C.PLACE_NAME].tolist(), frame[C.COUNTRY_NAME].tolist(),
                                                 strict=True)]
    words = [p + PRECISION_WORDS.get(g, "") + (" (seat of the issuing authority)" if r == SEAT else "")
             if isinstance(p, str) else np.nan
             for p, g, r in zip(places, frame[C.GEO_PRECISION].tolist(), frame[C.LOCATION_ROLE].tolist(),
                                strict=True)]
    cats = [ctx.category_labels.get(c, c) if isinstance(c, str) else np.nan for c in frame[C.CATEGORY].tolist()]
    out = hover_array(frame, words, cats)
    for column in (1, 3, 4):  # title, place and category in lines a phone's screen holds (test_map_touch.py)
        out[:, column] = [_hover_lines(v) for v in out[:, column]]
    return out


def _hover_lines(value: Any) -> Any:
    """A hover value (escaped: an escape holds no space) in lines of at most HOVER_WIDTH characters,
    broken between words, none left out; missing values stay missing."""
    if not isinstance(value, str) or len(value) <= HOVER_WIDTH:
        return value
    return "<br>".join(wrap_words(value, HOVER_WIDTH, lines=len(value))[0])


APPROXIMATE = ("admin-region", "country", "sea")
#: MapLibre clusters: a count in a disc, splitting into smaller clusters and single events as the map
#: zooms in; from CLUSTER_MAXZOOM on every event is its own mark (events at one exact place stay
#: on top of each other there: a click lists them all in the detail panel).
CLUSTER_MAXZOOM = 9
CLUSTER = {"enabled": True, "maxzoom": CLUSTER_MAXZOOM, "step": [0, 10, 50], "size": [15, 19, 25],
           "color": "#aab6c2", "opacity": 0.95}
DENSITY_CELL = 0.25  # degrees: the finest cell a large table's density is counted in
MAX_DENSITY_CELLS = 6_000
POINT = 11  # px: an event's mark on the live map
LABELS = "Places named in these events"


def _arc_lines(events: pd.DataFrame, ctx: FigureContext) -> tuple[list[Any], list[Any]]:
    """lon/lat lists of every distinct supplier -> recipient arc along its great circle, None between."""
    arcs = transfer_arcs(events, ctx)
    lons: list[Any] = []
    lats: list[Any] = []
    if not len(arcs):
        return lons, lats
    # one line per supplier -> recipient pair, however many transfers share it
    arcs = arcs.drop_duplicates(["lon0", "lat0", "lon1", "lat1"]).head(MAX_ARCS)
    for lon0, lat0, lon1, lat1 in zip(arcs["lon0"], arcs["lat0"], arcs["lon1"], arcs["lat1"], strict=True):
        lo, la = great_circle(float(lon0), float(lat0), float(lon1), float(lat1))
        lons += [*lo, None]
        lats += [*la, None]
    return lons, lats


def _halo_features(sites: pd.DataFrame) -> list[dict[str, Any]]:
    """One translucent disc per distinct approximate place: a region's or the sea's nominal radius,
    a country's own size (a circle of its area). At most MAX_AREAS of them."""
    approx = sites[sites[C.GEO_PRECISION].isin(APPROXIMATE)]
    if approx.empty:
        return []
    places = approx[[C.LONGITUDE, C.LATITUDE, C.GEO_PRECISION, C.COUNTRY]].drop_duplicates().head(MAX_AREAS)
    feats = []
    for lon, lat, precision, country in places.itertuples(index=False, name=None):
        km = halo_km(str(precision), str(country))
        if km > 0:
            feats.append({"type": "Feature", "properties": {"precision": str(precision)},
                          "geometry": {"type": "Polygon", "coordinates": [circle(float(lon), float(lat), km)]}})
    return feats


def _place_labels(placed: pd.DataFrame) -> tuple[list[float], list[float], list[str]]:
    """Every distinct named place of these events, once, at its coordinates."""
    if C.PLACE_NAME not in placed or placed.empty:
        return [], [], []
    named = placed[placed[C.PLACE_NAME].fillna("") != ""]
    if named.empty:
        return [], [], []
    pl = named[[C.LONGITUDE, C.LATITUDE, C.PLACE_NAME]].drop_duplicates([C.LONGITUDE, C.LATITUDE]).head(MAX_AREAS)
    return (pl[C.LONGITUDE].astype(float).tolist(), pl[C.LATITUDE].astype(float).tolist(),
            pl[C.PLACE_NAME].astype(str).tolist())


def live_map_spec(
    events: pd.DataFrame, ctx: FigureContext, *, selected: str = "", seats: bool = True,
    base_url: str = "/assets/map/", focus: dict[str, Any] | None = None, legend: bool = False,
) -> dict[str, Any]:
    """The dashboard's map of ``events`` (already filtered): MapLibre (``scattermap``) on the
    offline basemap served at ``base_url``. Every mark is at its event's own coordinates.

    Traces, each named by ``meta``: ``arcs`` (transfers along great circles), ``events`` (clustered,
    coloured by category; approximate places paler, each on a disc of its possible extent),
    ``seats`` (decisions placed at the seat of an authority: smaller, hollow-looking), ``labels``
    (the names of the events' places), ``frame`` (two invisible corners the view is fitted to)
    and, last, ``selection`` (the highlight, patched by the dashboard). Large tables draw a density
    of events per cell instead of single events (``density``, second, empty in other views: the
    traces keep their places whatever the view)."""
    data: list[dict[str, Any]] = []
    placed = _placed(events)
    grouped = len(placed) > DETAIL_LIMIT
    lons, lats = _arc_lines(events, ctx)
    layers: list[dict[str, Any]] = []
    data.append({"type": "scattermap", "meta": "arcs", "lon": lons, "lat": lats, "mode": "lines",
                 "name": "Transfer (supplier → recipient)", "line": {"width": 2, "color": ctx.colour("transfer")},
                 "opacity": 0.75, "hoverinfo": "skip", "showlegend": legend})
    shown = placed if seats else placed[placed[C.LOCATION_ROLE] != SEAT]
    # the density trace is always there, empty below DETAIL_LIMIT: plotly.js matches the traces of
    # an update by position, and a density inserted before the events when a view crossed 2,000
    # events made it tear down the clustered events trace source-first ("Source … cannot be removed
    # while layer …-cluster is using it"), after which the map never drew again
    data.append(density_trace(shown if grouped else shown.iloc[:0]))
    if grouped:
        sites = seat_rows = events.iloc[:0]  # (every column, no rows)
    else:
        sites = placed[placed[C.LOCATION_ROLE] != SEAT]
        seat_rows = placed[placed[C.LOCATION_ROLE] == SEAT]
        halos = _halo_features(sites)
        if halos:
            layers.append({"sourcetype": "geojson", "source": {"type": "FeatureCollection", "features": halos},
                           "type": "fill", "below": "traces", "color": "#7a6f9b", "opacity": 0.13,
                           "name": "area the place may be in"})
            layers.append({"sourcetype": "geojson", "source": {"type": "FeatureCollection", "features": halos},
                           "type": "line", "below": "traces", "color": "#7a6f9b", "opacity": 0.5,
                           "line": {"width": 1, "dash": [2, 2]}, "name": "edge of that area"})
    colours = sites[C.CATEGORY].map(ctx.colours).fillna(MISSING_COLOUR)
    approx = sites[C.GEO_PRECISION].isin(APPROXIMATE).to_numpy()
    data.append({
        "type": "scattermap", "meta": "events", "lon": sites[C.LONGITUDE].to_numpy(dtype=float),
        "lat": sites[C.LATITUDE].to_numpy(dtype=float), "mode": "markers", "name": "Events at their place",
        "showlegend": False, "cluster": copy.deepcopy(CLUSTER),
        "marker": {"color": colours.tolist(), "size": np.where(approx, POINT - 3, POINT).tolist(),
                   "opacity": np.where(approx, 0.55, 0.95).tolist()},
        "textfont": {"family": FONT, "size": 12},
        "customdata": _custom(sites, ctx), "hovertemplate": HOVER,
    })
    data.append({
        "type": "scattermap", "meta": "seats", "lon": seat_rows[C.LONGITUDE].to_numpy(dtype=float),
        "lat": seat_rows[C.LATITUDE].to_numpy(dtype=float), "mode": "markers", "name": "Seat of issuing authority",
        "visible": True if seats else "legendonly", "showlegend": legend,
        "marker": {"size": POINT - 2, "opacity": 0.5,
                   "color": seat_rows[C.CATEGORY].map(ctx.colours).fillna(MISSING_COLOUR).tolist()},
        "customdata": _custom(seat_rows, ctx), "hovertemplate": HOVER,
    })
    lx, ly, lt = _place_labels(shown) if not grouped else ([], [], [])
    # markers+text: plotly.js offsets a label by its trace's marker size (text alone leaves it unset)
    data.append({"type": "scattermap", "meta": "labels", "lon": lx, "lat": ly, "text": lt, "mode": "markers+text",
                 "name": LABELS, "showlegend": False, "hoverinfo": "skip", "textposition": "top right",
                 "marker": {"size": POINT, "opacity": 0},
                 "textfont": {"family": FONT, "size": 12, "color": "#1f2a36"}})
    box = frame(shown[C.LONGITUDE].to_numpy(dtype=float), shown[C.LATITUDE].to_numpy(dtype=float))
    corners: tuple[list[float], list[float]] = ([], [])
    if box and not focus:
        corners = ([box["west"], box["east"]], [box["south"], box["north"]])
    data.append({"type": "scattermap", "meta": "frame", "lon": corners[0], "lat": corners[1], "mode": "markers",
                 "marker": {"size": 1, "opacity": 0}, "hoverinfo": "skip", "showlegend": False, "name": "frame"})
    sel_lon, sel_lat = _selection(placed, selected)
    data.append({"type": "scattermap", "meta": "selection", "lon": sel_lon, "lat": sel_lat, "mode": "markers",
                 "name": "Selected", "uid": SELECTION_UID, "showlegend": False, "hoverinfo": "skip",
                 "marker": {"size": 30, "color": HIGHLIGHT, "opacity": 0.45}})
    layout = base_layout(None, 15)
    # the style by URL (assets/map/style.json, written from basemap.style): plotly.js compares the
    # style of each update with the last one drawn, and a dict it has handed to MapLibre no longer
    # compares equal, so every filter change reloaded the whole basemap (about a second)
    view: dict[str, Any] = {"style": f"{base_url}style.json", "layers": layers,
            # a new view is fitted anew; a selection (a partial update) keeps the user's zoom
            "uirevision": json.dumps(box or focus or {}, sort_keys=True)}
    if focus:
        view.update({"fitbounds": False, "center": {"lon": focus.get("lon", 0), "lat": focus.get("lat", 0)},
                     "zoom": focus_zoom(float(focus.get("scale", 1)))})
    elif not box:
        view.update({"fitbounds": False, "center": {"lon": 30, "lat": 25}, "zoom": 0.6})
    layout.update({"showlegend": legend, "clickmode": "event", "map": view, "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
                   "hovermode": "closest", "hoverdistance": 14})
    return {"data": data, "layout": layout}


def frame_live(spec: dict[str, Any], focus: dict[str, Any]) -> dict[str, Any]:
    """``spec`` (a live map) framed on a narrative step's ``focus`` {lon, lat, scale} (a copy)."""
    view = {**spec["layout"]["map"], "fitbounds": False, "center": {"lon": focus["lon"], "lat": focus["lat"]},
            "zoom": focus_zoom(float(focus.get("scale", 1))), "uirevision": json.dumps(focus, sort_keys=True)}
    return {**spec, "layout": {**spec["layout"], "map": view}}


def density_trace(placed: pd.DataFrame) -> dict[str, Any]:
    """Many events: their density on the GPU (``densitymap``), counted per cell of DENSITY_CELL
    degrees or coarser (at most MAX_DENSITY_CELLS cells), so the bytes sent depend on the cells
    occupied, not on the events. Each cell sits at the mean position of its events."""
    lat = placed[C.LATITUDE].to_numpy(dtype=float)
    lon = placed[C.LONGITUDE].to_numpy(dtype=float)
    deg = DENSITY_CELL
    cell, n_cells = area_cells(lat, lon, deg)
    while deg < 16 and n_cells > MAX_DENSITY_CELLS:
        deg *= 2
        cell, n_cells = area_cells(lat, lon, deg)
    cell = pd.factorize(cell)[0]
    n = np.bincount(cell) if len(cell) else np.zeros(0, dtype=int)
    sums_lat = np.bincount(cell, weights=lat) if len(cell) else np.zeros(0)
    sums_lon = np.bincount(cell, weights=lon) if len(cell) else np.zeros(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        clat, clon = (sums_lat / n).round(3), (sums_lon / n).round(3)
    return {"type": "densitymap", "meta": "density", "lon": clon, "lat": clat, "z": n.astype(float),
            "radius": 14, "showscale": False, "name": "Events (density)",
            "colorscale": [[0, "rgba(0,114,178,0)"], [0.05, "rgba(0,114,178,0.35)"], [0.4, "#E69F00"],
                           [1, "#D55E00"]],
            "hovertemplate": "%{z:,} events within about " + f"{deg * 111:.0f}" + " km<br>narrow the filters or"
                             " the time range to see each one<extra></extra>"}


def map_spec(
    events: pd.DataFrame, ctx: FigureContext, *, selected: str = "", seats: bool = True,
    title: str | None = None, font_size: int = 15, focus: dict[str, Any] | None = None,
    legend: bool = True,
) -> dict[str, Any]:
    """The map of ``events`` as a static figure (``scattergeo``): exported pictures, slides, the
    offline snapshot and brief. The same Natural Earth 1:50m land, borders, first-level borders,
    rivers and lakes as the dashboard's map, place names as text; every event at its own
    coordinates (events sharing a place: one mark with their count). ``focus`` = {lon, lat, scale}."""
    data: list[dict[str, Any]] = []
    placed = _placed(events)
    grouped = len(placed) > DETAIL_LIMIT
    a_lon, a_lat = (list(v) for v in admin1_lines())  # copies: the cached lists are shared
    data.append({"type": "scattergeo", "meta": "admin1", "lon": a_lon, "lat": a_lat, "mode": "lines",
                 "line": {"width": 0.6, "color": ADMIN1, "dash": "dot"}, "hoverinfo": "skip", "showlegend": False,
                 "name": "First-level borders"})
    lons, lats = _arc_lines(events, ctx)
    if lons:
        # one trace, segments separated by None: plotly draws great-circle arcs
        data.append({"type": "scattergeo", "meta": "arcs", "lon": lons, "lat": lats, "mode": "lines",
                     "name": "Transfer (supplier → recipient)", "line": {"width": 2, "color": ctx.colour("transfer")},
                     "opacity": 0.7, "hoverinfo": "skip", "showlegend": legend})
    shown = placed if seats else placed[placed[C.LOCATION_ROLE] != SEAT]
    if grouped:
        data.append(area_trace(shown, ctx))
    sites = placed[placed[C.LOCATION_ROLE] != SEAT] if not grouped else placed.iloc[:0]
    if len(sites):
        colours = sites[C.CATEGORY].map(ctx.colours).fillna(MISSING_COLOUR)
        approx = sites[C.GEO_PRECISION].isin(APPROXIMATE)
        data.append({
            "type": "scattergeo", "meta": "events", "lon": sites[C.LONGITUDE].to_numpy(dtype=float),
            "lat": sites[C.LATITUDE].to_numpy(dtype=float), "mode": "markers", "name": "Events at their place",
            "showlegend": False,
            "marker": {"color": colours.tolist(), "size": 11,
                       "symbol": sites[C.GEO_PRECISION].map(GEO_SYMBOLS).fillna("circle").tolist(),
                       "line": {"color": colours.where(approx, "white").tolist(), "width": 2}},
            "customdata": _custom(sites, ctx), "hovertemplate": HOVER,
        })
    seat_rows = placed[placed[C.LOCATION_ROLE] == SEAT] if not grouped else placed.iloc[:0]
    if len(seat_rows):
        data.append({
            "type": "scattergeo", "meta": "seats", "lon": seat_rows[C.LONGITUDE].to_numpy(dtype=float),
            "lat": seat_rows[C.LATITUDE].to_numpy(dtype=float), "mode": "markers",
            "name": "Seat of issuing authority", "visible": True if seats else "legendonly", "showlegend": legend,
            "marker": {"symbol": SEAT_SYMBOL, "size": 9, "opacity": 0.85,
                       "color": seat_rows[C.CATEGORY].map(ctx.colours).fillna(MISSING_COLOUR).tolist(),
                       "line": {"color": "#333", "width": 1}},
            "customdata": _custom(seat_rows, ctx), "hovertemplate": HOVER,
        })
    if len(shown) and not grouped:
        groups = shown.groupby([C.LATITUDE, C.LONGITUDE]).size().reset_index(name="n")
        groups = groups[groups["n"] > 1]
        if len(groups):
            data.append({"type": "scattergeo", "meta": "counts", "lat": groups[C.LATITUDE].to_numpy(dtype=float),
                         "lon": groups[C.LONGITUDE].to_numpy(dtype=float), "text": [f"×{n}" for n in groups["n"]],
                         "mode": "text", "textposition": "bottom right", "name": "Events at one place",
                         "textfont": {"size": 11, "color": "#222"}, "showlegend": False, "hoverinfo": "skip"})
    box = frame(shown[C.LONGITUDE].to_numpy(dtype=float), shown[C.LATITUDE].to_numpy(dtype=float)) if len(shown) \
        else None
    if focus:
        span = 360.0 / max(float(focus.get("scale", 1)), 1.0)
        box = {"west": focus["lon"] - span / 2, "east": focus["lon"] + span / 2,
               "south": focus["lat"] - span / 4, "north": focus["lat"] + span / 4}
    data.append(_geo_place_labels(box, shown if not grouped else placed.iloc[:0]))
    if legend:
        present = set(placed[C.CATEGORY].unique()) if len(placed) else set()
        data += [{"type": "scattergeo", "lon": [None], "lat": [None], "mode": "markers",
                  "name": label_text(ctx.category_labels.get(c, c)), "marker": {"color": ctx.colour(c), "size": 11},
                  "hoverinfo": "skip"} for c in ctx.categories if c in present]
    sel_lon, sel_lat = _selection(placed, selected)
    data.append({"type": "scattergeo", "meta": "selection", "lon": sel_lon, "lat": sel_lat, "mode": "markers",
                 "name": "Selected", "uid": SELECTION_UID, "showlegend": False, "hoverinfo": "skip",
                 "marker": {"symbol": "circle-open", "size": 26, "color": HIGHLIGHT, "line": {"width": 4}}})
    layout = base_layout(title, font_size)
    layout.update({
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0, "font": {"size": 13}},
        "showlegend": legend, "clickmode": "event",
        "geo": {
            "projection": {"type": "natural earth"}, "showcountries": True, "countrycolor": BORDER,
            "showland": True, "landcolor": LAND, "showocean": False, "bgcolor": SEA,
            "showlakes": True, "lakecolor": SEA, "showrivers": True, "rivercolor": WATER_LINE, "riverwidth": 0.8,
            "showcoastlines": False, "resolution": 50, "showframe": False, "fitbounds": False,
        },
    })
    if focus:
        layout["geo"].update({"center": {"lon": focus.get("lon", 0), "lat": focus.get("lat", 0)}})
        layout["geo"]["projection"]["scale"] = focus.get("scale", 1)
    elif box:
        layout["geo"].update({"lonaxis": {"range": [box["west"] - 2, box["east"] + 2]},
                              "lataxis": {"range": [box["south"] - 2, box["north"] + 2]}})
    return {"data": data, "layout": layout}


def map_figure(events: pd.DataFrame, ctx: FigureContext, **kwargs: Any) -> go.Figure:
    """``map_spec`` as a ``go.Figure`` (for image export and inspection)."""
    return go.Figure(map_spec(events, ctx, **kwargs))


STATIC_LABEL_PX = 11  # font size of a static map's place names
STATIC_PLOT_PX = 600  # about the narrowest static map a picture has (the snapshot's card at 1366 px: ~625)


class _LabelSpace:
    """Where a static map's place names stand, to write a name only where it covers no other
    (scattergeo places text without collision tests: Moscow, Izhevsk and Yelabuga were written over
    each other at world view). A name's box is estimated in degrees — text right of and above its
    point, ~0.6 of the font size per character, on a map STATIC_PLOT_PX wide across ``span``
    degrees. A name left out still has its mark (and its hover, where the picture has one)."""

    def __init__(self, span: float):
        self.deg = span / STATIC_PLOT_PX  # degrees per pixel
        self.boxes: list[tuple[float, float, float, float]] = []

    def take(self, lon: float, lat: float, name: str) -> bool:
        height = STATIC_LABEL_PX * 1.5 * self.deg
        box = (lon, lat - height * 0.2, lon + (len(name) * STATIC_LABEL_PX * 0.6 + 8) * self.deg, lat + height)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in self.boxes):
            return False
        self.boxes.append(box)
        return True


def _declutter(lx: list[float], ly: list[float], lt: list[str], shown: pd.DataFrame,
               space: _LabelSpace) -> tuple[list[float], list[float], list[str]]:
    """The events' place names that ``space`` has room for, places with more events first."""
    counts = shown.groupby([C.LONGITUDE, C.LATITUDE]).size()
    weight = [int(counts.get((x, y), 0)) for x, y in zip(lx, ly, strict=True)]
    keep = sorted(i for i in sorted(range(len(lt)), key=lambda i: -weight[i]) if space.take(lx[i], ly[i], lt[i]))
    return [lx[i] for i in keep], [ly[i] for i in keep], [lt[i] for i in keep]


def _geo_place_labels(box: dict[str, float] | None, shown: pd.DataFrame) -> dict[str, Any]:
    """Text labels for a static map: the events' own places, then the basemap's largest places
    inside ``box`` (capitals first), as many as a picture of it can hold without crowding."""
    lx, ly, lt = _place_labels(shown)
    if box:
        span = max(box["east"] - box["west"], (box["north"] - box["south"]) * 2)
        space = _LabelSpace(span)
        lx, ly, lt = _declutter(lx, ly, lt, shown, space)
        taken = set(lt)
        budget = 14 if span > 90 else 22
        min_gap = span / 18  # degrees between two labels
        kept: list[tuple[float, float]] = list(zip(lx, ly, strict=True))
        for lon, lat, name, rank in places():
            if budget <= 0:
                break
            if not (box["west"] <= lon <= box["east"] and box["south"] <= lat <= box["north"]) or name in taken:
                continue
            if rank > 0 and span > 90:
                continue
            if any(abs(lon - x) < min_gap and abs(lat - y) < min_gap / 2 for x, y in kept):
                continue
            if not space.take(lon, lat, name):  # its name would cover another
                continue
            kept.append((lon, lat))
            lx.append(lon)
            ly.append(lat)
            lt.append(name)
            budget -= 1
    return {"type": "scattergeo", "meta": "labels", "lon": lx, "lat": ly, "text": [label_text(t) for t in lt],
            "mode": "text",
            "textposition": "top right", "name": LABELS, "showlegend": False, "hoverinfo": "skip",
            "textfont": {"size": STATIC_LABEL_PX, "color": "#3a3f46"}}


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
    colour_of = {c: ctx.colours.get(c, MISSING_COLOUR) for c in set(top)}
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
    """Events with coordinates, at their own coordinates (nothing is moved off its place). A table
    too large to draw event by event keeps only the columns counting needs."""
    has_place = (events[C.LATITUDE].notna() & events[C.LONGITUDE].notna()).to_numpy()
    if int(has_place.sum()) > DETAIL_LIMIT:
        slim = events[[C.EVENT_ID, C.LATITUDE, C.LONGITUDE, C.CATEGORY, C.LOCATION_ROLE]]
        return slim if has_place.all() else slim[has_place]  # every event placed: no rows to select
    return events[has_place]


def _selection(placed: pd.DataFrame, selected: str) -> tuple[list[float], list[float]]:
    if not selected or placed.empty:
        return [], []
    hit = placed[placed[C.EVENT_ID] == selected]
    return hit[C.LONGITUDE].head(1).astype(float).tolist(), hit[C.LATITUDE].head(1).astype(float).tolist()


def selection_lonlat(events: pd.DataFrame, selected: str) -> tuple[list[float], list[float]]:
    """Where the map's highlight goes: the selected event's own coordinates."""
    if not selected:
        return [], []
    return _selection(_placed(events), selected)


def same_place(events: pd.DataFrame, event_id: str) -> list[str]:
    """Ids of the other events at exactly the selected event's coordinates (in table order): the
    map draws them on top of each other, the detail panel lists them."""
    hit = events[events[C.EVENT_ID] == event_id]
    if hit.empty or pd.isna(hit[C.LATITUDE].iloc[0]) or pd.isna(hit[C.LONGITUDE].iloc[0]):
        return []
    lat, lon = hit[C.LATITUDE].iloc[0], hit[C.LONGITUDE].iloc[0]
    same = events[(events[C.LATITUDE] == lat) & (events[C.LONGITUDE] == lon) & (events[C.EVENT_ID] != event_id)]
    return same[C.EVENT_ID].astype(str).tolist()
