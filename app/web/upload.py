""""Open your own data": an uploaded file -> report + the views switched to it (this tab only).

The browser checks the size first (a clientside callback), so an oversized file is refused with a
message before a byte is sent. The server decodes, imports and validates it in memory
(app.importers.inmemory), holds the result in the process's Registry and gives the tab a token;
every other callback reads the dataset through that token. Nothing is written to disk.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
from typing import Any

from dash import Dash, Input, Output, State, ctx, html, no_update

from app.dataset.problems import Problem
from app.dataset.report import data_notice
from app.errors import GeotimelineError
from app.importers.inmemory import MAX_UPLOAD_BYTES, Upload, load_upload
from app.view import Loaded as Deps
from app.web import ids
from app.web.datasets import Registry
from app.web.layout import about_panel, footer_children, help_panel, narrative_options, options, timeline_key

log = logging.getLogger(__name__)
REPORT_ROWS = 60

SWITCH_OUTPUTS = (
    (ids.DATASET_STORE, "data"), (ids.DATASET_BANNER, "hidden"), (ids.DATASET_BANNER_TEXT, "children"),
    (ids.CATEGORIES, "options"), (ids.ACTORS, "options"), (ids.ACTOR_ROLE, "options"),
    (ids.COUNTRIES, "options"), (ids.SYSTEMS, "options"), (ids.VERIFICATION, "options"),
    (ids.KEY_AREA, "children"), (ids.PANELS, "children"), (ids.HEADER_TITLE, "children"),
    (ids.FOOTER, "children"), (ids.PRESENT_PICKER, "hidden"), (ids.PRESENT_SELECT, "options"),
    (ids.DATA_NOTICE, "children"), (ids.DATA_NOTICE, "hidden"),
)


def switch_outputs(deps: Deps, store: dict[str, str] | None, banner: str, notice: str) -> list[Any]:
    """Every dataset-dependent part of the page, for ``deps``'s dataset (in SWITCH_OUTPUTS order)."""
    ds, fctx = deps.ds, deps.ctx
    opts = options(ds, fctx, plain=True)
    stories = narrative_options(ds)
    return [
        store, not banner, banner,
        opts["categories"], opts["actors"], opts["roles"], opts["countries"], opts["systems"], opts["verification"],
        timeline_key(ds, fctx), [help_panel(), about_panel()], ds.title(),
        footer_children(ds), not stories, stories, notice, not notice,
    ]


def decode_payload(payload: Any) -> tuple[str, bytes]:
    """The upload store's {name, contents: "data:…;base64,…"} -> (file name, bytes); ValueError if malformed."""
    if not isinstance(payload, dict):
        raise ValueError("no file was received")
    name, contents = payload.get("name"), payload.get("contents")
    if not isinstance(name, str) or not isinstance(contents, str) or "," not in contents:
        raise ValueError("the file did not arrive complete; try again")
    encoded = contents.split(",", 1)[1]
    if len(encoded) > MAX_UPLOAD_BYTES * 4 // 3 + 8:
        raise ValueError(f"the file is larger than the {MAX_UPLOAD_BYTES // 1048576} MB an upload may have")
    try:
        return name[:255], base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the file did not arrive intact (bad encoding); try again") from exc


def _problem_rows(problems: list[Problem]) -> html.Table:
    head = html.Tr([html.Th(h) for h in ("Where", "Value", "Problem", "How to fix")])
    rows = [html.Tr([html.Td(p.where()), html.Td((p.value or "")[:80]), html.Td(p.message), html.Td(p.hint)])
            for p in problems[:REPORT_ROWS]]
    return html.Table([html.Thead(head), html.Tbody(rows)])


def report(upload: Upload) -> list[Any]:
    """What the import used, left out and dropped, and what validation found — as the CLI prints it."""
    result, ds = upload.result, upload.dataset
    lines = result.report_lines()
    out: list[Any] = [html.P(html.B(f"{lines[0]} · {len(ds.events)} shown"))]
    out.extend(html.P(line) for line in lines[1:])
    if not len(ds.events):
        out.append(html.P(f"No row of {result.source_name} became an event: nothing to show.", role="alert"))
    problems = upload.problems  # the same problems, in the same words, as `python -m app import`
    if problems:
        errors = sum(p.severity != "warning" for p in problems)
        out.append(html.H4(f"Problems: {errors} error(s), {len(problems) - errors} warning(s)"))
        out.append(_problem_rows(problems))
    hidden = len(problems) - REPORT_ROWS
    if hidden > 0:
        out.append(html.P("…and more; `python -m app import` prints the whole report."))
    return out


