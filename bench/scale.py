"""The dashboard at scale against the naive baseline (bench/naive_app.py), same data, same run.

For each size (1,000, 5,000 and 100,000 synthetic events from bench/make_events.py by default)
and each app, in headless Chromium (no GPU, as on a plain laptop VM):
- first render: page opened (server already up) -> timeline, map and table drawn, over
  ``--loads`` fresh pages: p50 / p95;
- filter change -> timeline, map and table updated (plotly_afterplot on both graphs and the
  grid's modelUpdated, timed in the page from the checkbox's change event): p50 / p95;
- response bytes per filter change (bodies of the Dash callback responses it caused);
- the events in view after each change, for both apps: the same clicks must give the same
  views (checked and printed: IDENTICAL or DIFFERENT), or the ratios compare different work.
Then the ratios (naive / ours) per size. Prints numbers; asserts nothing.

Usage: python bench/scale.py [--sizes 1000,5000,100000 | --data DIR] [--changes 20]
                             [--naive-changes 12] [--naive-changes-large 6] [--loads 3]
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


def first_render(page: Page, url: str) -> float:
    """Seconds from opening the page to timeline, map and table drawn."""
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=TIMEOUT)
    return time.perf_counter() - t0


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
    first = first_render(page, url)
    page.wait_for_timeout(1500)  # let start-up requests settle before timing changes
    page.evaluate(HOOK)
    labels = page.locator("#category-checklist label")
    times: list[float] = []
    per_change: list[int] = []
    shown: list[int] = []  # events in view after each change (the two apps must show the same)
    for i in range(changes):
        page.evaluate("() => { window.__draws = {timeline: 0, map: 0, grid: 0}; window.__input = 0; }")
        sizes.clear()
        labels.nth(i % labels.count()).click()  # ticks one category, then the next one too, ...
        page.wait_for_function(UPDATED, timeout=TIMEOUT)
        page.wait_for_timeout(400)  # late grid blocks and their bytes belong to this change
        times.append(page.evaluate("Math.max(window.__draws.timeline, window.__draws.map, window.__draws.grid)"
                                   " - window.__input"))
        per_change.append(sum(sizes))
        shown.append(int(page.inner_text("#summary-line").split(" ")[0].replace(",", "")))
    return {"first": first, "times": times, "bytes": per_change, "summary": page.inner_text("#summary-line"),
            "shown": shown}


def run_app(browser: Any, cmd: list[str], port: int, changes: int, loads: int) -> dict[str, Any]:
    url = f"http://127.0.0.1:{port}/"
    proc = start(cmd, url)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        result = measure(page, url, changes)
        page.close()
        firsts = [result["first"]]
        for _ in range(loads - 1):  # each on a fresh page (its own cache), the server already warm
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            firsts.append(first_render(page, url))
            page.close()
        result["firsts"] = firsts
        return result
    finally:
        proc.terminate()
        proc.wait(20)


def report(name: str, r: dict[str, Any]) -> None:
    t, f = r["times"], r["firsts"]
    print(f"  {name:6} first render p50 {statistics.median(f):6.2f} s · p95 {percentile(f, 0.95):6.2f} s (n={len(f)})"
          f" · filter change p50 {statistics.median(t):7.0f} ms · p95 {percentile(t, 0.95):7.0f} ms (n={len(t)})"
          f" · bytes/change median {statistics.median(r['bytes']) / 1e6:5.2f} MB, max {max(r['bytes']) / 1e6:5.2f} MB")


def compare(label: str, data: str, browser: Any, changes: int, naive_changes: int, loads: int) -> dict[str, Any]:
    port = free_port()
    ours = run_app(browser, [sys.executable, "-m", "app", "serve", "--data", data, "--port", str(port)],
                   port, changes, loads)
    port = free_port()
    naive = run_app(browser, [sys.executable, str(REPO / "bench" / "naive_app.py"), data, "--port", str(port)],
                    port, naive_changes, loads)
    print(f"{label}: ours {ours['summary']!r} · naive {naive['summary']!r}")
    report("ours", ours)
    report("naive", naive)
    k = min(len(ours["shown"]), len(naive["shown"]))
    same = ours["shown"][:k] == naive["shown"][:k]
    print(f"  events in view after each change: ours {ours['shown'][:k]} · naive {naive['shown'][:k]} · "
          f"{'IDENTICAL views' if same else 'DIFFERENT views: the ratios below compare different work'}")
    ratio = {
        "first p50": statistics.median(naive["firsts"]) / statistics.median(ours["firsts"]),
        "first p95": percentile(naive["firsts"], 0.95) / percentile(ours["firsts"], 0.95),
        "change p50": statistics.median(naive["times"]) / statistics.median(ours["times"]),
        "change p95": percentile(naive["times"], 0.95) / percentile(ours["times"], 0.95),
        "bytes": statistics.median(naive["bytes"]) / statistics.median(ours["bytes"]),
    }
    print("  ratio naive/ours: " + " · ".join(f"{k} {v:5.1f}x" for k, v in ratio.items()))
    return {"label": label, "same": same, "ratio": ratio}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,100000", help="synthetic table sizes, comma-separated")
    parser.add_argument("--n", type=int, default=None, help="one size only (same as --sizes N)")
    parser.add_argument("--data", default=None, help="a data package instead of synthetic tables")
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--naive-changes", type=int, default=12)
    parser.add_argument("--naive-changes-large", type=int, default=6, help="for the naive app above 20,000 events")
    parser.add_argument("--loads", type=int, default=3, help="page loads per app for the first render")
    parser.add_argument("--chromium", default=os.environ.get("GEOTIMELINE_CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args()
    sizes = [args.n] if args.n else [int(x) for x in args.sizes.split(",") if x]
    results = []
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores shared: compare ratios, not times)")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        runs = [(args.data, f"data {args.data}", 0)] if args.data else [(None, f"{n:,} events", n) for n in sizes]
        for data, label, n in runs:
            if data is None:
                data = str(Path(tmp) / f"events-{n}")
                subprocess.run([sys.executable, str(REPO / "bench" / "make_events.py"), "--n", str(n),
                                "--out", data], check=True, stdout=subprocess.DEVNULL)
            naive_changes = args.naive_changes_large if n > 20_000 else args.naive_changes
            results.append(compare(label, data, browser, args.changes, naive_changes, args.loads))
            print(f"  (load average now {os.getloadavg()[0]:.2f})", flush=True)
        browser.close()
    print("summary (naive/ours, > 1 = ours faster):")
    for r in results:
        print(f"  {r['label']:>15}: " + " · ".join(f"{k} {v:5.1f}x" for k, v in r["ratio"].items())
              + ("" if r["same"] else " · DIFFERENT views"))


if __name__ == "__main__":
    main()
