"""How much memory a worker's view caches take, side by side with the old code, in one run.

    python bench/cache_memory.py [--old /tmp/old-caches] [--n 331,20000,100000] [--states 200]

For each table (the bundled data, and synthetic packages of N events from bench/make_events.py), a
fresh interpreter of each checkout loads it as a worker does (``Loaded.from_dataset``), draws the
first view, then ``--states`` different filter states (random category subsets, year windows and
searches, the same sequence for both sides) through ``compose_view`` and the table's first sorted
block, the way a stream of users does. Prints the resident memory after the first view, at the
end, and the growth in MB and per cent (issue 18's target: worker memory growth <= 10 % under
load), and the seconds the states took.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
CHILD = r"""
import dataclasses, datetime as dt, gc, random, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import psutil
from app.dataset import load_package
from app.figures.context import FigureContext
from app.filters import FilterState, ViewState
from app.view import Loaded, compose_view, table_block
ds = load_package(Path(sys.argv[2]))
loaded = Loaded.from_dataset(ds, FigureContext.from_dataset(ds, today="2026-11-23"))
compose_view(loaded, FilterState(), ViewState())
gc.collect()
proc = psutil.Process()
start = proc.memory_info().rss
rng = random.Random(18)
cats = sorted(set(ds.events["category"]))
years = sorted({d.year for d in ds.events["date_start"].dropna()})
words = ["drone", "attack", "sanction", "Iran", "Russia", "plant", "the", "event", "town"]
t = time.perf_counter()
for i in range(int(sys.argv[3])):
    state = FilterState(categories=tuple(rng.sample(cats, rng.randint(1, max(1, len(cats) // 2)))))
    if rng.random() < 0.5:
        a = rng.choice(years)
        b = min(a + rng.randint(0, 5), years[-1])
        state = dataclasses.replace(state, start=dt.date(a, 1, 1), end=dt.date(b, 12, 31))
    if rng.random() < 0.3:
        state = dataclasses.replace(state, text=rng.choice(words))
    state = FilterState.from_dict(state.to_dict())
    compose_view(loaded, state, ViewState(lanes=rng.choice(["category", "actor"])))
    table_block(loaded, state, (("title", rng.random() < 0.5),), 0, 100)
gc.collect()
end = proc.memory_info().rss
print(len(ds.events), start, end, time.perf_counter() - t)
"""


def run(checkout: Path, package: Path, states: int) -> tuple[int, int, int, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(checkout), str(package), str(states)],
                         capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"{checkout}: {out.stderr.strip().splitlines()[-1]}")
    n, start, end, secs = out.stdout.split()
    return int(n), int(start), int(end), float(secs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--n", default="331,20000,100000", help="table sizes (331: the bundled data)")
    parser.add_argument("--states", type=int, default=200)
    args = parser.parse_args()
    sides = [("new", HERE)] + ([("old", args.old.resolve())] if args.old else [])
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(x) for x in args.n.split(",")):
            package = HERE / "data"
            if size != 331:
                package = Path(tmp) / f"events-{size}"
                subprocess.run([sys.executable, str(HERE / "bench" / "make_events.py"), "--n", str(size),
                                "--out", str(package)], check=True, capture_output=True)
            for name, checkout in sides:
                n, start, end, secs = run(checkout, package, args.states)
                mb = 1024 * 1024
                print(f"{n:>7} events · {name}: after the first view {start / mb:7.1f} MB · after "
                      f"{args.states} states {end / mb:7.1f} MB · growth {(end - start) / mb:+7.1f} MB "
                      f"({(end - start) / start:+.1%}) · {secs:.1f} s", flush=True)


if __name__ == "__main__":
    main()
