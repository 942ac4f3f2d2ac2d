"""Issue 15 in a real browser: framing, linking, the briefing at 1366 and 1920, print, the PPTX
deck, accessibility (axe-core). Every test writes what it saw to test-artifacts/ (look at them)."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, REPO, until, wait_ready

AXE = REPO / "tests" / "browser" / "tooling" / "node_modules" / "axe-core" / "axe.min.js"
STORY = "dushanbe-to-alabuga"
TIMELINE = "document.getElementById('timeline-graph').querySelector('.js-plotly-plot')"


def save(page: Page, name: str, full: bool = False) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=full)
    return path


def with_axe(page: Page) -> None:
    """axe-core (test tooling from npm, never served) in every document the page opens next: an
    init script, so the app's Content-Security-Policy (no inline scripts) stays as it is."""
    assert AXE.exists(), "axe-core missing: .ci/run installs it (npm install --prefix tests/browser/tooling)"
    page.add_init_script(path=str(AXE))


def axe(page: Page, name: str) -> None:
    """No serious or critical violation (axe-core; ``with_axe`` before the page was opened)."""
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    bad = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"]) for v in result["violations"]
           if v["impact"] in ("serious", "critical")]
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(result["violations"], indent=1)[:200_000])
    assert bad == [], bad


def test_default_view_is_framed_on_the_story(watched: Page, server_url: str) -> None:
    watched.set_viewport_size({"width": 1366, "height": 768})
    watched.goto(server_url)
    wait_ready(watched)
    lo, hi = (pd.Timestamp(str(x)[:10]) for x in watched.evaluate(f"{TIMELINE}._fullLayout.xaxis.range"))
    assert pd.Timestamp("2006-01-01") < lo <= pd.Timestamp("2007-01-01")  # the story: 2007 ...
    assert pd.Timestamp("2026-11-23") < hi <= pd.Timestamp("2027-03-23")  # ... to today, a small margin
    expect(watched.locator("#timeline-graph .annotation-text", has_text="earlier events")).to_be_visible()
    save(watched, "default-1366.png")
    # the lanes' names and the figures lane's row names, as drawn, do not run into each other
    for axis in ("ytick", "y3tick"):
        boxes = watched.evaluate(f"""() => [...document.querySelectorAll('#timeline-graph .{axis} text')]
            .map(t => t.getBoundingClientRect()).filter(r => r.height > 0)
            .map(r => [r.top, r.bottom]).sort((a, b) => a[0] - b[0])""")
        assert len(boxes) >= 3, axis
        overlaps = [(a, b) for a, b in itertools.pairwise(boxes) if b[0] < a[1] - 1]
        assert overlaps == [], (axis, overlaps)
    # the figures lane's title stands clear of the range slider above it
    title, slider = watched.evaluate("""() => {
        const t = [...document.querySelectorAll('#timeline-graph .annotation-text')]
          .find(e => e.textContent.startsWith('Figures from sources'));
        const s = document.querySelector('#timeline-graph .rangeslider-bg');
        return [t && t.getBoundingClientRect().toJSON(), s && s.getBoundingClientRect().toJSON()]; }""")
    assert title and slider and title["top"] >= slider["bottom"] - 1, (title, slider)
    # 5 years: counted back from the end of the data (today: an open period), as a range the header follows
    watched.locator(".range-button", has_text="5 years").click()
    expect(watched.locator("#summary-line")).to_contain_text("2021")
    lo, hi = (pd.Timestamp(str(x)[:10]) for x in watched.evaluate(f"{TIMELINE}._fullLayout.xaxis.range"))
    assert abs((hi - lo).days - 5 * 365) < 130 and hi <= pd.Timestamp("2027-03-23")
    # "All" shows everything, the 1980s included
    watched.locator(".range-button", has_text="All").click()
    until(watched, f"new Date({TIMELINE}._fullLayout.xaxis.range[0]) < new Date('1981-01-01')")


