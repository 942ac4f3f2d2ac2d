"""'Open your own data': in-memory import of an upload, its caps and refusals, the per-tab registry,
and the request limits and production defaults around it."""

from __future__ import annotations

import base64
import builtins
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from dash import no_update
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.importers.errors import ImportError_
from app.importers.inmemory import MAX_UPLOAD_COLUMNS, detect_format, load_upload
from app.settings import Settings
from app.web import create_app, ids
from app.web.datasets import GONE_MESSAGE, Registry, UploadGone
from app.web.layout import options
from app.web.upload import (
    OPTION_IDS,
    UPLOAD_OUTPUTS,
    UploadInputs,
    UploadOutputs,
    decode_payload,
    open_upload,
    upload_callback,
)

IMPORT = Path(__file__).parent / "fixtures" / "import"
HOSTILE = Path(__file__).parent / "fixtures" / "hostile"


def payload(name: str, data: bytes) -> dict[str, str]:
    return {"name": name, "contents": "data:application/octet-stream;base64," + base64.b64encode(data).decode()}


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(("name", "fmt", "events"), [
    ("timelinejs.json", "timelinejs", 8), ("timelinejs-sheet.csv", "timelinejs-sheet", 5),
    ("acled.csv", "acled", 4), ("generic.csv", "csv", 6), ("latin1.csv", "csv", 2), ("timemap.json", "timemap", 2),
])
def test_each_upload_kind_is_recognised_and_validated(name: str, fmt: str, events: int) -> None:
    up = load_upload(name, (IMPORT / name).read_bytes())
    assert up.fmt == fmt
    assert len(up.dataset.events) == events
    assert up.dataset.errors == []  # the importers write what the validator accepts
    assert up.dataset.data_dir is None  # nothing on disk behind it


def test_xlsx_upload_and_its_formula_cells() -> None:
    data = xlsx_bytes([["date", "title", "country"], ["2022-05-17", "Plant opens", "TJK"],
                       ["2023-01-05", "=HYPERLINK(\"http://x\")", "RUS"]])
    up = load_upload("mine.xlsx", data)
    assert up.fmt == "xlsx"
    titles = list(up.dataset.events["title"])
    assert "Plant opens" in titles
    assert not any(t.startswith("=") for t in titles)  # a formula is never kept as text
    assert any("formula" in n for n in up.result.notes)


def test_upload_never_touches_the_disk(monkeypatch) -> None:
    real_open = builtins.open

    def guarded(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if any(m in mode for m in "wax+"):
            raise AssertionError(f"upload tried to write {file}")
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    monkeypatch.setattr("tempfile.mkstemp", lambda *a, **k: (_ for _ in ()).throw(AssertionError("temp file")))
    for name in ("timelinejs.json", "acled.csv"):
        assert len(load_upload(name, (IMPORT / name).read_bytes()).dataset.events) > 0
    assert len(load_upload("x.xlsx", xlsx_bytes([["date", "title"], ["2020-01-01", "a"]])).dataset.events) == 1


@pytest.mark.parametrize(("name", "data", "message"), [
    ("big.csv", b"date,title\n" + b"2020-01-01,x\n" * (2_200_000), "25 MB"),
    ("wide.csv", (",".join(f"c{i}" for i in range(MAX_UPLOAD_COLUMNS + 1)) + "\n").encode(), "columns"),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "unsupported file type"),
    ("junk.csv", b"\x00\x01\x02garbage\x00" * 50, "NUL"),
    ("junk.xlsx", b"PK\x03\x04 not really a zip", "not an .xlsx"),
    ("empty.csv", b"   \n", "empty"),
    ("nodate.csv", (IMPORT / "no-date.csv").read_bytes(), "no date column"),
    ("bad.json", b'{"events": [', "not valid JSON"),
])
def test_refusals_say_why(name: str, data: bytes, message: str) -> None:
    with pytest.raises(ImportError_, match=message):
        load_upload(name, data)


