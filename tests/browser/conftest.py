"""Browser tests: Playwright driving Debian's Chromium against the real server in a subprocess.

Chromium runs with a resolver rule that fails every host but localhost (an air-gapped machine),
and every test records requests that leave 127.0.0.1 and console errors, and fails on either.
These tests never skip: without Chromium they fail, and .ci/run installs it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = os.environ.get("GEOTIMELINE_CHROMIUM", "/usr/bin/chromium")
LOCAL = ("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `bash .ci/run` (it installs Debian's chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "accept_downloads": True}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data_dir: Path | None = None) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "GEOTIMELINE_TODAY": "2026-11-23"}
    cmd = [sys.executable, "-m", "app", "serve", "--port", str(port)]
    if data_dir:
        cmd += ["--data", str(data_dir)]
    # the server's output goes to a file, never to a pipe nobody reads: a full pipe (the request
    # log of a whole session passes 64 KB) would block the server in the middle of a test
    log = tempfile.TemporaryFile()  # noqa: SIM115  # lives as long as the server, closed with the process
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"server exited: {log.read().decode(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start in 60 s")


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    proc, url = start_server()
    yield url
    proc.terminate()
    proc.wait(10)


def guard(page: Page, allowed: tuple[str, ...] = LOCAL) -> tuple[list[str], list[str]]:
    """Abort and record every request whose URL does not start with ``allowed``; record console
    errors. Returns the two lists (blocked requests, errors), filled as the page runs."""
    blocked: list[str] = []
    errors: list[str] = []

    def route(r):  # type: ignore[no-untyped-def]
        if r.request.url.startswith(allowed):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return blocked, errors


@pytest.fixture
def watched(page: Page) -> Iterator[Page]:
    """The page, recording external requests (aborted) and console errors; both must stay empty."""
    external, errors = guard(page)
    yield page
    assert external == [], f"requests left 127.0.0.1: {external}"
    assert errors == [], f"console errors: {errors}"


#: The dashboard's map (MapLibre) has drawn its basemap and holds events (its marks are on a canvas,
#: not in the DOM: they are read from the figure, as drawn).
MAP_DRAWN = ("(() => { const gd = document.querySelector('#map-graph .js-plotly-plot');"
             " const s = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;"
             " return !!(s && s.map && s.map.loaded() && s.map.querySourceFeatures('land').length > 0 &&"
             " gd.data.some(t => ['events', 'seats', 'density'].includes(t.meta) && t.lon && t.lon.length > 0)); })()")
MAP_MARKS = ("(() => { const gd = document.querySelector('#map-graph .js-plotly-plot');"
             " return gd.data.filter(t => ['events', 'seats'].includes(t.meta)).reduce((n, t) => n + t.lon.length, 0);"
             " })()")
#: Page coordinates of a single event's mark (not a cluster) on the map, and its event id.
MAP_POINT = """() => {
  const gd = document.querySelector('#map-graph .js-plotly-plot');
  const map = gd._fullLayout.map._subplot.map;
  const box = map.getCanvas().getBoundingClientRect();
  for (const t of gd.data.filter(t => t.meta === 'events')) {
    for (let i = 0; i < t.lon.length; i++) {
      const p = map.project([t.lon[i], t.lat[i]]);
      if (p.x < 5 || p.y < 5 || p.x > box.width - 5 || p.y > box.height - 5) continue;
      const hit = map.queryRenderedFeatures([p.x, p.y]).filter(f => f.layer.id.startsWith('plotly-trace-layer'));
      if (hit.length && hit.every(f => f.layer.id.endsWith('-circle') && !('point_count' in f.properties)))
        return {x: box.left + p.x, y: box.top + p.y, id: t.customdata[i][0]};
    }
  }
  return null;
}"""


def until(page: Page, expression: str, timeout: float = 30_000) -> None:
    """Wait until a JavaScript expression is true. Passed as a function, not a string to evaluate:
    the app's Content-Security-Policy forbids eval, and Playwright evaluates bare expressions so."""
    page.wait_for_function(f"() => ({expression})", timeout=timeout)


def wait_ready(page: Page) -> None:
    """Wait until the summary line and both figures show events."""
    page.wait_for_selector("#summary-line:has-text('event')")
    page.wait_for_selector("#timeline-graph .scatterlayer .point")
    until(page, MAP_DRAWN)
    # the page settles after the first answers (highlight patch, the table's rows): a click
    # made before that could land on a row or a point that is being replaced
    page.wait_for_load_state("networkidle")
    wait_grid(page, summary_count(page))


def summary_count(page: Page) -> int:
    return int(page.inner_text("#summary-line").split(" ")[0])


def grid_count(page: Page) -> int:
    return int(page.evaluate("dash_ag_grid.getApi('event-grid').getDisplayedRowCount()"))


def wait_grid(page: Page, n: int) -> None:
    """Wait until the table (paged from the server) reports ``n`` rows and shows its first ones."""
    # the table mounts once the map is drawn: its rows (or, for none, its body) are there before
    # its API is asked (asking a table not yet made is a console error)
    until(page, f"(document.querySelectorAll('#event-grid .ag-row[row-id]').length > 0"
                f" || ({n} === 0 && document.querySelector('#event-grid .ag-body') !== null))"
                f" && dash_ag_grid.getApi('event-grid').getDisplayedRowCount() === {n}")


def shot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path
