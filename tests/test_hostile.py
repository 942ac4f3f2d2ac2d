"""Hostile input: a corpus of nasty files and property-based fuzzing of the loader.

The promise: the loader either loads or returns a problem report — it never raises — and the
CLI never shows a traceback."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cli import main
from app.dataset import flatten, load_package
from app.dataset.reader import parse_table_bytes
from app.dataset.schema import load_schema

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
SCHEMA = load_schema()


def load_with_events(make_package, data: bytes):
    return load_package(make_package(events=data))


def codes(ds) -> set[str]:
    return {p.code for p in ds.problems}


def test_bom_is_accepted(make_package) -> None:
    ds = load_with_events(make_package, (HOSTILE / "bom-events.csv").read_bytes())
    assert ds.problems == () and len(ds.events) == 3


def test_mixed_encoding_is_reported_with_its_line(make_package) -> None:
    ds = load_with_events(make_package, (HOSTILE / "mixed-encoding-events.csv").read_bytes())
    assert flatten(ds.problems)[-1] == (3, None, "not-utf8") and ds.unreadable


def test_nan_and_inf_coordinates_are_errors(make_package) -> None:
    ds = load_with_events(make_package, (HOSTILE / "nan-inf-coords-events.csv").read_bytes())
    got = [(line, field, code) for line, field, code in flatten(ds.problems) if code == "bad-number"]
    assert got == [(2, "latitude", "bad-number"), (3, "longitude", "bad-number")]
    assert list(ds.events["event_id"]) == ["ev-ok"]


def test_impossible_dates(make_package) -> None:
    ds = load_with_events(make_package, (HOSTILE / "impossible-dates-events.csv").read_bytes())
    bad = {(line, field) for line, field, code in flatten(ds.problems) if code == "bad-date"}
    assert bad == {(2, "date_start"), (2, "date_end"), (3, "date_start"), (3, "date_end")}
    assert list(ds.events["event_id"]) == ["ev-ok"]


def test_formula_and_html_load_as_plain_text(make_package) -> None:
    ds = load_with_events(make_package, (HOSTILE / "formula-html-events.csv").read_bytes())
    ev = ds.events.set_index("event_id").loc["ev-formula"]
    assert ev["title"].startswith("=HYPERLINK(") and ev["description"].startswith("<img")


def test_nul_bytes_make_the_table_unreadable_not_a_crash(make_package) -> None:
    ds = load_with_events(make_package, (HOSTILE / "nul-events.csv").read_bytes())
    assert flatten(ds.problems) == [(2, None, "not-csv")] and ds.unreadable


def test_one_megabyte_cell(make_package) -> None:
    base = (make_package() / "events.csv").read_text()
    huge = base.replace("A drone plant opens.", "x" * 1_000_000)
    ds = load_with_events(make_package, huge.encode())
    assert ("events.csv", "description", "too-long") in {(p.file, p.field, p.code) for p in ds.problems}
    assert len(ds.events) == 3  # a warning keeps the row


def test_hundred_thousand_columns(make_package) -> None:
    header = ",".join(f"c{i}" for i in range(100_000))
    ds = load_with_events(make_package, (header + "\n" + ",".join("1" for _ in range(100_000)) + "\n").encode())
    assert "missing-column" in codes(ds) and len(ds.events) == 0


def test_cli_never_shows_a_traceback_on_the_corpus(make_package, capsys) -> None:
    for f in sorted(HOSTILE.iterdir()):
        pkg = make_package(events=f.read_bytes())
        with pytest.raises(SystemExit) as exc:
            main(["validate", str(pkg)])
        out, err = capsys.readouterr()
        assert exc.value.code in (0, 1, 2), f.name
        assert "Traceback" not in out + err, f.name


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(data: bytes) -> None:
    raw = parse_table_bytes(data, SCHEMA.tables["events"], "events.csv")
    assert raw.fatal or raw.frame is not None


CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, min_size=0, max_size=25), min_size=0, max_size=8), st.booleans())
def test_random_csv_shapes_load_or_report(make_package, rows: list[list[str]], with_header: bool) -> None:
    import csv

    buf = io.StringIO()
    writer = csv.writer(buf)
    if with_header:
        writer.writerow(SCHEMA.tables["events"].field_names)
    writer.writerows(rows)
    ds = load_package(make_package(events=buf.getvalue().encode("utf-8", "surrogatepass")))
    assert ds.events is not None
    for p in ds.problems:
        assert p.code and p.message and p.file