def test_row_cap(monkeypatch) -> None:
    monkeypatch.setattr("app.limits.MAX_UPLOAD_ROWS", 3)
    with pytest.raises(ImportError_, match="at most 3"):
        load_upload("generic.csv", (IMPORT / "generic.csv").read_bytes())


def test_zip_bomb_xlsx_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * (40 * 1024 * 1024))
    with pytest.raises(ImportError_, match="zip bomb"):
        load_upload("bomb.xlsx", buf.getvalue())


def test_hostile_files_are_refused_or_loaded_cleanly() -> None:
    for path in sorted(HOSTILE.iterdir()):
        try:
            up = load_upload(path.name, path.read_bytes())
        except ImportError_ as exc:
            assert str(exc) and "\n" not in str(exc)
        else:
            assert up.dataset is not None


def test_detect_format_by_header() -> None:
    assert detect_format("a.csv", b"event_id_cnty,event_date\n") == "acled"
    assert detect_format("a.csv", b"Year;Month;Headline\n") == "timelinejs-sheet"
    assert detect_format("a.txt", b"when,what\n") == "csv"
    assert detect_format("t.json", json.dumps({"events": [{"start_date": {"year": 1}}]}).encode()) == "timelinejs"


def test_decode_payload_refuses_malformed() -> None:
    for bad in (None, {}, {"name": "a.csv"}, {"name": "a.csv", "contents": "no comma"},
                {"name": "a.csv", "contents": "data:;base64,@@@"}):
        with pytest.raises(ValueError):
            decode_payload(bad)
    assert decode_payload(payload("../../etc/x.csv", b"a"))[1] == b"a"


@pytest.fixture(scope="module")
def app():
    return create_app(Settings(today="2026-11-23"))


def registry_of(app) -> Registry:
    # the registry is bound into the callbacks; fetch it from the upload callback's closure
    fn = app.callback_map[next(k for k in app.callback_map if k.startswith(".." + ids.DATASET_STORE))]["callback"]
    return next(c.cell_contents for c in fn.__wrapped__.__closure__ if isinstance(c.cell_contents, Registry))


def test_open_upload_switches_and_back(app) -> None:
    registry = registry_of(app)
    out = open_upload(payload("timelinejs.json", (IMPORT / "timelinejs.json").read_bytes()),
                      registry=registry, trigger=ids.UPLOAD_PAYLOAD)
    store = out.dataset
    assert store["name"] == "timelinejs.json" and len(store["token"]) == 32
    assert out.banner_hidden is False
    assert "8 events" in out.banner
    deps = registry.get(store)
    assert len(deps.ds.events) == 8 and deps is not registry.bundled
    # the category options are the upload's own vocabulary
    values = {o["value"] for o in out.options["categories"]}
    assert values == set(deps.ds.events["category"])
    assert out.title == deps.ds.title()
    assert "dropped" in str(out.report)  # the report lists what was left out
    back = open_upload(None, registry=registry, trigger=ids.BUNDLED_BUTTON)
    assert back.dataset is None and back.banner_hidden is True and back.report == []
    bundled = registry.bundled
    assert back.options == {k: v for k, v in options(bundled.ds, bundled.ctx, plain=True).items() if k in OPTION_IDS}


def test_refused_upload_changes_nothing(app) -> None:
    registry = registry_of(app)
    out = open_upload(payload("junk.xlsx", b"PK junk"), registry=registry, trigger=ids.UPLOAD_PAYLOAD)
    named = out.as_dict()
    assert "Not opened" in str(named.pop("report"))
    assert all(v is no_update for v in named.pop("options").values())
    assert all(v is no_update for v in named.values())


