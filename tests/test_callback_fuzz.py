"""The typed boundary (issue 18, items 2 and 3), over HTTP against a real app: wrong-typed values
for every server callback, malformed and hostile bodies, unknown asset paths, dev tools switched on
through the environment. Never a 5xx."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from typing import Any

import pytest
from dash import Dash
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.settings import Settings
from app.web import create_app, ids
from app.web.boundary import NOTICE, check_limits


@functools.cache
def app() -> Dash:
    made = create_app(Settings(today="2026-11-23"))
    made.server.test_client().get("/")  # the index registers the component suites' paths
    return made


def server_callbacks() -> list[str]:
    """Every callback the server answers (clientside ones never reach it)."""
    return sorted(k for k, spec in app().callback_map.items() if spec.get("callback") is not None
                  and not spec.get("clientside_function"))


def body(key: str, values: dict[tuple[str, str], Any], changed: str | None = None) -> dict[str, Any]:
    spec = app().callback_map[key]

    def entries(items: list[dict[str, str]]) -> list[dict[str, Any]]:
        return [{"id": i["id"], "property": i["property"], "value": values.get((i["id"], i["property"]))}
                for i in items]

    outputs: Any = [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in key.strip(".").split("...")]
    if not key.startswith(".."):
        outputs = outputs[0]
    first = spec["inputs"][0]
    return {"output": key, "outputs": outputs, "inputs": entries(spec["inputs"]), "state": entries(spec["state"]),
            "changedPropIds": [changed or f"{first['id']}.{first['property']}"]}


def post(payload: Any, raw: bytes | None = None) -> Any:
    client = app().server.test_client()
    data = raw if raw is not None else json.dumps(payload).encode()
    return client.post("/_dash-update-component", data=data, content_type="application/json")


# values of every JSON type, small and nested: most are the wrong type for the input they land in
WRONG = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
              st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)


def test_every_server_callback_is_fuzzed() -> None:
    keys = server_callbacks()
    assert len(keys) >= 8 and any(k.startswith("..url-location.search") for k in keys)


@pytest.mark.parametrize("key", server_callbacks())
@settings(max_examples=500, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_wrong_typed_bodies_never_5xx(key: str, data: Any) -> None:
    spec = app().callback_map[key]
    items = [*spec["inputs"], *spec["state"]]
    values = {(i["id"], i["property"]): data.draw(WRONG) for i in items}
    changed = data.draw(st.sampled_from([f"{i['id']}.{i['property']}" for i in spec["inputs"]]))
    resp = post(body(key, values, changed))
    assert resp.status_code < 500, (key, values, resp.get_data(as_text=True)[:300])


def test_a_wrong_type_updates_nothing_and_says_so() -> None:
    key = next(k for k in server_callbacks() if k.startswith("..url-location.search"))
    resp = post(body(key, {(ids.TEXT, "value"): {"$gt": 1}, (ids.URL, "search"): ""}, f"{ids.TEXT}.value"))
    assert resp.status_code == 200
    answer = resp.get_json()
    assert answer["response"] == {} and answer["sideUpdate"] == {ids.NOTICE: {"children": NOTICE}}
    # the right types are answered as before
    ok = post(body(key, {(ids.URL, "search"): "?cat=transfer"}, f"{ids.URL}.search"))
    assert ok.status_code == 200 and ok.get_json()["response"]["filter-store"]["data"]["categories"] == ["transfer"]


@pytest.mark.parametrize("raw", [
    b"", b"{", b"[]", b"null", b"42", b'"x"', b"{\"output\": 5}", b"{\"output\": \"no-such.thing\"}",
    b"[" * 100_000 + b"]" * 100_000,  # 100k deep: Python's parser gives up (RecursionError)
    b"{\"a\":" * 5_000 + b"1" + b"}" * 5_000,
    b"\xff\xfe\x00garbage",
])
def test_malformed_bodies_get_400(raw: bytes) -> None:
    assert post(None, raw=raw).status_code == 400


def test_bodies_that_do_not_fit_the_callback_get_400() -> None:
    key = next(k for k in server_callbacks() if k.startswith("..url-location.search"))
    good = body(key, {(ids.URL, "search"): ""}, f"{ids.URL}.search")
    variants = [
        {**good, "inputs": good["inputs"][:-1]},  # one input missing
        {**good, "inputs": [*good["inputs"], {"id": "x", "property": "y", "value": 1}]},
        {**good, "inputs": "nope"}, {**good, "state": [{"id": 5}]}, {**good, "outputs": 7},
        {**good, "outputs": good["outputs"][:2]}, {**good, "changedPropIds": ["not-an-input.value"]},
        {**good, "changedPropIds": "url-location.search"},
        {**good, "state": [{**s, "value": json.loads("[" * 60 + "1" + "]" * 60)} for s in good["state"]]},
    ]
    for variant in variants:
        assert post(variant).status_code == 400, variant
    # a lone surrogate (JSON may escape one; no page sends one, no response may carry one)
    raw = json.dumps(good).replace('"search", "value": ""', '"search", "value": "?q=\\ud800"').encode()
    assert b"\\ud800" in raw and post(None, raw=raw).status_code == 400
    assert post(good).status_code == 200


def test_limits_are_checked_without_recursion() -> None:
    deep: Any = 1
    for _ in range(10_000):
        deep = [deep]
    assert check_limits(deep) is False and check_limits({"a": [1, "b", {"c": None}]}) is True
    assert check_limits(["\udc80"]) is False and check_limits([float("inf")]) is False


@pytest.mark.parametrize("path", [
    "/_dash-component-suites/nonexistent/x.js", "/_dash-component-suites/dash/nope.js",
    "/_dash-component-suites/dash/../../etc/passwd", "/_dash-component-suites/dash_ag_grid/x.v1m1.js",
    "/_dash-component-suites/os/path.py", "/_dash-component-suites/", "/_dash-component-suites/dash",
    "/_dash-component-suites/plotly/nope.min.js", "/_reload-hash",
])
def test_unknown_asset_paths_are_404(path: str) -> None:
    assert app().server.test_client().get(path).status_code == 404


def test_registered_assets_are_still_served() -> None:
    client = app().server.test_client()
    scripts = [s for s in client.get("/").get_data(as_text=True).split('"') if "_dash-component-suites/" in s]
    assert scripts and all(client.get(s).status_code == 200 for s in scripts)


def test_production_turns_every_dev_tool_off_whatever_the_environment_says() -> None:
    """create_server() under DASH_* variables that would switch dev tools on: the page's config has
    no debug menu, no props check, no hot reload; /_reload-hash is not served; no dev bundle."""
    code = """
