"""The app factory: create_app(settings=None, dataset=None) builds a Dash app with no import-time
side effects. Data is loaded once here and never mutated afterwards."""

from __future__ import annotations

from pathlib import Path

from dash import Dash
from flask import Response

from app.dataset import Dataset, load_package
from app.export.narrative import load_narrative, narrative_ids
from app.figures.context import FigureContext, labels_for
from app.filters import FilterCache, FilterState
from app.settings import Settings
from app.urlstate import Known
from app.web import callbacks
from app.web.layout import build_layout

ASSETS = Path(__file__).resolve().parent / "assets"
PREBUILD_LIMIT = 20_000


def data_notice(ds: Dataset) -> str:
    if not ds.errors:
        return ""
    n = ds.dropped_events
    target = ds.data_dir or "DATA_DIR"
    what = f"{n} event{'s' if n != 1 else ''} not shown" if n else "Some rows were not loaded"
    return f"{what} — run `python -m app validate {target}` to see why."


def create_app(settings: Settings | None = None, dataset: Dataset | None = None) -> Dash:
    """Build the dashboard for ``dataset`` (or the package in ``settings.data_dir``)."""
    settings = settings or Settings.from_env()
    ds = dataset if dataset is not None else load_package(settings.data_dir)
    ctx = FigureContext.from_dataset(ds, today=settings.today)
    app = Dash(
        __name__,
        assets_folder=str(ASSETS),
        title=ds.title(),
        update_title=None,  # type: ignore[arg-type]  # None disables "Updating..." (documented)
        serve_locally=True,
        compress=False,
    )
    topojson_url = app.get_asset_url("topojson/")
    stories = {nid: load_narrative(ds, nid, ctx.today) for nid in narrative_ids(ds)}
    deps = callbacks.Deps(
        ds=ds, ctx=ctx, cache=FilterCache(ds.events), known=Known.from_dataset(ds),
        labels=labels_for(ds, ctx), topojson_url=topojson_url, stories=stories,
    )
    app.layout = build_layout(ds, ctx, topojson_url, data_notice(ds))
    # the default view is what most visitors open first: build it now, once, not on the first
    # request — for tables of ordinary size (a huge one would only delay the start)
    if len(ds.events) <= PREBUILD_LIMIT:
        deps.views(FilterState(), "category", True)
    callbacks.register(app, deps)
    _harden(app, settings)
    return app


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
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {frame_ancestors}",
    ])


def _harden(app: Dash, settings: Settings) -> None:
    """Error pages that never show a traceback; security headers (CSP included) on every response."""
    server = app.server
    policy: dict[str, str] = {}

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
        resp.headers.setdefault("Referrer-Policy", "no-referrer")
        if settings.frame_ancestors.strip() == "'self'":
            resp.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return resp
