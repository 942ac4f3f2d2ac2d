"""Dashboard speed, measured in headless Chromium against the real server.

Prints:
- time from `python -m app serve` start to events visible in both views (cold start);
- filter change -> timeline and map redrawn: p50 / p95 over N changes (category toggles).

Each change starts from a quiet page (300 ms after the previous one was drawn, when the table's
rows and the selection have settled): the latency of one change, not of changes piled on each
other. The browser is open and idle before the server starts: its own start-up is not counted.

Side by side with older code in one run: ``--old DIR`` (repeatable) names a checkout of it, e.g.
``git worktree add /tmp/old-188e952 188e952``. Each round runs every code once, in turn (this
code first, then each --old), so a load spike on the shared machine hits them alike; every
server is started from its own checkout (``python -m app serve`` with the checkout first on the
path) on the same data: ``--data``, else this checkout's bundled data.

Usage: python bench/dashboard_speed.py [--data DIR] [--changes 30] [--old DIR ...] [--rounds 3]
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
from typing import Any

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


def run(code: Path, data: str, changes: int, chromium: str) -> dict[str, Any]:
    """One round of one checkout: cold start, then ``changes`` filter changes."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto("about:blank")
        time.sleep(1.0)  # the browser's own start-up work is over before the clock starts
        port = free_port()
        cmd = [sys.executable, "-m", "app", "serve", "--port", str(port), "--data", data]
        env = {**os.environ, "PYTHONPATH": str(code)}  # this checkout's app, not the installed one
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=code, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}/"
        try:
            while True:
                if proc.poll() is not None:
                    raise SystemExit(f"server of {code} exited with {proc.returncode}")
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
            for i in range(changes):
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
    return {"http": t_http, "visible": t_visible, "times": times, "summary": n_events}


def line(name: str, r: dict[str, Any]) -> str:
    t = r["times"]
    return (f"{name:>22}: HTTP up {r['http']:5.2f} s · events visible (cold) {r['visible']:5.2f} s · filter change "
            f"p50 {statistics.median(t):5.0f} ms · p95 {percentile(t, 0.95):5.0f} ms · max {max(t):5.0f} ms "
            f"(n={len(t)}; {r['summary']})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--old", action="append", default=[], help="a checkout of older code (repeatable)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds per code (default 1, or 3 with --old)")
    parser.add_argument("--chromium", default=os.environ.get("GEOTIMELINE_CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args()
    data = str(Path(args.data).resolve()) if args.data else str(REPO / "data")
    codes = [("this code", REPO)] + [(f"old {Path(d).name}", Path(d).resolve()) for d in args.old]
    rounds = args.rounds or (3 if args.old else 1)
    results: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in codes}
    print(f"data: {data} · load average at start {os.getloadavg()[0]:.2f}")
    for k in range(rounds):
        for name, code in codes:  # alternating: every round runs each code once, in turn
            r = run(code, data, args.changes, args.chromium)
            results[name].append(r)
            print(f"round {k + 1} {line(name, r)} · load {os.getloadavg()[0]:.2f}", flush=True)
    print("all rounds:")
    for name, rs in results.items():
        every = [t for r in rs for t in r["times"]]
        print(f"{name:>22}: cold {min(r['visible'] for r in rs):5.2f}–{max(r['visible'] for r in rs):5.2f} s · "
              f"filter change p50 {statistics.median(every):5.0f} ms · p95 {percentile(every, 0.95):5.0f} ms "
              f"(n={len(every)}) · per round p50 " + ", ".join(f"{statistics.median(r['times']):.0f}" for r in rs))


if __name__ == "__main__":
    main()
