"""Old and new importers, byte for byte: every fixture and corpus file imported by both, each
written package (and report) compared file by file.

    python bench/import_compare.py [--old /tmp/ref-importers] [--corpus /work/corpus] [--rows 20000]

``--old`` is a checkout of the code to compare with (``git worktree add /tmp/ref-importers
8826a05``: the branch before the column-wise path). Each file is imported in every format that
could read it (a CSV as csv, acled, timelinejs-sheet, timemap and gdelt; a workbook as xlsx, acled,
timelinejs-sheet and timemap; JSON as timelinejs and timemap), with the file deciding the day/month
order and with ``--dayfirst`` / ``--monthfirst``, plus generated tables (distinct rows, repeated
rows, rows with every kind of quirk). For each case both sides write: the package's files, the
report lines, every problem, or the refusal. Prints the cases that differ and a total.
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
CHILD = r"""
import datetime as dt, json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from app.errors import GeotimelineError
from app.importers import import_source, write_package
for case in json.loads(Path(sys.argv[2]).read_text()):
    out = Path(sys.argv[3]) / case["name"]
    out.mkdir(parents=True)
    try:
        r = import_source(Path(case["path"]), case["fmt"], case.get("mapping"), case.get("dayfirst"))
    except GeotimelineError as exc:
        (out / "refused.txt").write_text(f"{type(exc).__name__}: {exc}\n")
        continue
    except Exception as exc:  # a crash is a difference worth seeing, not the end of the run
        (out / "crashed.txt").write_text(f"{type(exc).__name__}: {exc}\n")
        continue
    lines = r.report_lines() + [json.dumps(p.as_dict(), ensure_ascii=False) for p in r.problems]
    lines.append(json.dumps(sorted((k, list(v)) for k, v in r.origins.items())))
    (out / "report.txt").write_text("\n".join(lines) + "\n")
    write_package(r, out / "pkg", today=dt.date(2026, 12, 3))