def test_a_deep_link_selects_and_scrolls_the_table(watched: Page, server_url: str) -> None:
    watched.set_viewport_size({"width": 1366, "height": 768})
    event = "ir-dushanbe-ababil2-plant-operating"
    watched.goto(server_url + f"?event={event}")
    wait_ready(watched)
    row = watched.locator(f"#event-grid .ag-center-cols-container .ag-row[row-id='{event}']")
    expect(row).to_have_class(__import__("re").compile("ag-row-selected"), timeout=15_000)
    body = watched.locator("#event-grid .ag-body-viewport").bounding_box()
    box = None
    for _ in range(50):  # the grid may render the row again just after selecting it: measure the row it settles on
        box = row.bounding_box() if row.count() == 1 else None
        if box:
            break
        watched.wait_for_timeout(100)
    assert body and box and body["y"] <= box["y"] and box["y"] + box["height"] <= body["y"] + body["height"] + 1
    # the sources are in sight in the detail panel without scrolling it
    panel = watched.locator("#detail-panel").bounding_box()
    sources = watched.locator("#detail-sources").bounding_box()
    assert panel and sources and sources["y"] + sources["height"] <= panel["y"] + panel["height"]
    watched.locator("#detail-panel").scroll_into_view_if_needed()
    save(watched, "deep-link-1366.png")
    # copy link: the clipboard is denied in this browser -> the link is shown to copy by hand
    watched.locator("#copy-link-button").click()
    expect(watched.locator("#copy-link-status")).to_be_visible()
    status = watched.inner_text("#copy-link-status")
    value = watched.evaluate("(document.querySelector('#copy-link-status input') || {}).value || ''")
    assert "Link copied" in status or event in value


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1920, 1080)])
def test_a_briefing_step_reads_from_the_back_of_the_room(watched: Page, server_url: str, width: int,
                                                         height: int) -> None:
    watched.set_viewport_size({"width": width, "height": height})
    with_axe(watched)
    watched.goto(server_url + f"?story={STORY}&step=3")
    watched.wait_for_selector(".presenting .present-caption")
    watched.wait_for_selector("#timeline-graph .scatterlayer .point", state="attached")
    watched.wait_for_load_state("networkidle")
    watched.wait_for_timeout(2600)  # the graphs are resized to their cards (assets/present.js)
    caption = watched.locator(".present-caption")
    size = float(watched.evaluate("parseFloat(getComputedStyle(document.querySelector('.present-caption')).fontSize)"))
    assert size >= 28
    # nothing of the step scrolls or is clipped
    assert watched.evaluate("document.documentElement.scrollHeight") <= height
    assert watched.evaluate("document.documentElement.scrollWidth") <= width
    for selector in ("#timeline-graph .main-svg", "#map-graph .main-svg", ".present-panel"):
        box = watched.locator(selector).first.bounding_box()
        assert box and box["x"] >= 0 and box["y"] >= 0
        assert box["x"] + box["width"] <= width + 1 and box["y"] + box["height"] <= height + 1, selector
    # the plot is drawn inside its card (not wider, after the mode changed the cards' sizes)
    card = watched.locator(".timeline-card").bounding_box()
    drawn = float(watched.evaluate(f"{TIMELINE}._fullLayout.width"))
    assert card and drawn <= card["width"]
    # the periods' names stand inside the plot (they were fitted to an 850 px plot and ran past the
    # edge of a 520 px one at 1366, cut mid-word there)
    names = watched.evaluate(f"""() => {{ const gd = {TIMELINE}, s = gd._fullLayout._size;
        const r = gd.getBoundingClientRect();
        const periods = gd._fullLayout.annotations.map((a, i) => [a, i])
          .filter(([a]) => a.xref === 'x' && a.yref === 'y' && a.text !== 'today').map(([, i]) => i);
        return {{left: r.left + s.l, right: r.left + s.l + s.w, boxes: periods.map(i => {{
          const g = gd.querySelector('.annotation[data-index="' + i + '"] .annotation-text-g');
          return g ? g.getBoundingClientRect().toJSON() : null; }}).filter(Boolean)}}; }}""")
    assert names["boxes"], "no period named in the step's window"
    for box in names["boxes"]:
        assert names["left"] - 2 <= box["left"] and box["right"] <= names["right"] + 2, (box, names)
    # no controls under the caption
    cap, nav = caption.bounding_box(), watched.locator(".present-nav").bounding_box()
    assert cap and nav and nav["y"] >= cap["y"] + cap["height"]
    assert not watched.locator("#print-button").is_visible()
    # the step's event is ringed, near the middle of the timeline's window
    lo, hi = (pd.Timestamp(str(x)[:10]) for x in watched.evaluate(f"{TIMELINE}._fullLayout.xaxis.range"))
    ring = watched.evaluate(f"{TIMELINE}.data.find(t => t.name === 'Selected').x")
    assert ring
    at = pd.Timestamp(str(ring[0])[:10])
    assert abs((at - (lo + (hi - lo) / 2)).days) <= (hi - lo).days * 0.15
    save(watched, f"presentation-{width}.png")
    # B blanks the screen; any key brings the step back
    watched.keyboard.press("b")
    expect(watched.locator(".blank-screen")).to_be_visible()
    save(watched, f"presentation-{width}-blank.png")
    watched.keyboard.press("x")
    expect(watched.locator(".blank-screen")).to_have_count(0)
    if width == 1366:
        axe(watched, "presentation")


