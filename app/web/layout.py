"""The page: controls, summary line, timeline, map, detail panel, table, help and about.

Built once per app from the loaded dataset; holds no per-user state (that lives in the stores
and the URL).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import quote

import dash_ag_grid as dag
from dash import dcc, html

from app import limits
from app.dataset import columns as C
from app.dataset.package import Dataset
from app.figures.context import FigureContext
from app.figures.theme import GEO_SYMBOLS
from app.view import TABLE_BLOCK
from app.web import ids
from app.web.detail import empty_detail
from app.web.store import keeping_sentence

GRID_COLUMNS = [
    {"field": "start", "headerName": "Start", "width": 125, "sort": "asc"},
    {"field": "date_label", "headerName": "When (as precise as known)", "width": 190,
     "sortable": False},
    # the table is paged from the server (infinite row model), which has no automatic row height:
    # titles wrap within a fixed three-line row, and the whole title shows on hover
    {"field": "title", "headerName": "Title", "flex": 3, "minWidth": 260, "wrapText": True,
     "tooltipField": "title", "cellClass": "title-cell"},
    {"field": "category_label", "headerName": "Category", "width": 130},
    {"field": "place", "headerName": "Place", "width": 170},
    {"field": "verification_label", "headerName": "Verification", "width": 140},
    {"field": "source_count", "headerName": "Sources", "width": 100, "type": "numericColumn"},
    {"field": "event_id", "headerName": "Id", "width": 200, "hide": False},
]


def grid_component() -> dict[str, Any]:
    """The event table (dash-ag-grid) as the JSON the browser makes a component from: it mounts
    once the map is drawn (callbacks.register)."""
    grid = dag.AgGrid(
        # rows come from the server a block at a time, sorted there: a 100,000-event view
        # costs the browser one block, not the whole table
        id=ids.GRID, columnDefs=GRID_COLUMNS, rowModelType="infinite",
        defaultColDef={"resizable": True, "sortable": True, "filter": False},
        dashGridOptions={"rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
                         "cacheBlockSize": GRID_BLOCK, "maxBlocksInCache": 20,
                         # dash-ag-grid answers only the latest getRowsRequest: one block at a
                         # time, or a second block asked in the same moment is lost (rows left
                         # loading when scrolling far)
                         "maxConcurrentDatasourceRequests": 1, "infiniteInitialRowCount": 1,
                         "rowHeight": 62, "tooltipShowDelay": 300,
                         "domLayout": "normal", "animateRows": False},
        getRowId="params.data.event_id",
        className="ag-theme-quartz event-grid", style={"height": f"{GRID_HEIGHT}px", "width": "100%"},
    )
    return cast(dict[str, Any], grid.to_plotly_json())


def aria(label: str, live: bool = False) -> dict[str, Any]:
    """ARIA attributes as keyword arguments (Dash passes aria-* through)."""
    attrs: dict[str, Any] = {"aria-label": label}
    if live:
        attrs["aria-live"] = "polite"
    return attrs


def aria_live() -> dict[str, Any]:
    return {"aria-live": "polite"}


def _swatch(colour: str) -> html.Span:
    return html.Span(className="swatch", style={"backgroundColor": colour})


def _labelled(label: str, control: Any, help_text: str = "", control_id: str = "") -> html.Div:
    return html.Div(
        [html.Label(label, htmlFor=control_id or None, className="control-label"), control,
         html.Div(help_text, className="control-help") if help_text else None],
        className="control",
    )


def date_picker(component_id: str, placeholder: str) -> dcc.DatePickerSingle:
    return dcc.DatePickerSingle(
        id=component_id, date=None, display_format="YYYY-MM-DD", placeholder=placeholder,
        clearable=True, min_date_allowed="0001-01-01", max_date_allowed="9999-12-31",
        first_day_of_week=1, className="date-input",
    )


def options(ds: Dataset, ctx: FigureContext, plain: bool = False) -> dict[str, list[dict[str, Any]]]:
    """Dropdown/checklist options built from the dataset's own vocabulary and tables.

    ``plain``: text labels only. Options sent by a callback (a dataset switch) must be plain: Dash
    4's renderer fails on component labels in options that a callback replaces (the colour key
    above the timeline still shows each category's colour)."""
    schema = ds.schema
    actors = ds.actors.sort_values(C.NAME) if len(ds.actors) else ds.actors
    used_actors = set(";".join(ds.events[C.ACTOR_IDS]).split(";")) if len(ds.events) else set()
    actor_opts = [
        {"label": name, "value": aid, "search": f"{name} {aliases.replace(';', ' ')} {aid}"}
        for aid, name, aliases in zip(actors.get(C.ACTOR_ID, []), actors.get(C.NAME, []),
                                      actors.get(C.ALIASES, []), strict=True)
        if aid in used_actors
    ]
    countries = sorted(ctx.country_names.items(), key=lambda kv: kv[1])
    system_opts = []
    for sid, name, aliases in zip(ds.systems.get(C.SYSTEM_ID, []), ds.systems.get(C.NAME, []),
                                  ds.systems.get(C.ALIASES, []), strict=True):
        alias_list = [a for a in aliases.split(";") if a]
        label = f"{name} ({', '.join(alias_list)})" if alias_list else name
        system_opts.append({"label": label, "value": sid, "search": f"{label} {sid}"})
    return {
        "categories": [
            {"label": t.label if plain else html.Span([_swatch(ctx.colour(t.value)), t.label], title=t.description),
             "value": t.value}
            for t in schema.vocab(C.CATEGORY).terms
        ],
        "verification": [
            {"label": t.label if plain else html.Span(t.label, title=t.description), "value": t.value}
            for t in schema.vocab(C.VERIFICATION).terms
        ],
        "roles": [{"label": t.label, "value": t.value} for t in schema.vocab("actor_role").terms]
        if "actor_role" in schema.vocabularies else [],
        "actors": actor_opts,
        "countries": [{"label": n or c, "value": c} for c, n in countries],
        "systems": system_opts,
    }


