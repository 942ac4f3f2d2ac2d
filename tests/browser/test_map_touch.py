"""The live map on a phone (issue 14, item 8: readable hover and click on touch screens too): a touch
context (``has_touch``, ``is_mobile``) at 390×844. A tap on a marker shows that event in the detail
panel (title, date, sources); a tap on a cluster zooms in or lists its events; the zoom controls are
on screen and work by tap; the hover label a tap raises is inside the screen. Offline as every
browser test (requests leaving 127.0.0.1 fail it)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS, MAP_POINT, guard, until, wait_ready

DATA = Path(__file__).resolve().parents[2] / "data" / "events.csv"
MAP = "document.querySelector('#map-graph .js-plotly-plot')"
SUBPLOT = f"{MAP}._fullLayout.map._subplot.map"
PHONE = {"width": 390, "height": 844}

#: Page position of the largest drawn cluster of the events trace, and its count.
CLUSTER = """() => {
  const gd = document.querySelector('#map-graph .js-plotly-plot');
  const map = gd._fullLayout.map._subplot.map;
  const uid = gd._fullData.find(t => t.meta === 'events').uid;
  const box = map.getCanvas().getBoundingClientRect();
  const found = map.queryRenderedFeatures({layers: ['plotly-trace-layer-' + uid + '-cluster']})
    .map(f => ({p: map.project(f.geometry.coordinates), n: f.properties.point_count}))
    .filter(c => c.p.x > 20 && c.p.y > 20 && c.p.x < box.width - 20 && c.p.y < box.height - 20)
    .sort((a, b) => b.n - a.n);
  return found.length ? {x: box.left + found[0].p.x, y: box.top + found[0].p.y, n: found[0].n} : null;
}"""


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    external, errors = guard(page)
    yield page
    context.close()
    assert external == [], f"requests left 127.0.0.1: {external}"
    assert errors == [], f"console errors: {errors}"


def idle(page: Page) -> None:
    page.evaluate(f"""() => new Promise(done => {{ const m = {SUBPLOT};
        const t = setTimeout(done, 15000);
        m.once('idle', () => {{ clearTimeout(t); done(); }}); m.triggerRepaint(); }})""")


def scroll_map_into_view(page: Page) -> None:
    page.locator("#map-graph").scroll_into_view_if_needed()
    page.wait_for_timeout(300)


def phone_shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))  # the screen as seen, not the whole page


def dushanbe_marker(phone: Page, server_url: str) -> dict[str, Any] | None:
    """The Tajikistan view zoomed to Dushanbe (town level): a single marker's screen point and id."""
    phone.goto(server_url + "?country=TJK")
    wait_ready(phone)
    scroll_map_into_view(phone)
    phone.evaluate(f"() => {SUBPLOT}.jumpTo({{center: [68.787, 38.5598], zoom: 11}})")
    idle(phone)
    return phone.evaluate(MAP_POINT)


def test_tap_on_a_marker_shows_that_event(phone: Page, server_url: str) -> None:
    point = dushanbe_marker(phone, server_url)
    assert point, "no single marker in view"
    phone.touchscreen.tap(point["x"], point["y"])
    rows = {r["event_id"]: r for r in csv.DictReader(DATA.open(encoding="utf-8"))}
    panel = phone.locator("#detail-panel")
    title = panel.locator(".detail-title")
    expect(title).to_be_visible(timeout=20_000)
    shown = title.inner_text()
    # the event tapped, or one sharing its exact place (then the panel lists the others)
    lat, lon = float(rows[point["id"]]["latitude"]), float(rows[point["id"]]["longitude"])
    same = [r for r in rows.values() if r["latitude"] and abs(float(r["latitude"]) - lat) < 1e-6
            and abs(float(r["longitude"]) - lon) < 1e-6]
    assert shown in {r["title"] for r in same}, shown
    event = next(r for r in same if r["title"] == shown)
    expect(panel.locator("#detail-sources")).to_be_visible()
    assert panel.locator("ol.sources li").count() >= 1
    assert event["date_start"][:4] in panel.locator(".detail-facts").inner_text()  # its date
    # the panel is on screen or one scroll away, and fits the phone's width
    box = panel.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1
    phone_shot(phone, "map-touch-tap-marker.png")