def test_a_switch_presses_reset_and_keeps_the_tab(app) -> None:
    """A switch (an upload, or back to the bundled data) "presses" reset, so the new dataset opens
    unfiltered; the tab's id the upload store gave is kept. A refusal changes neither."""
    registry = registry_of(app)
    acled = payload("acled.csv", (IMPORT / "acled.csv").read_bytes())
    out = upload_callback(UploadInputs(payload=acled, resets=3, tab=None), registry=registry,
                          trigger=ids.UPLOAD_PAYLOAD)
    assert out.reset == 4 and out.tab == out.dataset["tab"] and out.tab
    same_tab = upload_callback(UploadInputs(payload=acled, resets=None, tab=out.tab), registry=registry,
                               trigger=ids.UPLOAD_PAYLOAD)
    assert same_tab.reset == 1 and same_tab.tab is no_update
    back = upload_callback(UploadInputs(bundled=1, resets=7, tab=out.tab), registry=registry,
                           trigger=ids.BUNDLED_BUTTON)
    assert back.reset == 8 and back.dataset is None and back.tab is no_update
    junk = upload_callback(UploadInputs(payload=payload("junk.xlsx", b"PK junk"), resets=7), registry=registry,
                           trigger=ids.UPLOAD_PAYLOAD)
    assert junk.reset is no_update and junk.tab is no_update


def test_upload_outputs_are_named_from_the_ids() -> None:
    """The callback's outputs are declared by name: each names a real component property, once."""
    flat = [o for o in UPLOAD_OUTPUTS.values() if not isinstance(o, dict)]
    flat += list(UPLOAD_OUTPUTS["options"].values())
    known = {v for k, v in vars(ids).items() if k.isupper() and isinstance(v, str)}
    assert all(o.component_id in known for o in flat)
    assert len({(o.component_id, o.component_property) for o in flat}) == len(flat)
    assert set(UploadOutputs().as_dict()) == set(UPLOAD_OUTPUTS)
    assert set(UPLOAD_OUTPUTS["options"]) == set(OPTION_IDS)


def test_the_browser_size_check_reads_the_limit_from_app_limits(app) -> None:
    """The browser's size check (assets/callbacks.js checkUpload) is given the limit by the layout's
    upload limit store, set from app.limits: the number is written nowhere in the script."""
    from app import limits
    from app.web.factory import ASSETS

    def find(node: Any, cid: str) -> Any:
        if getattr(node, "id", None) == cid:
            return node
        kids = getattr(node, "children", None)
        for kid in kids if isinstance(kids, list | tuple) else [kids] if kids is not None else []:
            hit = find(kid, cid)
            if hit is not None:
                return hit
        return None

    layout = app.layout() if callable(app.layout) else app.layout
    checks = find(layout, ids.UPLOAD_LIMIT).data
    assert checks == limits.browser_checks()
    assert checks["bytes"] == limits.MAX_UPLOAD_BYTES and checks["rows"] == limits.MAX_UPLOAD_ROWS
    # the browser's refusals are the server's words, with the name and the measure to fill in
    assert checks["bytesRefusal"] == f"Not opened: {limits.refuse('{name}', '{what}', '25 MB')}"
    with pytest.raises(limits.LimitExceeded) as server:
        limits.check_shape("big.csv", limits.text_shape("date,title\n" + "2020-01-01,x\n" * 100_001, ","))
    said = checks["rowsRefusal"].replace("{name}", "big.csv").replace(
        "{what}", checks["rowsWhat"].replace("{lines}", "100,002"))
    assert said == f"Not opened: {server.value}"
    gate = next(c for c in app._callback_list if str(c["output"]).startswith(".." + ids.UPLOAD_PAYLOAD))
    assert gate["clientside_function"]["function_name"] == "checkUpload"
    assert {"id": ids.UPLOAD_LIMIT, "property": "data"} in gate["state"]
    script = (ASSETS / "callbacks.js").read_text(encoding="utf-8")
    assert str(limits.MAX_UPLOAD_BYTES) not in script and "25" not in script


