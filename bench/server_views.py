"""What a filter change costs the server, side by side with the old code, in one run.

    python bench/server_views.py [--old /tmp/old] [--rounds 3] [--data DIR]

A fresh interpreter of each checkout (this one and ``--old``, alternated ``--rounds`` times) makes
the app (``create_app``) and posts the view callback through Flask's test client, as the page does
when a category is ticked: every combination of one and two categories (the bundled data: 45
states), first as a state the server has not seen, then each again (seen before: the view caches).
Timed per request from the post to the response's bytes, Dash's JSON encoding included: wall and
CPU milliseconds (on a shared machine the CPU time is the steadier number), and the response size.
Prints p50 / p95 per side and round, and the resident memory after the run. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
CHILD = r"""
import itertools, json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
import psutil
from app.dataset import load_package
from app.settings import Settings
from app.web import create_app
settings = Settings(today="2026-11-23", **({"data_dir": sys.argv[2]} if sys.argv[2] else {}))
app = create_app(settings)
client = app.server.test_client()
key = next(k for k in app.callback_map if k.startswith("..url-location.search"))
spec = app.callback_map[key]
cats = sorted(set(load_package(settings.data_dir).events["category"]))
base = {("url-location", "search"): "", ("lanes-radio", "value"): "category",
        ("seats-checklist", "value"): ["seats"], ("filter-store", "data"): {"categories": []},
        ("view-store", "data"): {"lanes": "category", "seats": True, "narrative": "", "step": 0}}
outputs = [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in key.strip(".").split("...")]

def post(chosen):
    values = {**base, ("category-checklist", "value"): list(chosen)}
    entries = lambda items: [{**i, "value": values.get((i["id"], i["property"]))} for i in items]
    payload = json.dumps({"output": key, "outputs": outputs, "inputs": entries(spec["inputs"]),
                          "state": entries(spec["state"]), "changedPropIds": ["category-checklist.value"]})
    t, c = time.perf_counter(), time.process_time()
    resp = client.post("/_dash-update-component", data=payload, content_type="application/json")
    body = resp.get_data()
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    assert resp.status_code == 200, resp.status_code
    return wall * 1000, cpu * 1000, len(body)

states = [c for r in (1, 2) for c in itertools.combinations(cats, r)]
post(())  # the default view: drawn once at start-up
unseen = [post(s) for s in states]
seen = [post(s) for s in states]
def q(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]
out = {}
for name, rows in (("unseen", unseen), ("seen", seen)):
    out[name] = {"wall50": q([r[0] for r in rows], .5), "wall95": q([r[0] for r in rows], .95),
                 "cpu50": q([r[1] for r in rows], .5), "cpu95": q([r[1] for r in rows], .95),
                 "bytes50": q([r[2] for r in rows], .5)}
out["states"] = len(states)
out["rss"] = psutil.Process().memory_info().rss / 2**20
print(json.dumps(out))
"""


def run(checkout: Path, data: str) -> dict[str, object]:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(checkout), data], capture_output=True, text=True,
                          cwd=checkout, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{checkout}: {proc.stderr[-2000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", default=None, help="a checkout of the code to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data", default="", help="a data package (default: the bundled data)")
    args = parser.parse_args()
    sides = [("new", HERE)] + ([("old", Path(args.old))] if args.old else [])
    for r in range(1, args.rounds + 1):
        for name, checkout in sides:
            got = run(checkout, args.data)
            u, s = got["unseen"], got["seen"]
            assert isinstance(u, dict) and isinstance(s, dict)
            print(f"round {r} {name}: {got['states']} states · unseen p50/p95 {u['wall50']:.1f}/{u['wall95']:.1f} ms "
                  f"(CPU {u['cpu50']:.1f}/{u['cpu95']:.1f}) · seen before {s['wall50']:.1f}/{s['wall95']:.1f} ms "
                  f"(CPU {s['cpu50']:.1f}/{s['cpu95']:.1f}) · response {u['bytes50'] / 1e3:.0f} kB · "
                  f"RSS {got['rss']:.0f} MB", flush=True)


if __name__ == "__main__":
    main()