GRID_BLOCK = TABLE_BLOCK  # rows per block the table asks for (app.view: the first comes with the view)
GRID_HEIGHT = 420  # px


def graph_config(filename: str, topojson_url: str | None = None, *, scroll_zoom: bool = False,
                 double_click: bool = True) -> dict[str, Any]:
    """The graphs' config, set once in the layout and never by a callback: plotly.js redraws a
    graph from scratch when its config changes. The modebar's PNG file name follows the view all
    the same (assets/names.js sets it at the moment of the click)."""
    config: dict[str, Any] = {
        "responsive": True,
        "displaylogo": False,
        "scrollZoom": scroll_zoom,  # the map zooms with the wheel; the timeline lets the page scroll
        "toImageButtonOptions": {"format": "png", "filename": filename, "width": 1600,
                                 "height": 900, "scale": 1},
        # sendChartToCloud would post the chart to an online service: never in an offline tool
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "sendChartToCloud"],
    }
    if topojson_url:
        config["topojsonURL"] = topojson_url
    if not double_click:
        # the timeline's double-click zooms out through the page (assets/timeline.js): to the
        # story, then to everything — as a range the header, the map and the table follow
        config["doubleClick"] = False
    return config


RANGE_BUTTONS = (("1y", "1 year", "The last year of the data (to its last event, or today)"),
                 ("5y", "5 years", "The last five years of the data"),
                 ("story", "Story", "The span the dataset tells its story over (double-click the plot)"),
                 ("all", "All", "Every event, the earliest included"))


def range_buttons() -> html.Div:
    """Quick ranges of the timeline (assets/timeline.js): page buttons, so no picture shows them."""
    buttons: list[Any] = [html.Span("Show:", className="key-title")]
    for key, label, tip in RANGE_BUTTONS:
        extra: dict[str, Any] = {"data-range": key}
        buttons.append(html.Button(label, className="button secondary range-button", title=tip, **extra))
    return html.Div(buttons, className="range-buttons", role="group", **aria("Timeline range"))


SHAPE_GLYPHS = {"circle": "●", "diamond": "◆", "circle-open": "○", "triangle-up-open": "△",
                "x-thin-open": "✕", "square-open": "□", "square": "■", "circle-open-dot": "◉",
                "diamond-open": "◇"}


