"""Dashboard speed, measured in headless Chromium against the real server.

Prints:
- time from `python -m app serve` start to events visible in both views (cold start);
- filter change -> timeline and map redrawn: p50 / p95 over N changes (category toggles).

Each change starts from a quiet page (300 ms after the previous one was drawn, when the table's
rows and the selection have settled): the latency of one change, not of changes piled on each
other. The browser is open and idle before the server starts: its own start-up is not counted.

Usage: python bench/dashboard_speed.py [--data DIR] [--changes 30]
Needs Debian's chromium (see README). Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]

HOOK = """
() => {
  window.__draws = {timeline: 0, map: 0};
  // the user's input: the checkbox's change event (measured in the page, not by the test driver)
  document.addEventListener('change', () => { window.__input = performance.now(); }, true);
  for (const [id, key] of [['timeline-graph', 'timeline'], ['map-graph', 'map']]) {
    const gd = document.getElementById(id).querySelector('.js-plotly-plot');
    gd.on('plotly_afterplot', () => { window.__draws[key] = performance.now(); });
  }
}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--chromium", default=os.environ.get("GEOTIMELINE_CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto("about:blank")
        time.sleep(1.0)  # the browser's own start-up work is over before the clock starts
        port = free_port()
        cmd = [sys.executable, "-m", "app", "serve", "--port", str(port)]
        if args.data:
            cmd += ["--data", args.data]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}/"
        try:
            while True:
                try:
                    with urllib.request.urlopen(url, timeout=1):
                        break
                except OSError:
                    time.sleep(0.02)
            t_http = time.perf_counter() - t0
            page.goto(url)
            page.wait_for_selector("#timeline-graph .scatterlayer .point", timeout=120_000)
            # predicates are passed as functions: the app's CSP forbids eval of bare expressions
            page.wait_for_function("() => document.querySelectorAll('#map-graph .scattergeo .point').length > 0 ||"
                                   " (document.querySelector('#map-graph .js-plotly-plot') || {data: []}).data"
                                   ".some(t => t.type && t.type.endsWith('map') && t.lon && t.lon.length > 0)",
                                   timeout=120_000)
            t_visible = time.perf_counter() - t0
            page.evaluate(HOOK)
            labels = page.locator("#category-checklist label")
            times: list[float] = []
            for i in range(args.changes):
                label = labels.nth(i % labels.count())
                page.wait_for_timeout(300)  # a quiet page: see the docstring
                page.evaluate("() => { window.__draws = {timeline: 0, map: 0}; window.__input = 0; }")
                label.click()
                page.wait_for_function("() => window.__input > 0 && window.__draws.timeline > window.__input"
                                       " && window.__draws.map > window.__input", timeout=60_000)
                times.append(page.evaluate(
                    "Math.max(window.__draws.timeline, window.__draws.map) - window.__input"))
                if i % labels.count() == labels.count() - 1:
                    # untick everything again so the view does not shrink to nothing
                    page.click("#reset-button")
                    page.wait_for_timeout(300)
            n_events = page.inner_text("#summary-line")
        finally:
            proc.terminate()
            proc.wait(10)
            browser.close()
    print(f"data: {args.data or 'bundled'} ({n_events})")
    print(f"serve start -> HTTP up:                 {t_http:6.2f} s")
    print(f"serve start -> events visible (cold):   {t_visible:6.2f} s")
    print(f"filter change -> timeline+map redrawn:  p50 {statistics.median(times):6.0f} ms · "
          f"p95 {percentile(times, 0.95):6.0f} ms · max {max(times):6.0f} ms (n={len(times)})")


if __name__ == "__main__":
    main()