def test_print_is_one_dialog_with_the_key_and_no_controls(watched: Page, server_url: str, tmp_path: Path) -> None:
    watched.set_viewport_size({"width": 1366, "height": 768})
    watched.goto(server_url + "?cat=transfer,production")
    wait_ready(watched)
    watched.evaluate("() => { window.__prints = []; window.print = function () {"
                     " window.__prints.push(new Error().stack); }; }")
    watched.locator("#print-button").click()
    watched.wait_for_selector("#print-list li, #print-list p", state="attached")
    watched.wait_for_timeout(1500)
    prints = watched.evaluate("() => window.__prints")
    assert len(prints) == 1, prints
    watched.emulate_media(media="print")
    assert watched.locator("#timeline-key-area .key").first.is_visible()  # the key is printed
    for hidden in (".range-buttons", ".controls", "#print-button", ".modebar-container"):
        assert not watched.locator(hidden).first.is_visible(), hidden
    # what the browser does before its print dialog renders the page (beforeprint): graphs fitted
    watched.evaluate("() => window.geotimelineFitGraphs()")
    watched.wait_for_timeout(800)
    # the timeline's date axis is inside its card, not under the map (nothing drawn over it)
    card = watched.locator(".timeline-card").bounding_box()
    axis = watched.locator("#timeline-graph .xtick").last.bounding_box()
    drawn = watched.locator("#timeline-graph .main-svg").first.bounding_box()
    assert card and axis and drawn and axis["y"] + axis["height"] <= card["y"] + card["height"]
    assert drawn["x"] + drawn["width"] <= card["x"] + card["width"] + 1
    for paper in ("A4", "Letter"):
        pdf = tmp_path / f"print-{paper}.pdf"
        watched.pdf(path=str(pdf), format=paper, landscape=True, print_background=True)
        out = ARTIFACTS / f"print-{paper.lower()}-page1"
        ARTIFACTS.mkdir(exist_ok=True)
        subprocess.run([_tool("pdftoppm"), "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(out)], check=True, timeout=60)
        assert out.with_suffix(".png").stat().st_size > 10_000


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} not found: .ci/run installs it from Debian"
    return path


def test_two_pptx_slides_rendered_show_a_keyed_timeline(tmp_path: Path) -> None:
    deck = tmp_path / "deck.pptx"
    env = {"GEOTIMELINE_TODAY": "2026-11-23", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    subprocess.run([sys.executable, "-m", "app", "brief", STORY, "--format", "pptx", "--out", str(deck)],
                   cwd=REPO, check=True, timeout=240, env=env)
    subprocess.run([_tool("soffice"), "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck)],
                   check=True, timeout=240, env=env, capture_output=True)
    ARTIFACTS.mkdir(exist_ok=True)
    for page in (2, 5):
        out = ARTIFACTS / f"pptx-slide-{page}"
        subprocess.run([_tool("pdftoppm"), "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile",
                        str(tmp_path / "deck.pdf"), str(out)], check=True, timeout=60)
        assert out.with_suffix(".png").stat().st_size > 20_000


# Dash 4's own component markup (Checklist/RadioItems as listboxes of nested checkboxes, the date
# pickers' aria-expanded on a <div>, the dropdowns' aria-hidden focus target) is repaired in the page
# by assets/a11y.js; checked on the page as loaded and again after the controls have re-rendered.
def test_no_serious_accessibility_violations_on_the_dashboard(watched: Page, server_url: str) -> None:
    watched.set_viewport_size({"width": 1366, "height": 768})
    with_axe(watched)
    watched.goto(server_url)
    wait_ready(watched)
    axe(watched, "dashboard")
    # re-rendered controls (a ticked category, a chosen lane mode, an opened date picker) stay repaired
    watched.locator("#category-checklist input").first.check()
    watched.locator("#lanes-radio input[value='actor']").check()
    until(watched, "window.location.search.includes('cat=') && window.location.search.includes('lanes=actor')")
    watched.click("#date-start-input")
    watched.wait_for_timeout(300)
    axe(watched, "dashboard-after-use")


def test_no_serious_accessibility_violations_in_the_snapshot(page: Page, tmp_path: Path) -> None:
    snap = tmp_path / "snap.html"
    subprocess.run([sys.executable, "-m", "app", "snapshot", "--cat", "transfer", "--out", str(snap)], cwd=REPO,
                   check=True, timeout=120, env={"GEOTIMELINE_TODAY": "2026-11-23", "PATH": "/usr/bin:/bin"})
    page.set_viewport_size({"width": 1366, "height": 768})
    with_axe(page)
    page.goto(snap.as_uri())
    page.wait_for_selector("#timeline .main-svg")
    save(page, "snapshot-1366.png")
    # the static map's place names, as drawn, do not cover each other (scattergeo places text without
    # collision tests: Moscow, Izhevsk and Yelabuga were written over each other)
    page.wait_for_selector("#map .scatterlayer .trace text", state="attached")
    boxes = page.evaluate("""() => [...document.querySelectorAll('#map .scatterlayer .trace text')]
        .filter(t => t.textContent.length > 2 && !t.textContent.startsWith('×'))
        .map(t => t.getBoundingClientRect()).filter(r => r.width > 0)
        .map(r => [r.left, r.top, r.right, r.bottom])""")
    assert len(boxes) >= 5
    shrink = 1.5  # px: glyph boxes include a little leading
    crossing = [(a, b) for a, b in itertools.combinations(boxes, 2)
                if a[0] + shrink < b[2] and b[0] + shrink < a[2] and a[1] + shrink < b[3] and b[1] + shrink < a[3]]
    assert crossing == [], crossing
    axe(page, "snapshot")