def timeline_key(ds: Dataset, ctx: FigureContext) -> html.Div:
    """The timeline's legend as HTML (wraps on narrow screens, readable by screen readers)."""
    cats = [html.Span([_swatch(ctx.colour(t.value)), t.label], className="key-item")
            for t in ds.schema.vocab(C.CATEGORY).terms if t.value in set(ds.events.get(C.CATEGORY, []))]
    vers = [html.Span([html.Span(SHAPE_GLYPHS.get(ctx.symbols.get(t.value, ""), "●"), className="glyph"),
                       t.label], className="key-item", title=t.description)
            for t in ds.schema.vocab(C.VERIFICATION).terms]
    return html.Div([
        html.Span("Colour = category:", className="key-title"), *cats,
        html.Span("Shape = verification:", className="key-title"), *vers,
        html.Span([html.Span("▬", className="glyph"),
                   "bar = date known only to the week/month/year; hatched = weakly verified"],
                  className="key-item long"),
    ], className="key", **aria("Timeline key"))


def _has_seats(ds: Dataset | None) -> bool:
    """Whether the data has decisions drawn at an authority's seat (an import usually has none)."""
    if ds is None or C.LOCATION_ROLE not in ds.events:
        return True
    return bool((ds.events[C.LOCATION_ROLE] == "authority-seat").any())


def map_key(ds: Dataset | None = None) -> html.Div:
    """What every mark of the dashboard's map means (app/figures/map.py draws them), with the
    full-screen switch and the basemap's credits."""
    def item(glyph: str, text: str, cls: str = "") -> html.Span:
        return html.Span([html.Span(glyph, className=f"glyph {cls}".strip()), text], className="key-item")
    return html.Div([
        html.Span("Map:", className="key-title"),
        item("●", "exact or near place"),
        item("◍", "pale dot on a shaded disc: only the region (~100 km), sea area or country is known",
             "halo"),
        *([item("•", "faint: seat of the deciding authority", "seat")] if _has_seats(ds) else []),
        item("12", "events grouped: zoom in to split; same spot: click to list", "cluster"),
        item("—", "transfer, supplier → recipient"),
        item("Name", "place in these events (grey: towns, cities)", "label"),
        item("◌", "many events: colour = how many", "density"),
        html.Button("Full-screen map", id="map-fullscreen-button", className="button secondary small",
                    title="Show the map on the whole screen (Esc or the same button returns)"),
        html.Span("Basemap: Natural Earth · place names: GeoNames (CC BY 4.0) · Noto Sans (OFL)",
                  className="key-credit"),
    ], className="key map-key", **aria("Map key"))


