"""Page loads while four decks build: p50/p95 of page loads (GET / + /_dash-layout +
/_dash-dependencies) during four concurrent PPTX downloads, against `gunicorn -w 2`.

    python bench/decks_under_load.py [--old /tmp/old-harden] [--loads 40] [--rounds 1]

With --old DIR it runs the same against that checkout too (e.g. `git archive` of an older commit
into DIR) and prints both side by side; --rounds N alternates the two N times. Each line gives the
machine's load average before and after the run, and the queue places the decks were told (the
progress text while waiting for a renderer). Only 127.0.0.1.
Every process it starts is stopped. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
STORY = "dushanbe-to-alabuga"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str, data: Any = None, timeout: float = 120) -> tuple[int, bytes]:
    body = None if data is None else json.dumps(data).encode()
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"} if body else {})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(req, timeout=timeout) as resp:
        return int(resp.status), resp.read()


def deck(base: str, spec: dict[str, Any], told: list[str]) -> float:
    """Ask for a deck as the browser does (polling a background job if it is one); seconds to the file."""
    ins = [{"id": i["id"], "property": i["property"], "value": 1 if i["id"] == "present-pptx-button" else None}
           for i in spec["inputs"]]
    st = [{"id": s["id"], "property": s["property"],
           "value": {"narrative": STORY, "step": 0} if s["id"] == "view-store" else None} for s in spec["state"]]
    out = spec["output"]
    body = {"output": out, "outputs": {"id": out.split(".")[0], "property": out.split(".", 1)[1]},
            "inputs": ins, "state": st, "changedPropIds": ["present-pptx-button.n_clicks"]}
    start = time.monotonic()
    _, raw = get(base + "/_dash-update-component", body)
    answer = json.loads(raw)
    handle = {"cacheKey": answer.get("cacheKey"), "job": answer.get("job")}
    deadline = time.monotonic() + 300
    while "response" not in answer:
        if time.monotonic() > deadline:
            raise OSError("no deck within 300 s")
        time.sleep(0.5)
        _, raw = get(f"{base}/_dash-update-component?{urllib.parse.urlencode(handle)}", body)
        answer = json.loads(raw) if raw else {}
        text = (answer.get("progress") or {}).get("job-text.children")
        if isinstance(text, str) and text.startswith("In the queue") and text not in told:
            told.append(text)
    return time.monotonic() - start


def run(checkout: Path, loads: int) -> dict[str, Any]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "GEOTIMELINE_TODAY": "2026-11-23", "GEOTIMELINE_REDIS_URL": "",
           "PYTHONPATH": str(checkout)}
    tmp = tempfile.mkdtemp(prefix="geotimeline-decks-")
    env["GEOTIMELINE_UPLOAD_DIR"] = tmp + "/uploads"
    log = open(Path(tmp) / "gunicorn.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                             "app.wsgi:create_server()"], cwd=checkout, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for _ in range(600):
            try:
                get(base + "/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        deps = json.loads(get(base + "/_dash-dependencies")[1])
        spec = next(d for d in deps if any(i["id"] == "present-pptx-button" for i in d["inputs"]))
        for path in ("/", "/_dash-layout", "/_dash-dependencies"):  # warm
            get(base + path)
        decks: list[float] = []
        told: list[str] = []
        load_before = os.getloadavg()[0]
        failed: list[str] = []

        def one() -> None:
            try:
                decks.append(deck(base, spec, told))
            except OSError as exc:  # an HTTP error answered to a poll: the deck is lost
                failed.append(str(exc))
        threads = [threading.Thread(target=one) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        times = []
        for _ in range(loads):  # bounded: `loads` page loads, one after another, while the decks build
            start = time.monotonic()
            for path in ("/", "/_dash-layout", "/_dash-dependencies"):
                get(base + path)
            times.append(1000 * (time.monotonic() - start))
            time.sleep(0.1)
        during = sum(t.is_alive() for t in threads)
        for t in threads:
            t.join(timeout=300)
        times.sort()
        return {"p50": statistics.median(times), "p95": times[int(0.95 * (len(times) - 1))], "max": times[-1],
                "decks": sorted(decks), "still_building_at_end": during, "told": told, "failed": failed,
                "load": (load_before, os.getloadavg()[0])}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        log.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, help="a checkout of the old code to run side by side")
    parser.add_argument("--loads", type=int, default=40, help="page loads measured (5..500)")
    parser.add_argument("--rounds", type=int, default=1, help="alternate this code and --old N times (1..10)")
    args = parser.parse_args()
    if not 5 <= args.loads <= 500:
        parser.error("--loads must be 5..500")
    if not 1 <= args.rounds <= 10:
        parser.error("--rounds must be 1..10")
    rows = []
    for _ in range(args.rounds):
        rows.append(("this code", run(REPO, args.loads)))
        if args.old:
            rows.append((f"old ({args.old})", run(args.old, args.loads)))
    print(f"page loads (GET / + layout + dependencies) while 4 decks build, gunicorn -w 2, n = {args.loads}, "
          f"{os.cpu_count()} cores (target p95 ≤ 500 ms)")
    for name, r in rows:
        decks = ", ".join(f"{d:.1f}" for d in r["decks"])
        print(f"  {name:<28} p50 {r['p50']:7.0f} ms · p95 {r['p95']:7.0f} ms · max {r['max']:7.0f} ms · "
              f"decks done in {decks} s · load average {r['load'][0]:.1f} → {r['load'][1]:.1f}")
        if r["failed"]:
            print(f"  {'':<28} decks lost: " + " | ".join(r["failed"]))
        if r["told"]:
            print(f"  {'':<28} queue: " + " | ".join(r["told"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
