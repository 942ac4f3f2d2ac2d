"""Import every file of a corpus of real third-party files and print, per file: format,
rows -> events, dropped (by problem code), validation errors, time, and the outcome.

    python bench/import_corpus.py [CORPUS_DIR]      (default: /work/corpus)

CORPUS_DIR holds ``manifest.tsv`` (name, --from format, repository, path, commit, expected:
"events", "refuse", or "none" — every row is out of what can be shown, and each must say why)
and ``files/``. The files are third-party data kept outside the repository
(bench/corpus.md lists where each comes from). An outcome is "ok" when a file expected to import
gives events that validate with no error, or a file expected to be refused is refused with a
one-line reason; "EMPTY" (0 events and no refusal) is the failure this corpus exists to catch.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.dataset import load_package
from app.errors import GeotimelineError
from app.importers import import_source, write_package


def main(corpus: Path) -> int:
    rows = [line.split("\t") for line in (corpus / "manifest.tsv").read_text().splitlines() if line.strip()]
    print(f"{'file':<34} {'format':<16} {'rows':>7} {'events':>7} {'dropped':>8} {'doubt':>6} {'errors':>6} "
          f"{'time':>7}  outcome / dropped by code")
    ok = 0
    for name, fmt, _repo, _path, _commit, expect in rows:
        src = corpus / "files" / name
        t0 = time.perf_counter()
        try:
            result = import_source(src, fmt)
        except GeotimelineError as exc:
            dt = time.perf_counter() - t0
            right = expect == "refuse"
            ok += right
            print(f"{name:<34} {fmt:<16} {'-':>7} {'-':>7} {'-':>8} {'-':>6} {'-':>6} {dt:>6.2f}s  "
                  f"{'ok' if right else 'WRONG'} refused: {str(exc)[:110]}")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            write_package(result, Path(tmp) / "pkg")
            ds = load_package(Path(tmp) / "pkg")
        dt = time.perf_counter() - t0
        codes = Counter(p.code for p in result.dropped)
        errors = len(ds.errors)
        n = len(ds.events)
        if n == 0 and expect == "none" and len(result.dropped) == result.rows_read:
            outcome = "ok (no row can be shown; each one's reason is reported, exit 1)"
        elif n == 0:
            outcome = "EMPTY"
        elif expect == "refuse":
            outcome = "WRONG (expected a refusal)"
        else:
            outcome = "ok" if errors == 0 else "WRONG (validation errors)"
        ok += outcome.startswith("ok")
        detail = ", ".join(f"{c} {k}" for c, k in codes.most_common(4))
        print(f"{name:<34} {fmt:<16} {result.rows_read:>7} {n:>7} {len(result.dropped):>8} {len(result.warnings):>6} "
              f"{errors:>6} {dt:>6.2f}s  {outcome}{' · ' + detail if detail else ''}")
    print(f"\n{ok} of {len(rows)} files imported right ({100 * ok / max(len(rows), 1):.0f} %)")
    return 0 if ok == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/corpus")))
