"""Locust users for bench/load.py: people using the geotimeline dashboard, as their browser does.

A simulated user opens the page (GET / and Dash's /_dash-layout and /_dash-dependencies), keeps
the component props the server-side callbacks read, and calls the callbacks the way dash-renderer
does: a POST to /_dash-update-component whose payload (output, outputs, inputs with their values,
state, changedPropIds) is built from /_dash-dependencies. After each answer it runs every
server-side callback whose inputs the answer set, in parallel, like the renderer's cascade
(URL/controls sync -> views, selection, presentation panel). Clientside callbacks make no request.

Request kinds, one row each in locust's statistics:

    page          GET /  (with the link's query string when following a deep link)
    layout        GET /_dash-layout
    dependencies  GET /_dash-dependencies
    deep-link     the URL <-> controls sync callback, triggered by the page's URL (every page open)
    filter-sync   the same callback, triggered by a control (category, country, verification,
                  search, dates, lanes, reset, timeline zoom) or a click on an event
    views         timeline, map, table and summary for the filter state
    select        highlight and detail panel of the selected event
    panel         the presentation panel (the renderer runs it whenever the view store is set)
    download-csv  the download callback, CSV button

Values are realistic: categories and verification levels from data/schema.json, event ids from
data/events.csv (clicks pick an event the table shows), countries RUS/IRN/TJK/UKR/USA.
A non-2xx answer, a body that is not what the browser expects, or an exception is a failure.

Run through bench/load.py (it starts the server, runs this headless and prints the numbers).
Only http://127.0.0.1 is accepted as --host.
"""

from __future__ import annotations

import base64
import csv
import json
import logging
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit

import gevent
import orjson
from locust import FastHttpUser, between, events, task
from locust.exception import StopUser

DATA = Path(__file__).resolve().parents[1] / "data"
UPLOAD_SHARE = 0.25  # users who open a file of their own
UPLOAD_ROWS = 30
JOB_WAIT = 60.0
UPDATE = "/_dash-update-component"

# component ids (app/web/ids.py); an action whose control the app does not have is skipped
URL = "url-location"
CONTROLS = {
    "category": "category-checklist.value",
    "country": "country-dropdown.value",
    "verification": "verification-checklist.value",
    "text": "text-input.value",
    "start": "date-start-input.date",
    "end": "date-end-input.date",
    "lanes": "lanes-radio.value",
    "zoom": "timeline-graph.relayoutData",
    "reset": "reset-button.n_clicks",
}
GRID_ROWS = "event-grid.getRowsResponse"
GRID_REQUEST = "event-grid.getRowsRequest"
CLICKS = {"grid": "event-grid.cellClicked", "timeline": "timeline-graph.clickData", "map": "map-graph.clickData"}
CSV_BUTTON = "download-csv-button.n_clicks"


def _vocabulary(name: str) -> list[str]:
    schema = json.loads((DATA / "schema.json").read_text(encoding="utf-8"))
    return [str(v["value"]) for v in schema["vocabularies"][name]["values"]]


def _event_ids() -> list[str]:
    with (DATA / "events.csv").open(encoding="utf-8", newline="") as fh:
        return [row["event_id"] for row in csv.DictReader(fh) if row.get("event_id")]


CATEGORIES = _vocabulary("category")
VERIFICATION = _vocabulary("verification")
EVENT_IDS = _event_ids()
COUNTRIES = ["RUS", "IRN", "TJK", "UKR", "USA"]
LANES = ["category", "actor", "country"]
WORDS = ["Shahed", "Geran", "Alabuga", "Dushanbe", "Ababil", "Mohajer", "snapback", "Treasury", "embargo"]
YEARS = list(range(2015, 2026))


def _split(prop_id: str) -> tuple[str, str]:
    """'timeline-graph.figure@1a2b' -> ('timeline-graph', 'figure@1a2b') (the renderer splits at the last dot)."""
    cid, _, prop = prop_id.rpartition(".")
    return cid, prop


def _key(cid: str, prop: str) -> str:
    return f"{cid}.{prop.split('@')[0]}"


@dataclass(frozen=True)
class Callback:
    """One server-side callback as /_dash-dependencies declares it."""

    output: str
    outputs: list[dict[str, str]]
    inputs: list[dict[str, str]]
    state: list[dict[str, str]]
    name: str

    @property
    def multi(self) -> bool:
        return self.output.startswith("..")

    @property
    def input_keys(self) -> list[str]:
        return [_key(i["id"], i["property"]) for i in self.inputs]


