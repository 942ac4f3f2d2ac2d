"""Nothing lost: a whole user journey leaves the data it was given exactly as it was.

Every file of the data package (a copy, and the bundled data/ itself, used read-only) and every
input file is hashed (SHA-256) before the journey. The journey then does what a user does: serve
the dashboard and use it over HTTP (the page, filters, downloads, citations, the printable list,
a narrative as offline HTML), and on the command line export CSV/JSON/GeoJSON, cite, brief a
narrative (HTML; PPTX once), snapshot, import a foreign file into a new folder and validate.
Afterwards every hash must be the same and no file may have appeared or gone in the data folder
or the input folder — only the output folder may change.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import shutil
import sys
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tests.test_faults import (
    DATA,
    callbacks,
    change_control,
    find_callback,
    free_port,
    open_link,
    post_callback,
    request,
    run_cli,
    server_process,
    summary_count,
    wait_until_up,
)

IMPORTS = Path(__file__).parent / "fixtures" / "import"
NARRATIVE = "dushanbe-to-alabuga"


def tree_hashes(root: Path) -> dict[str, str]:
    """Every path under ``root`` (folders too, hidden ones too) -> SHA-256 of its bytes ("dir" for a folder)."""
    return {str(p.relative_to(root)): "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))}


def sent_bytes(response: dict[str, Any]) -> bytes:
    """The file a dcc.Download callback sends (base64 or text)."""
    data = response["download-file"]["data"]
    return base64.b64decode(data["content"]) if data.get("base64") else str(data["content"]).encode("utf-8")


def use_the_dashboard(data_dir: Path, work: Path, n_events: int) -> None:
    """`python -m app serve --data DIR`, then what the browser would ask for, over HTTP."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = work / "serve.log"
    args = [sys.executable, "-m", "app", "serve", "--data", str(data_dir), "--port", str(port)]
    with server_process(args, log, {"GEOTIMELINE_TODAY": "2026-11-23"}) as proc:
        wait_until_up(base, proc, log)
        status, page = request(base + "/")
        assert status == 200 and b"_dash-config" in page
        assert request(base + "/_dash-layout")[0] == 200
        assert request(base + "/assets/topojson/world_110m.json")[0] == 200
        specs = callbacks(base)
        post = partial(post_callback, base)
        assert summary_count(open_link(post, specs, "")) == n_events
        # a shared link opens: the URL becomes the filter state and the views follow it
        linked = open_link(post, specs, "?cat=transfer,production&from=2022-01-01")
        state = linked["filter-store"]["data"]
        assert state["categories"] == ["transfer", "production"] and state["start"] == "2022-01-01"
        shown = summary_count(linked)
        assert 0 < shown < n_events
        # then the user ticks one more category in the filter panel
        ticked = change_control(post, specs, {
            "url-location.search": "?cat=transfer,production&from=2022-01-01", "date-start-input.date": "2022-01-01",
            "category-checklist.value": ["transfer", "production", "diplomacy"],
            "filter-store.data": state, "view-store.data": linked["view-store"]["data"],
        }, "category-checklist.value")
        assert ticked["filter-store"]["data"]["categories"] == ["transfer", "production", "diplomacy"]
        assert shown < summary_count(ticked) < n_events
        # every download and citation button of the table, for the filtered view
        download = find_callback(specs, "download-file.data", "download-csv-button.n_clicks")
        for button in download["inputs"]:
            trigger = f"{button['id']}.{button['property']}"
            content = sent_bytes(post_callback(base, download, {trigger: 1, "filter-store.data": state}, trigger))
            assert content.strip(), trigger
            if button["id"] == "download-csv-button":
                assert len(list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))) == shown
        printed = post_callback(base, find_callback(specs, "print-list.children"),
                                {"print-button.n_clicks": 1, "filter-store.data": state}, "print-button.n_clicks")
        assert printed["print-list"]["children"]
        # a narrative as an offline HTML briefing, from presentation mode
        trigger = "present-html-button.n_clicks"
        html = sent_bytes(post_callback(base, find_callback(specs, "download-file.data", trigger),
                                        {trigger: 1, "view-store.data": {"narrative": NARRATIVE, "step": 1}}, trigger))
        assert html.lstrip().lower().startswith(b"<!doctype html")


def use_the_command_line(data_dir: Path, out: Path, n_events: int, capsys: pytest.CaptureFixture[str],
                         pptx: bool) -> None:
    """The CLI commands that read the package or an input file and write elsewhere."""
    def ok(*args: str) -> None:
        code, err = run_cli(list(args), capsys)
        assert code == 0, (args, err)

    data = ("--data", str(data_dir))
    for fmt in ("csv", "json", "geojson"):
        ok("export", "--format", fmt, *data, "--out", str(out / f"all.{fmt}"))
    assert len(list(csv.DictReader(io.StringIO((out / "all.csv").read_text(encoding="utf-8-sig"))))) == n_events
    assert len(json.loads((out / "all.json").read_text(encoding="utf-8"))["events"]) == n_events
    assert json.loads((out / "all.geojson").read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    ok("cite", "--format", "bibtex", *data, "--cat", "transfer", "--out", str(out / "sources.bib"))
    ok("brief", NARRATIVE, "--format", "html", *data, "--out", str(out / "brief.html"))
    if pptx:  # ~10 s of rendering: once per run of this file
        ok("brief", NARRATIVE, "--format", "pptx", *data, "--out", str(out / "brief.pptx"))
        assert (out / "brief.pptx").read_bytes()[:2] == b"PK"
    ok("snapshot", *data, "--cat", "transfer", "--out", str(out / "snapshot.html"))
    ok("validate", str(data_dir))
    # both fixtures hold rows that cannot become events (bad dates): import says so with exit 1
    for source, fmt, expected in ((IMPORTS / "timelinejs.json", "timelinejs", 1), (IMPORTS / "timemap", "timemap", 1)):
        code, err = run_cli(["import", str(source), "--from", fmt, "--out", str(out / f"imported-{fmt}")], capsys)
        assert code == expected, (fmt, err)
        ok("validate", str(out / f"imported-{fmt}"))


def changes(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    return {"added": sorted(after.keys() - before.keys()), "removed": sorted(before.keys() - after.keys()),
            "changed": sorted(k for k in before.keys() & after.keys() if before[k] != after[k])}


@pytest.mark.parametrize("which", ["copy", "bundled"])
def test_a_whole_journey_loses_nothing(which: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """On a copy of data/ (with the PPTX deck too), then on the bundled data/ itself."""
    from app.dataset import load_package

    if which == "copy":
        data_dir = tmp_path / "data"
        shutil.copytree(DATA, data_dir)
    else:
        data_dir = DATA
    out = tmp_path / "out"
    out.mkdir()
    watched = {root: tree_hashes(root) for root in (data_dir, IMPORTS)}
    assert len(watched[data_dir]) >= 10 and len(watched[IMPORTS]) >= 10  # something to lose
    n_events = len(load_package(data_dir).events)

    use_the_dashboard(data_dir, tmp_path, n_events)
    use_the_command_line(data_dir, out, n_events, capsys, pptx=which == "copy")

    for root, before in watched.items():
        after = tree_hashes(root)
        assert after == before, f"{root}: {changes(before, after)}"
    written = {p.name for p in out.iterdir()}
    assert {"all.csv", "all.json", "all.geojson", "sources.bib", "brief.html", "snapshot.html",
            "imported-timelinejs", "imported-timemap"} <= written
