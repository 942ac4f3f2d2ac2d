"""The app factory: create_app(settings=None, dataset=None) builds a Dash app with no import-time
side effects. Data is loaded once here and never mutated afterwards."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dash.dash as dash_module
from dash import Dash
from dash.fingerprint import check_fingerprint
from flask import Response, has_request_context, request, send_file

from app.dataset import Dataset, load_package
from app.dataset.report import data_notice
from app.figures.context import FigureContext
from app.filters import FilterState, ViewState
from app.importers.inmemory import MAX_UPLOAD_BYTES
from app.settings import Settings
from app.sized import MB, VIEWS
from app.vendor import PLOTLY_BUNDLE, REGENERATOR_RUNTIME
from app.view import Loaded, compose_view, present_step
from app.web import boundary, callbacks, ids, jobs, upload
from app.web.datasets import Registry
from app.web.layout import FirstView, build_layout
from app.web.store import make_store

ASSETS = Path(__file__).resolve().parent / "assets"
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES * 4 // 3 + 2 * 1048576
MAX_OTHER_REQUEST_BYTES = 64 * 1024


INDEX_STRING = dash_module._default_index.replace("<html>", '<html lang="en">', 1)


def create_app(settings: Settings | None = None, dataset: Dataset | None = None) -> Dash:
    """Build the dashboard for ``dataset`` (or the package in ``settings.data_dir``)."""
    settings = settings or Settings.from_env()
    if VIEWS.budget != settings.view_cache_mb * MB:
        VIEWS.resize(settings.view_cache_mb * MB)
    ds = dataset if dataset is not None else load_package(settings.data_dir)
    ctx = FigureContext.from_dataset(ds, today=settings.today)
    app = Dash(
        __name__,
        assets_folder=str(ASSETS),
        title=html.escape(ds.title()),  # Dash writes the title into the index HTML as it is
        update_title=None,  # type: ignore[arg-type]  # None disables "Updating..." (documented)
        serve_locally=True,
        compress=False,
        # the event table is not in the first layout: it mounts once the map is drawn (see
        # callbacks.register); without this the renderer reports its callbacks as errors.
        # tests/test_server.py still checks every callback id against the layout and the table.
        suppress_callback_exceptions=True,
        # the page says its language (screen readers, hyphenation; axe-core's html-has-lang)
        index_string=INDEX_STRING,
    )
    topojson_url = app.get_asset_url("topojson/")
    deps = make_deps(ds, ctx)
    # the default view is what most visitors open first: built now, once, and drawn into the page
    # (large tables are counted per month and area, so this stays about a second at 100k)
    with_view = build_layout(ds, ctx, topojson_url, data_notice(ds), first_view(deps))
    plain = build_layout(ds, ctx, topojson_url, data_notice(ds))

    def layout() -> Any:
        """The page with the default view drawn in, for a URL without a query; any other URL (a
        deep link, or one we cannot see) gets empty views that its own state fills, never a
        flash of the wrong view. The page's URL arrives as the Referer of this same-origin request."""
        if has_request_context() and page_query(request.referrer) == "":
            return with_view
        return plain

    app.layout = layout
    _serve_layout_once(app, (with_view, plain))
    registry = Registry(deps, lambda other: make_deps(other, FigureContext.from_dataset(other, today=settings.today)),
                        store=make_store(settings.redis_url, settings.upload_dir))
    callbacks.register(app, registry)
    manager = jobs.job_manager(settings)
    jobs.register(app, registry, manager,
                  (*callbacks.EXPORT_BUTTONS, *callbacks.CITE_BUTTONS, ids.CITE_DATASET),
                  queue=jobs.RendererQueue(jobs.jobs_root(settings) / "renderers", jobs.renderers()))
    upload.register(app, registry, manager=manager)
    _serve_vendored(app)
    boundary.install(app)
    if not settings.debug:
        production(app)
    _harden(app, settings)
    return app


def production(app: Dash) -> None:
    """Every Dash dev tool off, whatever DASH_UI, DASH_PROPS_CHECK, DASH_HOT_RELOAD,
    DASH_SERVE_DEV_BUNDLES, DASH_PRUNE_ERRORS or DASH_VALIDATE_CALLBACKS say: Dash() reads them
    when it is made (not only in app.run), so a stray variable would switch on the debug menu,
    hot-reload polling and development bundles under gunicorn. ``serve --debug`` (app.run) is the
    only way to them."""
    app.enable_dev_tools(
        debug=False, dev_tools_ui=False, dev_tools_props_check=False, dev_tools_serve_dev_bundles=False,
        dev_tools_hot_reload=False, dev_tools_silence_routes_logging=False, dev_tools_prune_errors=True,
        dev_tools_validate_callbacks=False, dev_tools_disable_version_check=True,
    )


