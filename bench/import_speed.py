"""Import speed and memory, side by side with the old code, in one run.

    python bench/import_speed.py [--old /tmp/old-importers] [--rows 100000,1000000] [--same 10000,20000,40000]

Two workloads, each imported by a fresh interpreter (``import_source`` + ``write_package``) of
this checkout and of the old one (a worktree of main at 29192e6: ``git worktree add
/tmp/old-importers 29192e6``):

- ``--rows``: a CSV of N distinct events (id, date, title, text, category, lat, lon, country, url);
- ``--same``: N rows sharing one date and one title and no id (the old code made ids unique by
  probing -2, -3 … from the start for each row: quadratic).

Prints seconds (wall, and CPU: on a shared machine the CPU time is the steadier number; the load
average is printed with each run) and peak resident memory (MB) of each child; the old code is given at most
``--timeout`` seconds per run.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
CHILD = """
import resource, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from app.importers import import_source, write_package
t, cpu = time.perf_counter(), time.process_time()
r = import_source(Path(sys.argv[2]), "csv")
with tempfile.TemporaryDirectory() as tmp:
    write_package(r, Path(tmp) / "pkg")
print(len(r.events), time.perf_counter() - t, time.process_time() - cpu,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def make_csv(path: Path, rows: int, same: bool) -> None:
    cats = ["Battles", "Protests", "Riots", "Strategic developments", "Violence against civilians"]
    countries = ["UKR", "SYR", "YEM", "MLI", "COL"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        if same:
            w.writerow(["date", "title"])
            for _ in range(rows):
                w.writerow(["2024-05-01", "Shelling reported"])
            return
        w.writerow(["id", "date", "title", "description", "category", "lat", "lon", "country", "url"])
        for i in range(rows):
            day = 1 + i % 28
            w.writerow([f"EV{i}", f"2023-{1 + i % 12:02d}-{day:02d}", f"Event {i} in town {i % 997}",
                        f"Something happened in town {i % 997}, as reported.", cats[i % 5],
                        f"{(i % 1800) / 20 - 45:.4f}", f"{(i % 3600) / 20 - 90:.4f}", countries[i % 5],
                        f"https://example.org/report/{i % 5000}"])


def run(code_dir: Path, csv_path: Path, timeout: float) -> str:
    t = time.perf_counter()
    try:
        out = subprocess.run([str(HERE / ".venv" / "bin" / "python"), "-c", CHILD, str(code_dir), str(csv_path)],
                             capture_output=True, text=True, timeout=timeout, cwd=code_dir)
    except subprocess.TimeoutExpired:
        return f"> {timeout:.0f} s (stopped)"
    wall = time.perf_counter() - t
    if out.returncode:
        return f"failed: {out.stderr.strip().splitlines()[-1][:80]}"
    events, inner, cpu, peak_kb = out.stdout.split()
    mem = f"peak {int(peak_kb) / 1024:.0f} MB"
    return (f"{float(inner):6.1f} s ({float(cpu):5.1f} s of CPU; {wall:5.1f} s with start-up), {mem}, "
            f"{int(events):,} events")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--old", default="/tmp/old-importers")
    ap.add_argument("--rows", default="100000,1000000")
    ap.add_argument("--same", default="10000,20000,40000")
    ap.add_argument("--timeout", type=float, default=300)
    args = ap.parse_args()
    old = Path(args.old)
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average "
          + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    with tempfile.TemporaryDirectory() as tmp:
        for label, sizes, same in (("distinct rows", args.rows, False), ("same date and title", args.same, True)):
            for n in (int(s) for s in sizes.split(",") if s):
                path = Path(tmp) / f"{label[:4]}-{n}.csv"
                make_csv(path, n, same)
                print(f"{label}, {n:,} rows ({path.stat().st_size / 1e6:.0f} MB):")
                print(f"  new: {run(HERE, path, 3600)}")
                if old.is_dir():
                    print(f"  old: {run(old, path, args.timeout)}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
