"""The typed boundary of the server (issue 18, item 2): what a request may carry, checked before
any callback runs, for every callback (a new one is covered by construction).

- The callback endpoint reads only well-formed bodies: JSON (not 100k levels deep), an ``output``
  that names a registered callback, exactly that callback's inputs and state, each value within
  the size and depth limits. A body that is not one answers 400 with one line.
- Each input's value is checked against the type of its component's property (``EXPECTED``, keyed
  by component id and property; anything else gets the generic limits only). A value of the wrong
  type changes nothing and says so: the answer updates no output and puts a notice on the page
  (Dash's side update of the notice area), 200.
- An asset path of Dash's component suites that no component registered answers 404, not 500.
- ``/_reload-hash`` (Dash's hot reload) is not served: the app never hot-reloads.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from typing import Any

from dash import Dash
from dash.fingerprint import check_fingerprint
from flask import Response, request
from werkzeug.exceptions import BadRequest

from app.web import ids

log = logging.getLogger(__name__)

MAX_DEPTH = 40  # nesting of one value: the deepest a component's props go (a detail panel's children)
MAX_NODES = 200_000  # items of all lists and dicts of one body
NOTICE = "That request could not be used (an input of the wrong type or size); nothing was changed."

Check = Callable[[Any], bool]


def optional(check: Check) -> Check:
    return lambda v: v is None or check(v)


def text(limit: int) -> Check:
    return optional(lambda v: isinstance(v, str) and len(v) <= limit)


def strings(limit: int = 500, each: int = 200) -> Check:
    return optional(lambda v: isinstance(v, list) and len(v) <= limit
                    and all(isinstance(x, str) and len(x) <= each for x in v))


def count(v: Any) -> bool:
    return v is None or (isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2**53)


def mapping(keys: int = 200) -> Check:
    return optional(lambda v: isinstance(v, dict) and len(v) <= keys)


def number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def table_request(v: Any) -> bool:
    return v is None or (isinstance(v, dict) and len(v) <= 20 and all(
        k not in v or number(v[k]) for k in ("startRow", "endRow")) and (
        v.get("sortModel") is None or isinstance(v.get("sortModel"), list)))


def dataset_store(v: Any) -> bool:
    return v is None or (isinstance(v, dict) and len(v) <= 4 and all(
        isinstance(x, str) and len(x) <= 2_000 for x in v.values()))


def upload_payload(v: Any) -> bool:
    return v is None or (isinstance(v, dict) and len(v) <= 4 and all(isinstance(x, str) for x in v.values()))


#: (component id, property) -> what its value must be. The filter controls come from the filter
#: spec: a date picker gives a string, a checklist or a multi-dropdown a list of strings, a single
#: dropdown or a text box a string.
EXPECTED: dict[tuple[str, str], Check] = {
    (ids.URL, "search"): text(100_000),
    (ids.URL, "pathname"): text(2_000),
    (ids.DATE_START, "date"): text(40), (ids.DATE_END, "date"): text(40),
    (ids.CATEGORIES, "value"): strings(), (ids.ACTORS, "value"): strings(), (ids.COUNTRIES, "value"): strings(),
    (ids.SYSTEMS, "value"): strings(), (ids.VERIFICATION, "value"): strings(),
    (ids.ACTOR_ROLE, "value"): text(200), (ids.TEXT, "value"): text(2_000),
    (ids.LANES, "value"): text(40), (ids.SEATS, "value"): strings(4, 40),
    (ids.TIMELINE, "relayoutData"): mapping(), (ids.TIMELINE, "clickData"): mapping(),
    (ids.MAP, "clickData"): mapping(), (ids.MAP, "relayoutData"): mapping(),
    (ids.GRID, "cellClicked"): mapping(), (ids.GRID, "getRowsRequest"): table_request,
    (ids.GRID_ASK, "data"): table_request,
    (ids.PRESENT_SELECT, "value"): text(200),
    (ids.SELECTION_STORE, "data"): text(200),
    (ids.FILTER_STORE, "data"): mapping(40), (ids.VIEW_STORE, "data"): mapping(40),
    (ids.DATASET_STORE, "data"): dataset_store,
    (ids.UPLOAD_PAYLOAD, "data"): upload_payload,
    (ids.UPLOAD_JOB, "data"): dataset_store,
    (ids.UPLOAD, "contents"): text(10**9), (ids.UPLOAD, "filename"): text(1_000),
}


def check_limits(value: Any) -> bool:
    """``value`` (parsed JSON) is at most MAX_DEPTH deep and MAX_NODES large, with no lone surrogate
    in any string (no page can send one; none may reach a response). Iterative: never recurses."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    nodes = 0
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            items: Any = [*item.keys(), *item.values()]
        elif isinstance(item, list):
            items = item
        else:
            if isinstance(item, str) and not item.isascii() and _has_surrogate(item):
                return False
            if isinstance(item, float) and not math.isfinite(item):
                return False
            continue
        nodes += len(items)
        if depth >= MAX_DEPTH or nodes > MAX_NODES:
            return False
        stack.extend((x, depth + 1) for x in items)
    return True


