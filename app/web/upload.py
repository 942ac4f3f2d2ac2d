""""Open your own data": an uploaded file -> report + the views switched to it (this tab only).

The browser checks the size first (``checkUpload`` in assets/callbacks.js, the limit read from the
upload limit store that the layout sets from app.limits), so an oversized file is refused with a
message before a byte is sent. The server decodes, imports and validates it in memory
(app.importers.inmemory), puts the file in the shared upload store under the tab's id (kept in a
session store: one id per browser tab) and gives the tab a token; every other callback, on any
worker, reads the dataset through {tab, token}. Nothing is written to data/ or beside the file.

A file larger than ``BACKGROUND_UPLOAD_BYTES`` is read as a background job (app.web.jobs), with the
page's progress bar: the request that carries it only checks the limits (bytes, format, rows and
columns from the file's structure — a file past them is refused at once, as a small one is) and
puts the file in the shared store, pending; the job imports and validates it at the jobs' lower
CPU priority, stores the tables it built beside the file (``built_form``: the validated tables as
CSV with their schema, so any other worker opens the upload without importing it again) and
switches the page. No web worker is held for the import.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import gzip
import json
import logging
from dataclasses import dataclass, field, fields, replace
from typing import Any

from dash import Dash, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from app.dataset.package import Dataset, build_dataset
from app.dataset.problems import Problem
from app.dataset.reader import RawTable, empty_frame, parse_table_bytes
from app.dataset.report import data_notice
from app.dataset.schema import schema_from_dict
from app.errors import GeotimelineError
from app.importers.errors import ImportError_
from app.importers.inmemory import MAX_UPLOAD_BYTES, Upload, detect_format, load_upload, upload_shape
from app.importers.model import ImportResult
from app.importers.writer import package_metadata, package_schema
from app.limits import BACKGROUND_UPLOAD_BYTES, check_bytes, check_shape
from app.view import Loaded as Deps
from app.web import ids
from app.web.callbacks import browser
from app.web.datasets import Registry, new_tab_id, upload_token
from app.web.layout import about_panel, footer_children, help_panel, narrative_options, options, timeline_key
from app.web.store import Gone, StoreUnavailable, ttl_words, valid_key

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
    job: Any = no_update  # a large file, pending in the store: {pending, token}, read by the background job

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
    "job": Output(ids.UPLOAD_JOB, "data"),
}
assert [f.name for f in fields(UploadOutputs)] == list(UPLOAD_OUTPUTS)


def _duplicate(out: Any) -> Any:
    if isinstance(out, dict):
        return {k: _duplicate(v) for k, v in out.items()}
    return Output(out.component_id, out.component_property, allow_duplicate=True)


#: the background job's outputs: the same as the upload callback's (but its own pending file)
JOB_OUTPUTS: dict[str, Any] = {k: _duplicate(v) for k, v in UPLOAD_OUTPUTS.items() if k != "job"}
JOB_INPUTS: dict[str, Any] = {
    "job": Input(ids.UPLOAD_JOB, "data"),
    "resets": State(ids.RESET, "n_clicks"),
    "tab": State(ids.TAB_STORE, "data"),
}
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


def precheck(name: str, data: bytes) -> None:
    """The limits load_upload checks before it parses (bytes, format, rows and columns from the
    file's structure): a file past them is refused on the request, at once, however large."""
    check_bytes(name, len(data))
    if not data.strip():
        raise ImportError_(f"{name}: the file is empty")
    check_shape(name, upload_shape(name, data, detect_format(name, data)))


def open_upload(payload: Any, *, registry: Registry, trigger: Any, today: dt.date | None = None,
                tab: Any = None, background: bool = False) -> UploadOutputs:
    """The upload (or the back-to-bundled button) -> the switched page + the report (a refusal:
    only the report). With ``background``, a file above BACKGROUND_UPLOAD_BYTES is only checked
    against the limits and left pending for the background job (``read_pending``)."""
    if trigger == ids.BUNDLED_BUTTON:
        return switch_outputs(registry.bundled, None, "", bundled_notice(registry.bundled), [])
    if payload is None:
        return NOTHING
    try:
        name, data = decode_payload(payload)
        if background and len(data) > BACKGROUND_UPLOAD_BYTES:
            precheck(name, data)
            return pending(name, data, registry)
        upload = load_upload(name, data, today)
    except (ValueError, GeotimelineError) as exc:
        return refused(f"Not opened: {exc}")
    except StoreUnavailable:
        log.exception("upload store unavailable")
        return refused(UNAVAILABLE)
    except Exception:  # an importer bug must not reach the user as a traceback; it is logged
        log.exception("upload failed")
        return refused(UNEXPECTED)
    return opened(upload, name, data, registry, tab)


UNAVAILABLE = "Not opened: the server's upload store cannot be reached right now; try again in a moment."
UNEXPECTED = ("Not opened: the file could not be read (an unexpected error, logged on the server). "
              "Try `python -m app import` for a detailed report.")


def pending(name: str, data: bytes, registry: Registry) -> UploadOutputs:
    """A large file within the limits: into the store under a key of its own (not yet the tab's: a
    file that turns out unusable never pushes out the tab's other uploads), for the job to read."""
    key, token = new_tab_id(), upload_token(name, data)
    registry.store.put(key, token, name, data)
    return replace(NOTHING, job={"pending": key, "token": token}, report=[html.P(
        f"Reading {name} ({len(data) / 1048576:.1f} MB) in the background: the bar at the bottom of the "
        "page shows how far it is; the page stays usable meanwhile.")])


def opened(upload: Upload, name: str, data: bytes, registry: Registry, tab: Any,
           built: bytes | None = None) -> UploadOutputs:
    """A file that was read -> the page switched to it (or why not)."""
    ds = upload.dataset
    if ds.events.empty:
        return refused("Not opened: no event could be used from this file.", report(upload))
    try:
        store = registry.add(ds, data, name, tab if isinstance(tab, str) else None, built)
    except StoreUnavailable:
        log.exception("upload store unavailable")
        return refused(UNAVAILABLE)
    deps = registry.get(store)
    n = len(ds.events)
    banner = (f"Showing your file {upload.result.source_name} ({n:,} event{'s' if n != 1 else ''}, read as "
              f"{upload.fmt}) — for this tab only, kept {ttl_words()} after its last use.")
    return switch_outputs(deps, {**store, "name": upload.result.source_name}, banner, "", report(upload))


def built_form(result: ImportResult, today: dt.date | None = None) -> bytes:
    """The tables an import produced, as the package they validate as (CSV text per table, the
    schema, the metadata), gzipped JSON: ``from_built_form`` rebuilds the same Dataset without the
    import (what takes the time). Data only — never code, never pickled."""
    tables = {name: frame.to_csv(index=False, lineterminator="\n") for name, frame in result.tables.items()
              if frame is not None}
    doc = {"v": 1, "schema": package_schema(result), "metadata": package_metadata(result, today), "tables": tables}
    return gzip.compress(json.dumps(doc, ensure_ascii=False).encode("utf-8"), compresslevel=1)


def from_built_form(built: bytes) -> Dataset:
    """``built_form`` -> the Dataset (each table through the CSV parser and the validator, as a
    package on disk)."""
    doc = json.loads(gzip.decompress(built))
    schema = schema_from_dict(doc["schema"], "schema.json")
    problems: list[Problem] = []
    raw: dict[str, RawTable] = {}
    for name, table in schema.tables.items():
        text = doc["tables"].get(name)
        if text is None:
            raw[name] = RawTable(empty_frame(table), ())
            continue
        raw[name] = parse_table_bytes(text.encode("utf-8"), table, table.path)
        problems.extend(raw[name].problems)
    return build_dataset(raw, schema, doc["metadata"], problems)


def read_pending(job: Any, resets: Any, tab: Any, *, registry: Registry, progress: Any,
                 today: dt.date | None = None) -> UploadOutputs:
    """The background job of a large upload: the pending file -> the switched page (or why not)."""
    if not isinstance(job, dict) or not (valid_key(job.get("pending")) and valid_key(job.get("token"))):
        raise PreventUpdate
    key, token = job["pending"], job["token"]
    try:
        stored = registry.store.get(key, token)
    except Gone:
        return refused("Not opened: the file was no longer on the server when its turn came; upload it again.")
    except StoreUnavailable:
        return refused(UNAVAILABLE)
    try:
        progress(1, f"Reading {stored.name}: importing its rows…")
        try:
            upload = load_upload(stored.name, stored.data, today)
            progress(2, f"Reading {stored.name}: checking it and building the views…")
            out = opened(upload, stored.name, stored.data, registry, tab, built_form(upload.result, today))
        except (ValueError, GeotimelineError) as exc:
            out = refused(f"Not opened: {exc}")
        except Exception:  # logged; the user gets one line, never a traceback
            log.exception("upload failed")
            out = refused(UNEXPECTED)
    finally:
        try:
            registry.store.discard(key, token)
        except (StoreUnavailable, Gone):
            log.warning("a pending upload could not be discarded; it expires with the store's TTL")
    progress(3, "Done.")
    return after_switch(out, resets, tab)


def refused(why: str, more: list[Any] | None = None) -> UploadOutputs:
    """Nothing switches; the report says why."""
    return replace(NOTHING, report=[html.P(why, className="refused", role="alert"), *(more or [])])


def upload_callback(given: UploadInputs, *, registry: Registry, trigger: Any,
                    today: dt.date | None = None, background: bool = False) -> UploadOutputs:
    """The upload callback: open_upload, and on a switch "press" reset (so the URL/filter callback
    starts the new dataset unfiltered) and keep the tab id the upload store gave."""
    out = open_upload(given.payload, registry=registry, trigger=trigger, today=today, tab=given.tab,
                      background=background)
    return after_switch(out, given.resets, given.tab)


def after_switch(out: UploadOutputs, resets: Any, tab: Any) -> UploadOutputs:
    """On a switch, "press" reset and keep the tab id the upload store gave."""
    if not out.switched:
        return out
    store = out.dataset
    new_tab = store["tab"] if isinstance(store, dict) and store.get("tab") != tab else no_update
    return replace(out, reset=(resets if isinstance(resets, int) else 0) + 1, tab=new_tab)


def bundled_notice(deps: Deps) -> str:
    return data_notice(deps.ds)


def register(app: Dash, registry: Registry, today: dt.date | None = None, manager: Any = None) -> None:
    """The upload callbacks; with a background-callback ``manager``, large files are read as a job."""
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
        return upload_callback(given, registry=registry, trigger=ctx.triggered_id, today=today,
                               background=manager is not None).as_dict()

    if manager is None:
        return
    from app.web.jobs import in_background, lower_priority

    # a large file, pending in the store -> read as a background job (progress bar), then switched
    @app.callback(output=JOB_OUTPUTS, inputs=JOB_INPUTS, **in_background(manager, ids.UPLOAD))
    def _read_large(set_progress: Any, job: Any, resets: Any, tab: Any) -> dict[str, Any]:
        lower_priority()
        out = read_pending(job, resets, tab, registry=registry, today=today,
                           progress=lambda step, text: set_progress([str(step), "3", text]))
        return {k: v for k, v in out.as_dict().items() if k != "job"}
