"""The offline HTML snapshot opens from file:// with every non-file request blocked."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from app.cli import main
from tests.browser.conftest import guard, shot, until


def test_narrative_snapshot_offline_from_file(page: Page, tmp_path: Path) -> None:
    out = tmp_path / "brief.html"
    main(["brief", "dushanbe-to-alabuga", "--format", "html", "--out", str(out)])
    blocked, errors = guard(page, allowed=("file:",))
    page.goto(out.as_uri())
    page.wait_for_selector("#timeline .point")
    # the map draws country shapes from the inlined topojson
    until(page, "(document.querySelector('#map .layer.countries path')?.getAttribute('d') || '').length > 10000")
    assert page.locator("#timeline .point").count() > 20
    expect(page.locator("#step-progress")).to_have_text("Step 1 of 10")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#step-progress")).to_have_text("Step 2 of 10")
    assert page.evaluate("document.getElementById('timeline')._fullLayout.xaxis.type") == "date"
    assert page.locator(".events li.sel").count() == 1  # the step's event is marked in the list
    assert page.locator(".events a[href^='http']").count() > 10  # sources are listed with links
    shot(page, "snapshot-narrative.png")
    assert blocked == [] and errors == []