def _has_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _pairs(entries: Any) -> list[tuple[Any, Any]] | None:
    """[{id, property, value?}, …] -> [(id, property)], None when malformed."""
    if not isinstance(entries, list):
        return None
    out = []
    for entry in entries:
        if not (isinstance(entry, dict) and isinstance(entry.get("id"), str | dict)
                and isinstance(entry.get("property"), str)):
            return None
        out.append((entry["id"], entry["property"]))
    return out


def _declared(items: list[dict[str, Any]]) -> list[tuple[Any, Any]]:
    return [(i["id"], i["property"]) for i in items]


def malformed(body: Any, callback_map: dict[str, Any]) -> str:
    """Why ``body`` is not a callback request this app can answer ('' when it is one)."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        return "no such callback"
    spec = callback_map[output]
    inputs, state = _pairs(body.get("inputs")), _pairs(body.get("state", []))
    if inputs is None or state is None:
        return "inputs and state must be lists of {id, property, value}"
    if inputs != _declared(spec["inputs"]) or state != _declared(spec["state"]):
        return "the inputs or state are not the callback's"
    outputs = body.get("outputs")
    flat = outputs if isinstance(outputs, list) else [outputs]
    expected = output.count("...") + 1 if output.startswith("..") else 1
    if not (isinstance(outputs, dict | list) and len(flat) == expected and _pairs(flat) is not None):
        return "the outputs are not the callback's"
    changed = body.get("changedPropIds", [])
    names = {f"{i}.{p}" for i, p in inputs if isinstance(i, str)}
    if not (isinstance(changed, list) and all(isinstance(c, str) and c in names for c in changed)):
        return "changedPropIds must name inputs of the callback"
    if not check_limits(body):
        return "the body is too deep or too large, or holds text that is not Unicode"
    return ""


def wrong_value(body: dict[str, Any]) -> tuple[str, str] | None:
    """The first input or state whose value is not of its property's type, else None."""
    for entry in [*body["inputs"], *body.get("state", [])]:
        check = EXPECTED.get((entry["id"], entry["property"])) if isinstance(entry["id"], str) else None
        if check is None and entry["property"] == "n_clicks":
            check = count  # every button
        if check is not None and not check(entry.get("value")):
            return entry["id"], entry["property"]
    return None


def install(app: Dash) -> None:
    """Check every request that reaches Dash's endpoints (register after app.web.factory's vendored
    files, which answer some component-suite paths themselves)."""
    prefix = app.config.requests_pathname_prefix
    suites = prefix + "_dash-component-suites/"
    endpoint = prefix + "_dash-update-component"
    reload_hash = prefix + "_reload-hash"

    @app.server.before_request
    def _boundary() -> Response | None:
        path = request.path
        if path == reload_hash:
            return Response("Not found.", status=404, mimetype="text/plain")
        if path.startswith(suites):
            package, _, rest = path[len(suites):].partition("/")
            registered = app.registered_paths.get(package)
            if not registered or check_fingerprint(rest)[0] not in registered:
                return Response("Not found.", status=404, mimetype="text/plain")
            return None
        if path != endpoint or request.method != "POST":
            return None
        try:
            body = request.get_json(force=True)  # cached: Dash reads this same parse
        except (BadRequest, ValueError, RecursionError):
            return Response("Bad request: the body is not JSON.", status=400, mimetype="text/plain")
        reason = malformed(body, app.callback_map)
        if reason:
            return Response(f"Bad request: {reason}.", status=400, mimetype="text/plain")
        wrong = wrong_value(body)
        if wrong is not None:
            log.info("callback %s: ignored a value of the wrong type for %s.%s", body["output"][:200], *wrong)
            side = {ids.NOTICE: {"children": NOTICE}}
            return Response(json.dumps({"multi": True, "response": {}, "sideUpdate": side}), status=200,
                            mimetype="application/json")
        return None
