"""The dashboard at scale against the naive baseline (bench/naive_app.py), same data, same run.

For each app, in headless Chromium (no GPU, as on a plain laptop VM):
- first render: page opened (server already up) -> timeline, map and table drawn;
- filter change -> timeline, map and table updated (plotly_afterplot on both graphs and the
  grid's modelUpdated, timed in the page from the checkbox's change event): p50 / p95;
- response bytes per filter change (bodies of the Dash callback responses it caused).
Then the ratios (naive / ours). Prints numbers; asserts nothing.

Usage: python bench/scale.py [--n 100000 | --data DIR] [--changes 20] [--naive-changes 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dashboard_speed import CHROMIUM_ARGS, free_port, percentile

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 300_000

HOOK = """
() => {
  window.__draws = {timeline: 0, map: 0, grid: 0};
  window.__input = 0;
  document.addEventListener('change', () => { window.__input = performance.now(); }, true);
  for (const [id, key] of [['timeline-graph', 'timeline'], ['map-graph', 'map']]) {
    const gd = document.getElementById(id).querySelector('.js-plotly-plot');
    gd.on('plotly_afterplot', () => { window.__draws[key] = performance.now(); });
  }
  dash_ag_grid.getApiAsync('event-grid').then(api => api.addEventListener('modelUpdated',
      () => { window.__draws.grid = performance.now(); }));
}
"""
DRAWN = ("() => document.querySelectorAll('#timeline-graph .scatterlayer .point, #timeline-graph .bars .point')"
         ".length > 0 && (document.querySelectorAll('#map-graph .scattergeo .point').length > 0 ||"
         " (document.querySelector('#map-graph .js-plotly-plot') || {data: []}).data.some(t => t.type &&"
         " t.type.endsWith('map') && t.lon && t.lon.length > 0))"
         " && document.querySelectorAll('#event-grid .ag-row').length > 0")
UPDATED = ("() => window.__input > 0 && window.__draws.timeline > window.__input && "
           "window.__draws.map > window.__input && window.__draws.grid > window.__input")


def start(cmd: list[str], url: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"server did not start: {' '.join(cmd)}")


def measure(page: Page, url: str, changes: int) -> dict[str, Any]:
    sizes: list[int] = []
    def body_size(r: Any) -> None:
        if "_dash-update-component" not in r.url:
            return
        try:
            sizes.append(len(r.body()))
        except Exception:  # a response whose page navigated away has no body any more
            return
    page.on("response", body_size)
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=TIMEOUT)
    first = time.perf_counter() - t0
    page.wait_for_timeout(1500)  # let start-up requests settle before timing changes
    page.evaluate(HOOK)
    labels = page.locator("#category-checklist label")
    times: list[float] = []
    per_change: list[int] = []
    shown: list[int] = []  # events in view after each change (the two apps must show the same)
    parts: list[list[float]] = []  # per change: when the timeline, the map and the table were done
    for i in range(changes):
        page.evaluate("() => { window.__draws = {timeline: 0, map: 0, grid: 0}; window.__input = 0; }")
        sizes.clear()
        labels.nth(i % labels.count()).click()  # ticks one category, then the next one too, ...
        page.wait_for_function(UPDATED, timeout=TIMEOUT)
        page.wait_for_timeout(400)  # late grid blocks and their bytes belong to this change
        times.append(page.evaluate("Math.max(window.__draws.timeline, window.__draws.map, window.__draws.grid)"
                                   " - window.__input"))
        parts.append(page.evaluate("[window.__draws.timeline - window.__input, window.__draws.map - window.__input,"
                                   " window.__draws.grid - window.__input]"))
        per_change.append(sum(sizes))
        shown.append(int(page.inner_text("#summary-line").split(" ")[0].replace(",", "")))
    return {"first": first, "times": times, "bytes": per_change, "summary": page.inner_text("#summary-line"),
            "shown": shown, "parts": parts}


def run_app(browser: Any, cmd: list[str], port: int, changes: int) -> dict[str, Any]:
    url = f"http://127.0.0.1:{port}/"
    proc = start(cmd, url)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        result = measure(page, url, changes)
        page.close()
        return result
    finally:
        proc.terminate()
        proc.wait(20)


def report(name: str, r: dict[str, Any]) -> None:
    t = r["times"]
    print(f"{name:6} first render {r['first']:7.2f} s · filter change p50 {statistics.median(t):8.0f} ms · "
          f"p95 {percentile(t, 0.95):8.0f} ms (n={len(t)}) · bytes/change median "
          f"{statistics.median(r['bytes']) / 1e6:6.2f} MB, max {max(r['bytes']) / 1e6:6.2f} MB")
    done = [statistics.median(p[i] for p in r["parts"]) for i in range(3)]
    print(f"{'':6} where a change's time goes (p50, ms after the click): timeline drawn {done[0]:.0f} · "
          f"map drawn {done[1]:.0f} · table updated {done[2]:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--data", default=None)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--naive-changes", type=int, default=3)
    parser.add_argument("--chromium", default=os.environ.get("GEOTIMELINE_CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data
        if data is None:
            data = str(Path(tmp) / "events")
            subprocess.run([sys.executable, str(REPO / "bench" / "make_events.py"), "--n", str(args.n),
                            "--out", data], check=True, stdout=subprocess.DEVNULL)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            port = free_port()
            ours = run_app(browser, [sys.executable, "-m", "app", "serve", "--data", data, "--port", str(port)],
                           port, args.changes)
            port = free_port()
            naive = run_app(browser, [sys.executable, str(REPO / "bench" / "naive_app.py"), data, "--port",
                                      str(port)], port, args.naive_changes)
            browser.close()
    print(f"data: {data} · ours: {ours['summary']} · naive: {naive['summary']}")
    report("ours", ours)
    report("naive", naive)
    k = min(len(ours["shown"]), len(naive["shown"]))
    same = ours["shown"][:k] == naive["shown"][:k]
    print(f"events in view after each change: ours {ours['shown'][:k]} · naive {naive['shown'][:k]} · "
          f"{'IDENTICAL views' if same else 'DIFFERENT views: the ratios below compare different work'}")
    p95 = percentile(naive["times"], 0.95) / percentile(ours["times"], 0.95)
    p50 = statistics.median(naive["times"]) / statistics.median(ours["times"])
    size = statistics.median(naive["bytes"]) / statistics.median(ours["bytes"])
    print(f"ratio naive/ours: first render {naive['first'] / ours['first']:5.1f}x · filter change p50 {p50:5.1f}x"
          f" · p95 {p95:5.1f}x · bytes/change {size:5.1f}x")


if __name__ == "__main__":
    main()
