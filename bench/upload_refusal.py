"""How fast an upload past the row limit is refused (issue 18, item 6: a 1.75M-row upload refused in
under 2 s with the limit and the CLI way around it).

Posts a 1.75M-row CSV (22.8 MB, under the byte limit) to the upload callback over HTTP through the
Flask test client, as the browser sends it (a data URL in the callback's JSON body): the server's
JSON parsing, the typed boundary, the base64 decoding and the limit checks are all timed. Prints
each post's time and the refusal it gave. ``--profile`` prints where the time of one post goes.
``--browser`` also times it as a user has it: the file chosen in the upload panel of the served
dashboard in headless Chromium, until the refusal is on the page (reading the file, sending it,
the server's answer and the page's update).

    python bench/upload_refusal.py [--rows 1750000] [--posts 5] [--profile] [--browser]
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import json
import os
import pstats
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from app.settings import Settings
from app.web import create_app, ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_750_000)
    parser.add_argument("--posts", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--browser", action="store_true")
    args = parser.parse_args()
    if args.browser:
        in_browser(args.rows, args.posts)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(today="2026-11-23", upload_dir=tmp))
        client = app.server.test_client()
        client.get("/")
        key = next(k for k, spec in app.callback_map.items() if spec.get("callback") is not None
                   and any(i["id"] == ids.UPLOAD_PAYLOAD for i in spec["inputs"]))
        spec = app.callback_map[key]
        data = b"date,title\n" + b"2020-01-01,x\n" * args.rows
        value = {"name": "big.csv", "contents": "data:text/csv;base64," + base64.b64encode(data).decode()}

        def entries(items: list[dict[str, str]]) -> list[dict[str, object]]:
            return [{"id": i["id"], "property": i["property"],
                     "value": value if i["id"] == ids.UPLOAD_PAYLOAD else None} for i in items]

        outputs = [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in key.strip(".").split("...")]
        body = json.dumps({"output": key, "outputs": outputs, "inputs": entries(spec["inputs"]),
                           "state": entries(spec["state"]),
                           "changedPropIds": [f"{ids.UPLOAD_PAYLOAD}.data"]}).encode()
        print(f"{args.rows:,} rows, {len(data) / 1e6:.1f} MB CSV, {len(body) / 1e6:.1f} MB request body")
        times = []
        for i in range(args.posts):
            t0 = time.perf_counter()
            answer = client.post("/_dash-update-component", data=body, content_type="application/json")
            times.append(time.perf_counter() - t0)
            said = answer.get_data(as_text=True)
            refused = "Not opened" in said and "python -m app import" in said
            print(f"post {i + 1}: {times[-1]:.2f} s, HTTP {answer.status_code}, "
                  f"{'refused with the limit and the CLI way' if refused else 'NOT refused: ' + said[:200]}")
        print(f"median {statistics.median(times):.2f} s, max {max(times):.2f} s (target < 2 s)")
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            client.post("/_dash-update-component", data=body, content_type="application/json")
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


def in_browser(rows: int, posts: int) -> None:
    """The refusal as a user sees it: choose the file, wait for "Not opened" in the upload report."""
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.csv"
        big.write_bytes(b"date,title\n" + b"2020-01-01,x\n" * rows)
        env = {**os.environ, "GEOTIMELINE_UPLOAD_DIR": str(Path(tmp) / "uploads")}
        server = subprocess.Popen([sys.executable, "-m", "app", "serve", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}/"
            for _ in range(120):
                try:
                    urllib.request.urlopen(url, timeout=2).read()
                    break
                except OSError:
                    time.sleep(0.5)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=os.environ.get("GEOTIMELINE_CHROMIUM",
                                                                            "/usr/bin/chromium"))
                times = []
                for i in range(posts):
                    page = browser.new_page(viewport={"width": 1366, "height": 768})
                    page.goto(url)
                    page.wait_for_selector("#summary-line", timeout=60_000)
                    page.locator("summary", has_text="Open your own data").click()
                    t0 = time.perf_counter()
                    page.set_input_files("#upload-input input[type=file]", str(big))
                    page.locator("#upload-report", has_text="Not opened").wait_for(timeout=60_000)
                    times.append(time.perf_counter() - t0)
                    said = page.locator("#upload-report").inner_text()
                    print(f"browser {i + 1}: {times[-1]:.2f} s from choosing the file to the refusal on the page"
                          f" ({'with' if 'python -m app import' in said else 'WITHOUT'} the CLI way)")
                    page.close()
                browser.close()
            print(f"browser median {statistics.median(times):.2f} s, max {max(times):.2f} s (target < 2 s)")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
