"""The middle layer: the Flask test client against a real app, and the callbacks called directly."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from dash import Dash
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.dataset import load_package
from app.settings import Settings
from app.vendor import REGENERATOR_RUNTIME
from app.web import create_app, ids
from app.web.layout import grid_component


@pytest.fixture(scope="module")
def app() -> Dash:
    return create_app(Settings(today="2026-11-23"))


@pytest.fixture(scope="module")
def client(app):
    return app.server.test_client()


def layout_ids(node: Any, found: list[str]) -> list[str]:
    if isinstance(node, dict):
        props = node.get("props", {})
        if "id" in props:
            found.append(props["id"])
        for key, value in props.items():
            if not (node.get("type") == "Store" and key == "data"):  # a store's data is data (the grid's spec)
                layout_ids(value, found)
    elif isinstance(node, list):
        for item in node:
            layout_ids(item, found)
    return found


def sync_key(app: Dash) -> str:
    return next(k for k in app.callback_map if k.startswith("..url-location.search"))


def post_callback(client, app: Dash, key: str, values: dict[tuple[str, str], Any], changed: str) -> Any:
    spec = app.callback_map[key]

    def entries(items: list[dict[str, str]]) -> list[dict[str, Any]]:
        return [{**i, "value": values.get((i["id"], i["property"]))} for i in items]

    outputs: Any = [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in key.strip(".").split("...")]
    if not key.startswith(".."):  # a single output is sent as an object, not a list
        outputs = outputs[0]
    payload = {"output": key, "outputs": outputs, "inputs": entries(spec["inputs"]),
               "state": entries(spec["state"]), "changedPropIds": [changed]}
    return client.post("/_dash-update-component", json=payload)


def test_index_and_layout(client) -> None:
    assert client.get("/").status_code == 200
    resp = client.get("/_dash-layout")
    assert resp.status_code == 200
    found = layout_ids(resp.get_json(), [])
    assert len(found) == len(set(found)), "component ids must be unique"


def page_ids(client) -> set[str]:
    """The ids of the layout, and of the table the browser mounts into it once the map is drawn."""
    found = set(layout_ids(client.get("/_dash-layout").get_json(), []))
    assert ids.GRID not in found and ids.GRID_SLOT in found
    return found | set(layout_ids(grid_component(), []))


def test_every_callback_id_exists_in_layout(app, client) -> None:
    found = page_ids(client)
    for key, spec in app.callback_map.items():
        used = {i["id"] for i in spec["inputs"] + spec["state"]}
        used |= {o.split(".")[0] for o in key.strip(".").split("...")}
        assert used <= found, f"{key}: {used - found}"


def test_ids_module_is_kebab_case_and_unique() -> None:
    values = [v for k, v in vars(ids).items() if k.isupper()]
    assert len(values) == len(set(values))
    assert all(v == v.lower() and " " not in v and "_" not in v for v in values)


def test_topojson_served_locally(client) -> None:
    resp = client.get("/assets/topojson/world_110m.json")
    assert resp.status_code == 200 and json.loads(resp.data)["type"] == "Topology"


def test_babel_polyfill_is_answered_with_regenerator_runtime_only(client) -> None:
    """Dash's @babel/polyfill script (core-js 2, which slows the browser's own trim, plus
    regenerator-runtime) is answered with regenerator-runtime alone: the global Dash's scripts use."""
    page = client.get("/").get_data(as_text=True)
    polyfills = [src for src in re.findall(r'<script src="([^"]+)"', page) if "polyfill" in src]
    assert len(polyfills) == 1  # if Dash renames its polyfill, this fails: see factory._serve_vendored
    resp = client.get(polyfills[0])
    assert resp.status_code == 200 and resp.mimetype == "application/javascript"
    assert resp.get_data() == REGENERATOR_RUNTIME.read_bytes()
    assert b"regeneratorRuntime = runtime" in resp.get_data() and b"core-js" not in resp.get_data()
    # every other script is Dash's own
    react = next(src for src in re.findall(r'<script src="([^"]+)"', page) if "react-dom" in src)
    assert b"regeneratorRuntime" not in client.get(react).get_data()


def test_layout_draws_the_default_view_only_for_a_url_without_query(client) -> None:
    def layout(referrer: str | None) -> str:
        headers = {"Referer": referrer} if referrer else {}
        resp = client.get("/_dash-layout", headers=headers)
        assert resp.status_code == 200
        return resp.get_data(as_text=True)

    # the timeline's layout (its frame: quick ranges) is in the page only when the view is drawn in
    assert "minallowed" in layout("http://localhost/")
    assert "minallowed" not in layout("http://localhost/?cat=transfer")
    assert "minallowed" not in layout(None)  # unknown page: its own URL fills the views
    assert "minallowed" not in layout("http://[::1")  # malformed: the same


def test_security_headers(client) -> None:
    resp = client.get("/")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"


