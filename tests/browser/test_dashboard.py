"""What only a browser can show: rendering, linking, URL state, downloads, offline, XSS."""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.filters import slug
from tests.browser.conftest import (
    MAP_DRAWN,
    MAP_MARKS,
    MAP_POINT,
    shot,
    start_server,
    summary_count,
    until,
    wait_grid,
    wait_ready,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_loads_offline_with_events_in_both_views(watched: Page, server_url: str) -> None:
    watched.goto(server_url)
    wait_ready(watched)
    n = summary_count(watched)
    assert n >= 80
    assert watched.locator("#timeline-graph .scatterlayer .point").count() > 20
    assert watched.evaluate(f"() => {MAP_MARKS}") > 20
    # the map's land came from the local basemap (MapLibre loaded its source from this server)
    assert watched.evaluate("() => document.querySelector('#map-graph .js-plotly-plot')._fullLayout.map._subplot"
                            ".map.querySourceFeatures('land').length") > 0
    wait_grid(watched, n)
    shot(watched, "dashboard-1280.png")


def test_phone_width_stacks(watched: Page, server_url: str) -> None:
    watched.set_viewport_size({"width": 390, "height": 844})
    watched.goto(server_url)
    wait_ready(watched)
    views = watched.locator(".views").bounding_box()
    controls = watched.locator(".controls").bounding_box()
    assert views and controls and controls["y"] > views["y"]  # views first, filters below
    assert views["width"] <= 390
    assert watched.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    shot(watched, "dashboard-390.png")


def test_filter_updates_every_view(watched: Page, server_url: str) -> None:
    watched.goto(server_url)
    wait_ready(watched)
    total = summary_count(watched)
    map_before = watched.evaluate(f"() => {MAP_MARKS}")
    watched.locator("#category-checklist label", has_text="Sanctions").click()
    expect(watched.locator("#summary-line")).to_contain_text("Sanctions")
    n = summary_count(watched)
    assert 0 < n < total
    wait_grid(watched, n)
    until(watched, f"{MAP_MARKS} != {map_before}")
    assert "cat=sanctions" in watched.url
    timeline_ids = watched.evaluate(
        "document.getElementById('timeline-graph').querySelector('.js-plotly-plot').data"
        ".filter(t => t.customdata).flatMap(t => t.customdata.map(c => c[0]))")
    assert len(set(timeline_ids)) == n


def test_click_in_table_opens_sources_and_highlights(watched: Page, server_url: str) -> None:
    watched.goto(server_url + "?q=Dushanbe")
    wait_ready(watched)
    watched.locator("#event-grid .ag-row").first.click()
    detail = watched.locator("#detail-panel")
    expect(detail.get_by_role("heading", name=re.compile(r"^Sources \(\d+\)$"))).to_be_visible()
    links = detail.locator("ol.sources a")
    assert links.count() >= 1
    assert links.first.get_attribute("rel") == "noopener noreferrer"
    assert links.first.get_attribute("target") == "_blank"
    assert (links.first.get_attribute("href") or "").startswith(("http://", "https://"))
    assert "event=" in watched.url
    until(watched, "document.getElementById('map-graph').querySelector('.js-plotly-plot').data.slice(-1)[0]"
                   ".lon.length == 1")
    until(watched, "document.getElementById('timeline-graph').querySelector('.js-plotly-plot').data.slice(-1)[0]"
                   ".x.length >= 1")


def test_click_on_map_selects(watched: Page, server_url: str) -> None:
    watched.goto(server_url + "?cat=production")
    wait_ready(watched)
    watched.locator("#map-graph").scroll_into_view_if_needed()
    until(watched, MAP_DRAWN)
    watched.wait_for_timeout(500)  # clusters are computed in MapLibre's worker
    point = watched.evaluate(MAP_POINT)
    assert point, "no single event mark on the map"
    watched.mouse.click(point["x"], point["y"])
    sources = watched.locator("#detail-panel").get_by_role("heading", name=re.compile(r"^Sources \(\d+\)$"))
    expect(sources).to_be_visible()
    assert "event=" in watched.url
    # the mounted table selects the event's row too
    picked = watched.url.split("event=")[1].split("&")[0]
    expect(watched.locator(f"#event-grid .ag-row-selected[row-id='{picked}']")).not_to_have_count(0)


def test_click_on_timeline_selects(watched: Page, server_url: str) -> None:
    """The events sit on an axis laid over the range slider's (EVENT_AXIS): hover and click still
    reach them."""
    watched.goto(server_url + "?cat=diplomacy")
    wait_ready(watched)
    # (the view opens on the story: marks before it are off the axis, hidden; take one in view)
    box = watched.locator("#timeline-graph .scatterlayer .point >> visible=true").first.bounding_box()
    assert box
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    watched.mouse.move(x, y)
    expect(watched.locator("#timeline-graph .hovertext")).to_have_count(1)
    watched.mouse.click(x, y)
    expect(watched.locator("#detail-panel .detail-title")).not_to_be_empty()
    until(watched, "window.location.search.includes('event=')")
    assert watched.locator("#timeline-graph .rangeslider-rangeplot .trace").count() == 0


def test_deep_link_restores_filters_and_selection(watched: Page, server_url: str) -> None:
    watched.goto(server_url + "?cat=diplomacy,production&lanes=actor&event=ru-yelabuga-iranian-delegation-visit")
    wait_ready(watched)
    expect(watched.locator("#detail-panel .detail-title")).to_contain_text("Yelabuga")
    checked = watched.locator("#category-checklist input:checked")
    assert checked.count() == 2
    expect(watched.locator("#lanes-radio input[value=actor]")).to_be_checked()
    expect(watched.locator("#summary-line")).to_contain_text("Diplomacy, Production")
    # the table mounts after the map is drawn, with the link's event selected (maybe out of sight)
    wait_grid(watched, summary_count(watched))
    until(watched, "dash_ag_grid.getApi('event-grid').getSelectedNodes().map(n => n.id).join()"
                   " === 'ru-yelabuga-iranian-delegation-visit'")


def test_back_restores_previous_view(watched: Page, server_url: str) -> None:
    watched.goto(server_url + "?cat=transfer")
    wait_ready(watched)
    before = watched.inner_text("#summary-line")
    watched.locator("#category-checklist label", has_text="Sanctions").click()
    expect(watched.locator("#summary-line")).not_to_have_text(before)
    watched.go_back()
    expect(watched.locator("#summary-line")).to_have_text(before)
    assert watched.locator("#category-checklist input:checked").count() == 1


def test_default_view_comes_with_the_page(watched: Page, server_url: str) -> None:
    """Opening the app without a query draws the view the page brought (layout.FirstView): no
    callback sends the figures again. Leaving it and coming back still redraws it."""
    answers: list[str] = []
    watched.on("response", lambda r: answers.append(r.text()) if "_dash-update-component" in r.url else None)
    watched.goto(server_url)
    wait_ready(watched)
    total = summary_count(watched)
    # Dash's scripts found the regenerator runtime, and the browser's own trim is in place (no core-js)
    assert watched.evaluate("() => typeof regeneratorRuntime.mark === 'function'"
                            " && String.prototype.trim.toString().includes('[native code]')")
    watched.wait_for_load_state("networkidle")  # every start-up callback has answered
    # nothing is redrawn: no figure, not even a partial update (the highlight of no selection)
    assert answers and not [a for a in answers if "figure" in a]
    timeline_points = watched.locator("#timeline-graph .scatterlayer .point").count()
    watched.locator("#category-checklist label", has_text="Sanctions").click()
    expect(watched.locator("#summary-line")).to_contain_text("Sanctions")
    assert summary_count(watched) < total
    watched.go_back()
    expect(watched.locator("#summary-line")).to_have_text(f"{total} events · all")
    until(watched, f"document.querySelectorAll('#timeline-graph .scatterlayer .point').length == {timeline_points}")
    wait_grid(watched, total)


def test_help_and_about_fill_when_opened(watched: Page, server_url: str) -> None:
    watched.goto(server_url)
    wait_ready(watched)
    assert watched.inner_text("#help-body") == ""  # not rendered until asked for
    watched.click("#help-summary")
    expect(watched.locator("#help-body")).to_contain_text("Timeline lanes")
    expect(watched.locator("#help-body")).to_contain_text("Verification (marker shapes)")
    watched.click("#about-summary")
    expect(watched.locator("#about-body")).to_contain_text("Last reviewed")
    expect(watched.locator("#about-body")).to_contain_text("How to cite")
    watched.click("#help-summary")  # closing and opening again keeps the text
    watched.click("#help-summary")
    expect(watched.locator("#help-body")).to_contain_text("Timeline lanes")


def test_malformed_link_shows_notice(watched: Page, server_url: str) -> None:
    watched.goto(server_url + "?from=2023-02-30&cat=bogus&zz=1")
    wait_ready(watched)
    expect(watched.locator("#notice-area")).to_contain_text("Ignored")


def test_csv_download_matches_shown_count(watched: Page, server_url: str, tmp_path: Path) -> None:
    watched.goto(server_url + "?country=RUS")
    wait_ready(watched)
    n = summary_count(watched)
    with watched.expect_download() as info:
        watched.click("#download-csv-button")
    download = info.value
    assert download.suggested_filename.startswith(f"geotimeline-{n}-event")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == n and all(r["country"] == "RUS" for r in rows)


def test_modebar_png_download_at_slide_size(watched: Page, server_url: str) -> None:
    watched.goto(server_url + "?cat=transfer")
    wait_ready(watched)
    watched.hover("#timeline-graph")
    with watched.expect_download() as info:
        watched.click("#timeline-graph .modebar-btn[data-title^='Download plot']")
    # the name says the view (the same rule as every export's file name)
    summary = watched.inner_text("#summary-line")
    assert info.value.suggested_filename == f"geotimeline-timeline-{slug(summary)}.png"
    assert "transfer" in info.value.suggested_filename
    # after a filter change the next download says the new view
    watched.locator("#category-checklist label").first.click()
    expect(watched.locator("#summary-line")).not_to_have_text(summary)
    watched.hover("#map-graph")
    with watched.expect_download() as info:
        watched.click("#map-graph .modebar-btn[data-title^='Download plot']")
    assert info.value.suggested_filename == f"geotimeline-map-{slug(watched.inner_text('#summary-line'))}.png"


@pytest.fixture(scope="module")
def xss_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pkg = tmp_path_factory.mktemp("xss") / "pkg"
    shutil.copytree(FIXTURES / "_base", pkg)
    for f in (FIXTURES / "xss").iterdir():
        shutil.copy(f, pkg / f.name)
    proc, url = start_server(pkg)
    yield url
    proc.terminate()
    proc.wait(10)


def test_xss_payloads_stay_inert(watched: Page, xss_url: str) -> None:
    watched.goto(xss_url + "?event=ev-plant")
    wait_ready(watched)
    detail = watched.locator("#detail-panel")
    expect(detail).to_contain_text("<script>window.__xss = 1</script>Plant opens")
    expect(watched.locator("#data-notice")).to_contain_text("python -m app validate")
    watched.wait_for_timeout(500)
    assert watched.evaluate("window.__xss === undefined")
    assert watched.locator("a[href^='javascript']").count() == 0
    assert watched.locator("#detail-panel script, #detail-panel img, #detail-panel svg").count() == 0


def test_presentation_keyboard_steps_and_step_links(watched: Page, server_url: str) -> None:
    watched.set_viewport_size({"width": 1366, "height": 768})
    watched.goto(server_url + "?story=dushanbe-to-alabuga&step=2")
    # (a briefing step builds its own timeline: on a loaded CI machine it took over 5 s once)
    expect(watched.locator("#present-panel")).to_contain_text("Step 2 of", timeout=20_000)
    assert "presenting" in (watched.get_attribute("#page-root", "class") or "")
    ring = "JSON.stringify(document.getElementById('map-graph').querySelector('.js-plotly-plot').data.slice(-1)[0].lon)"
    until(watched, f"{ring} !== '[]'")
    ring_before = watched.evaluate(ring)
    watched.keyboard.press("ArrowRight")
    expect(watched.locator("#present-panel")).to_contain_text("Step 3 of")
    assert "step=3" in watched.url
    until(watched, f"{ring} !== '{ring_before}'")  # the highlight moved on the map
    until(watched, "document.getElementById('timeline-graph').querySelector('.js-plotly-plot').data.slice(-1)[0]"
                   ".x.length == 1")
    watched.keyboard.press("PageUp")
    expect(watched.locator("#present-panel")).to_contain_text("Step 2 of")
    shot(watched, "presentation-1366.png")
    watched.keyboard.press("Escape")
    expect(watched.locator("#page-root")).not_to_have_class("page presenting")
    assert "story=" not in watched.url


def test_cite_sources_download(watched: Page, server_url: str) -> None:
    watched.goto(server_url + "?cat=transfer")
    wait_ready(watched)
    with watched.expect_download() as info:
        watched.click("#cite-ris-button")
    assert info.value.suggested_filename.endswith("-sources.ris")
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert text.count("TY  - ") == text.count("ER  - ") > 0


@pytest.fixture(scope="module")
def crowded_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A synthetic package (bench/make_events.py) with 1,548 of its events in one lane (strikes)."""
    import subprocess
    import sys

    import pandas as pd

    out = tmp_path_factory.mktemp("crowded")
    repo = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, str(repo / "bench" / "make_events.py"), "--n", "1900", "--out", str(out)],
                   check=True, capture_output=True)
    events = pd.read_csv(out / "events.csv", dtype=str, keep_default_na=False)
    points = events.index[events["kind"] != "period"]
    dense, rest = points[:1548], points[1548:]
    events.loc[dense, ["category", "sub_category"]] = "strike"
    for column in ("category", "sub_category"):
        events.loc[rest, column] = events.loc[rest, column].replace("strike", "riot")
    events.to_csv(out / "events.csv", index=False)
    proc, url = start_server(out)
    yield url
    proc.terminate()
    proc.wait(10)


#: The page position of the first counted mark of the timeline (meta.marks "bins") and its window.
BIN_MARK = """() => {
  const gd = document.querySelector('#timeline-graph .js-plotly-plot');
  const t = gd.data.find(t => t.meta && t.meta.marks === 'bins');
  if (!t) return null;
  const xa = gd._fullLayout.xaxis2, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
  const i = Math.floor(t.x.length / 2);
  return {x: box.left + xa._offset + xa.d2p(t.x[i]), y: box.top + ya._offset + ya.d2p(t.y[i]),
          window: t.customdata[i].window, lanes: gd._fullLayout.yaxis.ticktext};
}"""


def test_a_dense_lane_is_counted_and_a_click_on_a_count_zooms_in(watched: Page, crowded_url: str) -> None:
    watched.set_viewport_size({"width": 1366, "height": 900})
    watched.goto(crowded_url)
    wait_ready(watched)
    mark = watched.evaluate(BIN_MARK)
    assert mark, "the strikes lane (1,548 events) should be counted"
    assert any(label.startswith("Strike") and label.endswith("counted") for label in mark["lanes"])
    shot(watched, "dense-lane-counted.png")
    # the other lanes keep their single marks (drawn as SVG points)
    singles = watched.evaluate("() => document.querySelector('#timeline-graph .js-plotly-plot').data"
                               ".filter(t => t.meta && t.meta.marks === 'events')"
                               ".reduce((n, t) => n + t.customdata.length, 0)")
    assert 0 < singles < 1900 - 1000
    watched.mouse.move(mark["x"], mark["y"])
    expect(watched.locator("#timeline-graph .hovertext")).to_contain_text("click to zoom in")
    watched.mouse.click(mark["x"], mark["y"])
    first, last = mark["window"]
    until(watched, f"window.location.search.includes('from={first}') && window.location.search.includes('to={last}')")
    # zoomed to one year, the lane is single marks again, and nothing was selected by the click
    until(watched, "(() => { const gd = document.querySelector('#timeline-graph .js-plotly-plot');"
                   " return !gd.data.some(t => t.meta && t.meta.marks === 'bins')"
                   f" && gd._fullLayout.xaxis.range[0].startsWith('{first}'); }})()")
    assert "event=" not in watched.url
    shot(watched, "dense-lane-zoomed.png")


def test_keyboard_reaches_filters_and_events(watched: Page, server_url: str) -> None:
    """A skip link leads to the table (the plots' accessible equivalent); arrow keys move in it and
    Enter selects an event; a category is ticked with the keyboard; every control has a name."""
    watched.set_viewport_size({"width": 1366, "height": 768})
    watched.goto(server_url)
    wait_ready(watched)
    watched.keyboard.press("Tab")
    skip = watched.locator(".skip-link").first
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Skip to the events table")
    assert skip.bounding_box()["y"] >= 0  # on screen when focused  # type: ignore[index]
    watched.keyboard.press("Enter")
    until(watched, "document.activeElement && document.activeElement.id === 'events-table'")
    # into the table: its first cell, then one row down, then Enter selects that row's event
    watched.locator("#event-grid .ag-row[row-index='0'] .ag-cell").first.focus()
    watched.keyboard.press("ArrowDown")
    row = watched.evaluate("() => document.activeElement.closest('.ag-row').getAttribute('row-id')")
    watched.keyboard.press("Enter")
    until(watched, f"window.location.search.includes('event={row}')")
    expect(watched.locator("#detail-panel .detail-title")).not_to_be_empty(timeout=30_000)
    # a category ticked from the keyboard (Space on its checkbox) filters every view
    box = watched.get_by_role("group", name="Category").get_by_role("checkbox").first
    box.focus()
    watched.keyboard.press("Space")
    until(watched, "window.location.search.includes('cat=')")
    # every form control is named (label, aria-labelledby or aria-label), as a screen reader reads it
    unnamed = watched.evaluate("""() => [...document.querySelectorAll('input, button, select, textarea')]
      .filter(el => el.offsetParent !== null && el.type !== 'hidden' && el.type !== 'file')  // (the upload's
      // file input is the drop zone's, which its text names: harden's upload panel)
      .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                    && !(el.getAttribute('aria-labelledby') || '').split(' ')
                          .some(id => id && (document.getElementById(id) || {textContent: ''}).textContent.trim())
                    && !(el.tagName === 'BUTTON' && el.textContent.trim()) && !el.title)
      .map(el => el.outerHTML.slice(0, 120))""")
    assert unnamed == []