def placeholder(kind: str) -> dict[str, Any]:
    """The figure before the first callback answers: one empty trace, so a partial update of the
    highlight always has a trace to patch. For the map too it is a plain (invisible) scatter:
    drawing an empty world map first would cost a full geo render on every page load."""
    del kind
    return {"data": [{"type": "scatter", "x": [], "y": []}],
            "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}


# The help and about panels are filled the first time they are opened (callbacks.panel_body):
# about a hundred components the page would otherwise render, and the renderer watch, on every
# load (about 0.25 s of a cold start in headless Chromium), for text most visits never open.


def help_panel() -> html.Details:
    """"How to read this", closed and empty until first opened."""
    return html.Details([html.Summary("How to read this", id=ids.HELP_SUMMARY),
                         html.Div(id=ids.HELP_BODY, className="help-body")],
                        id=ids.HELP, className="panel")


def about_panel() -> html.Details:
    """"About this dataset", closed and empty until first opened."""
    return html.Details([html.Summary("About this dataset and how to cite it", id=ids.ABOUT_SUMMARY),
                         html.Div(id=ids.ABOUT_BODY, className="help-body")], id=ids.ABOUT, className="panel")


#: plotly's marker symbols in words, and how to draw a sample of each (SVG, 24 x 24)
MARK_WORDS = {
    "circle": "filled circle", "diamond": "filled diamond", "circle-open": "open circle (a ring)",
    "triangle-up-open": "open triangle", "x-thin-open": "thin cross (×)", "square-open": "open square",
    "square": "filled square", "circle-open-dot": "ring with a dot in it", "diamond-open": "open diamond",
    "star": "filled star", "hexagon": "filled hexagon", "cross": "filled cross", "pentagon": "filled pentagon",
    "triangle-up": "filled triangle", "hourglass": "hourglass", "bowtie": "bow tie",
}
_SHAPES = {
    "circle": '<circle cx="12" cy="12" r="7"/>',
    "diamond": '<path d="M12 3 L21 12 L12 21 L3 12 Z"/>',
    "square": '<rect x="5" y="5" width="14" height="14"/>',
    "triangle-up": '<path d="M12 4 L20 19 L4 19 Z"/>',
    "x-thin": '<path d="M5 5 L19 19 M19 5 L5 19"/>',
    "circle-dot": '<circle cx="12" cy="12" r="7"/><circle cx="12" cy="12" r="2" class="dot"/>',
}


def mark_sample(symbol: str, colour: str = "#333333") -> html.Img:
    """A drawn sample of a marker, as the plots draw it (an inline SVG picture, alt text in words)."""
    open_ = symbol.endswith("-open") or symbol == "circle-open-dot"
    base = {"circle-open-dot": "circle-dot", "x-thin-open": "x-thin"}.get(symbol, symbol.removesuffix("-open"))
    shape = _SHAPES.get(base, _SHAPES["circle"])
    fill = "none" if open_ or base == "x-thin" else colour
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24">'
           f'<g fill="{fill}" stroke="{colour}" stroke-width="2">{shape}</g>'
           f'<style>.dot{{fill:{colour}}}</style></svg>')
    return html.Img(src="data:image/svg+xml;utf8," + quote(svg), alt=MARK_WORDS.get(symbol, symbol),
                    className="mark-sample", width="24", height="24")


def _bar_sample(kind: str) -> html.Span:
    return html.Span(className=f"bar-sample {kind}", role="img",
                     **aria({"window": "a thin bar", "hatched": "a hatched thin bar",
                             "period": "a translucent band"}[kind]))


