"""Load + validate speed and peak memory for synthetic packages (made with bench/make_events.py).

Usage: python bench/load_validate.py --n 100000 [--n 1000000] [--repeat 3] [--data DIR]
Each run is a fresh process timing load_package (read + validate + derive), so peak memory is that
run's own. Prints every run (wall time, CPU time, peak RSS) and then the median of the runs for
each size: when other jobs share the machine the runs spread, and the median is the number to
quote. ``--data DIR`` measures an existing package instead of writing synthetic ones.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measure(path: Path) -> None:
    """One run, in this process; prints 'wall cpu peak_mb events errors warnings'."""
    from app.dataset import load_package

    cpu0 = time.process_time()
    t0 = time.perf_counter()
    ds = load_package(path)
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{elapsed:.3f} {cpu:.3f} {peak:.0f} {len(ds.events)} {len(ds.errors)} {len(ds.warnings)}")


def runs(path: Path, repeat: int) -> None:
    """``repeat`` fresh processes on one package: each run, then the medians."""
    rows = []
    for i in range(max(1, repeat)):
        out = subprocess.run([sys.executable, __file__, "--measure", str(path)], check=True,
                             capture_output=True, text=True).stdout.split()
        wall, cpu, peak = float(out[0]), float(out[1]), float(out[2])
        events, errors, warnings = int(out[3]), int(out[4]), int(out[5])
        rows.append((wall, cpu, peak))
        print(f"  run {i + 1}: {wall:6.2f} s (CPU {cpu:6.2f} s) · peak RSS {peak:6.0f} MB")
    wall = statistics.median(r[0] for r in rows)
    cpu = statistics.median(r[1] for r in rows)
    peak = statistics.median(r[2] for r in rows)
    print(f"{events:>9,} events: load + validate {wall:6.2f} s (CPU {cpu:6.2f} s) · peak RSS {peak:6.0f} MB · "
          f"{errors} errors, {warnings} warnings · median of {len(rows)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="sizes (repeatable)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (default 3)")
    parser.add_argument("--data", type=Path, help="measure this package instead of synthetic ones")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    if args.data:
        runs(args.data, args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.n or [100_000]:
            out = Path(tmp) / f"events-{n}"
            subprocess.run([sys.executable, str(HERE / "make_events.py"), "--n", str(n), "--out", str(out)],
                           check=True, stdout=subprocess.DEVNULL)
            runs(out, args.repeat)


if __name__ == "__main__":
    main()
