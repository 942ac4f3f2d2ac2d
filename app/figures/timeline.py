"""The timeline: one lane per category (or actor, or country); periods as bars in their own band.

- A day-precision point event is a marker; its shape says the verification level.
- A point event known only to the week/month/quarter/year is a thin bar over its whole window —
  never a fake exact day. Weakly verified windows are hatched.
- Periods (embargo in force, plant operating …) are translucent bars in a band on top, packed
  into as few rows as they need; open-ended ones reach today.

The builder returns a plain figure dict (``timeline_spec``) with a handful of traces whose
colours and shapes are per-point arrays: that keeps the server and the browser fast (one trace
per category would multiply the work). ``timeline_figure`` wraps it in a ``go.Figure``.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from html import escape as html_escape  # annotation text is HTML-ish in plotly: data is escaped
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from app.dataset import columns as C
from app.dates import LAST_DAY, ends_or_today
from app.figures.context import SELECTION_UID, FigureContext
from app.figures.framing import MIN_SPAN, Frame, frame_of, outside
from app.figures.measures import MAIN_DOMAIN, add_measures_lane
from app.figures.theme import HIGHLIGHT, MISSING_COLOUR, PERIOD_COLOUR, TODAY_COLOUR, base_layout
from app.textsafe import label_list, label_text

DAY_MS = 86_400_000
MAX_ACTOR_LANES = 8  # the most-involved actors get a lane each; the rest share "Other actors"
LANE_LABEL_CHARS = 20  # a longer lane name is cut between words ("…"); its marks' hover says it in full
SCREEN_PLOT_PX = 500  # about how wide the dashboard's plot is (1366 px screen: ~450; 1920: ~800)
MAX_NAMED_PERIODS = 12
PERIOD_LABEL_LINES = 2  # a period's name wraps to at most this many lines (the full title is in its hover)
PERIOD_ROW = 0.8  # vertical distance between period rows (a lane is 1)
MIN_PACKED_FONT = 9  # the smallest type of a period's name written inside its packed bar
MAX_BAND_ROWS = 8  # packed periods needing more rows than this share the height of this many
MIN_INSIDE_CHARS = 10  # a packed period is named inside its bar when its visible part holds this many
# No WebGL (scattergl), by choice: where WebGL is unavailable (GPU-less VMs, locked-down briefing
# laptops, headless browsers) plotly shows "WebGL is not supported" instead of the chart. Large
# tables are counted instead (DETAIL_LIMIT), so no trace ever holds more marks than SVG draws fast.
# above this many events the timeline counts them per month/week/day instead of drawing each:
# beyond a few thousand marks neither the eye nor the browser gains anything from single events
DETAIL_LIMIT = 2_000
# A lane switches to counted marks when its single marks would pile up at the current window: at
# least DENSE_MIN_MARKS of them in the window, on average DENSE_DEPTH or more per mark-wide slot of
# the plot (MARK_PX). Its bins are the finest of day/week/month/year at least MIN_BIN_PX wide there.
DENSE_MIN_MARKS = 80
DENSE_DEPTH = 4.0
MARK_PX = 13
MIN_BIN_PX = 20  # a counted mark is up to 20 px across
HATCH = {"confirmed": "", "corroborated": "", "single-source": "/", "claimed": "/",
         "disputed": "x", "unverified": "."}
#: What a clickable mark carries (``customdata``): an event's mark a list whose first item is the event id
#: (then what its hover shows); a counted mark a dict ``{BIN_FIELD: [first day, last day]}`` of the bin it
#: counts. Each trace says which in ``meta[MARKS]``: "events" or "bins". Clicks are read by app.web.logic.pick.
BIN_FIELD = "window"
MARKS, EVENTS_META, BINS_META = "marks", "events", "bins"
HOVER = "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>%{customdata[3]} · %{customdata[4]}<extra></extra>"
HOVER_LANE = HOVER.replace("<extra>", "<br><i>lane: %{customdata[5]}</i><extra>")  # actor or country lanes
POINTS, WINDOWS, PERIODS = "Events known to the day", "Events known to a week, month or year", "Periods (in force)"


MIN_SPAN_DAYS = MIN_SPAN.days  # the narrowest time span the timeline opens on


class LaneRows(NamedTuple):
    """Point events placed in lanes, as arrays (a frame of 100,000 rows costs more to build than to
    count): row i is the event at position ``pos[i]`` of the frame, in lane ``labels[lane[i]]``.
    ``keys`` is what each lane stands for (actor mode: an actor id, or "_other"), per row.
    ``order`` lists the lanes, top first."""

    pos: np.ndarray
    lane: np.ndarray
    labels: np.ndarray
    order: list[str]
    keys: np.ndarray | None = None


def lane_rows(events: pd.DataFrame, mode: str, ctx: FigureContext) -> LaneRows:
    """The lane of each point event (``lane_assignments`` without building the frame).

    Labels are worked out once per distinct value, never per event; in actor mode an event has a
    row in each of its actors' lanes. Lanes rank by their number of rows, ties in order of appearance.
    """
    points = np.flatnonzero((events[C.KIND] != "period").to_numpy(dtype=bool))
    mode = lane_mode(events, mode, ctx)
    if mode == "actor":
        return _actor_rows(events, points, ctx)
    if mode == "country":
        codes, uniques = pd.factorize(events[C.COUNTRY_NAME].take(points), use_na_sentinel=False)
        names = ["No place" if pd.isna(u) or u == "" else u for u in uniques]
        lane_of, labels = _distinct(names)
        lane = lane_of[codes] if len(codes) else np.zeros(0, np.int64)
        return LaneRows(points, lane, labels, list(labels[_ranked(lane, len(labels))]))
    codes, uniques = pd.factorize(events[C.CATEGORY].take(points))
    names = [ctx.category_labels.get(u, u) for u in uniques]
    lane_of, labels = _distinct(names)
    lane = lane_of[codes] if len(codes) else np.zeros(0, np.int64)
    present = set(uniques)
    order = [ctx.category_labels.get(c, c) for c in ctx.categories if c in present]
    order += sorted(set(names) - set(order))
    return LaneRows(points, lane, labels, order)


def lane_mode(events: pd.DataFrame, mode: str, ctx: FigureContext) -> str:
    """The lanes actually drawn: category lanes of a table with a single category (its vocabulary has
    one value, as an imported table of one category has) would be a single lane, so its actors' lanes
    are drawn instead (or, with fewer than two actors, its countries'), when they make at least two
    lanes. A view filtered down to one category keeps its category lane. ``timeline_spec`` says so."""
    if mode != "category" or events.empty or len(ctx.categories) > 1:
        return mode
    points = events[events[C.KIND] != "period"]
    if points[C.CATEGORY].nunique() > 1:
        return mode
    actors = {a for joined in points[C.ACTOR_IDS].dropna().unique() for a in str(joined).split(";") if a}
    if len(actors) >= 2:
        return "actor"
    countries = points[C.COUNTRY_NAME].replace("", np.nan).dropna()
    return "country" if countries.nunique() >= 2 else mode


LANE_WORDS = {"actor": "actor", "country": "country (place of the event)"}


def _actor_rows(events: pd.DataFrame, points: np.ndarray, ctx: FigureContext) -> LaneRows:
    """Actor lanes: each distinct ';'-joined actor list is split once, then repeated per event."""
    codes, uniques = pd.factorize(events[C.ACTOR_IDS].take(points))
    number: dict[str, int] = {}
    lists = [[number.setdefault(a, len(number)) for a in str(u).split(";") if a != ""] for u in uniques]
    actors = np.array(list(number), dtype=object)
    sizes = np.array([len(x) for x in lists], dtype=np.int64)
    flat = np.array([a for x in lists for a in x], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    per_event = np.where(codes >= 0, sizes[codes], 0) if len(sizes) else np.zeros(len(codes), np.int64)
    pos = np.repeat(points, per_event)
    # the k-th actor of each event, in the order written (as str.split + explode would give them)
    first = np.repeat(np.cumsum(per_event) - per_event, per_event)
    which = np.repeat(np.where(codes >= 0, starts[np.maximum(codes, 0)], 0) if len(starts) else codes, per_event)
    actor = flat[which + np.arange(len(pos)) - first] if len(pos) else np.zeros(0, np.int64)
    seen, present = pd.factorize(actor)  # numbered in order of appearance
    ranked = present[_ranked(seen, len(present))]
    top = [str(a) for a in actors[ranked[:MAX_ACTOR_LANES]]]
    names = {a: ctx.actor_names.get(a, a) for a in top}
    names["_other"] = "Other actors"
    key_of = np.full(len(actors), len(top), dtype=np.int64)  # the last key is "_other"
    key_of[ranked[:MAX_ACTOR_LANES]] = np.arange(len(top))
    keys = np.array([*top, "_other"], dtype=object)
    lane_of, labels = _distinct([names[k] for k in keys])
    row_key = key_of[actor]
    other = bool((row_key == len(top)).any()) or "_other" in top
    order = [*top, *(["_other"] if other else [])]
    return LaneRows(pos, lane_of[row_key], labels, [names[a] for a in order], keys[row_key])


def _distinct(names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(number of each name's lane, the distinct lane labels): two values with one label share a lane."""
    number: dict[str, int] = {}
    lane_of = np.array([number.setdefault(n, len(number)) for n in names], dtype=np.int64)
    return lane_of, np.array(list(number), dtype=object)


def _ranked(codes: np.ndarray, n: int) -> np.ndarray:
    """Codes 0..n-1 (numbered in order of appearance) by how often they occur, most first, ties in
    order of appearance: the order ``Series.value_counts()`` gives their values."""
    return np.argsort(-np.bincount(codes, minlength=n), kind="stable")


def lane_assignments(events: pd.DataFrame, mode: str, ctx: FigureContext) -> tuple[pd.DataFrame, list[str]]:
    """Rows (event, lane label in ``_label``) for point events and the ordered lanes (top first).

    In actor mode an event appears once in each of its actors' lanes (its lane key in ``_lane``).
    """
    lanes = lane_rows(events, mode, ctx)
    rows = events.iloc[lanes.pos]
    extra: dict[str, Any] = {} if lanes.keys is None else {"_lane": lanes.keys}
    label = lanes.labels[lanes.lane] if len(lanes.pos) else pd.Series(dtype=object)
    return rows.assign(**extra, _label=label), lanes.order


def pack_periods(periods: pd.DataFrame, end_col: str) -> np.ndarray:
    """Greedy interval packing: the row (0 = top) of each period so none overlap in a row. Each
    period, in start order, takes the lowest row whose last period ended before it starts (first
    fit), found with two heaps, so thousands of periods pack in milliseconds."""
    starts = periods[C.DATE_START].to_numpy().astype("datetime64[s]").astype(np.int64)  # [s]: years 1-9999
    ends = periods[end_col].to_numpy().astype("datetime64[s]").astype(np.int64)
    rows = np.zeros(len(periods), dtype=np.int64)
    busy: list[tuple[int, int]] = []  # (end of its last period, row)
    free: list[int] = []
    n_rows = 0
    for i in np.argsort(starts, kind="stable"):
        while busy and busy[0][0] < starts[i]:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            row = heapq.heappop(free)
        else:
            row, n_rows = n_rows, n_rows + 1
        rows[i] = row
        heapq.heappush(busy, (int(ends[i]), row))
    return rows


def custom_data(frame: pd.DataFrame, ctx: FigureContext) -> np.ndarray:
    """Per-point [event_id, title, date label, category · place, verification] for hover and clicks.

    Python over lists, not pandas string operations: the frames here hold at most DETAIL_LIMIT
    rows, where each pandas operation costs more in overhead than the loop (~40 % of a timeline
    for a hundred events). Missing values stay missing, as pandas leaves them."""
    cats, vers = ctx.category_labels, ctx.verification_labels
    place = ["no place" if p == "" else p for p in frame[C.PLACE_NAME].tolist()]
    cat_place = [cats.get(c, c) + " · " + p if _text(c) and _text(p) else np.nan
                 for c, p in zip(frame[C.CATEGORY].tolist(), place, strict=True)]
    return hover_array(frame, cat_place, [vers.get(v, v) for v in frame[C.VERIFICATION].tolist()])


def lane_hover(rows: pd.DataFrame, ctx: FigureContext, lanes: str) -> dict[str, Any]:
    """customdata and hovertemplate of lane marks: in actor and country lanes the hover names the
    lane in full (its tick label may be shortened, see short_lane)."""
    custom = custom_data(rows, ctx)
    if lanes == "category":
        return {"customdata": custom, "hovertemplate": HOVER}
    return {"customdata": np.column_stack([custom, np.asarray(label_list(rows["_label"].tolist()), dtype=object)]),
            "hovertemplate": HOVER_LANE}


def hover_array(frame: pd.DataFrame, *extra: list[Any]) -> np.ndarray:
    """[event_id, title, date label, *extra] per row, as an object array (hover and click data).
    Everything but the id is shown by the hovertemplate, which plotly renders as HTML: escaped."""
    out = np.empty((len(frame), 3 + len(extra)), dtype=object)
    out[:, 0] = frame[C.EVENT_ID].to_numpy(dtype=object)
    for i, column in enumerate((frame[C.TITLE].tolist(), frame[C.DATE_LABEL].tolist(), *extra), start=1):
        out[:, i] = label_list(list(column))
    return out


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _colours(frame: pd.DataFrame, ctx: FigureContext) -> list[str]:
    colours = ctx.colours
    return [colours.get(c, MISSING_COLOUR) if _text(c) else MISSING_COLOUR for c in frame[C.CATEGORY].tolist()]


def _iso(series: pd.Series) -> list[str]:
    return iso_strings(series.to_numpy(), "s")


def iso_strings(stamps: np.ndarray, unit: Literal["s", "D"]) -> list[str]:
    """Numpy datetimes as strftime writes "%Y-%m-%dT%H:%M:%S" (``unit`` "s") or "%Y-%m-%d" ("D"),
    formatted by numpy: pandas' strftime formats each date in Python, a hundred times slower.
    Dates it might write differently (no date, years outside 1700-2199) go through strftime."""
    index = pd.DatetimeIndex(stamps)
    values = index.to_numpy()
    if len(values) and (np.isnat(values).any() or values.min() < _NUMPY_ISO[0] or values.max() >= _NUMPY_ISO[1]):
        return index.strftime("%Y-%m-%dT%H:%M:%S" if unit == "s" else "%Y-%m-%d").tolist()
    truncated: Any = values.astype(f"datetime64[{unit}]")
    return np.datetime_as_string(truncated, unit=unit).tolist()


_NUMPY_ISO = (np.datetime64("1700-01-01"), np.datetime64("2200-01-01"))


class _Geometry:
    """Where everything sits on the y axis; shared by the full figure and the highlight patch.

    ``window``: only the periods that overlap it get a row (exported figures: the periods band is
    sized to the periods in the picture's window)."""

    def __init__(self, events: pd.DataFrame, ctx: FigureContext, lanes: str,
                 window: tuple[pd.Timestamp, pd.Timestamp] | None = None):
        periods = events[events[C.KIND] == "period"]
        periods = periods.assign(**{C.END_OR_TODAY: ends_or_today(periods, ctx.today)})
        if window is not None and len(periods):
            periods = periods[(periods[C.END_OR_TODAY] >= window[0]) & (periods[C.DATE_START] <= window[1])]
        self.periods = periods.sort_values([C.DATE_START, C.EVENT_ID], kind="stable")
        # a few periods get a row each, named on the axis; many are packed into shared rows
        self.named_periods = 0 < len(periods) <= MAX_NAMED_PERIODS
        if self.named_periods:
            self.period_rows = np.arange(len(self.periods), dtype=np.int64)
        else:
            self.period_rows = pack_periods(self.periods, C.END_OR_TODAY) if len(periods) else np.zeros(0, int)
        self.n_period_rows = int(self.period_rows.max()) + 1 if len(periods) else 0
        # the band never takes more height than MAX_BAND_ROWS rows: more rows are drawn thinner
        self.row_step = PERIOD_ROW * min(1.0, MAX_BAND_ROWS / max(self.n_period_rows, 1))
        self.lanes = lane_mode(events, lanes, ctx)  # the lanes drawn (a one-category table: actors')
        self.rows, self.lane_order = lane_assignments(events, self.lanes, ctx)
        n = len(self.lane_order)
        self.lane_y = {label: n - 1 - i for i, label in enumerate(self.lane_order)}
        self.period_base = n + 0.6

    def period_y(self) -> np.ndarray:
        return self.period_base + (self.n_period_rows - 1 - self.period_rows) * self.row_step

    def selection(self, selected: str) -> tuple[list[Any], list[Any]]:
        if not selected:
            return [], []
        hit = self.rows[self.rows[C.EVENT_ID] == selected]
        if len(hit):
            mid = hit[C.DATE_START] + (hit[C.DATE_END] - hit[C.DATE_START]) / 2 + pd.Timedelta(hours=12)
            return _iso(mid), [self.lane_y[label] for label in hit["_label"]]
        pos = np.flatnonzero((self.periods[C.EVENT_ID] == selected).to_numpy())
        if len(pos):
            return _iso(self.periods[C.DATE_START].iloc[pos[:1]]), [float(self.period_y()[pos[0]])]
        return [], []


def short_lane(label: str) -> str:
    """A lane's name as its tick label: at most LANE_LABEL_CHARS characters, cut between words."""
    if len(label) <= LANE_LABEL_CHARS:
        return label
    said, _ = wrap_words(label, LANE_LABEL_CHARS - 2, lines=1)
    return said[0] if said[0].endswith("…") else said[0][: LANE_LABEL_CHARS - 1] + "…"


def wrap_words(text: str, width: int, lines: int = PERIOD_LABEL_LINES) -> tuple[list[str], bool]:
    """``text`` wrapped at spaces into at most ``lines`` lines of about ``width`` characters, and
    whether it had to be shortened (then the last line ends with "…", cut between words: the full
    text is in the hover). A single word longer than a line is kept whole."""
    words = text.split()
    out: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width or not current:
            current = candidate
            continue
        out.append(current)
        current = word
        if len(out) == lines:
            out[-1] = out[-1].rstrip(",;:") + " …"
            return out, True
    if current:
        out.append(current)
    return out, False


MIN_LANE_FONT = 10  # px: the smallest lane name (a lane thinner than this lets names touch)
CHAR_PX = 0.56  # average width of a character, in font sizes (system sans-serif)


def period_labels(periods: pd.DataFrame, ys: np.ndarray, window: tuple[pd.Timestamp, pd.Timestamp],
                  plot_px: float, font_size: int, lines: int = PERIOD_LABEL_LINES) -> list[dict[str, Any]]:
    """A label per period, next to its bar: written inside the bar from its first visible day when
    it fits there (wrapped to two lines if need be); otherwise beside the bar, on the side with more
    room in the window. Never cut mid-word; a shortened name ends with "…" (the bar's hover has it all)."""
    span = (window[1] - window[0]) / pd.Timedelta(days=1)
    if span <= 0 or periods.empty:
        return []
    px_per_day = plot_px / span
    char_px = font_size * CHAR_PX
    out = []
    names = periods[C.TITLE].tolist()
    arrows = periods[C.OPEN_ENDED].tolist()
    for name, open_ended, start, end, y in zip(names, arrows, periods[C.DATE_START], periods[C.END_OR_TODAY], ys,
                                               strict=True):
        text = f"{name} →" if open_ended else str(name)
        a, b = max(start, window[0]), min(end, window[1])
        if b < a:
            continue  # not in this window
        inside = int(((b - a) / pd.Timedelta(days=1)) * px_per_day / char_px) - 1
        left_room = int(((start - window[0]) / pd.Timedelta(days=1)) * px_per_day / char_px) - 1
        right_room = int(((window[1] - end) / pd.Timedelta(days=1)) * px_per_day / char_px) - 1
        one_line = len(text)
        if inside >= min(one_line, 18):  # inside the bar
            said, _ = wrap_words(text, max(inside, 12), lines)
            x, anchor, inner = a, "left", True
        elif right_room >= min(one_line, 24) or (right_room >= left_room and right_room >= 12):
            said, _ = wrap_words(text, max(right_room, 12), lines)
            x, anchor, inner = end, "left", False
        elif left_room >= 12:
            said, _ = wrap_words(text, max(left_room, 12), lines)
            x, anchor, inner = start, "right", False
        else:
            said, _ = wrap_words(text, max(inside, right_room, left_room, 12), lines)
            x, anchor, inner = a, "left", True
        out.append({
            "xref": "x", "x": _iso(pd.Series([x]))[0], "xanchor": anchor, "yref": "y", "y": float(y),
            "yanchor": "middle", "text": "<br>".join(html_escape(line) for line in said),
            "align": "left" if anchor == "left" else "right", "showarrow": False,
            "font": {"size": font_size, "color": "#1b1b1f"},
            "bgcolor": "rgba(255,255,255,0.55)" if inner else "rgba(0,0,0,0)", "borderpad": 1,
            "xshift": 4 if anchor == "left" else -4, "captureevents": False,
        })
    return out


def packed_period_labels(periods: pd.DataFrame, ys: np.ndarray, window: tuple[pd.Timestamp, pd.Timestamp],
                         plot_px: float, font_size: int) -> list[dict[str, Any]]:
    """Names of packed periods (rows shared, so nothing may stand beside a bar): one line inside
    each bar whose visible part holds at least MIN_INSIDE_CHARS characters, shortened between words
    ("…") when the whole name does not fit. The others are named by their hover (and a click)."""
    span = (window[1] - window[0]) / pd.Timedelta(days=1)
    if span <= 0 or periods.empty:
        return []
    chars_per_day = plot_px / span / (font_size * CHAR_PX)
    out = []
    for name, open_ended, start, end, y in zip(periods[C.TITLE].tolist(), periods[C.OPEN_ENDED].tolist(),
                                               periods[C.DATE_START], periods[C.END_OR_TODAY], ys, strict=True):
        a, b = max(start, window[0]), min(end, window[1])
        room = int(((b - a) / pd.Timedelta(days=1)) * chars_per_day) - 1
        if b < a or room < MIN_INSIDE_CHARS:
            continue
        text = f"{name} →" if open_ended else str(name)
        said, _ = wrap_words(text, room - 2, 1)  # (room for " …")
        if len(said[0]) > room:  # one long word that does not fit: the hover names it
            continue
        out.append({"xref": "x", "x": _iso(pd.Series([a]))[0], "xanchor": "left", "yref": "y", "y": float(y),
                    "yanchor": "middle", "text": html_escape(said[0]), "align": "left", "showarrow": False,
                    "font": {"size": font_size, "color": "#1b1b1f"}, "bgcolor": "rgba(0,0,0,0)", "borderpad": 0,
                    "xshift": 3, "captureevents": False})
    return out



def timeline_spec(
    events: pd.DataFrame, ctx: FigureContext, *, lanes: str = "category",
    selected: str = "", title: str | None = None, font_size: int = 15, legend: bool = True,
    window: tuple[Any, Any] | None = None, export: bool = False, plot_px: float | None = None,
    key_below: bool | None = None, plot_h: float | None = None,
) -> dict[str, Any]:
    """The timeline of ``events`` (already filtered) as a plotly figure dict.

    ``window`` (start, end): the stretch of time shown (a zoom, a briefing step); without it the
    view opens on the story the dataset declares (``app.figures.framing``). ``legend=False`` when
    the page shows its own key (the dashboard); exported figures keep a key. ``export``: a picture
    (PNG/SVG/PDF, a slide, the snapshot): no range slider, and only the periods in the window get a
    row. ``plot_px``: the plot's width in pixels, to wrap the periods' names (about 1,000 on screen).
    ``plot_h``: its height (two-line names where the rows are tall enough). ``key_below``: the key
    under the plot, across its width (default: for exported pictures).
    """
    if len(events) > DETAIL_LIMIT:
        return add_measures_lane(density_spec(events, ctx, lanes=lanes, selected=selected, title=title,
                                              font_size=font_size, window=window), ctx.measures_lane)
    frame = frame_of(events, ctx.today, ctx.coverage)
    shown = _window(frame, window)
    geo = _Geometry(events, ctx, lanes, shown if export else None)
    data: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    tickvals: list[float] = [geo.lane_y[label] for label in geo.lane_order]
    ticktext: list[str] = label_list([short_lane(label) for label in geo.lane_order])  # tick labels are HTML-ish
    periods = geo.periods
    label_px = max(font_size - 3, 11)
    plot_w = plot_px or (1400 if export else SCREEN_PLOT_PX)
    plot_height = plot_h or (450 if export else 330)  # about how tall the plot is drawn
    # the figures lane below takes part of that height: the lanes and period rows get the rest
    figures_lane = ctx.measures_lane is not None and not ctx.measures_lane.empty and not events.empty
    main_height = plot_height * ((MAIN_DOMAIN[1] - MAIN_DOMAIN[0]) if figures_lane else 1.0)
    if len(periods):
        tickvals.append(geo.period_base + (geo.n_period_rows - 1) * geo.row_step / 2)
        ticktext.append("Periods in force")
        if not geo.named_periods and shown is not None:
            # many periods, packed into shared rows: each named inside its bar where the name fits
            # there (between words); every bar names its period in its hover and selects it on a click
            # (type fitted to the rows' height, down to MIN_PACKED_FONT; below that only the hover)
            row_px = main_height / (len(geo.lane_order) + 1 + geo.n_period_rows * geo.row_step)
            packed_px = min(label_px, int(row_px * geo.row_step) - 2)
            if packed_px >= MIN_PACKED_FONT:
                annotations += packed_period_labels(periods, geo.period_y(), shown, plot_w, packed_px)
        if geo.named_periods and shown is not None:
            # each period on its own row, named beside or inside its bar (wrapped, never cut mid-word)
            # two lines per name only where a period row is tall enough for them
            row_px = main_height / (len(geo.lane_order) + 1 + geo.n_period_rows * PERIOD_ROW)
            annotations += period_labels(periods, geo.period_y(), shown, plot_w,
                                         label_px, lines=2 if row_px * PERIOD_ROW >= 2.5 * label_px else 1)
        duration = (periods[C.END_OR_TODAY] - periods[C.DATE_START]).dt.total_seconds() * 1000 + DAY_MS
        data.append({
            "type": "bar", "name": PERIODS, "orientation": "h", "base": _iso(periods[C.DATE_START]),
            "x": duration.to_numpy(), "y": geo.period_y(), "width": 0.62 * geo.row_step / PERIOD_ROW,
            "marker": {"color": PERIOD_COLOUR, "line": {"color": _colours(periods, ctx), "width": 2}},
            "customdata": custom_data(periods, ctx), "meta": {MARKS: EVENTS_META}, "hovertemplate": HOVER,
            "showlegend": legend,
        })
    drawn_lanes = geo.lanes
    if drawn_lanes != lanes:  # one category only: say which lanes were drawn instead
        category = ctx.category_labels.get(str(events[C.CATEGORY].iloc[0]), str(events[C.CATEGORY].iloc[0]))
        annotations.append({
            "text": html_escape(f"All events are {category}: one lane per {LANE_WORDS[drawn_lanes]} instead"),
            "showarrow": False, "xref": "paper", "yref": "paper", "x": 0.5, "xanchor": "center", "y": 1,
            "yanchor": "bottom", "name": "lanes-note", "font": {"size": max(font_size - 4, 11), "color": "#444"}})
    lanes = drawn_lanes
    rows = geo.rows
    counted = dense_lanes(rows, shown, plot_w)
    if counted:
        # lanes too dense for single marks at this window: counted per bin (a click zooms to it)
        dense = rows["_label"].isin(list(counted)).to_numpy()
        unit = bin_unit(shown, plot_w)  # type: ignore[arg-type]  # (counted is empty without a window)
        bin_px = BIN_DAYS[unit[0]] * plot_w / max((shown[1] - shown[0]) / pd.Timedelta(days=1), 1.0)  # type: ignore[index]
        data.append(lane_bins(rows[dense], geo.lane_y, unit, ctx, bin_px))
        rows = rows[~dense]
        ticktext = [f"{text} · counted" if label in counted else text
                    for text, label in zip(ticktext, geo.lane_order, strict=False)] + ticktext[len(geo.lane_order):]
    is_window = ((rows[C.DATE_PRECISION] != "day") | (rows[C.DATE_START] != rows[C.DATE_END])).to_numpy()
    windows, singles = rows[is_window], rows[~is_window]
    if len(windows):
        dur = (windows[C.DATE_END] - windows[C.DATE_START]).dt.total_seconds() * 1000 + DAY_MS
        colours = _colours(windows, ctx)
        data.append({
            "type": "bar", "name": WINDOWS, "orientation": "h", "base": _iso(windows[C.DATE_START]),
            "x": dur.to_numpy(), "y": windows["_label"].map(geo.lane_y).to_numpy(), "width": 0.36,
            "marker": {"color": colours, "opacity": 0.85,
                       "pattern": {"shape": windows[C.VERIFICATION].map(HATCH).fillna("").tolist(),
                                   "fgcolor": "white", "size": 6},
                       "line": {"color": colours, "width": 1}},
            **lane_hover(windows, ctx, lanes), "meta": {MARKS: EVENTS_META}, "showlegend": False,
        })
    if len(singles):
        colours = _colours(singles, ctx)
        data.append({
            "type": "scatter", "name": POINTS,
            "mode": "markers", "x": _iso(singles[C.DATE_START] + pd.Timedelta(hours=12)),
            "y": singles["_label"].map(geo.lane_y).to_numpy(),
            "marker": {"color": colours, "size": 13,
                       "symbol": singles[C.VERIFICATION].map(ctx.symbols).fillna("circle").tolist(),
                       "line": {"color": colours, "width": 2}},
            **lane_hover(singles, ctx, lanes), "meta": {MARKS: EVENTS_META}, "showlegend": False,
        })
    if legend:
        data += legend_entries(events, ctx)
    sel_x, sel_y = geo.selection(selected)
    data.append({"type": "scatter", "x": sel_x, "y": sel_y, "mode": "markers", "name": "Selected",
                 "uid": SELECTION_UID, "showlegend": False, "hoverinfo": "skip", "cliponaxis": False,
                 "marker": {"symbol": "circle-open", "size": 26, "color": HIGHLIGHT, "line": {"width": 4}}})
    for trace in data:
        trace["xaxis"] = "x2"  # see event_axis
    # x itself keeps one empty trace: plotly draws no axis (and so no range slider) for an x with none
    data.insert(0, {"type": "scatter", "x": [], "y": [], "mode": "markers", "name": "", "showlegend": False,
                    "hoverinfo": "skip"})
    n_lanes = len(geo.lane_order)
    top = geo.period_base + max(geo.n_period_rows - 1, 0) * geo.row_step + 0.6 if len(periods) else n_lanes - 0.4
    layout = base_layout(title, font_size)
    layout.update({
        "barmode": "overlay", "showlegend": legend, "hovermode": "closest", "clickmode": "event",
        "dragmode": "zoom",
        "legend": _key_layout(export if key_below is None else key_below, font_size),
        "xaxis": _xaxis(frame, shown, slider=not export),
        "xaxis2": event_axis(),
        "yaxis": {"tickvals": tickvals, "ticktext": ticktext, "range": [-0.7, top], "fixedrange": True,
                  "showgrid": True, "gridcolor": "#f0f0f3", "zeroline": False, "automargin": True},
    })
    # lane names no taller than a lane: nine category lanes at 15 px in the 1366×768 dashboard stood
    # in rows of ~12 px and ran into each other (the figures lane below takes part of the height)
    unit_px = main_height / (top + 0.7)
    layout["yaxis"]["tickfont"] = {"size": int(min(font_size, max(MIN_LANE_FONT, unit_px * 0.95)))}
    if export:
        layout["margin"] = {**layout["margin"], "b": 20, "r": 20}
    if frame is not None:
        layout["meta"] = {"frame": frame.meta()}
        layout["shapes"] = _today_line(frame)
        annotations += _today_label(frame, font_size)
        if shown is not None:
            annotations += _outside_notes(events, frame, shown, font_size, export)
        layout["margin"] = {**layout["margin"], "t": max(layout["margin"]["t"], 24)}  # room for "today" and notes
    if events.empty:
        annotations.append({"text": "No events match these filters — widen or reset them",
                            "showarrow": False, "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5,
                            "font": {"size": font_size + 2, "color": "#555"}})
        layout["yaxis"]["visible"] = False
    layout["annotations"] = annotations
    spec = {"data": data, "layout": layout}
    # the figures lane (data): under a view that has events; an empty view shows no axis at all
    return spec if events.empty else add_measures_lane(spec, ctx.measures_lane)


def dense_lanes(rows: pd.DataFrame, window: tuple[pd.Timestamp, pd.Timestamp] | None,
                plot_px: float) -> dict[str, int]:
    """The lanes whose single marks would pile up in ``window`` on a plot ``plot_px`` wide (label ->
    its number of marks, in the window or not): at least DENSE_MIN_MARKS marks there, on average
    DENSE_DEPTH or more in each MARK_PX-wide slot they occupy. Each mark sits at its middle day."""
    if window is None or rows.empty:
        return {}
    days = (window[1] - window[0]) / pd.Timedelta(days=1)
    if days <= 0:
        return {}
    mid = rows[C.DATE_START] + (rows[C.DATE_END] - rows[C.DATE_START]) / 2
    inside = ((mid >= window[0]) & (mid <= window[1])).to_numpy()
    if inside.sum() < DENSE_MIN_MARKS:
        return {}
    slot = (((mid[inside] - window[0]) / pd.Timedelta(days=1)) * (plot_px / days) // MARK_PX).astype(np.int64)
    marks = pd.DataFrame({"lane": rows["_label"].to_numpy()[inside], "slot": slot.to_numpy()})
    stats = marks.groupby("lane", sort=False)["slot"].agg(["size", "nunique"])
    dense = stats.index[(stats["size"] >= DENSE_MIN_MARKS) & (stats["size"] >= DENSE_DEPTH * stats["nunique"])]
    sizes = rows["_label"].value_counts()
    return {str(label): int(sizes[label]) for label in dense}


BIN_DAYS = {"D": 1.0, "W": 7.0, "M": 30.44, "Y": 365.25}


def bin_unit(window: tuple[pd.Timestamp, pd.Timestamp], plot_px: float) -> tuple[str, str, str]:
    """(numpy unit, hover date format, words) of the finest bin at least MIN_BIN_PX wide in ``window``."""
    px_per_day = plot_px / max((window[1] - window[0]) / pd.Timedelta(days=1), 1.0)
    return next((b for b in BINS if BIN_DAYS[b[0]] * px_per_day >= MIN_BIN_PX), BINS[-1])


def lane_bins(rows: pd.DataFrame, lane_y: Mapping[str, float], unit: tuple[str, str, str],
              ctx: FigureContext, bin_px: float = 2 * MIN_BIN_PX) -> dict[str, Any]:
    """The counted marks of the dense lanes' ``rows``: one per (lane, bin) with events, sized by
    their number (never wider than a bin, ``bin_px``, nor than MIN_BIN_PX), coloured by the bin's
    most common category, the count written in it; a click zooms to the bin."""
    freq, fmt, _ = unit
    lane_codes, labels = pd.factorize(rows["_label"])
    cat_codes, cats = pd.factorize(rows[C.CATEGORY])
    bins = rows[C.DATE_START].to_numpy().astype(f"datetime64[{freq}]")
    rep, n = count_cells(np.asarray(lane_codes, np.int64), bins, np.asarray(cat_codes, np.int64))
    lane = lane_codes[rep]
    names = np.asarray(labels, dtype=object)[lane]
    y = np.array([lane_y[label] for label in names], dtype=float)
    trace = _bin_trace(names, y, bins[rep], n, np.asarray(cats, dtype=object)[cat_codes[rep]], ctx, freq, fmt,
                       "Events (counted)")
    # a count reads as a number, not as one more mark: a pale disc with the count written in it
    largest = max(10.0, min(float(MIN_BIN_PX), bin_px - 1))
    colours = trace["marker"]["color"]
    trace.update({
        "mode": "markers+text", "hovertext": trace["text"], "text": [f"{k:,}" for k in n],
        "hovertemplate": "%{hovertext}<br><i>click to zoom in</i><extra></extra>",
        "textposition": "middle center", "textfont": {"size": 10, "color": "#1b1b1f"}, "cliponaxis": False,
        "marker": {"color": colours, "opacity": 0.45, "symbol": "circle",
                   "size": (largest * (0.65 + 0.35 * np.sqrt(n / max(int(n.max()), 1)))).round(1),
                   "line": {"color": colours, "width": 2}},
    })
    return trace


def _window(frame: Frame | None, window: tuple[Any, Any] | None) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The stretch of time a view shows: the one asked for (a missing end: the frame's), else the story."""
    if frame is None:
        return None
    if window is None or (window[0] is None and window[1] is None):
        return frame.story
    start = pd.Timestamp(window[0]) if window[0] is not None else frame.lo
    end = pd.Timestamp(window[1]) if window[1] is not None else frame.hi
    return (start, end) if start <= end else (end, start)


def _key_layout(below: bool, font_size: int) -> dict[str, Any]:
    if not below:
        return {"orientation": "v", "x": 1.01, "y": 1, "xanchor": "left", "font": {"size": 12}, "tracegroupgap": 4}
    # a picture's key sits under the plot, across its width (in the figure's own margin)
    return {"orientation": "h", "x": 0, "xanchor": "left", "y": -0.1, "yanchor": "top", "traceorder": "normal",
            "font": {"size": max(font_size - 5, 11)}, "tracegroupgap": 2, "entrywidthmode": "pixels",
            "itemsizing": "constant"}


def _today_line(frame: Frame) -> list[dict[str, Any]]:
    """A dashed line at today, where open-ended periods end (only when today is on the axis)."""
    if not frame.lo <= frame.today <= frame.hi:
        return []
    day = frame.today.date().isoformat()
    return [{"type": "line", "xref": "x", "yref": "paper", "x0": day, "x1": day, "y0": 0, "y1": 1,
             "line": {"color": TODAY_COLOUR, "width": 1.5, "dash": "dash"}, "layer": "below"}]


def _today_label(frame: Frame, font_size: int) -> list[dict[str, Any]]:
    if not frame.lo <= frame.today <= frame.hi:
        return []
    return [{"text": "today", "xref": "x", "x": frame.today.date().isoformat(), "yref": "paper", "y": 1,
             "yanchor": "bottom", "xanchor": "center", "showarrow": False,
             "font": {"size": max(font_size - 4, 11), "color": TODAY_COLOUR}}]


def _outside_notes(events: pd.DataFrame, frame: Frame, shown: tuple[pd.Timestamp, pd.Timestamp], font_size: int,
                   export: bool) -> list[dict[str, Any]]:
    """"← 3 earlier events" / "2 later events →" at the plot's top corners: what the window leaves out.
    On screen a click on them shows everything (assets/timeline.js)."""
    before, after = outside(events, frame.today, shown)
    notes = []
    for n, x, anchor, words in ((before, 0, "left", "← {n} earlier event{s}"),
                                (after, 1, "right", "{n} later event{s} →")):
        if n:
            text = words.format(n=f"{n:,}", s="" if n == 1 else "s") + ("" if export else " · show all")
            notes.append({"text": text, "xref": "paper", "x": x, "xanchor": anchor, "yref": "paper", "y": 1,
                          "yanchor": "bottom", "showarrow": False, "captureevents": not export,
                          "name": "show-all", "font": {"size": max(font_size - 4, 11), "color": "#0b5cad"}})
    return notes


# Every trace sits on x2, an invisible axis laid over x and matched to it (same range, zoom and
# autorange), so x keeps the ticks, the range slider and the quick ranges while the range slider
# draws no trace. Plotly's range slider redraws every trace of its axis a second time on every
# update: that was half of a filter change's redraw (about 50 ms of 100 in headless Chromium).
# The slider still moves and resizes the window over the whole span; the plot above is the preview.
def event_axis() -> dict[str, Any]:
    """The events' axis (a new dict for each figure: no layout shares one)."""
    return {"overlaying": "x", "matches": "x", "type": "date", "visible": False}


def _xaxis(frame: Frame | None, shown: tuple[pd.Timestamp, pd.Timestamp] | None, slider: bool = True) -> dict[str, Any]:
    """The date axis, framed (app.figures.framing): it opens on ``shown`` and never runs past the
    frame's bounds (a small margin beyond the first and last event, or today). The quick ranges
    (1 y / 5 y / Story / All) are buttons of the page, not of the figure: exported pictures have none."""
    axis: dict[str, Any] = {"type": "date", "visible": frame is not None, "showgrid": True, "gridcolor": "#e6e6ea",
                            "automargin": True}
    if slider and frame is not None:
        axis["rangeslider"] = {"visible": True, "thickness": 0.07, "bgcolor": "#e9edf3", "bordercolor": "#9aa3b2",
                               "borderwidth": 1, "autorange": False,
                               "range": [frame.lo.date().isoformat(), frame.hi.date().isoformat()]}
    else:
        axis["rangeslider"] = {"visible": False}
    if frame is not None and frame.hi.year == LAST_DAY.year:
        # plotly.js writes year 10000 as "0000" (d3's %Y) and draws that tick on an axis ending in
        # 9999; ticks labelled by their period are never drawn past the axis end
        axis["ticklabelmode"] = "period"
    if frame is not None and shown is not None:
        lo, hi = min(frame.lo, shown[0]), max(frame.hi, shown[1])
        axis.update({"range": [shown[0].date().isoformat(), shown[1].date().isoformat()], "autorange": False,
                     "minallowed": lo.date().isoformat(), "maxallowed": hi.date().isoformat()})
    return axis

BINS = (("D", "%d %b %Y", "day"), ("W", "week from %d %b %Y", "week"),  # numpy weeks start on Thursdays
        ("M", "%b %Y", "month"), ("Y", "%Y", "year"))
MAX_MARKS = 400  # counted marks the timeline may draw: what SVG redraws quickly in software rendering


def bin_frequency(lanes: np.ndarray, starts: np.ndarray) -> tuple[Any, str, str]:
    """(numpy datetime unit, hover date format, words): the finest of day, week, month, year
    that keeps the marks (occupied lane x bin cells) within MAX_MARKS."""
    unit, fmt, words, _ = _binned(lanes, starts)
    return unit, fmt, words


def _binned(lanes: np.ndarray, starts: np.ndarray) -> tuple[Any, str, str, np.ndarray]:
    """``bin_frequency``, and the bin of each start in its unit (numpy datetimes of that unit)."""
    codes = pd.factorize(lanes)[0].astype(np.int64) if len(lanes) else np.zeros(0, np.int64)
    done: dict[str, np.ndarray] = {}
    for unit, fmt, words in BINS:
        bins = done[unit] = _bin_numbers(starts, unit, done)
        if _n_cells(codes, bins - bins.min() if len(bins) else bins) <= MAX_MARKS:
            return unit, fmt, words, bins.astype(f"datetime64[{unit}]")
    unit, fmt, words = BINS[-1]
    return unit, fmt, words, done[unit].astype(f"datetime64[{unit}]")


def _bin_numbers(starts: np.ndarray, unit: str, done: Mapping[str, np.ndarray]) -> np.ndarray:
    """``starts.astype(f"datetime64[{unit}]")`` as integers. Numpy counts weeks and years from
    1970-01-01 too, so weeks are days // 7 and years months // 12: its calendar conversions (to
    months, to years) cost more than the counting, and are done once instead of twice."""
    if not np.isnat(starts).any():  # (NaT's number is not one to divide)
        if unit == "W" and "D" in done:
            return np.floor_divide(done["D"], 7)
        if unit == "Y" and "M" in done:
            return np.floor_divide(done["M"], 12)
    return starts.astype(f"datetime64[{unit}]").astype(np.int64)


def _n_cells(codes: np.ndarray, offsets: np.ndarray) -> int:
    """How many distinct (lane code, bin offset) pairs, as ``codes * 1_000_003 + offsets`` tells
    them apart. A small lanes x bins grid is ticked off in a table (a sort or hash of 100,000 keys,
    four times over, cost more than the rest of the counting)."""
    if not len(codes):
        return 0
    lanes, span = int(codes.max()) + 1, int(offsets.max()) + 1
    if span <= 1_000_003 and lanes * span <= 8_000_000:
        seen = np.zeros(lanes * span, dtype=bool)
        seen[codes * span + offsets] = True
        return int(seen.sum())
    return len(pd.unique(codes * 1_000_003 + offsets))


def _span(lo: pd.Timestamp, hi: pd.Timestamp, unit: Any) -> int:
    """How many ``unit`` bins (day, week, month, year) lo..hi covers."""
    stamps: Any = np.array([lo.to_datetime64(), hi.to_datetime64()]).astype(f"datetime64[{unit}]")
    a, b = stamps
    return int((b - a).astype(np.int64)) + 1


def density_spec(
    events: pd.DataFrame, ctx: FigureContext, *, lanes: str = "category", selected: str = "",
    title: str | None = None, font_size: int = 15, window: tuple[Any, Any] | None = None,
) -> dict[str, Any]:
    """The timeline of a large table: per lane, one marker per month (or week, or day) sized
    by the number of events in it, and a lane counting the periods in force. The bytes sent and
    the browser's work depend on lanes x bins, not on the number of events. Clicking a mark
    zooms the views to its month (customdata ``{"window": [START, END]}``, see BIN_FIELD); filtering or zooming further
    brings back every event once few enough remain (DETAIL_LIMIT)."""
    rows = lane_rows(events, lanes, ctx)  # arrays, not frames: no need to select columns (_slim) first
    frame = frame_of(events, ctx.today, ctx.coverage)
    order = rows.order
    lane_y = {label: len(order) - i for i, label in enumerate(order)}  # 0 = the periods lane
    lo = events[C.DATE_START].min()
    ends = ends_or_today(events, ctx.today)
    hi = ends.max()
    starts = events[C.DATE_START].to_numpy()
    freq, fmt, unit_name, bins = _binned(rows.lane, starts[rows.pos])
    data: list[dict[str, Any]] = []
    if len(rows.pos):
        cat_codes, cat_values = pd.factorize(events[C.CATEGORY])
        cat = cat_codes[rows.pos]
        rep, n = count_cells(rows.lane, bins, cat)
        y_of_lane = np.array([lane_y[label] for label in rows.labels], dtype=np.int64)
        lane = rows.lane[rep]
        data.append(_bin_trace(rows.labels[lane], y_of_lane[lane], bins[rep], n,
                               np.asarray(cat_values, dtype=object)[cat[rep]], ctx, freq, fmt, "Events (counted)"))
    is_period = (events[C.KIND] == "period").to_numpy(dtype=bool)
    if is_period.any():
        # one lane over the whole span: as fine as the events' bins, but never more than MAX_MARKS
        units = BINS[[u for u, _, _ in BINS].index(freq):]  # the events' unit and the coarser ones
        chosen: Any = next((b for b in units if _span(lo, hi, b[0]) <= MAX_MARKS), BINS[-1])
        pfreq, pfmt = chosen[0], chosen[1]
        step: Any = np.timedelta64(1, pfreq)
        first: Any = np.datetime64(lo.to_datetime64(), pfreq)
        last: Any = np.datetime64(hi.to_datetime64(), pfreq)
        edges: Any = np.arange(first, last + step, step)
        period_starts = np.sort(starts[is_period])
        period_ends = np.sort(ends.to_numpy()[is_period])
        left = edges.astype("datetime64[s]")  # not [ns]: that wraps round outside 1677-2262
        right = (edges + step).astype("datetime64[s]") - np.timedelta64(1, "s")
        in_force = np.searchsorted(period_starts, right, side="right") - np.searchsorted(period_ends, left, side="left")
        keep = in_force > 0
        n_keep = int(keep.sum())
        data.append(_bin_trace(np.full(n_keep, "", dtype=object), np.zeros(n_keep, dtype=np.int64), edges[keep],
                               in_force[keep], None, ctx, pfreq, pfmt, "Periods in force (counted)",
                               colour=PERIOD_EDGE))
    sel_x, sel_y = density_selection(events, rows, lane_y, selected)
    data.append({"type": "scatter", "x": sel_x, "y": sel_y, "mode": "markers", "name": "Selected",
                 "uid": SELECTION_UID, "showlegend": False, "hoverinfo": "skip",
                 "marker": {"symbol": "circle-open", "size": 26, "color": HIGHLIGHT, "line": {"width": 4}}})
    layout = base_layout(title, font_size)
    layout.update({
        "showlegend": False, "hovermode": "closest", "clickmode": "event", "dragmode": "zoom",
        # no range slider here: it would draw every mark a second time (zoom by dragging, the
        # 1 y / 5 y / All buttons, or a click on a mark)
        "xaxis": _xaxis(frame, _window(frame, window), slider=False),
        "yaxis": {"tickvals": [0, *lane_y.values()], "ticktext": ["Periods in force", *label_list(list(lane_y))],
                  "range": [-0.7, len(order) + 0.7], "fixedrange": True, "showgrid": True,
                  "gridcolor": "#f0f0f3", "zeroline": False, "automargin": True},
        "annotations": [{
            "text": html_escape(f"{len(events):,} events: each mark counts the events of one {unit_name} "
                                "(larger = more). Click a mark, filter or zoom in to see single events."),
            "showarrow": False, "xref": "paper", "yref": "paper", "x": 0, "y": 1.0, "xanchor": "left",
            "yanchor": "bottom", "font": {"size": max(font_size - 3, 10), "color": "#444"}}],
    })
    return {"data": data, "layout": layout}


PERIOD_EDGE = "#6b6f78"
DENSITY_COLUMNS = (C.EVENT_ID, C.KIND, C.DATE_START, C.DATE_END, C.CATEGORY, C.ACTOR_IDS, C.COUNTRY_NAME)


def _slim(events: pd.DataFrame) -> pd.DataFrame:
    """Only the columns counting needs: selecting rows of 7 columns instead of all of them."""
    return events[[c for c in DENSITY_COLUMNS if c in events.columns]]


def count_cells(lane: np.ndarray, bins: np.ndarray, cat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows counted per (lane, bin) cell: (for each cell a row holding its lane, bin and most
    common category; the cell's number of rows). ``lane`` and ``cat`` are integer codes (a
    category of -1 is missing: such rows are not counted), ``bins`` numpy datetimes. The cells
    come in the order of ``most_common``: the order the figure had when pandas grouped the labels
    (grouping 100,000 strings cost more than the counting)."""
    valid = (cat >= 0) & ~np.isnat(bins)
    kept = None if valid.all() else np.flatnonzero(valid)
    if kept is not None:
        lane, bins, cat = lane[kept], bins[kept], cat[kept]
    when = pd.factorize(bins.astype(np.int64))[0]
    cell = pd.factorize(lane.astype(np.int64) * (int(when.max(initial=0)) + 1) + when)[0]  # codes: no overflow
    rep = most_common(cell, cat)
    n = np.bincount(cell)[cell[rep]]
    return (rep if kept is None else kept[rep]), n


def most_common(cell: np.ndarray, cat: np.ndarray) -> np.ndarray:
    """For each cell, the first row of its most common category (a tie goes to the category met
    first). ``cell`` and ``cat`` are integer codes, cells numbered in order of appearance; a
    category of -1 is missing and never counted (a cell with none is left out).

    The cells come largest count first, ties in order of appearance: the order of a pandas
    ``groupby(sort=False)`` over the (cell, category) counts sorted by count (stable)."""
    counted = np.flatnonzero(cat >= 0)
    if not len(counted):
        return counted
    cell, cat = cell[counted], cat[counted]
    triple = pd.factorize(cell.astype(np.int64) * (int(cat.max()) + 1) + cat)[0]
    first = _firsts(triple)  # a row of each (cell, category), in order of appearance
    by_count = first[np.argsort(-np.bincount(triple), kind="stable")]
    return counted[by_count[_firsts(pd.factorize(cell[by_count])[0])]]


def _firsts(codes: np.ndarray) -> np.ndarray:
    """Where each code first occurs, for codes numbered in order of appearance (as pd.factorize
    numbers them): wherever the running maximum goes up."""
    if not len(codes):
        return np.zeros(0, np.int64)
    high = np.maximum.accumulate(codes)
    return np.flatnonzero(np.concatenate([[True], high[1:] > high[:-1]]))


def _bin_trace(lanes: np.ndarray, y: np.ndarray, bins: np.ndarray, n: np.ndarray, cats: np.ndarray | None,
               ctx: FigureContext, freq: Any, fmt: str, name: str, colour: str | None = None) -> dict[str, Any]:
    """Counted marks: mark i counts ``n[i]`` events in lane ``lanes[i]`` (at ``y[i]``) and bin
    ``bins[i]`` (numpy, unit ``freq``), mostly of category ``cats[i]``; or, with ``colour``, periods.
    Dates, labels and escapes are worked out once per distinct value, not once per mark."""
    # a month is not a fixed length: the bin's end is the next bin's start, a day earlier
    distinct, which = np.unique(bins, return_inverse=True)
    which = which.reshape(-1)
    unit = np.timedelta64(1, freq)
    start = pd.DatetimeIndex(distinct.astype("datetime64[s]"))  # not [ns]: that wraps round outside 1677-2262
    end = pd.DatetimeIndex((distinct + unit).astype("datetime64[s]")) - pd.Timedelta(days=1)
    mid = start + (end - start) / 2
    # month names: strftime (the locale's); a year below 1000 as the labels write it ("600", not "0600")
    said = np.asarray(start.strftime(fmt).str.replace(r"(?<!\d)0+(?=\d+$)", "", regex=True), dtype=object)[which]
    if cats is None:
        text = [f"<b>{k:,} period{'' if k == 1 else 's'} in force</b><br>{d}" for k, d in zip(n, said, strict=True)]
        colours: Any = colour
    else:  # lane and category names are data: escaped, as plotly reads hover text as HTML
        escaped = {x: html_escape(str(x)) for x in set(lanes)}
        mostly = {c: html_escape(str(ctx.category_labels.get(c, c))) for c in set(cats)}
        text = []
        for k, d, lane, c in zip(n, said, lanes, cats, strict=True):
            ln, m = escaped[lane], mostly[c]
            also = f" (mostly {m})" if m != ln else ""
            text.append(f"<b>{k:,} event{'' if k == 1 else 's'}</b><br>{d}<br>{ln}{also}")
        colour_of = {c: ctx.colours.get(c, MISSING_COLOUR) for c in set(cats)}
        colours = [colour_of[c] for c in cats]
    window = [{BIN_FIELD: [a, b]} for a, b in zip(iso_strings(start.to_numpy(), "D"), iso_strings(end.to_numpy(), "D"),
                                                   strict=True)]
    return {
        "type": "scatter", "mode": "markers", "name": name, "meta": {MARKS: BINS_META},
        "x": np.asarray(iso_strings(mid.to_numpy(), "D"), dtype=object)[which].tolist(), "y": y, "text": text,
        "hovertemplate": "%{text}<br><i>click to zoom in</i><extra></extra>",
        "customdata": [window[i] for i in which],
        "marker": {"color": colours, "size": (3 + 11 * np.sqrt(n / max(int(n.max()), 1))).round(1),
                   "opacity": 0.8, "line": {"color": "white", "width": 1}},
        "showlegend": False,
    }


def density_selection(events: pd.DataFrame, rows: LaneRows, lane_y: Mapping[str, float],
                      selected: str) -> tuple[list[Any], list[Any]]:
    if not selected:
        return [], []
    is_it = (events[C.EVENT_ID] == selected).to_numpy(dtype=bool, na_value=False)
    hit = np.flatnonzero(is_it[rows.pos])
    if len(hit):
        return (_iso(events[C.DATE_START].iloc[rows.pos[hit]] + pd.Timedelta(hours=12)),
                [lane_y[label] for label in rows.labels[rows.lane[hit]]])
    period = events[(events[C.EVENT_ID] == selected) & (events[C.KIND] == "period")]
    return (_iso(period[C.DATE_START].head(1)), [0]) if len(period) else ([], [])


def legend_entries(events: pd.DataFrame, ctx: FigureContext) -> list[dict[str, Any]]:
    """Legend-only traces: a colour per category present, a shape per verification level."""
    present = set(events[C.CATEGORY]) if len(events) else set()
    out: list[dict[str, Any]] = [
        {"type": "scatter", "x": [None], "y": [None], "mode": "markers",
         "name": label_text(ctx.category_labels.get(c, c)),
         "marker": {"color": ctx.colour(c), "size": 11, "symbol": "square"}, "legendgroup": "category",
         "legendgrouptitle": {"text": "Category"}, "hoverinfo": "skip"}
        for c in ctx.categories if c in present
    ]
    out += [
        {"type": "scatter", "x": [None], "y": [None], "mode": "markers",
         "name": label_text(ctx.verification_labels.get(v, v)),
         "marker": {"symbol": ctx.symbols.get(v, "circle"), "color": "#555", "size": 11,
                    "line": {"color": "#555", "width": 2}},
         "legendgroup": "verification", "legendgrouptitle": {"text": "Verification"}, "hoverinfo": "skip"}
        for v in ctx.verification
    ]
    return out


def timeline_figure(events: pd.DataFrame, ctx: FigureContext, **kwargs: Any) -> go.Figure:
    """``timeline_spec`` as a ``go.Figure`` (for image export and inspection)."""
    return go.Figure(timeline_spec(events, ctx, **kwargs))


def selection_coordinates(events: pd.DataFrame, ctx: FigureContext, lanes: str, selected: str) -> tuple[
        list[Any], list[Any]]:
    """The highlight position for a partial update, computed exactly as in the full figure."""
    if not selected:
        return [], []  # nothing to place: no lanes to work out
    if len(events) > DETAIL_LIMIT:
        events = _slim(events)
        rows = lane_rows(events, lanes, ctx)
        return density_selection(events, rows, {label: len(rows.order) - i for i, label in enumerate(rows.order)},
                                 selected)
    return _Geometry(events, ctx, lanes).selection(selected)
