"""Background jobs in a real browser: a deck waits its turn for the renderer (its place shown in the
progress text), its progress bar moves, and the file arrives; a large upload is read as a job with
the same bar and the page switches to it. No timed assertions: each step is waited for."""

from __future__ import annotations

import fcntl
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.limits import BACKGROUND_UPLOAD_BYTES
from app.web.jobs import JOB_WAITING
from tests.browser.conftest import MAP_DRAWN, guard, shot, start_server, until, wait_ready

STORY = "dushanbe-to-alabuga"
JOB_TIMEOUT = 300_000  # ms: a deck on a loaded shared machine; the test waits, it does not time

#: every state the job status area goes through, recorded in the page as it changes
RECORD = """() => {
  window.__jobStates = [];
  const box = document.getElementById('job-status');
  const note = () => {
    const bar = document.getElementById('job-progress'), text = document.getElementById('job-text');
    const state = [box.hidden, bar.value, bar.max, text.textContent];
    const last = window.__jobStates[window.__jobStates.length - 1];
    if (!last || JSON.stringify(last) !== JSON.stringify(state)) { window.__jobStates.push(state); }
  };
  new MutationObserver(note).observe(box, {subtree: true, childList: true, attributes: true, characterData: true});
  note();
}"""


@pytest.fixture(scope="module")
def jobs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A server with one renderer and its own upload (hence jobs) folder: (url, the renderer queue's folder)."""
    root = tmp_path_factory.mktemp("jobs")
    saved = {k: os.environ.get(k) for k in ("GEOTIMELINE_RENDERERS", "GEOTIMELINE_UPLOAD_DIR", "GEOTIMELINE_REDIS_URL")}
    os.environ.update(GEOTIMELINE_RENDERERS="1", GEOTIMELINE_UPLOAD_DIR=str(root / "uploads"), GEOTIMELINE_REDIS_URL="")
    try:
        proc, url = start_server()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    yield url, root / "geotimeline-jobs" / "renderers"
    proc.terminate()
    proc.wait(10)


def states(page: Page) -> list[list[object]]:
    return page.evaluate("() => window.__jobStates")


def test_a_deck_waits_for_the_renderer_shows_its_place_and_arrives(watched: Page,
                                                                   jobs_server: tuple[str, Path]) -> None:
    url, renderers = jobs_server
    watched.set_viewport_size({"width": 1366, "height": 768})
    watched.goto(f"{url}?story={STORY}&step=1")
    expect(watched.locator("#present-panel")).to_contain_text("Step 1 of", timeout=30_000)
    watched.evaluate(RECORD)
    # another deck holds the host's only renderer (as a job of another user would)
    renderers.mkdir(parents=True, exist_ok=True)
    with (renderers / "slot-0").open("ab") as slot:
        fcntl.flock(slot, fcntl.LOCK_EX)
        with watched.expect_download(timeout=JOB_TIMEOUT) as info:
            watched.click("#present-pptx-button")
            status = watched.locator("#job-status")
            expect(status).to_be_visible(timeout=60_000)
            expect(watched.locator("#job-text")).to_have_text(
                "In the queue: 1 deck or brief before yours (they are built one at a time)…", timeout=60_000)
            expect(watched.locator("#present-pptx-button")).to_be_disabled()
            shot(watched, "job-queued-1366.png")
            fcntl.flock(slot, fcntl.LOCK_UN)  # the other deck is done: ours takes the renderer
            expect(watched.locator("#job-text")).to_have_text("Building the deck…", timeout=JOB_TIMEOUT)
    deck = Path(info.value.path())
    assert info.value.suggested_filename.endswith(".pptx")
    with zipfile.ZipFile(deck) as z:
        slides = [n for n in z.namelist() if n.startswith("ppt/slides/slide") and n.endswith(".xml")]
    assert len(slides) >= 3
    expect(watched.locator("#job-status")).to_be_hidden(timeout=60_000)
    expect(watched.locator("#present-pptx-button")).to_be_enabled()
    seen = states(watched)
    shown = [s for s in seen if s[0] is False]
    texts = [s[3] for s in shown]
    queued = texts.index("In the queue: 1 deck or brief before yours (they are built one at a time)…")
    building = texts.index("Building the deck…")
    assert queued < building  # the place first, then the build
    assert shown[queued][1] == 0 and shown[building][1] == 1 and shown[building][2] == 3  # the bar moved on


#: A map bug outside this test's subject, reported to the map's owners: switching the page to an
#: upload of some thousands of events (by the job or on the request alike) makes plotly's MapLibre
#: trace log this while it replaces its clustered source. Only these two messages are let through.
KNOWN_MAP_ERRORS = (re.compile(r'^Error: Source "source-\w+-circle" cannot be removed while layer '
                               r'"plotly-trace-layer-\w+-cluster" is using it\.'), re.compile(r"^Map error\.$"))


def test_a_large_upload_is_read_with_the_progress_bar_and_the_page_switches(page: Page,
                                                                            jobs_server: tuple[str, Path],
                                                                            tmp_path: Path) -> None:
    external, errors = guard(page)
    try:
        upload_large(page, jobs_server[0], tmp_path)
    finally:
        assert external == [], f"requests left 127.0.0.1: {external}"
        others = [e for e in errors if not any(p.match(e) for p in KNOWN_MAP_ERRORS)]
        assert others == [], f"console errors: {others}"


def upload_large(watched: Page, url: str, tmp_path: Path) -> None:
    watched.goto(url)
    wait_ready(watched)
    watched.evaluate(RECORD)
    big = tmp_path / "big.csv"
    rows = ["date,title,latitude,longitude,description"]
    words = "a longer note on what happened as a source would give it; " * 4
    rows += [f"2020-{1 + i % 12:02d}-{1 + i % 28:02d},Event {i},{(i % 120) - 60}.5,{(i % 300) - 150}.25,{words}{i}"
             for i in range(4_000)]
    big.write_text("\n".join(rows) + "\n", encoding="utf-8")  # 1.1 MB: above the background threshold
    assert big.stat().st_size > BACKGROUND_UPLOAD_BYTES
    watched.locator("summary", has_text="Open your own data").click()
    watched.set_input_files("#upload-input input[type=file]", str(big))
    expect(watched.locator("#upload-report")).to_contain_text("in the background", timeout=60_000)
    banner = watched.locator("#dataset-banner")
    expect(banner).to_contain_text("big.csv (4,000 events", timeout=JOB_TIMEOUT)
    expect(watched.locator("#summary-line")).to_contain_text("4000 events", timeout=60_000)
    until(watched, MAP_DRAWN, timeout=120_000)
    expect(watched.locator("#job-status")).to_be_hidden(timeout=60_000)
    shot(watched, "upload-large-1280.png")
    texts = [s[3] for s in states(watched) if s[0] is False]
    # the bar was shown, saying the job's step, or (when the job was done before the next poll of
    # its progress, as on an idle machine) that it waits to start: nothing else
    assert texts and all(t.startswith("Reading big.csv") or t in (JOB_WAITING, "Done.") for t in texts), texts