"""

FORMATS = {".csv": ("csv", "acled", "timelinejs-sheet", "timemap", "gdelt"),
           ".xlsx": ("xlsx", "acled", "timelinejs-sheet", "timemap"), ".json": ("timelinejs", "timemap")}


def generated(folder: Path, rows: int) -> list[Path]:
    """Tables made to take every branch of the column-wise path, and its fall-backs."""
    rng = random.Random(16)
    paths = []
    quirks = ["2023-03-15", "15/03/2023", "03/04/2023", "5-Aug-24", "20230315", "April-May 1945 ", "1990s",
              "not a date", "", "0600-02-01", "9000", "March 2023", "Q3 2021", "2023-02-30", "c. 1850", "43831"]
    titles = ["Shelling reported", "", "A <b>bold</b> title &amp; more", "Ehrenämter", "WomenÕs march",
              "Pick n Pay\x92s", "x" * 200, "NA", "NULL", "Café\u200b opens", "  spaced   out  "]
    lats = ["50.45", "", "91", "abc", "50,45", "-0.0000", "12.3456789", "NaN", "1e1"]
    countries = ["UKR", "Ukraine", "", "Narnia", "NA", "FR", "804"]
    urls = ["https://example.org/a", "", "ftp://x", "['https://a.org/1', 'https://b.org/2']",
            "see https://c.org/x; https://d.org/y.", "[Reuters](https://reuters.com/x)", "javascript:alert(1)"]
    cats = ["Battles", "", "Protests", "battles", "Riots/Looting", "Violence against civilians" * 3]
    repaired = {"Ehrenämter", "WomenÕs march", "Pick n Pay\x92s", "Café\u200b opens"}
    for label, ids in (("quirks", True), ("quirks-noid", False), ("quirks-clean", True), ("quirks-unrepaired", True)):
        plain = [t for t in titles if t not in repaired]
        path = folder / f"gen-{label}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "date", "end", "title", "description", "category", "sub_event_type", "lat", "lon",
                        "country", "iso3", "url", "source", "notes", "kind", "precision", "geo_precision",
                        "verification", "place", "year"])
            for i in range(rows):
                clean = label == "quirks-clean"
                pick = (lambda xs: xs[0]) if clean and rng.random() < 0.9 else rng.choice
                w.writerow([
                    ("" if not ids else f"E{i}" if label in ("quirks-clean", "quirks-unrepaired")
                     else f"E{rng.randrange(rows * 4)}" if rng.random() < 0.95 else "E 1/é"),
                    pick(quirks) if not clean else f"20{rng.randrange(10, 24)}-{rng.randrange(1, 13):02d}-"
                    f"{rng.randrange(1, 29):02d}",
                    rng.choice(["", "", "", "2024-01-01", "2020", "bad"]) if not clean else "",
                    (f"Event {i}" if clean else rng.choice(plain) if label == "quirks-unrepaired"
                     else pick(titles)),
                    rng.choice(["", "Something, as reported.", "<p>x</p>"]),
                    pick(cats), rng.choice(["", "Armed clash", "battles", "Peaceful protest"]),
                    pick(lats), rng.choice(["30.5", "", "181", "30.52"]), pick(countries),
                    rng.choice(["", "UKR", "ZZZ"]),
                    pick(urls), rng.choice(["", "Reuters", "https://e.org/s"]), rng.choice(["", "a note", "NA"]),
                    rng.choice(["", "", "period", "point"]), rng.choice(["", "", "month", "year", "weekly"]),
                    rng.choice(["", "exact", "near", "bogus"]), rng.choice(["", "confirmed", "nope"]),
                    rng.choice(["", "Kyiv", "Lviv"]), rng.choice(["", "2023", "2024"]),
                ])
        paths.append(path)
    same = folder / "gen-same.csv"
    with same.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["date", "title"])
        for _ in range(rows):
            w.writerow(["2024-05-01", "Shelling reported"])
    paths.append(same)
    sys.path.insert(0, str(HERE / "bench"))
    from import_speed import make_csv

    distinct = folder / "gen-distinct.csv"
    make_csv(distinct, rows, False)
    paths.append(distinct)
    return paths


def cases(corpus: Path, folder: Path, rows: int) -> list[dict[str, object]]:
    files = sorted(p for d in (HERE / "tests" / "fixtures").glob("import*") for p in d.rglob("*") if p.is_file())
    if (corpus / "files").is_dir():
        files += sorted((corpus / "files").iterdir())
    files += generated(folder, rows)
    out: list[dict[str, object]] = []
    for path in files:
        suffix = path.suffix.lower()
        fmts = FORMATS.get(suffix, ("csv", "gdelt"))
        for fmt in fmts:
            for dayfirst in (None, True, False) if fmt in ("csv", "acled") else (None,):
                name = f"{path.parent.name}-{path.name}-{fmt}-{dayfirst}"
                out.append({"name": name, "path": str(path), "fmt": fmt, "dayfirst": dayfirst})
        if suffix == ".csv" and path.name.startswith("gen-"):
            out.append({"name": f"{path.name}-mapped", "path": str(path), "fmt": "csv",
                        "mapping": {"dataset_url": "https://example.org/data", "title": "description"}})
    return out


def run(code: Path, case_file: Path, out: Path) -> None:
    subprocess.run([str(HERE / ".venv" / "bin" / "python"), "-c", CHILD, str(code), str(case_file), str(out)],
                   check=True, cwd=code)


def differ(a: Path, b: Path) -> list[str]:
    out = []
    cmp = filecmp.dircmp(a, b)
    stack = [(cmp, "")]
    while stack:
        c, prefix = stack.pop()
        out += [f"{prefix}{n} only on one side" for n in c.left_only + c.right_only]
        _same, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        out += [f"{prefix}{n} differs" for n in mismatch + errors]
        stack += [(sub, f"{prefix}{name}/") for name, sub in c.subdirs.items()]
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--old", default="/tmp/ref-importers")
    ap.add_argument("--corpus", default="/work/corpus")
    ap.add_argument("--rows", type=int, default=20000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        todo = cases(Path(args.corpus), folder, args.rows)
        case_file = folder / "cases.json"
        case_file.write_text(json.dumps(todo))
        run(Path(args.old), case_file, folder / "old")
        run(HERE, case_file, folder / "new")
        bad = 0
        for case in todo:
            diffs = differ(folder / "old" / str(case["name"]), folder / "new" / str(case["name"]))
            if diffs:
                bad += 1
                print(f"DIFFERS {case['name']}: {', '.join(diffs[:6])}")
        packages = sum(1 for c in todo if (folder / "new" / str(c["name"]) / "pkg").is_dir())
        print(f"{len(todo)} cases ({packages} packages written, {len(todo) - packages} refused), "
              f"{len(todo) - bad} identical byte for byte, {bad} differ")
        return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
