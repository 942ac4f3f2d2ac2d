"""Nightly-style fuzzing: the property tests of the suite with fresh random cases, many rounds.

CI runs every hypothesis test with a fixed (derandomized) set of at least 500 cases so that a run
is reproducible; this runs them with new random cases ROUNDS times (500 x ROUNDS cases per
property), and prints the failures hypothesis reports (with the input that fails).

Usage: python bench/fuzz.py [--rounds 10] [pytest -k expression]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FILES = ["tests/test_fuzz_importers.py", "tests/test_hostile.py", "tests/test_urlstate.py", "tests/test_server.py",
         "tests/test_upload.py", "tests/test_scale.py"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("-k", default="", help="pytest -k expression to pick tests")
    args = parser.parse_args()
    env = {**os.environ, "GEOTIMELINE_HYPOTHESIS": "random"}
    failed = 0
    for n in range(1, args.rounds + 1):
        t0 = time.perf_counter()
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:dash", *FILES]
        if args.k:
            cmd += ["-k", args.k]
        run = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
        last = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else "(no output)"
        print(f"round {n}: {last} ({time.perf_counter() - t0:.0f} s)")
        if run.returncode:
            failed += 1
            print("\n".join(line for line in run.stdout.splitlines() if line.startswith(("E ", "FAILED"))))
    print(f"{failed} of {args.rounds} rounds failed")


if __name__ == "__main__":
    main()