def test_unknown_token_is_gone_not_another_dataset(app) -> None:
    registry = registry_of(app)
    with pytest.raises(UploadGone):
        registry.get({"token": "0" * 32})
    assert registry.get(None) is registry.bundled
    from tests.test_server import post_callback, sync_key

    resp = post_callback(app.server.test_client(), app, sync_key(app), {
        ("url-location", "search"): "", ("category-checklist", "value"): [], ("lanes-radio", "value"): "category",
        ("seats-checklist", "value"): ["seats"], (ids.DATASET_STORE, "data"): {"token": "0" * 32},
    }, "url-location.search").get_json()["response"]
    assert resp[ids.SUMMARY]["children"] == GONE_MESSAGE and resp[ids.GRID_REFRESH]["data"] == {"n": 0}


def test_registry_holds_few_but_the_store_keeps_them(app, tmp_path) -> None:
    from app.web.store import DiskStore

    registry = registry_of(app)
    bundled = registry.bundled
    small = Registry(bundled, lambda ds: bundled, store=DiskStore(tmp_path), load=lambda n, d: bundled.ds,
                     capacity=1)
    stores = [small.add(bundled.ds, bytes([i]), "f.csv", "t" * 22) for i in range(2)]
    # the first is no longer held by this process, but the store (per-tab budget 2) still has it
    assert small.get(stores[0]) is bundled
    third = small.add(bundled.ds, b"3", "f.csv", "t" * 22)  # the least recently used of the tab goes
    with pytest.raises(UploadGone, match="newer files"):
        small.get(stores[1])
    assert small.get(stores[0]) is bundled
    assert small.get(third) is bundled


def test_upload_through_http_callback(app) -> None:
    client = app.server.test_client()
    key = next(k for k in app.callback_map if k.startswith(".." + ids.DATASET_STORE + ".data"))
    spec = app.callback_map[key]
    outputs = [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in key.strip(".").split("...")]
    body = {"output": key, "outputs": outputs, "changedPropIds": [ids.UPLOAD_PAYLOAD + ".data"],
            "inputs": [{**i, "value": payload("acled.csv", (IMPORT / "acled.csv").read_bytes())
                        if i["id"] == ids.UPLOAD_PAYLOAD else 0} for i in spec["inputs"]],
            "state": [{**i, "value": 3} for i in spec["state"]]}
    resp = client.post("/_dash-update-component", json=body)
    assert resp.status_code == 200
    data = resp.get_json()["response"]
    assert data[ids.DATASET_STORE]["data"]["name"] == "acled.csv"
    assert data[ids.RESET]["n_clicks"] == 4  # "presses" reset: the new data opens unfiltered


def test_request_size_limits(app) -> None:
    client = app.server.test_client()
    huge = b"x" * (app.server.config["MAX_CONTENT_LENGTH"] + 10)
    resp = client.post("/_dash-update-component", data=huge, content_type="application/json")
    assert resp.status_code == 413 and b"Request too large" in resp.data and b"Traceback" not in resp.data
    resp = client.post("/", data=b"x" * 100_000)
    assert resp.status_code == 413


def test_production_server_ignores_debug_switches(monkeypatch) -> None:
    for name, value in (("GEOTIMELINE_DEBUG", "1"), ("FLASK_DEBUG", "1"), ("DASH_DEBUG", "true"),
                        ("GEOTIMELINE_TODAY", "2026-11-23")):
        monkeypatch.setenv(name, value)
    from app.wsgi import create_server

    server = create_server()
    assert server.debug is False
    client = server.test_client()
    page = client.get("/").get_data(as_text=True)
    config = json.loads(page.split('<script id="_dash-config" type="application/json">')[1].split("</script>")[0])
    assert config.get("ui") is False and "hot_reload" not in config
    resp = client.post("/_dash-update-component", json={"output": "nope.children", "inputs": "junk"})
    assert resp.status_code in (400, 500) and b"Traceback" not in resp.data and b"File \"" not in resp.data


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
                       lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                                     max_size=4), max_leaves=12)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=JSONISH | st.fixed_dictionaries({"name": st.text(max_size=30), "contents": st.text(max_size=200)}),
       trigger=st.sampled_from([ids.UPLOAD_PAYLOAD, ids.BUNDLED_BUTTON, None, "junk"]))
