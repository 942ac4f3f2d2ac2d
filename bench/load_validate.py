"""Load + validate speed and peak memory for synthetic packages (made with bench/make_events.py).

Usage: python bench/load_validate.py --n 100000 [--n 1000000]
Prints one line per size: wall time of load_package (read + validate + derive) and peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measure(path: Path) -> None:
    from app.dataset import load_package

    t0 = time.perf_counter()
    ds = load_package(path)
    elapsed = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(ds.events):>9,} events: load + validate {elapsed:6.2f} s · peak RSS {peak:7.0f} MB · "
          f"{len(ds.errors)} errors, {len(ds.warnings)} warnings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="sizes (repeatable)")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.n or [100_000]:
            out = Path(tmp) / f"events-{n}"
            subprocess.run([sys.executable, str(HERE / "make_events.py"), "--n", str(n), "--out", str(out)],
                           check=True, stdout=subprocess.DEVNULL)
            # a fresh process per size, so peak memory is that size's own
            subprocess.run([sys.executable, __file__, "--measure", str(out)], check=True)


if __name__ == "__main__":
    main()