import json, os
from app.wsgi import create_server
server = create_server()
client = server.test_client()
index = client.get('/').get_data(as_text=True)
config = json.loads(index.split('<script id="_dash-config" type="application/json">')[1].split('</script>')[0])
print(json.dumps({'ui': config.get('ui'), 'props_check': config.get('props_check'),
                  'hot_reload': 'hot_reload' in config, 'dev_bundles': '.dev.js' in index,
                  'reload_hash': client.get('/_reload-hash').status_code}))
"""
    env = {"DASH_UI": "true", "DASH_HOT_RELOAD": "true", "DASH_PROPS_CHECK": "true", "DASH_DEBUG": "true",
           "DASH_SERVE_DEV_BUNDLES": "true", "DASH_PRUNE_ERRORS": "false", "GEOTIMELINE_TODAY": "2026-11-23"}
    import os

    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         env={**os.environ, **env})
    assert run.returncode == 0, run.stderr[-2000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen == {"ui": False, "props_check": False, "hot_reload": False, "dev_bundles": False,
                    "reload_hash": 404}


def test_cli_never_exits_70_on_input(tmp_path) -> None:
    """Invalid UTF-8 on the command line (the shell hands Python surrogates) is a usage error."""
    out = tmp_path / "x.csv"
    for flag in ("--q", "--cat", "--country", "--from"):
        run = subprocess.run([sys.executable.encode(), b"-m", b"app", b"export", b"--format", b"csv", b"--out",
                              str(out).encode(), flag.encode(), b"x\xff\xfe"], capture_output=True, timeout=120)
        assert run.returncode == 2, (flag, run.stderr)
        assert b"not valid UTF-8" in run.stderr and b"internal error" not in run.stderr


# values of the right JSON type but any content: these pass the boundary and reach the callbacks
JUNK_TEXT = st.text(max_size=40)
RIGHT_TYPED = {
    "value": st.one_of(st.none(), JUNK_TEXT, st.lists(JUNK_TEXT, max_size=4)),
    "date": st.one_of(st.none(), JUNK_TEXT, st.dates().map(str)),
    "n_clicks": st.one_of(st.none(), st.integers(min_value=0, max_value=10**6)),
    "search": st.one_of(st.none(), JUNK_TEXT.map(lambda t: "?" + t)),
    "data": st.one_of(st.none(), JUNK_TEXT, st.dictionaries(JUNK_TEXT, st.one_of(
        st.none(), JUNK_TEXT, st.integers(), st.booleans(), st.lists(JUNK_TEXT, max_size=3)), max_size=5)),
}
ANY_DICT = st.one_of(st.none(), st.dictionaries(JUNK_TEXT, WRONG, max_size=5))


@pytest.mark.parametrize("key", server_callbacks())
@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_right_typed_junk_reaches_the_callbacks_and_never_5xx(key: str, data: Any) -> None:
    spec = app().callback_map[key]
    values = {(i["id"], i["property"]): data.draw(RIGHT_TYPED.get(i["property"], ANY_DICT))
              for i in [*spec["inputs"], *spec["state"]]}
    changed = data.draw(st.sampled_from([f"{i['id']}.{i['property']}" for i in spec["inputs"]]))
    resp = post(body(key, values, changed))
    assert resp.status_code < 500, (key, values, resp.get_data(as_text=True)[:300])


@pytest.mark.parametrize("args", [
    [b"validate", b"/tmp/no-such-\xff"], [b"describe", b"/tmp/\xff\xfe"],
    [b"brief", b"\xff", b"--format", b"html", b"--out", b"/tmp/never-written-\xff.html"],
    [b"snapshot", b"--actor", b"\xc3", b"--out", b"/tmp/never-written.html"],
    [b"import", b"/tmp/no-such-\xff.csv", b"--from", b"csv", b"--out", b"/tmp/never-written-\xff"],
])
def test_cli_bytes_that_are_not_utf8_are_errors_not_crashes(args: list[bytes]) -> None:
    run = subprocess.run([sys.executable.encode(), b"-m", b"app", *args], capture_output=True, timeout=120)
    assert run.returncode in (1, 2) and b"internal error" not in run.stderr, run.stderr
