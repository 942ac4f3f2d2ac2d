"""One fixture folder per defect: the exact (line, field, code) list and the CLI exit code."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from app.cli import main
from app.dataset import flatten, load_package

CASES = {
    # defect folder: (problems as (line, field, code) sorted by file then line, exit code)
    "bad-date": ([
        (4, "event_id", "dependent-dropped"), (5, "event_id", "dependent-dropped"),  # event_actors
        (3, "event_id", "dependent-dropped"),  # event_sources
        (3, "date_end", "bad-date"), (3, "date_start", "bad-date"),  # events
    ], 1),
    "end-before-start": ([
        (4, "event_id", "dependent-dropped"), (5, "event_id", "dependent-dropped"),
        (3, "event_id", "dependent-dropped"), (3, "date_end", "end-before-start"),
    ], 1),
    "lat-without-lon": ([
        (4, "event_id", "dependent-dropped"), (5, "event_id", "dependent-dropped"),
        (3, "event_id", "dependent-dropped"), (3, "longitude", "lat-lon-pair"),
    ], 1),
    "lat-149": ([
        (4, "event_id", "dependent-dropped"), (5, "event_id", "dependent-dropped"),
        (3, "event_id", "dependent-dropped"), (3, "latitude", "out-of-range"),
    ], 1),
    "unknown-category": ([
        (4, "event_id", "dependent-dropped"), (5, "event_id", "dependent-dropped"),
        (3, "event_id", "dependent-dropped"), (3, "category", "bad-enum"),
    ], 1),
    "duplicate-id": ([(5, "event_id", "duplicate-key")], 1),
    "missing-source": ([(3, "source_id", "missing-reference"), (3, "event_id", "no-source")], 1),
    "javascript-url": ([
        (3, "source_id", "dependent-dropped"), (3, "event_id", "no-source"), (3, "url", "bad-url"),
    ], 1),
    "unknown-iso3": ([
        (4, "event_id", "dependent-dropped"), (5, "event_id", "dependent-dropped"),
        (3, "event_id", "dependent-dropped"), (3, "country", "bad-country"),
    ], 1),
    "missing-column": ([(1, "verification", "missing-column")], 1),
    "empty-file": ([(1, None, "empty-file")], 1),
    "extra-fields": ([
        (4, "event_id", "dependent-dropped"), (5, "event_id", "dependent-dropped"),
        (3, "event_id", "dependent-dropped"), (3, None, "bad-row-shape"),
    ], 1),
    "non-utf8": ([(3, None, "not-utf8")], 2),
    "narrative-unknown-event": ([(3, "event_id", "missing-reference")], 1),
    "narrative-duplicate-step": ([(3, "narrative_id+step", "duplicate-key")], 1),
    "narrative-empty": ([(3, "narrative_id", "empty-narrative")], 1),
}


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


@pytest.mark.parametrize("defect", sorted(CASES))
def test_defect_fixture(defect: str, make_package, capsys) -> None:
    expected, expected_exit = CASES[defect]
    pkg = make_package(defect)
    ds = load_package(pkg)
    assert flatten(ds.problems) == expected
    code, out, err = run_cli(["validate", str(pkg)], capsys)
    assert code == expected_exit
    assert "Traceback" not in out + err
    # the table names the defect by line and field
    first = next(p for p in ds.problems if p.code == expected[-1][2])
    assert f"{first.file}:{first.line}" in out
    if first.field:
        assert first.field in out


def test_valid_rows_still_load(make_package) -> None:
    ds = load_package(make_package("bad-date"))
    assert sorted(ds.events["event_id"]) == ["ev-plant", "ev-regime"]
    assert ds.dropped_events == 1


def test_base_fixture_is_clean(make_package, capsys) -> None:
    pkg = make_package()
    assert load_package(pkg).problems == ()
    code, out, _ = run_cli(["validate", str(pkg)], capsys)
    assert code == 0
    assert out.startswith("valid: 3 events")


def test_junk_file_of_5_mb(make_package, capsys) -> None:
    rng = random.Random(1234)
    junk = bytes(rng.getrandbits(8) for _ in range(5 * 1024 * 1024))
    pkg = make_package(events=junk)
    code, out, err = run_cli(["validate", str(pkg)], capsys)
    assert code == 2
    assert "not-utf8" in out
    assert "Traceback" not in out + err


def test_junk_text_is_invalid_not_a_crash(make_package, capsys) -> None:
    rng = random.Random(99)
    lines = ["".join(rng.choice("abc,\"; \t=") for _ in range(40)) for _ in range(2000)]
    pkg = make_package(events="\n".join(lines))
    code, out, err = run_cli(["validate", str(pkg)], capsys)
    assert code in (1, 2)
    assert "Traceback" not in out + err


def test_missing_directory_exits_2_with_one_line(tmp_path: Path, capsys) -> None:
    code, _out, err = run_cli(["validate", str(tmp_path / "nope")], capsys)
    assert code == 2
    assert err.strip().count("\n") == 0
    assert "no such data directory" in err


def test_missing_table_exits_2(make_package, capsys) -> None:
    pkg = make_package()
    (pkg / "sources.csv").unlink()
    ds = load_package(pkg)
    assert flatten(ds.problems) == [(None, None, "missing-table")]
    code, _, _ = run_cli(["validate", str(pkg)], capsys)
    assert code == 2


def test_json_report_is_stable(make_package, capsys) -> None:
    code, out, _ = run_cli(["validate", str(make_package("bad-date")), "--json"], capsys)
    assert code == 1
    doc = json.loads(out)
    assert doc["format"] == 1
    assert doc["status"] == "invalid"
    assert set(doc["summary"]) == {
        "events", "events_in_file", "sources", "actors", "systems", "errors", "warnings"}
    assert doc["summary"]["events"] == 2 and doc["summary"]["events_in_file"] == 3
    problem = next(p for p in doc["problems"] if p["code"] == "bad-date")
    assert set(problem) == {"severity", "file", "line", "field", "value", "code", "message", "hint"}
    assert problem["value"] == "2023-02-30"
    assert problem["message"] == (
        'events.csv, line 3, field "date_end": "2023-02-30" is not a real date (expected YYYY-MM-DD)')
    assert problem["hint"]