def test_sync_callback_over_http(app, client) -> None:
    resp = post_callback(client, app, sync_key(app),
                         {("url-location", "search"): "?cat=transfer&country=RUS&lanes=actor"}, "url-location.search")
    assert resp.status_code == 200
    body = resp.get_json()["response"]
    assert body["filter-store"]["data"]["categories"] == ["transfer"]
    assert body["view-store"]["data"]["lanes"] == "actor"
    assert body["category-checklist"]["value"] == ["transfer"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
def test_fuzzed_query_strings_never_5xx(app, client, search: str) -> None:
    resp = post_callback(client, app, sync_key(app), {("url-location", "search"): "?" + search},
                         "url-location.search")
    assert resp.status_code < 500


def test_hand_edited_urls_never_5xx(app, client) -> None:
    for search in ["?from=2023-02-30", "?cat=%00%ff", "?event=<script>alert(1)</script>", "?step=-1&story=x",
                   "?" + "a=1&" * 500, "?q=" + "x" * 10_000, "?lanes=%E2%80%AE", "?from=99999-01-01"]:
        resp = post_callback(client, app, sync_key(app), {("url-location", "search"): search},
                             "url-location.search")
        assert resp.status_code == 200, search
        assert resp.get_json()["response"]["notice-area"]["children"]


def test_views_callback_over_http(app, client) -> None:
    # a filter change answers with the views in the same response (one round trip)
    resp = post_callback(client, app, sync_key(app), {
        ("url-location", "search"): "", ("category-checklist", "value"): ["transfer"],
        ("lanes-radio", "value"): "category", ("seats-checklist", "value"): ["seats"],
        ("filter-store", "data"): {"categories": []}, ("view-store", "data"): {"lanes": "category"},
    }, "category-checklist.value")
    assert resp.status_code == 200
    body = resp.get_json()["response"]
    assert body["url-location"]["search"] == "?cat=transfer"
    assert body["timeline-graph"]["figure"]["data"] and body["map-graph"]["figure"]["data"]
    ds = load_package(Settings().data_dir)
    n = int((ds.events["category"] == "transfer").sum())
    refresh = body["grid-refresh-store"]["data"]
    assert refresh["n"] == n and len(refresh["block"]) == n  # the table's first block came along
    # any other block (sorted, scrolled) is asked of the server through the grid-ask store
    key = next(k for k in app.callback_map if k.startswith("event-grid.getRowsResponse"))
    request = {"startRow": 0, "endRow": 200, "sortModel": [{"colId": "title", "sort": "desc"}]}
    resp = post_callback(client, app, key, {("grid-ask-store", "data"): request,
                                            ("filter-store", "data"): {"categories": ["transfer"]}},
                         "grid-ask-store.data")
    rows = resp.get_json()["response"]["event-grid"]["getRowsResponse"]
    assert rows["rowCount"] == n and len(rows["rowData"]) == n
    titles = [r["title"] for r in rows["rowData"]]
    assert titles == sorted(titles, reverse=True) and titles != [r["title"] for r in refresh["block"]]
    assert body["summary-line"]["children"].startswith(f"{n} event")


def test_callback_ids_exist_for_a_dataset_without_narratives(make_package) -> None:
    other = create_app(Settings(data_dir=make_package(), today="2026-11-23"))
    found = page_ids(other.server.test_client())
    for key, spec in other.callback_map.items():
        used = {i["id"] for i in spec["inputs"] + spec["state"]}
        used |= {o.split(".")[0] for o in key.strip(".").split("...")}
        assert used <= found, f"{key}: {used - found}"


def test_content_security_policy(client) -> None:
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self' 'sha256-" in csp
    assert "unsafe-eval" not in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'self'" in csp and "connect-src 'self'" in csp


def test_frame_ancestors_configurable(make_package) -> None:
    app = create_app(Settings(data_dir=make_package(), frame_ancestors="'self' https://intranet.example"))
    resp = app.server.test_client().get("/")
    assert "frame-ancestors 'self' https://intranet.example" in resp.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in resp.headers


def test_a_click_does_not_resend_the_figures(app, client) -> None:
    base = {("url-location", "search"): "", ("lanes-radio", "value"): "category",
            ("seats-checklist", "value"): ["seats"], ("filter-store", "data"): {"categories": []},
            ("view-store", "data"): {"lanes": "category", "seats": True, "narrative": "", "step": 0}}
    first = post_callback(client, app, sync_key(app), {**base, ("category-checklist", "value"): []},
                          "category-checklist.value").get_json()["response"]
    state = first["filter-store"]["data"]
    ds = load_package(Settings().data_dir)
    event = str(ds.events["event_id"].iloc[0])
    click = {"points": [{"customdata": [event, "", "", "", ""]}]}
    resp = post_callback(client, app, sync_key(app), {
        **base, ("filter-store", "data"): state, ("category-checklist", "value"): [],
        ("map-graph", "clickData"): click}, "map-graph.clickData").get_json()["response"]
    assert resp["selection-store"]["data"] == event
    assert "timeline-graph" not in resp or "figure" not in resp["timeline-graph"]  # the highlight is a Patch


def test_the_layouts_are_written_once_and_sent_as_dash_writes_them(app, monkeypatch) -> None:
    """/_dash-layout answers with the JSON Dash would write of the layout, written once per fixed
    layout (the default view's page is ~450 kB that took ~25 ms to encode on every page load)."""
    import dash._utils

    client = app.server.test_client()
    home, deep = {"Referer": "http://127.0.0.1/"}, {"Referer": "http://127.0.0.1/?cat=transfer"}
    first = client.get("/_dash-layout", headers=home).get_data()
    other = client.get("/_dash-layout", headers=deep).get_data()
    writes: list[object] = []
    real = dash._utils.to_json
    monkeypatch.setattr(dash._utils, "to_json", lambda value: writes.append(value) or real(value))
    assert client.get("/_dash-layout", headers=home).get_data() == first
    assert client.get("/_dash-layout", headers=deep).get_data() == other
    assert writes == []  # both answered from what was written the first time
    with app.server.test_request_context("/_dash-layout", headers=home):
        assert first == real(app.get_layout()).encode()  # what Dash itself would send
    assert first != other and len(first) > len(other)  # the default view drawn in; a deep link's page is empty
