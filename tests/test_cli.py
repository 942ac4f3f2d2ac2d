"""The command line: export, describe, serve's checks; never a traceback."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from app.cli import main
from app.dataset import load_package
from app.settings import Settings
from app.web import create_app


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def run_ok(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    main(args)  # commands that succeed return normally
    return capsys.readouterr()


def test_export_csv_with_url_filters(make_package, tmp_path: Path, capsys) -> None:
    out_file = tmp_path / "view.csv"
    _, err = run_ok(["export", "--data", str(make_package()), "--format", "csv", "--cat", "production,diplomacy",
                     "--out", str(out_file)], capsys)
    rows = list(csv.DictReader(io.StringIO(out_file.read_text(encoding="utf-8"))))
    assert [r["event_id"] for r in rows] == ["ev-plant", "ev-visit"]
    assert "wrote 2 events" in err


def test_export_json_to_stdout_and_alias(make_package, capsys) -> None:
    out, _ = run_ok(["export", "--data", str(make_package()), "--format", "json", "--system", "Ababil 2",
                     "--out", "-"], capsys)
    doc = json.loads(out)
    assert [e["event_id"] for e in doc["events"]] == ["ev-plant"]


def test_export_refuses_overwrite_without_force(make_package, tmp_path: Path, capsys) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "x.geojson"
    target.write_text("keep me")
    code, _, err = run(["export", "--data", str(make_package()), "--format", "geojson", "--out", str(target)], capsys)
    assert code == 1 and "--force" in err and target.read_text() == "keep me"
    run_ok(["export", "--data", str(make_package()), "--format", "geojson", "--out", str(target), "--force"], capsys)
    assert json.loads(target.read_text())["type"] == "FeatureCollection"
    assert [p.name for p in out_dir.iterdir()] == ["x.geojson"]  # no temp files left behind


def test_export_bad_filter_value_is_a_clear_error(make_package, capsys) -> None:
    code, out, err = run(["export", "--data", str(make_package()), "--format", "csv", "--cat", "nope",
                          "--out", "-"], capsys)
    assert code == 2 and "unknown category: nope" in err and "Traceback" not in out + err


def test_export_to_missing_folder(make_package, tmp_path: Path, capsys) -> None:
    code, _, err = run(["export", "--data", str(make_package()), "--format", "csv",
                        "--out", str(tmp_path / "no" / "such" / "f.csv")], capsys)
    assert code == 1 and "does not exist" in err


def test_describe(capsys) -> None:
    out, _ = run_ok(["describe"], capsys)
    assert "per category:" in out and "per year" in out and "date span:" in out
    doc = json.loads(run_ok(["describe", "--json"], capsys)[0])
    assert doc["events"] >= 80 and sum(doc["per_category"].values()) == doc["events"]


def test_serve_refuses_unreadable_data(make_package, capsys) -> None:
    pkg = make_package()
    (pkg / "events.csv").write_bytes(b"\xff\xfe bad bytes")
    code, out, err = run(["serve", "--data", str(pkg), "--port", "1"], capsys)
    assert code == 2 and "not UTF-8" in err and err.strip().count("\n") == 0 and "Traceback" not in out


def test_serve_refuses_missing_dir(tmp_path: Path, capsys) -> None:
    code, _, err = run(["serve", "--data", str(tmp_path / "nope")], capsys)
    assert code == 2 and "no such data directory" in err


def test_app_starts_on_valid_rows_with_notice(make_package) -> None:
    pkg = make_package("bad-date")
    ds = load_package(pkg)
    app = create_app(Settings(data_dir=pkg), ds)
    layout = json.dumps(app.server.test_client().get("/_dash-layout").get_json(), ensure_ascii=False)
    assert f"1 event not shown — run `python -m app validate {pkg}`" in layout


def test_usage_error_exit_2(capsys) -> None:
    code, _, err = run(["export", "--format", "xls", "--out", "-"], capsys)
    assert code == 2 and "xls" in err


def test_settings_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEOTIMELINE_PORT", "9000")
    assert Settings.from_env().port == 9000
    assert Settings.from_env(port=9100).port == 9100


IMPORTS = Path(__file__).parent / "fixtures" / "import"


@pytest.mark.parametrize("source,fmt,code", [
    ("timelinejs.json", "timelinejs", 1), ("timelinejs-sheet.csv", "timelinejs-sheet", 1),
    ("timemap.json", "timemap", 0), ("acled.csv", "acled", 1), ("generic.csv", "csv", 1),
])
def test_import_command_writes_a_valid_package(source: str, fmt: str, code: int, tmp_path: Path, capsys) -> None:
    """Exit 0 only when every row became an event; the fixtures with bad rows exit 1 (and say which)."""
    out = tmp_path / "pkg"
    args = ["import", str(IMPORTS / source), "--from", fmt, "--out", str(out)]
    if code:
        got, printed, _ = run(args, capsys)
        assert got == code
    else:
        printed, _ = run_ok(args, capsys)
    if code:
        assert source in printed and "HOW TO FIX" in printed  # the problem table names the user's file
    ds = load_package(out)
    assert ds.errors == [] and len(ds.events) > 0
    # the imported vocabulary belongs to the data: the views use its categories
    assert set(ds.events["category"]) <= set(ds.schema.vocab("category").values)
    app = create_app(Settings(data_dir=out, today="2026-11-23"), ds)
    assert app.server.test_client().get("/").status_code == 200


def test_import_with_every_row_dropped_is_an_error(tmp_path: Path, capsys) -> None:
    src = tmp_path / "dates.csv"
    src.write_text("date,title\n31 February 2023,A\nsoon,B\n", encoding="utf-8")
    code, out, err = run(["import", str(src), "--from", "csv", "--out", str(tmp_path / "pkg")], capsys)
    assert code == 1 and "became an event" in err
    assert "dates.csv:2" in out and "dates.csv:3" in out and "events.csv:" not in out
    code, out, _ = run(["validate", str(tmp_path / "pkg")], capsys)
    assert code == 1 and "no-events" in out  # an empty package is not valid


def test_import_refuses_non_empty_folder(tmp_path: Path, capsys) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    code, _, err = run(["import", str(IMPORTS / "generic.csv"), "--from", "csv", "--out", str(tmp_path)], capsys)
    assert code != 0 and "force" in err and (tmp_path / "keep.txt").read_text() == "mine"


def test_unreadable_schema_is_one_line_not_an_internal_error(make_package, capsys) -> None:
    pkg = make_package()
    (pkg / "schema.json").unlink(missing_ok=True)
    (pkg / "schema.json").mkdir()  # a folder where the file should be: reading it fails with an OSError
    code, out, err = run(["validate", str(pkg)], capsys)
    assert code == 2
    assert "schema.json: cannot be read" in err and "internal error" not in err + out
    assert len(err.strip().splitlines()) == 1