def test_open_upload_never_raises(app, payload: Any, trigger: Any) -> None:
    out = open_upload(payload, registry=registry_of(app), trigger=trigger)
    assert isinstance(out, UploadOutputs) and set(out.options) == set(OPTION_IDS)
    # nothing is sent (no file), or at least the report says what happened
    assert out.report is not no_update or (payload is None and trigger != ids.BUNDLED_BUTTON)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(request=JSONISH | st.fixed_dictionaries({"startRow": st.integers(-5, 10**6) | st.floats(),
                                                "endRow": st.integers(-5, 10**9) | st.floats(),
                                                "sortModel": JSONISH}),
       filters=JSONISH)
def test_grid_block_never_raises(app, request: Any, filters: Any) -> None:
    from app.web.callbacks import grid_block

    out = grid_block(request, filters if isinstance(filters, dict) else None, deps=registry_of(app).bundled)
    assert out is no_update or (isinstance(out["rowData"], list) and len(out["rowData"]) <= 1000)


# -- a large upload is read as a background job ---------------------------------------------------
def big_csv(rows: int) -> bytes:
    lines = ["date,title,latitude,longitude"]
    lines += [f"2020-01-{1 + i % 28:02d},Event {i},{(i % 120) - 60}.5,{(i % 300) - 150}.25" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def test_a_large_upload_is_left_pending_on_the_request_and_read_by_the_job(tmp_path: Path, monkeypatch) -> None:
    from app.limits import BACKGROUND_UPLOAD_BYTES
    from app.web.store import DiskStore
    from app.web.upload import read_pending

    app_ = create_app(Settings(today="2026-11-23", upload_dir=str(tmp_path / "uploads")))
    registry = registry_of(app_)
    assert isinstance(registry.store, DiskStore)
    data = big_csv(32_000)
    assert len(data) > BACKGROUND_UPLOAD_BYTES
    import app.web.upload as upload_module

    real_load = upload_module.load_upload
    monkeypatch.setattr(upload_module, "load_upload", lambda *a, **k: pytest.fail("parsed on the request"))
    out = upload_callback(UploadInputs(payload=payload("big.csv", data), resets=2, tab=None), registry=registry,
                          trigger=ids.UPLOAD_PAYLOAD, background=True)
    assert not out.switched and out.reset is no_update  # nothing switched yet
    assert "in the background" in str(out.report) and set(out.job) == {"pending", "token"}
    monkeypatch.setattr(upload_module, "load_upload", real_load)
    steps: list[tuple[int, str]] = []
    done = read_pending(out.job, 2, None, registry=registry, progress=lambda s, t: steps.append((s, t)),
                        today=None)
    assert [s for s, _ in steps] == [1, 2, 3] and "big.csv" in steps[0][1]
    assert done.switched and done.reset == 3 and done.tab == done.dataset["tab"]
    assert "32,000 events" in done.banner
    # the pending copy is gone; the tab's upload is held with the tables built from it
    with pytest.raises(Exception, match="no longer holds"):
        registry.store.get(out.job["pending"], out.job["token"])
    stored = registry.store.get(done.dataset["tab"], done.dataset["token"])
    assert stored.built and stored.data == data
    # another worker opens it from the built tables, without importing the file again
    import app.web.datasets as datasets_module

    other = Registry(registry.bundled, registry._make, store=DiskStore(tmp_path / "uploads"),
                     load=lambda *_: pytest.fail("imported again"))
    monkeypatch.setattr(datasets_module, "_load_upload", lambda *_: pytest.fail("imported again"))
    theirs = other.get(done.dataset).ds
    ours = registry.get(done.dataset).ds
    assert len(theirs.events) == 32_000
    assert theirs.events.equals(ours.events) and theirs.title() == ours.title()


def test_a_large_upload_past_the_limits_is_refused_on_the_request(tmp_path: Path, monkeypatch) -> None:
    """1.75M rows (22.8 MB, under the byte limit): refused at once, with the limit and the CLI way,
    nothing left pending and nothing parsed."""
    import app.importers.inmemory as inmemory

    monkeypatch.setattr(inmemory, "import_source", lambda *a, **k: pytest.fail("parsed"))
    app_ = create_app(Settings(today="2026-11-23", upload_dir=str(tmp_path / "uploads")))
    registry = registry_of(app_)
    data = b"date,title\n" + b"2020-01-01,x\n" * 1_750_000
    out = upload_callback(UploadInputs(payload=payload("big.csv", data)), registry=registry,
                          trigger=ids.UPLOAD_PAYLOAD, background=True)
    said = str(out.report)
    assert "Not opened" in said and "at most 100,000 events" in said and "python -m app import" in said
    assert out.job is no_update and not any((tmp_path / "uploads").rglob("*.bin"))


def test_a_pending_file_that_is_unusable_leaves_the_tabs_uploads_alone(tmp_path: Path) -> None:
    from app.web.store import DiskStore
    from app.web.upload import read_pending

    app_ = create_app(Settings(today="2026-11-23", upload_dir=str(tmp_path / "uploads")))
    registry = registry_of(app_)
    first = upload_callback(UploadInputs(payload=payload("acled.csv", (IMPORT / "acled.csv").read_bytes())),
                            registry=registry, trigger=ids.UPLOAD_PAYLOAD, background=True)
    tab = first.tab
    junk = b"date,title\n" + b"not a date,\n" * 90_000  # within the limits, but no usable event
    out = upload_callback(UploadInputs(payload=payload("junk.csv", junk), tab=tab), registry=registry,
                          trigger=ids.UPLOAD_PAYLOAD, background=True)
    assert out.job is not no_update
    done = read_pending(out.job, None, tab, registry=registry, progress=lambda *_: None)
    assert not done.switched and "Not opened" in str(done.report)
    assert isinstance(registry.store, DiskStore)
    assert registry.store.get(tab, first.dataset["token"]).data  # the tab's earlier upload is still held
    from dash.exceptions import PreventUpdate

    with pytest.raises(PreventUpdate):  # a job handle not of ours does nothing
        read_pending({"pending": "../x", "token": 3}, None, tab, registry=registry, progress=print)


def test_registry_holds_uploads_by_count_and_by_their_memory(app, tmp_path) -> None:
    """A process keeps up to 32 built uploads (4 kept every worker importing again under many tabs),
    but only as many as fit UPLOAD_MEMORY_BYTES of tables; the latest one is always kept."""
    from app.web import datasets
    from app.web.store import DiskStore

    registry = registry_of(app)
    bundled = registry.bundled
    size = datasets.held_bytes(bundled)
    assert size > 100_000  # the bundled tables and the events' sorted and view copies

    def fill(memory: int) -> Registry:
        held = Registry(bundled, lambda ds: bundled, store=DiskStore(tmp_path / str(memory)),
                        load=lambda n, d: bundled.ds, memory=memory)
        for i in range(6):
            held.add(bundled.ds, bytes([i]), f"f{i}.csv", f"{i}" * 22)
        return held

    assert len(fill(100 * size)._held) == 6  # small uploads: all six kept (the old count kept four)
    assert len(fill(int(2.5 * size))._held) == 2  # by their memory: two fit
    assert len(fill(size // 2)._held) == 1  # one larger than the budget: the latest is still kept
    assert datasets.UPLOADS_PER_PROCESS == 32