def open_upload(payload: Any, *, registry: Registry, trigger: Any, today: dt.date | None = None) -> list[Any]:
    """The upload (or the back-to-bundled button) -> the switch outputs + the report."""
    if trigger == ids.BUNDLED_BUTTON:
        notice = bundled_notice(registry.bundled)
        return [*switch_outputs(registry.bundled, None, "", notice), []]
    nothing = [no_update] * len(SWITCH_OUTPUTS)
    if payload is None:
        return [*nothing, no_update]
    try:
        name, data = decode_payload(payload)
        upload = load_upload(name, data, today)
    except (ValueError, GeotimelineError) as exc:
        return [*nothing, [html.P(f"Not opened: {exc}", className="refused", role="alert")]]
    except Exception:  # an importer bug must not reach the user as a traceback; it is logged
        log.exception("upload failed")
        return [*nothing, [html.P("Not opened: the file could not be read (an unexpected error, logged on "
                                  "the server). Try `python -m app import` for a detailed report.",
                                  className="refused", role="alert")]]
    ds = upload.dataset
    if ds.events.empty:
        return [*nothing, [html.P("Not opened: no event could be used from this file.", className="refused",
                                  role="alert"), *report(upload)]]
    token = registry.add(ds, data, name)
    deps = registry.get({"token": token})
    n = len(ds.events)
    banner = (f"Showing your file {upload.result.source_name} ({n:,} event{'s' if n != 1 else ''}, read as "
              f"{upload.fmt}) — held for this tab only, not saved.")
    return [*switch_outputs(deps, {"token": token, "name": upload.result.source_name}, banner, ""),
            report(upload)]


def bundled_notice(deps: Deps) -> str:
    return data_notice(deps.ds)


CLIENT_GATE = f"""
function(contents, filename) {{
    const nu = window.dash_clientside.no_update;
    if (!contents) {{ return [nu, nu]; }}
    const comma = contents.indexOf(',');
    const bytes = Math.floor((contents.length - comma - 1) * 3 / 4);
    const max = {MAX_UPLOAD_BYTES};
    if (bytes > max) {{
        return [nu, 'Not opened: ' + filename + ' is ' + (bytes / 1048576).toFixed(1) +
                ' MB; an upload may have at most ' + (max / 1048576) + ' MB. For larger tables use ' +
                'python -m app import, then python -m app serve --data DIR.'];
    }}
    return [{{name: filename, contents: contents}}, 'Reading ' + filename + '…'];
}}
"""


def register(app: Dash, registry: Registry, today: dt.date | None = None) -> None:
    # the browser refuses an oversized file before sending it; otherwise hands it to the server
    app.clientside_callback(
        CLIENT_GATE,
        Output(ids.UPLOAD_PAYLOAD, "data"), Output(ids.UPLOAD_REPORT, "children"),
        Input(ids.UPLOAD, "contents"), State(ids.UPLOAD, "filename"),
        prevent_initial_call=True,
    )

    @app.callback(
        *[Output(i, p) for i, p in SWITCH_OUTPUTS],
        Output(ids.UPLOAD_REPORT, "children", allow_duplicate=True), Output(ids.RESET, "n_clicks"),
        Input(ids.UPLOAD_PAYLOAD, "data"), Input(ids.BUNDLED_BUTTON, "n_clicks"), State(ids.RESET, "n_clicks"),
        prevent_initial_call=True,
    )
    def _open(payload: Any, _: Any, resets: Any) -> list[Any]:
        out = open_upload(payload, registry=registry, trigger=ctx.triggered_id, today=today)
        # switched: "press" reset, so the URL/filter callback starts the new dataset unfiltered
        switched = out[0] is not no_update
        return [*out, (resets if isinstance(resets, int) else 0) + 1 if switched else no_update]
