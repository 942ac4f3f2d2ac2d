"""A hostile corpus in every text field, with the Content-Security-Policy bypassed: nothing runs and
no element is born of data — in the dashboard (page title, header, hover labels, lanes, detail
panel, table, print view) and in the files it writes (snapshot, brief).

The CSP is the second wall; this test takes it away (Playwright ``bypass_csp=True``) to show that
the first one — text escaped by construction — holds on its own."""

from __future__ import annotations

import csv
import html
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import CHROMIUM, MAP_DRAWN, MAP_POINT, REPO, start_server, until, wait_ready

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MARK = "born"  # every element a payload would create carries this class (or an evil link)


def payloads(n: int) -> list[str]:
    """Markup that runs script or makes an element, plain and escaped many times over."""
    img = f'<img class="{MARK}" src="x" onerror="window.__pwned={n};alert({n})">'
    link = f'<a class="{MARK}" href="https://evil.example/{n}">click</a>'
    bold = f'<b class="{MARK}" onmouseover="window.__pwned={n}">b</b>'
    script = f"<script>window.__pwned={n};alert({n})</script>"
    closing = f'</title></textarea></style><img class="{MARK}" src="x" onerror="window.__pwned={n}">'
    eight = img
    for _ in range(8):
        eight = html.escape(eight)
    return [img, link, bold, script, closing, eight]


def hostile(n: int) -> str:
    return " ".join(payloads(n))


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def hostile_pkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pkg = tmp_path_factory.mktemp("hostile") / "pkg"
    shutil.copytree(FIXTURES / "_base", pkg)
    events = read_csv(pkg / "events.csv")
    for i, ev in enumerate(events):
        ev["title"] = f"T{i} " + hostile(10 + i)
        ev["description"] = hostile(20 + i)
        ev["notes"] = hostile(30 + i)
        if ev["place_name"]:
            ev["place_name"] = f"P{i} " + hostile(40 + i)
    write_csv(pkg / "events.csv", events)
    sources = read_csv(pkg / "sources.csv")
    for i, src in enumerate(sources):
        src["title"] = hostile(50 + i)
        src["publisher"] = hostile(60 + i)
    write_csv(pkg / "sources.csv", sources)
    actors = read_csv(pkg / "actors.csv")
    for i, act in enumerate(actors):
        act["name"] = hostile(70 + i)
    write_csv(pkg / "actors.csv", actors)
    write_csv(pkg / "narratives.csv", [{"narrative_id": "evil", "title": "N " + hostile(80),
                                        "summary": hostile(81)}])
    write_csv(pkg / "narrative_steps.csv", [
        {"narrative_id": "evil", "step": str(i + 1), "event_id": ev["event_id"], "caption": hostile(90 + i),
         "window_start": "", "window_end": "", "focus_lon": "", "focus_lat": "", "focus_scale": ""}
        for i, ev in enumerate(e for e in events if e["kind"] == "point")])
    meta = json.loads((pkg / "datapackage.json").read_text())
    meta["title"] = "D " + hostile(1)
    meta["citation"] = hostile(2)
    (pkg / "datapackage.json").write_text(json.dumps(meta))
    return pkg


@pytest.fixture(scope="module")
def hostile_url(hostile_pkg: Path) -> Iterator[str]:
    proc, url = start_server(hostile_pkg)
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def open_page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A page with the CSP bypassed, recording every dialog (an alert() that ran)."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(d):  # type: ignore[no-untyped-def]
        dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    yield page, dialogs
    context.close()


BORN = (f".{MARK}, [onerror], [onmouseover], img[src='x'], a[href*='evil.example'], "
        "[*|href*='evil.example']")


def assert_inert(page: Page, dialogs: list[str], where: str) -> None:
    page.wait_for_timeout(300)  # an onerror fires once the broken image has failed to load
    assert dialogs == [], f"{where}: a dialog opened: {dialogs}"
    assert page.evaluate("window.__pwned === undefined"), f"{where}: a payload ran"
    born = page.evaluate(f"Array.from(document.querySelectorAll({json.dumps(BORN)})).map(e => e.outerHTML)")
    assert born == [], f"{where}: elements made from data: {born[:3]}"