def test_tap_on_a_cluster_zooms_in_or_lists(phone: Page, server_url: str) -> None:
    phone.goto(server_url)
    wait_ready(phone)
    scroll_map_into_view(phone)
    idle(phone)
    cluster = phone.evaluate(CLUSTER)
    assert cluster and cluster["n"] >= 2, "no cluster drawn at the phone's first view"
    zoom = phone.evaluate(f"() => {SUBPLOT}.getZoom()")
    phone.touchscreen.tap(cluster["x"], cluster["y"])
    # either the map zooms in on it (it splits) or the detail panel lists events there
    until(phone, f"{SUBPLOT}.getZoom() > {zoom} + 0.5"
                 " || document.querySelector('#detail-panel .detail-title') !== null", timeout=20_000)
    phone_shot(phone, "map-touch-tap-cluster.png")



def test_zoom_controls_are_reachable_and_work_by_tap(phone: Page, server_url: str) -> None:
    phone.goto(server_url)
    wait_ready(phone)
    scroll_map_into_view(phone)
    zoom_in = phone.locator("#map-graph .modebar-btn[data-attr='zoom'][data-val='in']")
    expect(zoom_in).to_be_visible()
    box = zoom_in.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] and box["width"] >= 16
    before = phone.evaluate(f"() => {SUBPLOT}.getZoom()")
    zoom_in.tap()
    # plotly.js alone zooms a map by 5 % of its zoom per tap (barely, near world zoom): a level per tap
    until(phone, f"{SUBPLOT}.getZoom() > {before} + 0.9", timeout=20_000)  # one level in (zoom.js)
    zoomed = phone.evaluate(f"() => {SUBPLOT}.getZoom()")
    phone.locator("#map-graph .modebar-btn[data-attr='zoom'][data-val='out']").tap()
    until(phone, f"{SUBPLOT}.getZoom() < {zoomed} - 0.9", timeout=20_000)  # and one level out
    # the map has a map's height on a phone (its key, ~290 px there, once left it 80 px of a 340 px card)
    canvas = phone.evaluate(f"() => {SUBPLOT}.getCanvas().getBoundingClientRect().toJSON()")
    assert canvas["height"] >= 300 and canvas["width"] >= PHONE["width"] - 40, canvas
    # the map takes gestures itself (a pinch zooms it, the page does not scale)
    assert phone.evaluate(f"() => {SUBPLOT}.touchZoomRotate.isEnabled()")


#: Every hover label drawn on the map from now on: its box, text and font size (a tap's label shows
#: until the selection it makes redraws the map, a fraction of a second later: each one is recorded).
WATCH_LABELS = """() => { window.geotimelineLabels = [];
  new MutationObserver(() => document.querySelectorAll('#map-graph .hoverlayer .hovertext').forEach(h => {
    const t = h.querySelector('text');
    window.geotimelineLabels.push({box: h.getBoundingClientRect().toJSON(), text: h.textContent,
                                   size: t ? parseFloat(getComputedStyle(t).fontSize) : 0});
  })).observe(document.querySelector('#map-graph'), {childList: true, subtree: true, attributes: true});
}"""


def test_hover_label_is_inside_the_screen(phone: Page, server_url: str) -> None:
    point = dushanbe_marker(phone, server_url)
    assert point
    phone.evaluate(WATCH_LABELS)
    phone.touchscreen.tap(point["x"], point["y"])
    until(phone, "window.geotimelineLabels.length > 0", timeout=20_000)
    phone_shot(phone, "map-touch-hover.png")
    labels = phone.evaluate("() => window.geotimelineLabels")
    rows = {r["event_id"]: r for r in csv.DictReader(DATA.open(encoding="utf-8"))}
    lat, lon = float(rows[point["id"]]["latitude"]), float(rows[point["id"]]["longitude"])
    here = [r["title"] for r in rows.values() if r["latitude"] and abs(float(r["latitude"]) - lat) < 1e-6
            and abs(float(r["longitude"]) - lon) < 1e-6]
    for label in labels:
        box = label["box"]
        # not cut off at either side (a title was once one 780 px line starting 195 px off the screen)
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        assert label["size"] >= 12  # readable on a phone
        # an event at the tapped place, its title in lines (their breaks take no space in textContent)
        squeezed = label["text"].replace(" ", "")
        assert any(t.replace(" ", "")[:30] in squeezed for t in here), label["text"]