def help_body(ds: Dataset, ctx: FigureContext) -> list[Any]:
    """What "How to read this" says, for ``ds``'s own vocabulary: each mark named in words, with
    a drawn sample."""
    schema = ds.schema
    cats = [html.Li([_swatch(ctx.colour(t.value)), html.B(t.label), f" — {t.description}"])
            for t in schema.vocab(C.CATEGORY).terms]

    def marked(symbol: str, label: str, description: str) -> html.Li:
        return html.Li([mark_sample(symbol), html.Span([
            html.B(label), f" — {MARK_WORDS.get(symbol, symbol.replace('-', ' '))}: {description}"])],
            className="marked")

    vers = [marked(ctx.symbols.get(t.value, "circle"), t.label, t.description)
            for t in schema.vocab(C.VERIFICATION).terms]
    geo = [marked(GEO_SYMBOLS[t.value], t.label, t.description) if t.value in GEO_SYMBOLS
           else html.Li([html.B(t.label), f" — not drawn on the map: {t.description}"])
           for t in schema.vocab(C.GEO_PRECISION).terms]
    roles = [html.Li([html.B(t.label), f" — {t.description}"]) for t in schema.vocab(C.LOCATION_ROLE).terms]
    return [
            html.P("Each mark is one event from the table below, and every event lists its sources. "
                   "The timeline and the map show the same filtered events: click one in either view, "
                   "or in the table, to highlight it everywhere and read its sources. Zoom the timeline "
                   "(drag across it, use 1 year / 5 years / Story / All, or move the handles of the strip under its "
                   "dates, which spans the whole time of the view) to narrow the map and the table to that time. "
                   "Double-click the timeline to zoom out to the story, and again for everything. The table "
                   "below lists the same events as text: it is the plots' accessible equivalent."),
            html.H3("Timeline lanes"),
            html.P("Each row (lane) is a category — or an actor, or a country, if you switch the lanes. "
                   "The band on top shows periods: things that were in force for a while, such as an "
                   "embargo or a plant in operation. A period still in force reaches today and ends with →."),
            html.H3("Dates and precision"),
            html.Ul([
                html.Li([mark_sample("circle"), "A mark (its shape: how sure we are, below) is an event known to "
                         "the day."], className="marked"),
                html.Li([_bar_sample("window"), "A thin bar is an event known only to the week, month, quarter or "
                         "year: it covers that whole window — we never invent a day."], className="marked"),
                html.Li([_bar_sample("hatched"), "A hatched bar is such an event, weakly verified."],
                        className="marked"),
                html.Li([_bar_sample("period"), "A translucent band in the top rows is a period in force; "
                         "one still in force reaches the dashed \"today\" line and ends with →."],
                        className="marked"),
            ]),
            html.P("A window that is not one calendar week, month, quarter "
                   "or year (\"between September 2022 and February 2023\") is precision range; \"the 1980s\" is "
                   "a decade. Dates are the local date where it happened; where the UTC date differs "
                   "(an evening vote in New York), the notes say so."),
            html.H3("Figures from sources (the lane under the timeline)"),
            html.P("Numbers the story turns on — drones launched at Ukraine, output claimed for Alabuga — "
                   "as the sources give them: one row per kind of figure, a bar over the window it covers "
                   "and a diamond at its middle. Hover for the value (\"at least\" where the source gives "
                   "only a bound), the unit, who gives it and the source. Rows are not drawn to one scale, "
                   "and a gap means no source gave a figure."),
            html.H3("Categories (colours)"), html.Ul(cats),
            html.H3("Verification (marker shapes)"),
            html.P("How sure we are, kept apart from who is blamed (the actors' roles). An event that is "
                   "someone's statement of a fact (\"US says…\", \"Ukrainian intelligence says…\") is graded by "
                   "that fact: claimed unless others establish it; a denial of what others assert is disputed."),
            html.Ul(vers),
            html.P("Sources: \"primary\" is the originating report or document; an outlet that relays it is "
                   "\"corroborating\" and says \"Relays …\". The event panel counts reports, not outlets: "
                   "\"4 sources, all relaying one report\" is still a single source."),
            html.H3("Places on the map"),
            html.P("Every mark is at its event's own coordinates. Full-colour dots are exact or near "
                   "places; a paler dot on a shaded disc is an event known only to its region (a disc of "
                   "about 100 km), its sea area or its country (a disc of the country's size): the place is "
                   "somewhere in the disc, not at the dot. Faint dots are the seat of the authority that "
                   "took a decision — a sanctions designation does not happen \"in\" Washington. Lines "
                   "are transfers from the supplier's country to the recipient, along the great circle. "
                   "Events close together are grouped in a disc with their number, which splits as you "
                   "zoom in (wheel, pinch or the + of the toolbar); events at exactly one place stay on one "
                   "spot: click it and the panel lists them all. Very large views show a density instead. "
                   "In exported pictures and offline files the map is a static projection with the same "
                   "layers: squares for seats, rings for approximate places, ×N for events sharing a place."),
            html.Ul(geo),
            html.H4("What the place is"), html.Ul(roles),
    ]


def about_body(ds: Dataset) -> list[Any]:
    """What "About this dataset" says: version, last review, licence, citation, curation rules."""
    meta = ds.metadata
    licences = meta.get("licenses") or []
    licence = ", ".join(
        str(lic.get("title") or lic.get("name")) for lic in licences if isinstance(lic, dict)) or "unknown"
    rules = meta.get("curation_rules") or []
    return [
            html.P(str(meta.get("description", ""))),
            html.Dl([
                html.Dt("Version"), html.Dd(str(meta.get("version", "unknown"))),
                html.Dt("Last reviewed"), html.Dd(str(meta.get("last_reviewed", "unknown"))),
                *([html.Dt("Coverage"), html.Dd(str(meta["coverage"]))] if meta.get("coverage") else []),
                html.Dt("Licence of the data"), html.Dd(licence),
                html.Dt("How to cite"), html.Dd(str(meta.get("citation", "")), className="citation"),
            ]),
            html.H3("Curation rules"),
            html.Ul([html.Li(str(r)) for r in rules]) if isinstance(rules, list) else html.P(str(rules)),
    ]


