"""Importers: foreign event tables -> our data package, which must then load with 0 errors.

Fixtures are small hand-written files in tests/fixtures/import/, one per format, each with the
awkward cases (year-only dates, BCE, year 602, HTML/JS in text, missing and extra columns, a
Latin-1 file, day-first dates). XLSX workbooks are built in the test with openpyxl.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from app.dataset import load_package
from app.errors import GeotimelineError, OutputError, UserInputError
from app.importers import FORMATS, ImportError_, ImportResult, import_source, parse_mapping, write_package
from app.importers.dates import DateProblem, parse_date, span, window_of
from app.importers.text import plain_text

FIX = Path(__file__).parent / "fixtures" / "import"
TODAY = dt.date(2026, 11, 23)


def rows(result: ImportResult, *cols: str) -> list[tuple[str, ...]]:
    frame = result.events
    return [tuple(r) for r in frame[list(cols)].itertuples(index=False, name=None)]


def by_id(result: ImportResult, event_id: str) -> dict[str, Any]:
    frame = result.events
    match = frame[frame["event_id"] == event_id]
    assert len(match) == 1, f"{event_id} not imported: {frame['event_id'].tolist()}"
    return dict(match.iloc[0])


def reasons(result: ImportResult) -> list[tuple[int, str]]:
    return [(d.line if d.line is not None else (d.field or "").split(".")[0], d.message) for d in result.dropped]


def loads_clean(result: ImportResult, tmp_path: Path) -> Any:
    """Write the package, load it with our loader: no errors, and every event kept."""
    out = tmp_path / "pkg"
    write_package(result, out, today=TODAY)
    ds = load_package(out)
    assert [p.message for p in ds.errors] == []
    assert {p.code for p in ds.warnings} <= {"no-source"}
    assert len(ds.events) == len(result.events)
    return ds


# -- TimelineJS JSON ----------------------------------------------------------------------------
def test_timelinejs_json_events_and_windows() -> None:
    r = import_source(FIX / "timelinejs.json", "timelinejs")
    assert r.title == "Example drone timeline"
    assert rows(r, "event_id", "kind", "date_start", "date_end", "date_precision", "category") == [
        ("summit-2022", "point", "2022-05-17", "2022-05-17", "day", "diplomacy"),
        ("1990-01-01-year-only-event", "point", "1990-01-01", "1990-12-31", "year", "context"),
        ("2020-08-01-a-span-of-months", "period", "2020-08-01", "2021-02-28", "month", "diplomacy"),
        ("0602-01-01-year-602-event", "point", "0602-01-01", "0602-12-31", "year", "uncategorised"),
        ("2300-01-01-far-future", "point", "2300-01-01", "2300-01-31", "month", "uncategorised"),
        ("summit-2022-2", "point", "2023-01-01", "2023-12-31", "year", "uncategorised"),
        ("2019-03-01-only-a-text-no-headline", "point", "2019-03-01", "2019-03-01", "day", "uncategorised"),
        ("2015-01-01-the-deal-years", "period", "2015-01-01", "2018-12-31", "year", "era"),
    ]
    summit = by_id(r, "summit-2022")
    assert (summit["latitude"], summit["longitude"], summit["place_name"]) == ("38.5598", "68.787", "Dushanbe")
    assert (summit["geo_precision"], summit["location_role"], summit["verification"]) == ("near", "site", "unverified")
    assert by_id(r, "1990-01-01-year-only-event")["geo_precision"] == "none"
    assert "Aug 2020 – Feb 2021" in by_id(r, "2020-08-01-a-span-of-months")["notes"]


def test_timelinejs_json_drops_with_reasons() -> None:
    r = import_source(FIX / "timelinejs.json", "timelinejs")
    got = reasons(r)
    assert [line for line, _ in got] == ["events[4]", "events[6]", "events[8]"]
    assert "BCE" in got[0][1] and "year 1 … 9999" in got[0][1]
    assert got[1][1].endswith("has no start_date")
    assert "not a real date" in got[2][1]
    assert {p.file for p in r.dropped} == {"timelinejs.json"} and all(p.line is None for p in r.dropped)
    assert any('share an id with an earlier one' in n and "summit-2022-2" in n for n in r.notes)


def test_timelinejs_json_html_reduced_to_safe_text() -> None:
    r = import_source(FIX / "timelinejs.json", "timelinejs")
    summit = by_id(r, "summit-2022")
    assert summit["title"] == "Leaders meet in Dushanbe"
    assert summit["description"] == "They opened a plant. See this."
    text = " ".join(" ".join(frame.astype(str).to_numpy().ravel()) for frame in r.tables.values())
    for bad in ("<", ">", "script", "alert", "onerror", "javascript"):
        assert bad not in text


def test_timelinejs_json_media_becomes_a_source_only_when_http() -> None:
    r = import_source(FIX / "timelinejs.json", "timelinejs")
    src = r.tables["sources"]
    assert src[["publisher", "title", "author", "url"]].values.tolist() == [
        ["example.org", "Report on the summit", "Example News", "https://example.org/news/summit"]]
    assert r.tables["event_sources"][["event_id", "role"]].values.tolist() == [["summit-2022", "primary"]]
    assert r.mapped["media.url"] == "sources.url"
    assert r.unmapped == ["autolink", "background"]
    assert any("no http(s) URL" in n for n in r.notes)


def test_timelinejs_json_not_a_timeline(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('{"slides": []}', encoding="utf-8")
    with pytest.raises(ImportError_, match="not a TimelineJS file"):
        import_source(bad, "timelinejs")
    broken = tmp_path / "broken.json"
    broken.write_text('{"events": [\n  {"a": 1,}\n]}', encoding="utf-8")
    with pytest.raises(ImportError_, match=r"not valid JSON \(line 2"):
        import_source(broken, "timelinejs")


def test_timelinejs_json_non_object_items_are_dropped(tmp_path: Path) -> None:
    f = tmp_path / "t.json"
    f.write_text(json.dumps({"events": ["oops", {"start_date": {"year": "x"}, "text": {"headline": "h"}}]}))
    r = import_source(f, "timelinejs")
    assert reasons(r) == [("events[0]", "not an object"), ("events[1]", '"h": start_date year "x" is not a number')]
    assert [p.field for p in r.dropped] == ["events[0]", "events[1].start_date"]
    assert r.events.empty


# -- TimelineJS sheet ----------------------------------------------------------------------------
def test_timelinejs_sheet_template() -> None:
    r = import_source(FIX / "timelinejs-sheet.csv", "timelinejs-sheet")
    assert r.title == "My sheet timeline"
    assert rows(r, "event_id", "kind", "date_start", "date_end", "date_precision", "category") == [
        ("2022-05-17-plant-opens", "point", "2022-05-17", "2022-05-17", "day", "production"),
        ("1990-01-01-year-only", "point", "1990-01-01", "1990-12-31", "year", "context"),
        ("2015-07-01-era-of-talks", "period", "2015-07-01", "2016-01-31", "month", "era"),
        ("0602-01-01-year-602", "point", "0602-01-01", "0602-12-31", "year", "context"),
        ("2023-01-01-month-only", "point", "2023-01-01", "2023-01-31", "month", "statement"),
    ]
    got = reasons(r)
    assert [line for line, _ in got] == [7, 8, 9]
    assert "BCE" in got[0][1] and "not a real date" in got[1][1]
    assert got[2][1] == '"No year at all": has no Year'
    assert [(p.field, p.code) for p in r.dropped] == [("Year", "date-out-of-range"), ("Year", "bad-date"),
                                                       ("Year", "no-date")]
    assert r.unmapped == ["Media Thumbnail", "Alt Text", "Background", "Curator note"]
    plant = by_id(r, "2022-05-17-plant-opens")
    assert plant["description"] == "A plant opens."
    assert "Time in the source: 10:30" in plant["notes"]
    assert by_id(r, "2023-01-01-month-only")["description"] == "Text with a script"
    assert r.tables["sources"]["url"].tolist() == ["https://example.org/plant"]  # the relative path is not kept
    assert r.tables["sources"]["author"].tolist() == ["Photo: Someone"]


def test_timelinejs_sheet_without_newer_columns() -> None:
    r = import_source(FIX / "timelinejs-sheet-old.csv", "timelinejs-sheet")
    assert rows(r, "date_start", "date_end", "date_precision", "category") == [
        ("2010-06-09", "2010-06-09", "day", "legal"),
        ("2011-01-01", "2011-12-31", "year", "uncategorised"),
    ]
    assert r.unmapped == ["Media Thumbnail", "Background"]
    assert r.dropped == []


def test_timelinejs_sheet_needs_year_column() -> None:
    with pytest.raises(ImportError_, match="not a TimelineJS sheet"):
        import_source(FIX / "generic.csv", "timelinejs-sheet")


# -- TimeMap ----------------------------------------------------------------------------------------
def test_timemap_folder_of_sheet_tabs() -> None:
    r = import_source(FIX / "timemap", "timemap")
    assert rows(r, "event_id", "date_start", "date_precision", "category", "latitude", "longitude") == [
        ("ev1", "2022-03-14", "day", "shelling", "47.0951", "37.5413"),
        ("ev2", "2022-03-15", "day", "troop-movement", "47.1", "37.6"),
        ("ev4", "2022-03-16", "day", "troop-movement", "", ""),  # latitude without longitude: none kept
    ]
    assert r.categories == {"shelling": "Shelling", "troop-movement": "Troop movement"}
    assert r.events["title"].iloc[0] == "Shelling reported near the bridge"
    assert "Filter: Time of day > Daytime" in by_id(r, "ev1")["notes"]
    assert reasons(r) == [(4, '"An event with a bad date": "13/45/2022": month 13 is not 1–12')]
    assert r.unmapped == ["extra_col", "type"]
    links = r.tables["event_sources"].merge(r.tables["sources"], on="source_id")
    assert sorted(links[["event_id", "url"]].values.tolist()) == [
        ["ev1", "https://example.org/photo/2"], ["ev1", "https://example.org/video/1"]]
    video = r.tables["sources"].set_index("url").loc["https://example.org/video/1"]
    assert (video["title"], video["author"], video["published"]) == ("Video of shelling", "Witness A", "2022-03-14")
    assert any("missing-src" in n for n in r.notes)


def test_timemap_combined_json_and_events_file_siblings() -> None:
    r = import_source(FIX / "timemap.json", "timemap")
    assert rows(r, "event_id", "date_start", "category") == [("a1", "2022-03-20", "strikes"),
                                                            ("a2", "2022-03-21", "strikes")]
    assert "Narrative: The depot story" in by_id(r, "a1")["notes"]
    assert r.tables["sources"]["url"].tolist() == ["https://example.org/sat/1.jpg"]
    # the events file alone: its sources and associations are found beside it
    r2 = import_source(FIX / "timemap" / "export_events.csv", "timemap")
    assert r2.events["category"].tolist() == ["shelling", "troop-movement", "troop-movement"]


def test_timemap_day_first(tmp_path: Path) -> None:
    (tmp_path / "events.csv").write_text("id,description,date\ne1,Day first,25/12/2021\ne2,Ambiguous,03/04/2021\n")
    r = import_source(tmp_path, "timemap")
    assert r.events["date_start"].tolist() == ["2021-12-25", "2021-04-03"]
    assert any("day-first" in n for n in r.notes)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ImportError_, match="no events file"):
        import_source(empty, "timemap")


# -- ACLED ------------------------------------------------------------------------------------------
def test_acled_rows() -> None:
    r = import_source(FIX / "acled.csv", "acled")
    assert rows(r, "event_id", "date_start", "date_end", "date_precision", "category", "sub_category",
                "geo_precision", "country") == [
        ("UKR1001", "2023-03-15", "2023-03-15", "day", "battles", "armed-clash", "exact", "UKR"),
        ("UKR1002", "2023-03-17", "2023-03-23", "week", "explosions-remote-violence", "air-drone-strike", "near",
         "UKR"),
        ("UKR1003", "2023-04-01", "2023-04-30", "month", "protests", "peaceful-protest", "admin-region", "UKR"),
        ("KOS1005", "2023-05-02", "2023-05-02", "day", "strategic-developments", "other", "exact", ""),
    ]
    assert reasons(r) == [(5, '"UKR1004": "31 February 2023" is not a real date')]
    clash = by_id(r, "UKR1001")
    assert clash["title"] == "Armed clash in Bakhmut"
    assert clash["description"] == "Clashes were reported near the town."
    assert "Ukrainska Pravda; Reuters" in clash["notes"] and "Fatalities reported by ACLED: 3" in clash["notes"]
    assert (clash["latitude"], clash["longitude"]) == ("48.5956", "38.0003")
    assert "timestamp" in r.unmapped and "event_date" not in r.unmapped
    # no URL for ACLED's named sources: none invented
    assert r.tables["sources"].empty
    assert any("dataset_url" in n for n in r.notes)


def test_acled_actors_and_roles() -> None:
    r = import_source(FIX / "acled.csv", "acled")
    ea = r.tables["event_actors"].merge(r.tables["actors"], on="actor_id")
    got = {(e, n, role, t) for e, n, role, t in ea[["event_id", "name", "role", "actor_type"]].values}
    assert ("UKR1001", "Military Forces of Russia (2000-)", "attacker", "state-military") in got
    assert ("UKR1001", "Military Forces of Ukraine (2019-)", "target", "state-military") in got
    assert ("UKR1001", "Wagner Group", "participant", "other") in got
    assert ("UKR1002", "Civilians (Ukraine)", "target", "other") in got
    assert ("UKR1003", "Protesters (Ukraine)", "participant", "other") in got  # a protest has no attacker
    assert r.uses_other_actor_type


def test_acled_dataset_url_cites_the_export(tmp_path: Path) -> None:
    url = "https://acleddata.com/data-export-tool/"
    r = import_source(FIX / "acled.csv", "acled", {"dataset_url": url})
    assert r.tables["sources"][["url", "source_type"]].values.tolist() == [[url, "reference"]]
    assert len(r.tables["event_sources"]) == len(r.events)
    ds = loads_clean(r, tmp_path)
    assert not ds.warnings  # every event has a source now
    assert "other" in ds.schema.vocab("actor_type").values


def test_acled_with_missing_columns() -> None:
    r = import_source(FIX / "acled-minimal.csv", "acled")
    assert rows(r, "event_id", "date_precision", "category", "country", "latitude", "geo_precision") == [
        ("SYR1", "day", "battles", "SYR", "35.02", "country"),  # placed at the country's centre
        ("SYR2", "day", "uncategorised", "SYR", "35.02", "country"),
    ]
    assert r.unmapped == ["my_extra"]
    assert r.tables["actors"].empty and r.dropped == []
    with pytest.raises(ImportError_, match="not an ACLED export"):
        import_source(FIX / "mapped.csv", "acled")


# -- any CSV / XLSX ----------------------------------------------------------------------------------
def test_generic_csv_autodetects_columns() -> None:
    r = import_source(FIX / "generic.csv", "csv")
    assert r.mapped == {"When": "date_start", "What": "title", "Details": "description", "Type": "category",
                        "Country": "country", "Lat": "latitude", "Lng": "longitude", "Link": "url",
                        "Publisher": "source"}
    assert r.unmapped == ["Internal code"]
    assert rows(r, "date_start", "date_end", "date_precision", "category", "country", "latitude", "geo_precision") == [
        ("2022-05-17", "2022-05-17", "day", "production", "TJK", "38.5598", "near"),
        ("2022-08-01", "2022-08-31", "month", "transfer", "IRN", "32.57", "country"),  # the country's centre
        ("2019-01-01", "2019-12-31", "year", "uncategorised", "", "", "none"),
        ("0602-01-01", "0602-12-31", "year", "uncategorised", "", "", "none"),  # year 602: historians' dates
        ("2023-01-05", "2023-01-05", "day", "production", "", "", "none"),  # latitude 149: no coordinates
        ("2024-01-01", "2024-01-01", "day", "uncategorised", "", "", "none"),  # "Atlantis": no country
    ]
    assert [line for line, _ in reasons(r)] == [6, 7, 10]
    assert [(p.field, p.value, p.code) for p in r.dropped] == [
        ("When", "2021-02-30", "bad-date"), ("When", "not a date", "bad-date"), ("When", "", "no-date")]
    assert 'column "When"' in r.dropped[0].hint
    assert reasons(r)[2] == (10, '"Missing date": the date is empty')
    links = r.tables["event_sources"].merge(r.tables["sources"], on="source_id")
    assert links[["url", "role", "publisher"]].values.tolist() == [
        ["https://example.org/a", "primary", "Example News"], ["https://example.org/b", "corroborating", "example.org"]]
    assert "Source named in the file: Some Paper" in r.events["notes"].iloc[1]
    assert any("Atlantis" in n for n in r.notes) and any("latitude 149" in n for n in r.notes)


def test_generic_csv_with_map() -> None:
    mapping = parse_mapping(["date_start=Start", "end=Stop", "title=Event name", "description=Story",
                             "place=Where", "lat=Y", "lon=X", "url=Reference"])
    r = import_source(FIX / "mapped.csv", "csv", mapping)
    assert rows(r, "kind", "date_start", "date_end", "place_name", "latitude", "longitude") == [
        ("period", "2020-01-01", "2020-12-31", "Tehran", "35.6892", "51.389")]
    assert r.mapped["Y"] == "latitude" and r.unmapped == []


def test_bad_mapping_and_format_are_user_errors() -> None:
    with pytest.raises(UserInputError, match="not a field"):
        import_source(FIX / "mapped.csv", "csv", {"colour": "Start"})
    with pytest.raises(UserInputError, match='no column "Nope"'):
        import_source(FIX / "mapped.csv", "csv", {"date_start": "Nope"})
    with pytest.raises(UserInputError, match="applies to the csv and xlsx formats"):
        import_source(FIX / "acled.csv", "acled", {"date_start": "event_date"})
    with pytest.raises(UserInputError, match="unknown format"):
        import_source(FIX / "acled.csv", "geojson")
    with pytest.raises(UserInputError, match="FIELD=COLUMN"):
        parse_mapping(["date_start"])
    assert set(FORMATS) == {"timelinejs", "timelinejs-sheet", "timemap", "acled", "gdelt", "csv", "xlsx"}


def test_unreadable_inputs_raise_one_line(tmp_path: Path) -> None:
    with pytest.raises(ImportError_, match="no date column"):
        import_source(FIX / "no-date.csv", "csv")
    with pytest.raises(ImportError_, match="no such file"):
        import_source(tmp_path / "missing.csv", "csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ImportError_, match="empty"):
        import_source(empty, "csv")
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(ImportError_, match="NUL"):
        import_source(binary, "csv")
    with pytest.raises(GeotimelineError) as exc:
        import_source(FIX / "no-date.csv", "csv")
    assert "\n" not in str(exc.value)


def test_latin1_file_is_read_and_reported() -> None:
    r = import_source(FIX / "latin1.csv", "csv")
    assert r.events["title"].tolist() == ["Café meeting in Zürich", "São Paulo event"]
    assert r.events["place_name"].tolist() == ["Zürich", "São Paulo"]
    assert any("not UTF-8" in n and "line 2" in n for n in r.notes)


def test_day_first_dates(tmp_path: Path) -> None:
    r = import_source(FIX / "dayfirst.csv", "csv")
    assert rows(r, "kind", "date_start", "date_end") == [
        ("point", "2022-04-23", "2022-04-23"), ("period", "2022-06-05", "2022-06-07"),
        ("point", "2022-12-01", "2022-12-01")]
    assert any("day-first" in n for n in r.notes)
    ambiguous = tmp_path / "amb.csv"
    ambiguous.write_text("date,title\n05/06/2022,Ambiguous\n")
    assert import_source(ambiguous, "csv").events["date_start"].tolist() == ["2022-05-06"]
    assert import_source(ambiguous, "csv", dayfirst=True).events["date_start"].tolist() == ["2022-06-05"]


def test_semicolon_and_decimal_comma() -> None:
    r = import_source(FIX / "semicolon.csv", "csv")
    assert rows(r, "latitude", "longitude") == [("10.5", "20.25")]
    assert any("separated by ';'" in n for n in r.notes)


def test_rows_with_too_many_fields_are_dropped(tmp_path: Path) -> None:
    f = tmp_path / "shape.csv"
    f.write_text('date,title\n2020-01-01,Fine\n2020-01-02,Too,many\n2020-01-03,"multi\nline"\n2020-01-04,Last,\n')
    r = import_source(f, "csv")
    assert r.events["title"].tolist() == ["Fine", "multi line", "Last"]
    assert [line for line, _ in reasons(r)] == [3]


def _workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Events"
    ws.append(["Date", "Title", "Latitude", "Longitude", "Score"])
    ws.append([dt.datetime(2022, 5, 17), "From a date cell", 38.5, 68.7, "=1+1"])
    ws.append([2019, "Year as a number", None, None, '=HYPERLINK("http://evil.example","x")'])
    ws.append(["2020-03", '=CONCAT("a","b")', None, None, None])
    other = wb.create_sheet("Other")
    other.append(["date", "title"])
    other.append(["2021-01-01", "On the second sheet"])
    wb.save(path)


def test_xlsx_cells_and_formulas(tmp_path: Path) -> None:
    path = tmp_path / "events.xlsx"
    _workbook(path)
    r = import_source(path, "xlsx")
    assert rows(r, "date_start", "date_end", "date_precision", "title", "latitude") == [
        ("2022-05-17", "2022-05-17", "day", "From a date cell", "38.5"),
        ("2019-01-01", "2019-12-31", "year", "Year as a number", ""),
    ]
    # a formula is never kept as text: never calculated, the title is empty and the row is dropped
    assert reasons(r) == [(4, "has neither a title nor a description")]
    assert any("3 formula cell(s)" in n for n in r.notes)
    assert r.unmapped == ["Score"]
    r2 = import_source(path, "xlsx", {"sheet": "Other"})
    assert r2.events["title"].tolist() == ["On the second sheet"]
    with pytest.raises(ImportError_, match='no sheet named "Nope"'):
        import_source(path, "xlsx", {"sheet": "Nope"})
    loads_clean(r, tmp_path)


def test_xlsx_refuses_zip_bombs_and_non_workbooks(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (4 * 1024 * 1024))
    with pytest.raises(ImportError_, match="zip bomb"):
        import_source(bomb, "xlsx")
    fake = tmp_path / "fake.xlsx"
    fake.write_text("date,title\n")
    with pytest.raises(ImportError_, match=r"not an \.xlsx workbook"):
        import_source(fake, "xlsx")


# -- writing the package ----------------------------------------------------------------------------
CASES = [
    ("timelinejs.json", "timelinejs", {}),
    ("timelinejs-sheet.csv", "timelinejs-sheet", {}),
    ("timelinejs-sheet-old.csv", "timelinejs-sheet", {}),
    ("timemap", "timemap", {}),
    ("timemap.json", "timemap", {}),
    ("acled.csv", "acled", {}),
    ("acled-minimal.csv", "acled", {}),
    ("generic.csv", "csv", {}),
    ("mapped.csv", "csv", {"date_start": "Start", "title": "Event name"}),
    ("latin1.csv", "csv", {}),
    ("dayfirst.csv", "csv", {}),
    ("semicolon.csv", "csv", {}),
]


@pytest.mark.parametrize(("name", "fmt", "mapping"), CASES, ids=[c[0] for c in CASES])
def test_every_import_loads_with_zero_errors(name: str, fmt: str, mapping: dict[str, str], tmp_path: Path) -> None:
    r = import_source(FIX / name, fmt, mapping)
    assert len(r.events) > 0
    for table, frame in r.tables.items():
        assert all(isinstance(v, str) for c in frame.columns for v in frame[c]), table
    loads_clean(r, tmp_path)


def test_written_package_schema_and_metadata(tmp_path: Path) -> None:
    r = import_source(FIX / "acled.csv", "acled")
    files = write_package(r, tmp_path / "out", today=TODAY)
    assert sorted(p.name for p in files) == sorted(
        ["events.csv", "sources.csv", "event_sources.csv", "actors.csv", "event_actors.csv", "systems.csv",
         "schema.json", "datapackage.json"])
    schema = json.loads((tmp_path / "out" / "schema.json").read_text(encoding="utf-8"))
    cats = [v["value"] for v in schema["vocabularies"]["category"]["values"]]
    assert cats == ["battles", "explosions-remote-violence", "protests", "strategic-developments"]
    subs = {v["value"]: v["category"] for v in schema["vocabularies"]["sub_category"]["values"]}
    assert subs["battles"] == "battles"  # each category has a generic sub-category of its own name
    assert subs["armed-clash"] == "battles" and subs["other"] == "strategic-developments"
    meta = json.loads((tmp_path / "out" / "datapackage.json").read_text(encoding="utf-8"))
    assert (meta["title"], meta["version"], meta["last_reviewed"]) == ("acled", "0.1.0", "2026-11-23")
    assert meta["licenses"] == [{"name": "unknown", "title": "unknown — check the source"}]
    assert "acled.csv" in meta["citation"]
    assert [(d["line"], d["message"], d["code"]) for d in meta["import"]["dropped"]] == [
        (5, r.dropped[0].message, "bad-date")]
    ds = load_package(tmp_path / "out")
    assert ds.title() == "acled" and ds.errors == []


def test_write_refuses_non_empty_directory(tmp_path: Path) -> None:
    r = import_source(FIX / "dayfirst.csv", "csv")
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(OutputError, match="not empty"):
        write_package(r, out)
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    write_package(r, out, force=True)
    assert (out / "events.csv").exists() and (out / "keep.txt").read_text() == "mine"
    assert load_package(out).errors == []


@pytest.mark.parametrize("cells", [
    ["plain", "a,b", 'say "hi"', "two\nlines", "", " spaced ", "é ü", "\u2028", '""', "tab\tx"],
    ["x\ry", "b", "c", "d", "e", "f", "g", "h", "i", "j"],  # "\r": the csv writer writes it
    ["a,b", "c,d", "e,", ",f", "g,h", "i,j", "k,l"],  # every cell quoted, no quote to double
    ['a,"b"', '"c"', "d\ne", 'f""', "g,h", '"', ","],  # every cell quoted, quotes doubled
    ["plain", "no", "quotes", "here", "at", "all", "x"],  # none quoted
])
@pytest.mark.parametrize("block", [65536, 3])  # a block of rows at a time: blocks of 3 cut the columns
def test_package_csv_is_what_to_csv_writes(cells: list[str], block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.importers import writer
    from app.importers.writer import csv_bytes

    monkeypatch.setattr(writer, "_BLOCK", block)
    for frame in (pd.DataFrame({"a": cells, "b": cells[::-1]}, dtype="str"), pd.DataFrame({"a": cells}, dtype="str"),
                  pd.DataFrame({"a": [], "b": []}, dtype="str"), pd.DataFrame({"a": cells, "b": [None] * len(cells)})):
        buffer = io.BytesIO()
        csv_bytes(frame, buffer)
        assert buffer.getvalue() == frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


@pytest.mark.parametrize("text", [
    'id,title\n1,"a, b"\n2,"say ""hi"""\n3,ab"c\n4,"ab"c\n5, "x"\n6,NA\n',
    'id;title\r\n1;a\r\n2;"b;c"\r\n',  # CRLF, another delimiter
    'id,title\n1,a\n\n2,b\n',  # a blank line
    'id,title\n1,"two\nlines"\n2,b\n',  # a quoted line break
    'id,title\n1,a,\n2,b,x\n3\n',  # wider and narrower records
    'id,title\n \t, \u3000\n1,a\n',  # a record of blank cells
    'id,title\n1,a\r2,b\n',  # a lone "\r"
    'id,title\n1,\x85x\n2,"\u2028"',  # no final line break
])
def test_csv_read_by_arrow_is_read_as_the_csv_reader_reads_it(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.importers import readers

    def read() -> tuple[object, ...]:
        t = readers.parse_csv_text(text, "x.csv")
        return t.columns, [(r.line, r.record) for r in t.rows], t.notes, t.bad_rows, t.missing

    fast = read()
    monkeypatch.setattr(readers, "_arrow_cells", lambda *args: None)
    assert fast == read()



@pytest.mark.parametrize("data", [
    b'id,title\n1,"a, b"\n2,"say ""hi"""\n3,ab"c\n4,"ab"c\n5, "x"\n6,NA\n',
    b'\xef\xbb\xbfid;title\r\n1;a\r\n2;"b;c"\r\n',  # a BOM, CRLF, another delimiter
    b'"id","title"\n"1","a"\n',  # a quoted header
    b'"id","ti\ntle"\n1,a\n2,b\n',  # a header whose quotes run on to the next line
    b'"id","ti\ntle\n1,a\n2,b\n',  # ... and never close
    b'"id","ti\nx,y"\n1,a\n',  # ... where the rest of the header looks like a record
    b'id,title,title\n1,a,b\n',  # a repeated column name
    b'id,title\n',  # a header alone
    b'id,title',  # without its line break
    b'id\n1\n',  # one column
    b' , \n1,a\n',  # a blank header
    b'id,title\n1,caf\xc3\xa9\n2,\xef\xbf\xbe\n',  # UTF-8 (U+FFFE is a character)
    b'id,title\n1,Pick n Pay\x92s\n',  # Windows-1252
    b'id,t\xe9\n1,a\n',  # Windows-1252 in the header
    b'id,title\n1,\xed\xa0\x80\n',  # an encoded surrogate: not UTF-8
    b'id,title\n1,a\x00b\n',  # a NUL
    b'id,title\n1,a\r2,b\n',  # a lone "\r"
    b'id,title\n1,a\n\n2,b\n',  # a blank line
    b'id,title\n1,NULL\n2,NA\n3,x\n',  # missing-value markers
    b'id\tcountry\n1\tNA\n2\tUS\n',  # "NA" among two-letter codes
])
def test_csv_read_from_bytes_is_read_as_the_decoded_text_is(data: bytes, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A CSV read straight from its bytes (pyarrow, no decoded copy of the whole text) gives the
    table, notes and errors the csv reader gives for the decoded text."""
    from app.importers import readers
    from app.importers.source import Source

    path = tmp_path / "x.csv"
    path.write_bytes(data)

    def read() -> tuple[object, ...]:
        try:
            t = readers.read_csv(Source.from_path(path))
        except ImportError_ as exc:
            return ("error", str(exc))
        return t.columns, [(r.line, r.record) for r in t.rows], t.notes, t.bad_rows, t.missing

    calls: list[object] = []
    real = readers._read_csv_bytes
    monkeypatch.setattr(readers, "_read_csv_bytes", lambda box, label: calls.append(real(box, label)) or calls[-1])
    fast = read()
    monkeypatch.setattr(readers, "_read_csv_bytes", lambda box, label: None)
    monkeypatch.setattr(readers, "_arrow_cells", lambda *args: None)
    assert fast == read()
    if data.startswith((b"id,title\n1,\"a", b"\xef", b'"id","title"', b"id,title,title", b"id,title\n1,caf",
                        b"id,title\n1,NULL")):
        assert calls[0] is not None  # read from the bytes, not decoded first


def test_ids_are_stable_across_imports() -> None:
    a = import_source(FIX / "timelinejs.json", "timelinejs")
    b = import_source(FIX / "timelinejs.json", "timelinejs")
    assert a.events["event_id"].tolist() == b.events["event_id"].tolist()
    pd.testing.assert_frame_equal(a.tables["sources"], b.tables["sources"])


def test_generated_ids_are_unique_and_valid(tmp_path: Path) -> None:
    f = tmp_path / "dups.csv"
    f.write_text("date,title,id\n2020-01-01,Same,\n2020-01-01,Same,\n2020-01-02,Other,bad id/ü\n")
    r = import_source(f, "csv")
    assert r.events["event_id"].tolist() == ["2020-01-01-same", "2020-01-01-same-2", "bad-id-u"]
    loads_clean(r, tmp_path)


# -- the small parts ------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("2023-03-15", ("2023-03-15", "2023-03-15", "day")),
    ("2023-03-15T10:30:00Z", ("2023-03-15", "2023-03-15", "day")),
    ("15 March 2023", ("2023-03-15", "2023-03-15", "day")),
    ("March 15, 2023", ("2023-03-15", "2023-03-15", "day")),
    ("15-Mar-2023", ("2023-03-15", "2023-03-15", "day")),
    ("March 2023", ("2023-03-01", "2023-03-31", "month")),
    ("2024-02", ("2024-02-01", "2024-02-29", "month")),
    ("2019", ("2019-01-01", "2019-12-31", "year")),
    ("Q3 2022", ("2022-07-01", "2022-09-30", "quarter")),
    ("8/23/2011", ("2011-08-23", "2011-08-23", "day")),
])
def test_parse_date_windows(text: str, expected: tuple[str, str, str]) -> None:
    w = parse_date(text)
    assert (w.start.isoformat(), w.end.isoformat(), w.precision) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("-44", "BCE"), ("500 BC", "BCE"), ("10000", "year 10000"), ("0", "BCE"),
    ("2021-02-30", "not a real date"), ("23/04/22", "two-digit year"), ("someday", "not a date"), ("", "empty"),
    ("23/04/2022", "only makes sense day-first"),
])
def test_parse_date_problems(text: str, message: str) -> None:
    with pytest.raises(DateProblem, match=message):
        parse_date(text)


def test_span_and_kind() -> None:
    day, year = window_of(2020, 3, 5), window_of(2020, None, None)
    assert span(year, None) == ("point", year)
    assert span(year, window_of(2020, None, None)) == ("point", year)
    assert span(year, day) == ("point", year)  # an end inside the start's window adds nothing
    kind, w = span(day, window_of(2020, 4, None))
    assert (kind, w.start.isoformat(), w.end.isoformat(), w.precision) == ("period", "2020-03-05", "2020-04-30", "day")
    with pytest.raises(DateProblem, match="before the start"):
        span(day, window_of(2019, None, None))


@pytest.mark.parametrize(("raw", "expected"), [
    ("<p>Hello <b>world</b></p><p>Two</p>", "Hello world Two"),
    ("<script>alert(1)</script>Text", "Text"),
    ("&lt;script&gt;alert(2)&lt;/script&gt;ok", "ok"),
    ("AT&amp;T a < b", "AT&T a < b"),
    ("x <y and more", "x <y and more"),
    ("line<br>break", "line break"),
    ("<a href='javascript:alert(1)'>click</a>", "click"),
    (None, ""),
])
def test_plain_text(raw: str | None, expected: str) -> None:
    assert plain_text(raw) == expected


# -- issue 16: the quirks of real files (one small fixture each, in tests/fixtures/import-quirks/) --------
QUIRKS = Path(__file__).parent / "fixtures" / "import-quirks"


def test_acled_monadic_rows_merge_two_digit_years_na_and_iso3() -> None:
    r = import_source(QUIRKS / "acled-monadic-twodigit.csv", "acled")
    assert rows(r, "event_id", "date_start", "country") == [
        ("XYZ1", "2024-08-05", "UKR"), ("XYZ2", "2020-05-09", "UKR"), ("XYZ3", "2015-03-11", "UKR")]
    assert r.dropped == []
    assert any('read with the file\'s "year" column' in n for n in r.notes)
    assert any('"NA" as a missing value' in n for n in r.notes)
    assert any("merged into that event" in n for n in r.notes)
    actors = dict(r.tables["actors"][["name", "actor_type"]].values.tolist())
    assert "NA" not in actors  # R's missing marker is not an actor
    # typed by the rows that type it (3 x "State forces"), not by its first appearance as an associate
    assert actors["Military Forces of Xland"] == "state-military"
    xyz1 = r.tables["event_actors"].query("event_id == 'XYZ1'")["actor_id"].tolist()
    assert {"military-forces-of-xland", "rebels-of-y"} <= set(xyz1)  # the repeat's actors are kept


def test_day_first_compact_range_list_literal_and_early_dates() -> None:
    r = import_source(QUIRKS / "dates-dayfirst-compact.csv", "csv")
    assert rows(r, "date_start", "date_end", "kind", "date_precision") == [
        ("1997-01-02", "1997-01-02", "point", "day"),  # 02/01/1997 read day-first, because of 13/01/1997
        ("1997-01-13", "1997-01-13", "point", "day"),
        ("2015-02-18", "2015-02-18", "point", "day"),  # YYYYMMDD
        ("1945-04-01", "1945-05-31", "period", "month"),  # "April-May 1945 " with its trailing space
        ("0650-01-01", "0650-12-31", "point", "year"),  # before 1677: historians' dates are kept
    ]
    assert any('read day-first: 1 row(s) have a first field over 12' in n for n in r.notes)
    assert r.tables["sources"]["url"].tolist() == ["https://example.org/a", "https://example.org/b",
                                                    "https://example.org/c"]  # no brackets or quotes


def test_truly_ambiguous_dates_are_flagged_not_guessed_silently(tmp_path: Path, capsys: Any) -> None:
    r = import_source(QUIRKS / "dates-ambiguous.csv", "csv")
    assert r.events["date_start"].tolist() == ["2020-03-04", "2021-05-06"]
    assert [(w.line, w.field, w.code, w.severity) for w in r.warnings] == [
        (2, "date", "ambiguous-date", "warning"), (3, "date", "ambiguous-date", "warning")]
    assert any("nothing in the file settles it" in n for n in r.notes)
    assert import_source(QUIRKS / "dates-ambiguous.csv", "csv", dayfirst=True).events["date_start"].tolist() == [
        "2020-04-03", "2021-06-05"]
    from app.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["import", str(QUIRKS / "dates-ambiguous.csv"), "--from", "csv", "--out", str(tmp_path / "p")])
    assert exc.value.code == 1  # kept, but not known to be right
    main(["import", str(QUIRKS / "dates-ambiguous.csv"), "--from", "csv", "--dayfirst", "--out", str(tmp_path / "q")])


def test_text_is_repaired_and_the_repair_reported() -> None:
    r = import_source(QUIRKS / "text-repair.csv", "csv")
    assert r.events["title"].tolist() == ["Pick n Pay’s “deal”"]
    assert r.events["description"].tolist() == ["Ehrenämter in text"]
    assert any("ftfy" in n for n in r.notes) and any("bidirectional" in n for n in r.notes)


def test_timemap_capitalised_keys_and_ids_shared_by_distinct_events() -> None:
    r = import_source(QUIRKS / "timemap-capitalised.json", "timemap")
    assert rows(r, "event_id", "date_start", "category") == [
        ("e1", "2022-03-14", "attacks-on-markets"), ("e1-2", "2022-03-15", "uncategorised")]
    assert r.tables["sources"]["url"].tolist() == ["https://example.org/video"]


def test_timemap_upload_never_reads_the_servers_folder(tmp_path: Path, monkeypatch: Any) -> None:
    from app.importers import Source

    (tmp_path / "sources.json").write_text('{"s9": {"url": "https://evil.example/"}}')
    monkeypatch.chdir(tmp_path)
    events = b'[{"id": "a", "description": "x", "date": "2020-01-01", "sources": ["s9"]}]'
    r = import_source(Source.from_bytes("events.json", events), "timemap")
    assert r.tables["sources"].empty and len(r.events) == 1
    assert Source.from_bytes("../../etc/events.json", b"").folder_files() == []


def test_gdelt_headerless_export() -> None:
    r = import_source(QUIRKS / "20150218230000.export.CSV", "gdelt")
    assert rows(r, "event_id", "date_start", "category", "country", "geo_precision", "latitude") == [
        ("410412347", "2015-02-18", "fight", "UKR", "near", "48.3408"),
        ("410412348", "2015-02-18", "consult", "UKR", "country", "49")]
    assert r.categories == {"fight": "Fight", "consult": "Consult"}
    links = r.tables["event_actors"].values.tolist()
    assert ["410412347", "ukraine", "attacker"] in links and ["410412347", "rebel", "target"] in links
    assert r.tables["sources"]["url"].tolist() == ["https://example.org/news/debaltseve",
                                                    "https://example.org/news/talks"]
    assert any("GDELT 2.0" in n for n in r.notes) and any('"NULL"' in n for n in r.notes)


def test_gdelt_with_a_header_keeps_a_source_named_without_a_link(tmp_path: Path) -> None:
    """GDELT tables as tools write them (a header row, gdeltPyR's extra CAMEOCodeDescription
    column): a SOURCEURL that names a source but is no link (BBC Monitoring's) stays in the notes;
    the description says which CAMEO class the verb names when the code is finer."""
    base = (QUIRKS / "20150218230000.export.CSV").read_text(encoding="utf-8").splitlines()[0].split("\t")
    from app.importers.gdelt import LAYOUTS

    columns = LAYOUTS[61]
    header = [*columns[:27], "CAMEOCodeDescription", *columns[27:]]
    row = dict(zip(columns, base, strict=True))
    row.update({"EventCode": "046", "EventBaseCode": "046", "EventRootCode": "04",
                "SOURCEURL": "Shamshad TV, Kabul/BBC Monitoring/(c) BBC",
                "CAMEOCodeDescription": "Engage in negotiation"})
    f = tmp_path / "gdelt-with-header.csv"
    with f.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerow([row[c] for c in header])
    r = import_source(f, "gdelt")
    assert len(r.events) == 1 and r.tables["sources"].empty
    assert "Source as GDELT names it (no link): Shamshad TV, Kabul/BBC Monitoring/(c) BBC" in r.events["notes"].iloc[0]
    assert r.events["description"].iloc[0].startswith("CAMEO event 046 (class 04: Consult)")


def test_ids_are_linear_for_rows_sharing_date_and_title(tmp_path: Path) -> None:
    f = tmp_path / "same.csv"
    f.write_text("date,title\n" + "2024-05-01,Shelling\n" * 3000)
    r = import_source(f, "csv")
    ids = r.events["event_id"].tolist()
    assert len(set(ids)) == 3000 and ids[:3] == ["2024-05-01-shelling", "2024-05-01-shelling-2",
                                                 "2024-05-01-shelling-3"]


def test_upload_and_cli_give_the_same_problems(tmp_path: Path) -> None:
    from app.dataset import load_package as load
    from app.importers.inmemory import load_upload
    from app.importers.report import full_report

    data = (FIX / "generic.csv").read_bytes()
    up = load_upload("generic.csv", data, TODAY)
    r = import_source(FIX / "generic.csv", "csv")
    write_package(r, tmp_path / "p", today=TODAY)
    cli = full_report(r, load(tmp_path / "p").problems)
    assert [(p.file, p.line, p.field, p.code) for p in up.problems] == [(p.file, p.line, p.field, p.code) for p in cli]
    assert all(p.file.startswith("generic.csv") for p in cli)


# -- dates far from today: years 600-700 and 9000 (datetime64[s], never nanoseconds) ------------
FAR_CSV = """id,date,end,title,description,category,lat,lon,url
E1,0600-02-01,,Early event,An early event,Eras,41.0,29.0,https://example.org/a
E2,650,,Mid century,Year only,Eras,40.0,30.0,https://example.org/b
E3,0699-03,0700-12-31,Long period,A period,Eras,39.0,31.0,https://example.org/c
E4,9000-01-01,,Far future,Far,Future,10.0,10.0,https://example.org/d
E5,1769-06-01,1820-12-31,Wrapped period,Where 600 lands when read as nanoseconds,Eras,1.0,1.0,https://example.org/e
E6,0600-01-01,0650-12-31,Early period,A period of the 600s,Eras,2.0,2.0,https://example.org/f
"""


@pytest.fixture
def far_dataset(tmp_path: Path) -> Any:
    src = tmp_path / "far.csv"
    src.write_text(FAR_CSV, encoding="utf-8")
    write_package(import_source(src, "csv"), tmp_path / "pkg")
    return load_package(tmp_path / "pkg")


def test_far_dates_load_filter_draw_and_export(far_dataset: Any, tmp_path: Path) -> None:
    from app.export.formats import to_timelinejs
    from app.export.tabular import to_csv, to_geojson, to_json
    from app.figures.context import FigureContext
    from app.figures.timeline import pack_periods, timeline_figure
    from app.filters import FilterState, apply_filters
    from app.filters import parse_date as filter_date
    from app.web.layout import date_picker

    ds = far_dataset
    assert not ds.errors
    events = ds.events.set_index("event_id")
    assert events.loc["E1", "date_start"] == pd.Timestamp("0600-02-01")
    assert events.loc["E4", "date_start"] == pd.Timestamp("9000-01-01")
    # the filter's dates (URL, CLI, date pickers) take any year the data can hold
    assert filter_date("0600-01-01") == dt.date(600, 1, 1) and filter_date("9000-01-01") == dt.date(9000, 1, 1)
    early = apply_filters(ds.events, FilterState(start=dt.date(590, 1, 1), end=dt.date(710, 12, 31)))
    assert sorted(early["event_id"]) == ["E1", "E2", "E3", "E6"]
    assert list(apply_filters(ds.events, FilterState(start=dt.date(8999, 1, 1)))["event_id"]) == ["E4"]
    picker = date_picker("x", "from")
    assert picker.min_date_allowed <= "0600-01-01" and picker.max_date_allowed >= "9000-12-31"
    # periods pack by their real dates: 600-650 and 1769-1820 do not overlap (read as nanoseconds,
    # year 600 wraps round to 1769 and they would)
    periods = ds.events[ds.events["event_id"].isin(["E5", "E6"])]
    assert list(pack_periods(periods, "date_end")) == [0, 0]
    # drawn where they happened: the early window's bar starts in 650, the point sits in 600
    ctx = FigureContext.from_dataset(ds, today="2026-11-23")
    fig = timeline_figure(apply_filters(ds.events, FilterState(end=dt.date(710, 12, 31))), ctx)
    drawn: dict[str, Any] = {}
    for trace in fig.data:
        for i, cd in enumerate(trace.customdata if trace.customdata is not None else []):
            base = trace.base[i] if getattr(trace, "base", None) is not None else None
            drawn[str(cd[0])] = pd.Timestamp(base if base is not None else trace.x[i])
    assert drawn["E1"].year == 600 and drawn["E2"] == pd.Timestamp("0650-01-01")
    assert drawn["E6"] == pd.Timestamp("0600-01-01") and drawn["E3"] == pd.Timestamp("0699-03-01")
    # exported with their own years
    state, today = FilterState(), pd.Timestamp("2026-11-23")
    for data in (to_csv(ds.events, ds), to_json(ds.events, ds, state, "all"), to_geojson(ds.events, ds, state, "all"),
                 to_timelinejs(ds, ds.events, "all", today)):
        text = data.decode("utf-8")
        assert ("0600-02-01" in text or '"year": 600' in text) and ("9000-01-01" in text or '"year": 9000' in text)