@dataclass
class Spec:
    sync: Callback
    select: Callback
    download: Callback
    server: list[Callback] = field(default_factory=list)
    tracked: frozenset[str] = frozenset()  # every "id.prop" a server callback reads


def _kind(output: str, inputs: list[dict[str, str]]) -> str:
    keys = {_key(i["id"], i["property"]) for i in inputs}
    if output.startswith(f"..{URL}.search"):
        return "sync"  # named per trigger: deep-link or filter-sync
    if "selection-store.data" in keys and "detail-panel.children" in output:
        return "select"
    if output.split("@")[0] == "download-file.data" and CSV_BUTTON in keys:
        return "download-csv"
    if output.startswith("..dataset-store.data"):
        return "upload"
    if output.startswith("..present-panel.children"):
        return "panel"
    if output.split("@")[0] == GRID_ROWS:
        return "grid-rows"
    first = output.strip(".").split("...")[0]
    return "callback:" + first.split(".")[0]


def parse_dependencies(deps: list[dict[str, Any]]) -> Spec:
    """The callbacks a browser would call, payload shapes taken from the dependencies as they are."""
    server: list[Callback] = []
    for dep in deps:
        if dep.get("clientside_function") or dep.get("no_output"):
            continue  # runs in the browser: no request
        output = str(dep["output"])
        parts = output[2:-2].split("...") if output.startswith("..") else [output]
        outputs = [dict(zip(("id", "property"), _split(p), strict=True)) for p in parts]
        inputs = [{"id": i["id"], "property": i["property"]} for i in dep.get("inputs", [])]
        state = [{"id": s["id"], "property": s["property"]} for s in dep.get("state", [])]
        server.append(Callback(output, outputs, inputs, state, _kind(output, inputs)))
    by_kind = {cb.name: cb for cb in server}
    missing = [k for k in ("sync", "select", "download-csv", "grid-rows") if k not in by_kind]
    if missing:
        raise RuntimeError(f"/_dash-dependencies has no {', '.join(missing)} callback: the app changed")
    tracked = frozenset(_key(i["id"], i["property"]) for cb in server for i in cb.inputs + cb.state)
    return Spec(by_kind["sync"], by_kind["select"], by_kind["download-csv"], server, tracked)


def _layout_props(node: Any, tracked: frozenset[str], found: dict[str, Any]) -> dict[str, Any]:
    """The initial value of every tracked prop, as the layout gives it (absent = undefined)."""
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict):
            cid = props.get("id")
            for prop, value in props.items():
                if isinstance(cid, str) and f"{cid}.{prop}" in tracked:
                    found[f"{cid}.{prop}"] = value
                if isinstance(value, dict | list):
                    _layout_props(value, tracked, found)
    elif isinstance(node, list):
        for item in node:
            _layout_props(item, tracked, found)
    return found


def _toggle(values: Any, item: str) -> list[str]:
    current = list(values) if isinstance(values, list) else []
    return [v for v in current if v != item] if item in current else [*current, item]


def deep_link_query() -> str:
    """A link someone shared: a few filters, often a selected event."""
    params: dict[str, str] = {}
    if random.random() < 0.7:
        params["cat"] = ",".join(random.sample(CATEGORIES, random.randint(1, 2)))
    if random.random() < 0.4:
        params["country"] = ",".join(random.sample(COUNTRIES, random.randint(1, 2)))
    if random.random() < 0.3:
        first = random.choice(YEARS[:-1])
        params["from"], params["to"] = f"{first}-01-01", f"{random.randint(first, YEARS[-1])}-12-31"
    if random.random() < 0.15:
        params["verif"] = random.choice(VERIFICATION)
    if random.random() < 0.1:
        params["q"] = random.choice(WORDS)
    if random.random() < 0.2:
        params["lanes"] = random.choice(LANES[1:])
    if random.random() < 0.6 or not params:
        params["event"] = random.choice(EVENT_IDS)
    return "?" + urlencode(params, safe=",")


def _count(summary: str) -> int:
    head = summary.split(" ", 1)[0].replace(",", "")
    return int(head) if head.isdigit() else 0


