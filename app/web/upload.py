""""Open your own data": an uploaded file -> report + the views switched to it (this tab only).

The browser checks the size first (``checkUpload`` in assets/callbacks.js, the limit read from the
upload limit store that the layout sets from app.limits), so an oversized file is refused with a
message before a byte is sent. The server decodes, imports and validates it in memory
(app.importers.inmemory), puts the file in the shared upload store under the tab's id (kept in a
session store: one id per browser tab) and gives the tab a token; every other callback, on any
worker, reads the dataset through {tab, token}. Nothing is written to data/ or beside the file.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
from dataclasses import dataclass, field, fields, replace
from typing import Any

from dash import Dash, Input, Output, State, ctx, html, no_update

from app.dataset.problems import Problem
from app.dataset.report import data_notice
from app.errors import GeotimelineError
from app.importers.inmemory import MAX_UPLOAD_BYTES, Upload, load_upload
from app.view import Loaded as Deps
from app.web import ids
from app.web.callbacks import browser
from app.web.datasets import Registry
from app.web.layout import about_panel, footer_children, help_panel, narrative_options, options, timeline_key
from app.web.store import StoreUnavailable

log = logging.getLogger(__name__)
REPORT_ROWS = 60

OPTION_IDS = {  # layout.options()'s keys -> the control each fills
    "categories": ids.CATEGORIES, "actors": ids.ACTORS, "roles": ids.ACTOR_ROLE, "countries": ids.COUNTRIES,
    "systems": ids.SYSTEMS, "verification": ids.VERIFICATION,
}


@dataclass(frozen=True)
class UploadInputs:
    """What the upload callback is given, by name (UPLOAD_INPUTS says where each comes from)."""

    payload: Any = None  # the upload store: {name, contents}, set by the browser's size check
    bundled: Any = None  # the back-to-bundled button's clicks
    resets: Any = None  # the reset button's clicks
    tab: Any = None  # this tab's id (the tab store)


UPLOAD_INPUTS: dict[str, Any] = {
    "payload": Input(ids.UPLOAD_PAYLOAD, "data"),
    "bundled": Input(ids.BUNDLED_BUTTON, "n_clicks"),
    "resets": State(ids.RESET, "n_clicks"),
    "tab": State(ids.TAB_STORE, "data"),
}
assert [f.name for f in fields(UploadInputs)] == list(UPLOAD_INPUTS)


@dataclass(frozen=True)
class UploadOutputs:
    """What the upload callback sets, by name (no_update: left as it is). Every field but the last
    three is a dataset-dependent part of the page (set together on a switch: ``switch_outputs``)."""

    dataset: Any = no_update  # the dataset store
    banner_hidden: Any = no_update
    banner: Any = no_update
    options: dict[str, Any] = field(default_factory=lambda: dict.fromkeys(OPTION_IDS, no_update))
    key: Any = no_update  # the colour key above the timeline
    panels: Any = no_update  # help and about, empty (filled when opened, for the dataset on screen)
    title: Any = no_update
    footer: Any = no_update
    picker_hidden: Any = no_update
    stories: Any = no_update  # the presentation picker's options
    notice: Any = no_update  # the data notice
    notice_hidden: Any = no_update
    report: Any = no_update  # what the import found, or why the file was not opened
    reset: Any = no_update  # "presses" reset on a switch: the new dataset opens unfiltered
    tab: Any = no_update  # the tab's id, when the upload store gave it one

    @property
    def switched(self) -> bool:
        return self.dataset is not no_update

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


UPLOAD_OUTPUTS: dict[str, Any] = {
    "dataset": Output(ids.DATASET_STORE, "data"),
    "banner_hidden": Output(ids.DATASET_BANNER, "hidden"),
    "banner": Output(ids.DATASET_BANNER_TEXT, "children"),
    "options": {key: Output(cid, "options") for key, cid in OPTION_IDS.items()},
    "key": Output(ids.KEY_AREA, "children"),
    "panels": Output(ids.PANELS, "children"),
    "title": Output(ids.HEADER_TITLE, "children"),
    "footer": Output(ids.FOOTER, "children"),
    "picker_hidden": Output(ids.PRESENT_PICKER, "hidden"),
    "stories": Output(ids.PRESENT_SELECT, "options"),
    "notice": Output(ids.DATA_NOTICE, "children"),
    "notice_hidden": Output(ids.DATA_NOTICE, "hidden"),
    "report": Output(ids.UPLOAD_REPORT, "children", allow_duplicate=True),
    "reset": Output(ids.RESET, "n_clicks"),
    "tab": Output(ids.TAB_STORE, "data"),
}
assert [f.name for f in fields(UploadOutputs)] == list(UPLOAD_OUTPUTS)
NOTHING = UploadOutputs()


def switch_outputs(deps: Deps, store: dict[str, str] | None, banner: str, notice: str,
                   found: Any) -> UploadOutputs:
    """Every dataset-dependent part of the page, for ``deps``'s dataset, and the report ``found``."""
    ds, fctx = deps.ds, deps.ctx
    opts = options(ds, fctx, plain=True)
    stories = narrative_options(ds)
    return UploadOutputs(
        dataset=store, banner_hidden=not banner, banner=banner, options={k: opts[k] for k in OPTION_IDS},
        key=timeline_key(ds, fctx), panels=[help_panel(), about_panel()], title=ds.title(),
        footer=footer_children(ds), picker_hidden=not stories, stories=stories, notice=notice,
        notice_hidden=not notice, report=found,
    )


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