def _serve_vendored(app: Dash) -> None:
    """Answer two of the renderer's requests with files from app/vendor; Dash's own loading (what,
    when, in which order) stays as it is, only the file changes. Dash has no setting for either.

    - plotly.js: the partial bundle, 1.5 MB instead of the full 4.8 MB, which a browser spends
      about a second evaluating on a cold start. dcc.Graph loads whatever answers at this fixed
      path (window._dashPlotlyJSURL), asynchronously, once a graph renders.
    - @babel/polyfill 7.12.1 (core-js 2 + regenerator-runtime), loaded before every other script:
      regenerator-runtime only. core-js 2 adds nothing a current browser lacks, costs ~100 ms to
      evaluate on every cold start, and replaces the browser's own String.prototype.trim with a
      regex because it disagrees with today's Unicode on U+180E: plotly.js's d3 calls trim on each
      class it sets, which cost ~10 ms of every filter change. Dash's scripts still call the global
      regeneratorRuntime (dash-renderer and dcc, to load components asynchronously)."""
    prefix = app.config.requests_pathname_prefix + "_dash-component-suites/"
    files = {prefix + "plotly/package_data/plotly.min.js": PLOTLY_BUNDLE,
             prefix + "dash/deps/polyfill@7.12.1.min.js": REGENERATOR_RUNTIME}

    @app.server.before_request
    def _vendored() -> Response | None:
        if not request.path.startswith(prefix):
            return None
        vendored = files.get(check_fingerprint(request.path)[0])
        if vendored is None:
            return None
        return send_file(vendored, mimetype="application/javascript", conditional=True, max_age=0)


def page_query(referrer: str | None) -> str | None:
    """The query string of the page that asked for the layout, or None when unknown."""
    if not referrer:
        return None
    try:
        return urlsplit(referrer).query
    except ValueError:
        return None


def first_view(deps: Loaded) -> FirstView:
    """The view of a URL without a query, as the URL callback would draw it."""
    filter_data = FilterState().to_dict()
    view = present_step(ViewState(), deps)
    shown = compose_view(deps, FilterState(), view)
    return FirstView(timeline=shown.timeline, geo=shown.map, rows=shown.rows, summary=shown.summary,
                     filter_data=filter_data, view_data=callbacks.view_store(view))


def make_deps(ds: Dataset, ctx: FigureContext) -> Loaded:
    return Loaded.from_dataset(ds, ctx)


def content_security_policy(app: Dash, frame_ancestors: str) -> str:
    """A CSP that Dash supports: scripts only from this server plus the hashes of Dash's own inline
    scripts (the renderer start-up and our clientside callbacks); no eval. Styles allow inline
    attributes because plotly.js and React set element styles; nothing is loaded from elsewhere."""
    hashes = " ".join(app.csp_hashes())
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' {hashes}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        # the map (MapLibre GL) runs its tiling in web workers made from blob: URLs of its own code
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {frame_ancestors}",
    ])


def _harden(app: Dash, settings: Settings) -> None:
    """Error pages that never show a traceback; security headers (CSP included) on every response."""
    server = app.server
    policy: dict[str, str] = {}
    # the largest request we read: an upload (base64 makes it 4/3 of the file) plus the JSON around
    # it; Flask answers 413 above this before reading the body. Everything else is small.
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    # dev tools and Flask's debugger only ever come from `serve --debug` (app.run); a stray
    # FLASK_DEBUG in the environment must not switch on tracebacks in responses
    server.debug = settings.debug
    server.config["PROPAGATE_EXCEPTIONS"] = False

    @server.before_request
    def _small_unless_callback() -> Response | None:
        # only Dash's callback endpoint takes a body of any size (uploads go through it)
        length = request.content_length or 0
        if length > MAX_OTHER_REQUEST_BYTES and not request.path.endswith("/_dash-update-component"):
            return Response("Request too large.", status=413, mimetype="text/plain")
        return None

    @server.errorhandler(413)
    def _too_large(_: Exception) -> Response:
        return Response(f"Request too large: at most {MAX_REQUEST_BYTES // 1048576} MB "
                        f"(an upload may have {MAX_UPLOAD_BYTES // 1048576} MB).", status=413, mimetype="text/plain")

    @server.errorhandler(500)
    def _internal(_: Exception) -> Response:
        return Response("Something went wrong on the server; the error was logged.", status=500,
                        mimetype="text/plain")

    @server.after_request
    def _headers(resp: Response) -> Response:
        if "csp" not in policy:  # computed on the first response: the index page is final by then
            policy["csp"] = content_security_policy(app, settings.frame_ancestors)
        resp.headers.setdefault("Content-Security-Policy", policy["csp"])
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        # the full URL to this server only (the layout request reads its page's query, see
        # create_app); nothing at all to any other site
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        if settings.frame_ancestors.strip() == "'self'":
            resp.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return resp


def _serve_layout_once(app: Dash, layouts: tuple[Any, ...]) -> None:
    """``/_dash-layout`` answers each of the app's fixed layouts with JSON written once: the page
    with the default view drawn in is ~450 kB that Dash's encoder (plotly's, which walks every value
    of a component tree in Python) took ~25 ms of CPU to write for every page load. Any other layout
    value (a layout hook's) is written per request, as Dash does."""
    import dash._utils as dash_utils

    written: dict[int, str] = {}

    def serve_layout() -> Any:
        value = app.get_layout()
        fixed = any(value is layout for layout in layouts)
        body = written.get(id(value)) if fixed else None
        if body is None:
            body = dash_utils.to_json(value)
            if fixed:
                written[id(value)] = body
        return app.backend.make_response(body, mimetype="application/json")

    endpoint = app.config.routes_pathname_prefix + "_dash-layout"
    app.server.view_functions[endpoint] = serve_layout