def test_dashboard_shows_hostile_text_as_text(open_page: tuple[Page, list[str]], hostile_url: str) -> None:
    page, dialogs = open_page
    page.goto(hostile_url + "?event=ev-plant")
    wait_ready(page)
    # the page title is the dataset's title as text (the served HTML had a real <script> in it)
    assert page.title().startswith("D <img class=")
    expect(page.locator("#detail-panel")).to_contain_text(payloads(10)[0])
    assert_inert(page, dialogs, "dashboard")
    # hover every point of the timeline and of the map: the label shows the markup as text
    graph = "#timeline-graph"
    points = page.locator(f"{graph} .scatterlayer .point")
    labels = 0
    for i in range(points.count()):
        points.nth(i).hover(force=True)
        page.wait_for_timeout(150)
        hover = page.locator(f"{graph} .hoverlayer").text_content() or ""
        if hover.strip():
            labels += 1
            assert "<img class=" in hover and "<a class=" in hover, hover
        assert_inert(page, dialogs, f"hover {graph} {i}")
    assert labels > 0, f"no hover label appeared on {graph}"
    # the map (MapLibre: its marks are on a canvas): hover a single event's mark where it is drawn
    page.locator("#map-graph").scroll_into_view_if_needed()
    until(page, MAP_DRAWN)
    page.wait_for_timeout(500)  # clusters are computed in MapLibre's worker
    point = page.evaluate(MAP_POINT)
    assert point, "no single event mark on the map"
    page.mouse.move(point["x"], point["y"])
    page.wait_for_timeout(300)
    hover = page.locator("#map-graph .hoverlayer").text_content() or ""
    assert "<img class=" in hover and "<a class=" in hover, f"no hover label as text on the map: {hover!r}"
    assert_inert(page, dialogs, "hover #map-graph")
    # lanes by actor: the actors' names are tick labels
    page.goto(hostile_url + "?lanes=actor")
    wait_ready(page)
    ticks = " ".join(page.locator("#timeline-graph .ytick text").all_text_contents())
    assert "<img class=" in ticks
    assert_inert(page, dialogs, "lanes by actor")
    # the about panel (the dataset's citation) and the print view
    page.locator("#about-summary").click()
    page.wait_for_timeout(500)
    page.evaluate("window.print = function () { window.__printed = true; }")
    page.click("#print-button")
    until(page, "window.__printed === true")
    expect(page.locator("#print-list")).to_contain_text("<script>window.__pwned=")
    assert_inert(page, dialogs, "print view")
    # the presentation panel: a narrative's title and captions
    page.goto(hostile_url + "?story=evil&step=1")
    expect(page.locator("#present-panel")).to_contain_text("<img class=", timeout=30_000)
    assert_inert(page, dialogs, "presentation")


@pytest.mark.parametrize("kind", ["snapshot", "brief"])
def test_written_html_shows_hostile_text_as_text(open_page: tuple[Page, list[str]], hostile_pkg: Path,
                                                 tmp_path: Path, kind: str) -> None:
    page, dialogs = open_page
    out = tmp_path / f"{kind}.html"
    args = (["snapshot", "--data", str(hostile_pkg)] if kind == "snapshot"
            else ["brief", "evil", "--data", str(hostile_pkg), "--format", "html"])
    done = subprocess.run([sys.executable, "-m", "app", *args, "--out", str(out)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    assert Path(CHROMIUM).exists()
    page.goto(out.as_uri())
    page.wait_for_selector(".js-plotly-plot .point", state="attached", timeout=30_000)
    assert page.title().startswith(("D <img class=", "N <img class="))
    assert "<script>window.__pwned=" in page.inner_text("body")
    assert_inert(page, dialogs, kind)
    points = page.locator(".js-plotly-plot .scatterlayer .point")
    for i in range(min(points.count(), 4)):
        points.nth(i).hover(force=True)
        page.wait_for_timeout(150)
        assert_inert(page, dialogs, f"{kind} hover {i}")
    if kind == "brief":
        for _ in range(2):
            page.keyboard.press("ArrowRight")
            assert_inert(page, dialogs, "brief step")