def _check(name: str, response: dict[str, Any]) -> str | None:
    """What the browser needs from each answer; None if it is there."""
    if name in ("deep-link", "filter-sync") and "grid-refresh-store" in response:
        # the URL/filter callback answers with the views when the view changed
        if not isinstance(response.get("summary-line", {}).get("children"), str):
            return f"{name}: no summary line with the views"
        if not isinstance(response.get("grid-refresh-store", {}).get("data"), dict):
            return f"{name}: the table was not told to refresh"
    elif name == "grid-rows":
        if not isinstance(response.get("event-grid", {}).get("getRowsResponse", {}).get("rowData"), list):
            return "grid-rows: no table rows"
    elif name == "select" and "detail-panel" not in response:
        return "select: no detail panel"
    elif name == "download-csv":
        data = response.get("download-file", {}).get("data") or {}
        if not str(data.get("filename", "")).endswith(".csv") or not data.get("content"):
            return "download-csv: no CSV file"
    return None


class Visitor(FastHttpUser):
    """Someone reading the dashboard: filters, clicks events, follows links, downloads the view."""

    wait_time = between(1, 5)  # reading the page between two actions
    spec: ClassVar[Spec | None] = None

    props: dict[str, Any]
    rows: list[str]
    uploaded: bool = False  # this user works on a file of its own (UPLOAD_SHARE of the users)

    def on_start(self) -> None:
        if urlsplit(self.host or "").hostname != "127.0.0.1":
            logging.error("refusing to load %r: only http://127.0.0.1 is allowed", self.host)
            raise StopUser()
        self.props, self.rows = {}, []
        self.open_page("")
        if random.random() < UPLOAD_SHARE:
            self.upload()

    def upload(self) -> None:
        """Open a file of one's own: a small CSV, different for each user (its own token)."""
        assert Visitor.spec is not None
        cb = next((c for c in Visitor.spec.server if c.name == "upload"), None)
        if cb is None:
            return
        tag = f"{random.getrandbits(48):012x}"
        rows = "".join(f"2021-{1 + i % 12:02d}-{1 + i % 28:02d},Event {tag} {i},IRN,35.7,51.4\n"
                       for i in range(UPLOAD_ROWS))
        data = ("date,title,country,lat,lon\n" + rows).encode()
        self.props["upload-payload-store.data"] = {
            "name": f"mine-{tag}.csv", "contents": "data:text/csv;base64," + base64.b64encode(data).decode()}
        self.uploaded = self.cascade(cb, ["upload-payload-store.data"], "upload")

    # -- the browser -------------------------------------------------------------------------

    def get_json(self, path: str, name: str) -> Any:
        with self.client.get(path, name=name, catch_response=True) as r:
            if not 200 <= r.status_code < 300:
                r.failure(f"HTTP {r.status_code}")
                return None
            try:
                body = orjson.loads(r.content)
            except orjson.JSONDecodeError:
                r.failure(f"bad response: {name} is not JSON")
                return None
            r.success()
            return body

    def open_page(self, search: str) -> bool:
        """Load the page at /<search>: index, layout, dependencies, then the URL sync and its cascade."""
        with self.client.get("/" + search, name="page", catch_response=True) as r:
            if not 200 <= r.status_code < 300:
                r.failure(f"HTTP {r.status_code}")
                return False
            if "_dash-config" not in (r.text or ""):
                r.failure("bad response: page is not the Dash index")
                return False
            r.success()
        layout = self.get_json("/_dash-layout", "layout")
        deps = self.get_json("/_dash-dependencies", "dependencies")
        if not isinstance(layout, dict) or not isinstance(deps, list):
            return False
        if Visitor.spec is None:
            Visitor.spec = parse_dependencies(deps)  # the same for every page load: parsed once
        self.props = _layout_props(layout, Visitor.spec.tracked, {})
        self.props[f"{URL}.search"] = search  # dcc.Location announces the page's URL
        self.rows = []
        return self.cascade(Visitor.spec.sync, [f"{URL}.search"], "deep-link")

    def entries(self, items: list[dict[str, str]]) -> list[dict[str, Any]]:
        out = []
        for item in items:
            key = _key(item["id"], item["property"])
            # an undefined prop has no "value" key: JSON.stringify drops undefined
            out.append({**item, "value": self.props[key]} if key in self.props else dict(item))
        return out

    def fire(self, cb: Callback, changed: list[str], name: str) -> dict[str, Any] | None:
        """One POST to /_dash-update-component; returns the props the server set ({} for 204)."""
        payload: dict[str, Any] = {
            "output": cb.output,
            "outputs": cb.outputs if cb.multi else cb.outputs[0],
            "inputs": self.entries(cb.inputs),
            "changedPropIds": changed,
            "parsedChangedPropsIds": changed,
        }
        if cb.state:
            payload["state"] = self.entries(cb.state)
        with self.client.post(UPDATE, data=orjson.dumps(payload).decode(), name=name, catch_response=True,
                              headers={"Content-Type": "application/json", "Accept": "application/json"}) as r:
            if r.status_code == 204:  # every output no_update (PreventUpdate): nothing to apply
                r.success()
                return {}
            if not 200 <= r.status_code < 300:
                r.failure(f"HTTP {r.status_code}")
                return None
            try:
                body = orjson.loads(r.content)
                if isinstance(body, dict) and "cacheKey" in body and "job" in body:
                    body = {"response": self.wait_job(payload, body)}  # a background job: poll for its result
                response = body["response"]
                assert isinstance(response, dict)
            except (orjson.JSONDecodeError, KeyError, TypeError, AssertionError):
                r.failure(f"bad response: {name} is not a Dash callback answer (or its job gave none)")
                return None
            problem = _check(name, response)
            summary = str(response.get("summary-line", {}).get("children", ""))
            if self.uploaded and summary and ("Upload it again" in summary or _count(summary) > UPLOAD_ROWS):
                problem = f"upload lost: {summary[:120]}"
            if problem:
                r.failure(f"bad response: {problem}")
                return None
            r.success()
            return response

    def wait_job(self, payload: dict[str, Any], handle: dict[str, Any]) -> dict[str, Any] | None:
        """Poll a background job as the renderer does (bounded: JOB_WAIT seconds)."""
        query = urlencode({"cacheKey": handle["cacheKey"], "job": handle["job"]})
        deadline = time.monotonic() + JOB_WAIT
        while time.monotonic() < deadline:
            gevent.sleep(0.5)
            with self.client.post(f"{UPDATE}?{query}", data=orjson.dumps(payload).decode(), name="job-poll",
                                  catch_response=True, headers={"Content-Type": "application/json"}) as r:
                if not 200 <= r.status_code < 300:
                    r.failure(f"HTTP {r.status_code}")
                    return None
                r.success()
                body = orjson.loads(r.content) if r.content else {}
            if isinstance(body, dict) and isinstance(body.get("response"), dict):
                return dict(body["response"])
        return None

    def apply(self, response: dict[str, Any]) -> set[str]:
        """Store what the server set; return the "id.prop" keys it set (they trigger callbacks)."""
        assert Visitor.spec is not None
        set_keys = set()
        for cid, props in response.items():
            for prop, value in props.items():
                key = _key(cid, prop)
                set_keys.add(key)
                if key == GRID_ROWS and isinstance(value, dict) and isinstance(value.get("rowData"), list):
                    self.rows = [str(row["event_id"]) for row in value["rowData"]
                                 if isinstance(row, dict) and "event_id" in row]
                if key in Visitor.spec.tracked and not (isinstance(value, dict) and "__dash_patch_update" in value):
                    self.props[key] = value
        return set_keys

    def cascade(self, first: Callback, changed: list[str], name: str) -> bool:
        """Call ``first`` then, round by round and in parallel like the renderer, every server
        callback an answer triggered (never one already run in this chain)."""
        assert Visitor.spec is not None
        done = {first.output}
        round_: list[tuple[Callback, list[str], str]] = [(first, changed, name)]
        for _ in range(10):  # bounded: the app's chains are 2 deep
            jobs = [gevent.spawn(self.fire, cb, ch, nm) for cb, ch, nm in round_]
            gevent.joinall(jobs)
            answers = [job.get() for job in jobs]  # re-raises an exception of fire()
            if any(a is None for a in answers):
                return False
            set_keys: set[str] = set()
            for answer in answers:
                set_keys |= self.apply(answer or {})
            round_ = []
            if "grid-refresh-store.data" in set_keys:
                # the page's table drops its rows and asks the server for the first block
                self.props[GRID_REQUEST] = {"startRow": 0, "endRow": 200,
                                            "sortModel": [{"colId": "start", "sort": "asc"}]}
                set_keys.add(GRID_REQUEST)
            for cb in Visitor.spec.server:
                triggered = [k for k in cb.input_keys if k in set_keys]
                if triggered and cb.output not in done:
                    done.add(cb.output)
                    round_.append((cb, triggered, cb.name))
            if not round_:
                return True
        return True

    def ready(self) -> bool:
        return (Visitor.spec is not None and bool(self.props)) or self.open_page("")

    def set_and_sync(self, key: str, value: Any) -> None:
        assert Visitor.spec is not None
        if key not in Visitor.spec.sync.input_keys:
            return  # the app has no such control (any more)
        self.props[key] = value
        self.cascade(Visitor.spec.sync, [key], "filter-sync")

    # -- what people do ----------------------------------------------------------------------

    @task(6)
    def change_filter(self) -> None:
        if not self.ready():
            return
        action = random.choices(list(CONTROLS), weights=[30, 18, 8, 8, 6, 4, 8, 12, 6])[0]
        key = CONTROLS[action]
        current = self.props.get(key)
        if action == "category":
            value: Any = _toggle(current, random.choice(CATEGORIES))
        elif action == "country":
            value = random.choice([[], random.sample(COUNTRIES, 1), random.sample(COUNTRIES, 2)])
        elif action == "verification":
            value = _toggle(current, random.choice(VERIFICATION))
        elif action == "text":
            value = "" if current else random.choice(WORDS)
        elif action in ("start", "end"):
            year = random.choice(YEARS)
            value = None if current and random.random() < 0.3 else (
                f"{year}-01-01" if action == "start" else f"{year}-12-31")
        elif action == "lanes":
            value = random.choice([lane for lane in LANES if lane != current])
        elif action == "zoom":  # a drag on the timeline, or a double-click back out
            year = random.choice(YEARS[:-1])
            value = {"xaxis.autorange": True} if random.random() < 0.25 else {
                "xaxis.range[0]": f"{year}-{random.randint(1, 12):02d}-01 00:00:00",
                "xaxis.range[1]": f"{year + 1}-{random.randint(1, 12):02d}-15 00:00:00"}
        else:  # reset all filters
            value = (current or 0) + 1
        self.set_and_sync(key, value)

    @task(3)
    def select_event(self) -> None:
        if not self.ready():
            return
        if not self.rows:  # nothing shown to click on: clear the filters first
            self.set_and_sync(CONTROLS["reset"], (self.props.get(CONTROLS["reset"]) or 0) + 1)
            if not self.rows:
                return
        index = random.randrange(len(self.rows))
        event_id = self.rows[index]
        where = random.choices(list(CLICKS), weights=[50, 30, 20])[0]
        if where == "grid":
            value: Any = {"value": event_id, "colId": "title", "rowIndex": index, "rowId": event_id,
                          "timestamp": int(time.time() * 1000)}
        else:
            value = {"points": [{"curveNumber": random.randint(0, 3), "pointNumber": index, "pointIndex": index,
                                 "customdata": [event_id, "", "", "", ""]}]}
        self.set_and_sync(CLICKS[where], value)

    @task(1)
    def follow_deep_link(self) -> None:
        if self.uploaded:  # keeps working on its own file (a new page would drop it, as in a browser)
            return
        self.open_page(deep_link_query())

    @task(1)
    def reload_page(self) -> None:
        """Reload (or open the address bar's link): the page reads its own URL again."""
        if self.uploaded:
            return
        search = self.props.get(f"{URL}.search") if self.props else ""
        self.open_page(search if isinstance(search, str) else "")

    @task(1)
    def download_csv(self) -> None:
        if not self.ready():
            return
        assert Visitor.spec is not None
        self.props[CSV_BUTTON] = (self.props.get(CSV_BUTTON) or 0) + 1
        self.cascade(Visitor.spec.download, [CSV_BUTTON], "download-csv")


@events.test_start.add_listener
def _only_localhost(environment: Any, **_: Any) -> None:
    if urlsplit(environment.host or "").hostname != "127.0.0.1":
        logging.error("refusing to load %r: only http://127.0.0.1 is allowed", environment.host)
        environment.process_exit_code = 2
        if environment.runner is not None:
            environment.runner.quit()