def footer_children(ds: Dataset) -> list[html.Span]:
    meta = ds.metadata
    licences = meta.get("licenses") or []
    licence = ", ".join(str(lic.get("name")) for lic in licences if isinstance(lic, dict)) or "licence unknown"
    return [
        html.Span(f"{ds.title()} · version {meta.get('version', '?')} · {licence} · "
                  f"last reviewed {meta.get('last_reviewed', '?')}"),
        html.Span(f"Cite as: {meta.get('citation', '')}", className="footer-cite"),
    ]


def presentation_bar(ds: Dataset) -> html.Div:
    """The narrative picker and the (hidden until presenting) step panel."""
    stories = ds.narratives
    picker = dcc.Dropdown(
        id=ids.PRESENT_SELECT, value=None, clearable=True, searchable=False, placeholder="Present a narrative…",
        options=narrative_options(ds), className="present-select",
    )
    panel = html.Section([
        html.Div(id=ids.PRESENT_PANEL, className="present-body", **aria_live()),
        html.Div([
            html.Button("← Previous", id=ids.PRESENT_PREV, className="button", n_clicks=0,
                        title="Previous step (← or PageUp)"),
            html.Button("Next →", id=ids.PRESENT_NEXT, className="button", n_clicks=0,
                        title="Next step (→ or PageDown)"),
            html.Button("Leave presentation", id=ids.PRESENT_EXIT, className="button secondary", n_clicks=0,
                        title="Esc"),
            html.Button("Download deck (PPTX)", id=ids.PRESENT_PPTX, className="button secondary", n_clicks=0),
            html.Button("Download offline HTML", id=ids.PRESENT_HTML, className="button secondary", n_clicks=0),
        ], className="present-nav"),
    ], className="present-panel card", **aria("Presentation"))
    # always in the layout (the callbacks use its ids); hidden when the dataset has no narratives
    return html.Div([html.Div(picker, id=ids.PRESENT_PICKER, className="present-picker", hidden=not len(stories)),
                     panel], className="present-bar")


def narrative_options(ds: Dataset) -> list[dict[str, str]]:
    stories = ds.narratives
    return [{"label": t, "value": n}
            for n, t in zip(stories.get("narrative_id", []), stories.get("title", []), strict=True)]


def upload_panel() -> html.Details:
    """"Open your own data": a file picker; the file is kept for this tab in the upload store (its TTL)."""
    return html.Details([
        html.Summary("Open your own data"),
        html.Div([
            html.P("Show your own events in these views: a CSV or Excel (.xlsx) table with a date and a title "
                   "column (common column names are recognised; ACLED exports and TimelineJS sheets too), or a "
                   "TimelineJS .json file. The file is checked and a report is shown below. "
                   + keeping_sentence() + " " + limits.limits_sentence()),
            dcc.Upload(
                id=ids.UPLOAD, multiple=False, max_size=-1,
                accept=".csv,.tsv,.txt,.xlsx,.json,text/csv,application/json,"
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                children=html.Div(["Drop a file here, or ", html.Span("choose a file", className="upload-link")]),
                className="upload-drop", className_active="upload-drop active",
            ),
            html.Div(id=ids.UPLOAD_REPORT, className="upload-report", **aria_live()),
            # the limits the browser checks before sending a file (assets/callbacks.js checkUpload)
            dcc.Store(id=ids.UPLOAD_LIMIT, data=limits.browser_checks()),
            dcc.Store(id=ids.UPLOAD_JOB, data=None),  # a large upload read as a job (app.web.upload)
        ], className="help-body"),
    ], className="panel upload-panel")


@dataclass(frozen=True)
class FirstView:
    """The default view, drawn into the page itself: the browser draws it as soon as plotly.js
    has loaded, without waiting for a callback (app.web.callbacks redraws only when the URL asks
    for another view). The stores hold the state these views show."""

    timeline: dict[str, Any]
    geo: dict[str, Any]
    rows: dict[str, Any]
    summary: str
    filter_data: dict[str, Any]
    view_data: dict[str, Any]


