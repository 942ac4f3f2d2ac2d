"""The figures lane is drawn under the event lanes, with its source on hover; the event panel counts
reports, not outlets; an original-script search finds what the Latin name finds."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from app.dataset import load_package
from app.figures.context import FigureContext
from app.settings import BUNDLED_DATA
from tests.browser.conftest import summary_count, wait_ready


def test_figures_lane_under_the_events_with_sources(watched: Page, server_url: str) -> None:
    ds = load_package(BUNDLED_DATA)
    expected = len(FigureContext.from_dataset(ds).measures_lane)
    watched.goto(server_url)
    wait_ready(watched)
    lane = watched.locator("#timeline-graph .subplot.x2y3 .scatterlayer .point")
    expect(lane).to_have_count(expected)
    lowest_lane = watched.locator("#timeline-graph .ytick text", has_text="Context").first.bounding_box()
    assert lowest_lane  # the lowest event lane's label
    lowest_event = lowest_lane["y"] + lowest_lane["height"]
    boxes = [lane.nth(i).bounding_box() for i in range(expected)]
    assert all(b and b["y"] > lowest_event for b in boxes)  # drawn under the event lanes
    box = boxes[0]
    assert box
    watched.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    hover = watched.locator("#timeline-graph .hovertext")
    expect(hover).to_have_count(1)
    expect(hover).to_contain_text("Source:")


def test_panel_counts_reports_not_outlets(watched: Page, server_url: str) -> None:
    watched.goto(server_url + "?event=ru-yelabuga-iranian-delegation-visit")
    wait_ready(watched)
    line = watched.locator("#detail-panel .report-count")
    expect(line).to_contain_text("all relaying one report (The Wall Street Journal, 5 Feb 2023)")
    expect(watched.locator("#detail-panel .src-note").filter(has_text="Relays")).not_to_have_count(0)


def test_original_script_search_finds_the_same_events(watched: Page, server_url: str) -> None:
    watched.goto(server_url + "?q=Alabuga")
    wait_ready(watched)
    latin = summary_count(watched)
    watched.goto(server_url + "?q=%D0%90%D0%BB%D0%B0%D0%B1%D1%83%D0%B3%D0%B0")  # Алабуга
    wait_ready(watched)
    assert summary_count(watched) == latin > 20