def open_upload(payload: Any, *, registry: Registry, trigger: Any, today: dt.date | None = None,
                tab: Any = None) -> UploadOutputs:
    """The upload (or the back-to-bundled button) -> the switched page + the report (a refusal:
    only the report)."""
    if trigger == ids.BUNDLED_BUTTON:
        return switch_outputs(registry.bundled, None, "", bundled_notice(registry.bundled), [])
    if payload is None:
        return NOTHING
    try:
        name, data = decode_payload(payload)
        upload = load_upload(name, data, today)
    except (ValueError, GeotimelineError) as exc:
        return refused(f"Not opened: {exc}")
    except Exception:  # an importer bug must not reach the user as a traceback; it is logged
        log.exception("upload failed")
        return refused("Not opened: the file could not be read (an unexpected error, logged on the server). "
                       "Try `python -m app import` for a detailed report.")
    ds = upload.dataset
    if ds.events.empty:
        return refused("Not opened: no event could be used from this file.", report(upload))
    try:
        store = registry.add(ds, data, name, tab if isinstance(tab, str) else None)
    except StoreUnavailable:
        log.exception("upload store unavailable")
        return refused("Not opened: the server's upload store cannot be reached right now; try again in a moment.")
    deps = registry.get(store)
    n = len(ds.events)
    banner = (f"Showing your file {upload.result.source_name} ({n:,} event{'s' if n != 1 else ''}, read as "
              f"{upload.fmt}) — held for this tab only, not saved.")
    return switch_outputs(deps, {**store, "name": upload.result.source_name}, banner, "", report(upload))


def refused(why: str, more: list[Any] | None = None) -> UploadOutputs:
    """Nothing switches; the report says why."""
    return replace(NOTHING, report=[html.P(why, className="refused", role="alert"), *(more or [])])


def upload_callback(given: UploadInputs, *, registry: Registry, trigger: Any,
                    today: dt.date | None = None) -> UploadOutputs:
    """The upload callback: open_upload, and on a switch "press" reset (so the URL/filter callback
    starts the new dataset unfiltered) and keep the tab id the upload store gave."""
    out = open_upload(given.payload, registry=registry, trigger=trigger, today=today, tab=given.tab)
    if not out.switched:
        return out
    store = out.dataset
    new_tab = store["tab"] if isinstance(store, dict) and store.get("tab") != given.tab else no_update
    return replace(out, reset=(given.resets if isinstance(given.resets, int) else 0) + 1, tab=new_tab)


def bundled_notice(deps: Deps) -> str:
    return data_notice(deps.ds)


def register(app: Dash, registry: Registry, today: dt.date | None = None) -> None:
    # the browser refuses an oversized file before sending it (the limit: the upload limit store,
    # set from app.limits); otherwise hands it to the server
    app.clientside_callback(
        browser("checkUpload"),
        Output(ids.UPLOAD_PAYLOAD, "data"), Output(ids.UPLOAD_REPORT, "children"),
        Input(ids.UPLOAD, "contents"), State(ids.UPLOAD, "filename"), State(ids.UPLOAD_LIMIT, "data"),
        prevent_initial_call=True,
    )

    @app.callback(output=UPLOAD_OUTPUTS, inputs=UPLOAD_INPUTS, prevent_initial_call=True)
    def _open(**named: Any) -> dict[str, Any]:
        given = UploadInputs(**named)
        return upload_callback(given, registry=registry, trigger=ctx.triggered_id, today=today).as_dict()