def build_layout(ds: Dataset, ctx: FigureContext, topojson_url: str, data_notice: str,
                 first: FirstView | None = None) -> html.Div:
    opts = options(ds, ctx)
    controls = html.Div([
        html.Div([
            _labelled("From", date_picker(ids.DATE_START, "first day"), control_id=ids.DATE_START),
            _labelled("To", date_picker(ids.DATE_END, "last day"), control_id=ids.DATE_END),
        ], className="date-row"),
        _labelled("Search", dcc.Input(id=ids.TEXT, type="search", debounce=True,
                                      placeholder="titles, places, actors, sources…",
                                      className="text-input"), control_id=ids.TEXT),
        _labelled("Category", dcc.Checklist(id=ids.CATEGORIES, options=opts["categories"], value=[],
                                            className="checklist", inputClassName="check-input"),
                  "None ticked = all."),
        _labelled("Actor", dcc.Dropdown(id=ids.ACTORS, options=opts["actors"], value=[], multi=True,
                                        placeholder="Any actor")),
        _labelled("…in the role", dcc.Dropdown(id=ids.ACTOR_ROLE, options=opts["roles"], value=None,
                                               placeholder="Any role", clearable=True)),
        _labelled("Country (place of the event)", dcc.Dropdown(
            id=ids.COUNTRIES, options=opts["countries"], value=[], multi=True, placeholder="Any country")),
        html.Div(_labelled("Drone system", dcc.Dropdown(id=ids.SYSTEMS, options=opts["systems"], value=[],
                                                        multi=True, placeholder="Any system (aliases work)")),
                 hidden=not opts["systems"]),  # an imported table has no systems: no empty control
        _labelled("Verification", dcc.Checklist(id=ids.VERIFICATION, options=opts["verification"],
                                                value=[], className="checklist",
                                                inputClassName="check-input"), "None ticked = all."),
        _labelled("Timeline lanes", dcc.RadioItems(
            id=ids.LANES, value="category", className="radio", inputClassName="check-input",
            options=[{"label": "Category", "value": "category"}, {"label": "Actor", "value": "actor"},
                     {"label": "Country", "value": "country"}])),
        html.Div(dcc.Checklist(id=ids.SEATS, value=["seats"], className="checklist",
                               inputClassName="check-input",
                               options=[{"label": "Show decisions at the seat of the authority on the map",
                                         "value": "seats"}]), hidden=not _has_seats(ds)),
        html.Button("Reset all filters", id=ids.RESET, className="button secondary", n_clicks=0),
    ], id=ids.FILTERS_PANEL, className="controls", role="search", tabIndex="-1", **aria("Filters"))

    views = html.Div([
        html.Div([
            html.Div(first.summary if first else None, id=ids.SUMMARY, className="summary", role="status",
                     **aria_live()),
            html.Div([
                presentation_bar(ds),
                html.Button("Copy link to this view", id=ids.COPY_LINK, className="button secondary"),
                html.Button("Timeline as SVG", id=ids.TIMELINE_SVG, className="button secondary"),
                html.Button("Map as SVG", id=ids.MAP_SVG, className="button secondary"),
                html.Button("Print this view", id=ids.PRINT_BUTTON, className="button secondary",
                            title="Prints the views, the selected event and every event with its sources"),
            ], className="summary-actions"),
        ], className="summary-row"),
        html.Section([
            html.Div(timeline_key(ds, ctx), id=ids.KEY_AREA),
            range_buttons(),
            dcc.Graph(id=ids.TIMELINE, className="timeline-graph",
                      figure=first.timeline if first else placeholder("timeline"),
                      config=graph_config("geotimeline-timeline", double_click=False),  # type: ignore[arg-type]
                      style={"height": "100%"}),
        ], className="card timeline-card", **aria("Timeline")),
        html.Div([
            html.Section([map_key(ds), dcc.Graph(id=ids.MAP, className="map-graph",
                                                   figure=first.geo if first else placeholder("map"),
                                   config=graph_config("geotimeline-map", topojson_url, scroll_zoom=True))],  # type: ignore[arg-type]
                         # (its height: style.css, which gives a phone's map a height of its own)
                         className="card map-card", **aria("Map")),
            html.Aside(empty_detail(), id=ids.DETAIL, className="card detail-panel", tabIndex="-1",
                       **aria("Event details", live=True)),
        ], className="map-row"),
        html.Section([
            html.Div([
                html.H2("Events in this view", className="section-title"),
                html.Div([
                    html.Button("Download CSV", id=ids.DOWNLOAD_CSV, className="button"),
                    html.Button("Download JSON", id=ids.DOWNLOAD_JSON, className="button"),
                    html.Button("Download GeoJSON", id=ids.DOWNLOAD_GEOJSON, className="button"),
                ], className="download-row"),
                html.Div([
                    html.Span("Cite these sources:", className="key-title"),
                    html.Button("BibTeX", id=ids.CITE_BIBTEX, className="button secondary"),
                    html.Button("RIS", id=ids.CITE_RIS, className="button secondary"),
                    html.Button("CSL-JSON", id=ids.CITE_CSL, className="button secondary"),
                    html.Button("Cite the dataset (BibTeX)", id=ids.CITE_DATASET, className="button secondary"),
                ], className="download-row"),
            ], className="table-head"),
            # the table mounts once the map is drawn (callbacks.register): building the grid costs
            # the browser ~200 ms, which would otherwise hold back the first drawing of the views
            # (its height is kept free meanwhile: nothing below it moves when it arrives)
            html.Div(id=ids.GRID_SLOT, className="grid-slot", style={"minHeight": f"{GRID_HEIGHT}px"}),
            html.P("The table lists every event of the view (the timeline and the map draw the same events): "
                   "arrow keys move between cells, Enter selects a row's event.", className="control-help"),
        ], id=ids.EVENTS_TABLE, className="card table-card", tabIndex="-1", **aria("Events in this view")),
    ], className="views")

    return html.Div([
        html.A("Skip to the events table", href=f"#{ids.EVENTS_TABLE}", className="skip-link"),
        html.A("Skip to the filters", href=f"#{ids.FILTERS_PANEL}", className="skip-link"),
        dcc.Location(id=ids.URL, refresh=False),
        dcc.Store(id=ids.FILTER_STORE, data=first.filter_data if first else {}),
        dcc.Store(id=ids.VIEW_STORE, data=first.view_data if first else {}),
        dcc.Store(id=ids.SELECTION_STORE, data=""),
        dcc.Store(id=ids.CLIENT_DUMMY),
        dcc.Store(id=ids.GRID_REFRESH, data=first.rows if first else None),
        dcc.Store(id=ids.GRID_ASK),
        dcc.Store(id=ids.GRID_SPEC, data=grid_component()),
        dcc.Store(id=ids.DATASET_STORE, data=None, storage_type="memory"),
        dcc.Store(id=ids.TAB_STORE, data=None, storage_type="session"),
        html.Div([html.Progress(id=ids.JOB_PROGRESS, value="0", max="3"), html.Span(id=ids.JOB_TEXT)],
                 id=ids.JOB_STATUS, className="job-status", hidden=True, role="status"),
        dcc.Store(id=ids.UPLOAD_PAYLOAD, data=None, storage_type="memory"),
        dcc.Download(id=ids.DOWNLOAD),
        html.Header([
            html.H1(ds.title(), id=ids.HEADER_TITLE),
            html.P("A sourced event table, shown in time and on the map. Every event lists its sources.",
                   className="subtitle"),
        ], className="header"),
        html.Div(data_notice, id=ids.DATA_NOTICE, className="notice warning",
                 hidden=not data_notice, role="alert"),
        html.Div([
            html.Span(id=ids.DATASET_BANNER_TEXT),
            html.Button("Back to the bundled dataset", id=ids.BUNDLED_BUTTON, className="button", n_clicks=0),
        ], id=ids.DATASET_BANNER, className="notice dataset-banner", hidden=True, role="status"),
        html.Div(id=ids.NOTICE, className="notice", role="status"),
        html.Div([upload_panel(), html.Div([help_panel(), about_panel()], id=ids.PANELS,
                                           className="panels-inner")], className="panels"),
        html.Main([controls, views], className="main"),
        html.Section(id=ids.PRINT_LIST, className="print-list"),
        html.Footer(footer_children(ds), id=ids.FOOTER, className="footer"),
    ], id=ids.PAGE, className="page")
