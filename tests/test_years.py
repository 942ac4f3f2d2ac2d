"""Issue 16: dates from year 1 to year 9999, at the precision given, in every output.

The package is imported through the real CLI from a made-up CSV (test data, not facts): events in
years 1, 600, 700, 1215, 1600, 1670, 1676, 2263, 2500 and 9999 at day, month, year, decade and
range precision, an era 600-700 (TimelineJS's eras template) and two open-ended periods, one of
them starting after "today". Rendered figures and the deck need headless Chromium (kaleido): those
tests carry the ``browser`` mark and are skipped where it is missing."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from app.cli import main
from app.dataset import load_package
from app.dataset.package import Dataset
from app.export.formats import to_timelinejs
from app.export.narrative import load_narrative
from app.export.tabular import export_view
from app.figures.context import FigureContext
from app.figures.framing import frame_of
from app.figures.map import map_spec
from app.figures.timeline import timeline_spec
from app.filters import FilterState, ViewState, apply_filters
from app.urlstate import Known, parse_query, to_query
from app.view import Loaded, compose_view

TODAY = "2026-11-23"
FIRST, LAST = "0001-01-01", "9999-12-31"

# made-up events (fixture data, invented); the columns are found by the CSV importer's own names
SOURCE_CSV = """\
date,end,title,description,lat,lon,country,category,kind,url,publisher
0001-01-01,,Made-up first day of year one,Invented.,41.9,12.5,ITA,Founding,,https://example.org/y1,Example
600,700,Made-up era 600-700,Invented.,35.7,51.4,IRN,Era,period,https://example.org/era,Example
600,,Made-up year 600 event,Invented.,33.3,44.4,IRQ,Founding,,https://example.org/y600,Example
0700-05,,Made-up month May 700,Invented.,30.0,31.2,EGY,Trade,,https://example.org/y700,Example
1215-06-15,,Made-up day 15 June 1215,Invented.,51.4,-0.56,GBR,Founding,,https://example.org/y1215,Example
1600s,,Made-up decade 1600s,Invented.,52.4,4.9,NLD,Trade,,https://example.org/y1600,Example
1670s,,Made-up decade point 1670s,Invented.,59.3,18.1,SWE,Trade,point,https://example.org/y1670,Example
1676-03-01,,Made-up open period from 1 Mar 1676,Invented.,48.9,2.35,FRA,Era,period,https://example.org/y1676,Example
2263-04-05,2263-04-20,Made-up day range April 2263,Invented.,40.7,-74.0,USA,Trade,,https://example.org/y2263,Example
2263-04-05,2263-04-20,Made-up point in April 2263,Invented.,34.0,-118.2,USA,Trade,point,https://example.org/y2263b,Example
2500,,Made-up open period from 2500,Invented.,,,,Era,period,https://example.org/y2500,Example
9999-12-31,,Made-up last day of year 9999,Invented.,-33.9,151.2,AUS,Founding,,https://example.org/y9999,Example
"""
# the importer writes windows at day/week/month/quarter/year precision; the package's own
# "decade" and "range" precisions are given to two of its rows here (as a curator would)
PRECISION = {"1670-01-01-made-up-decade-point-1670s": ("point", "decade"),
             "2263-04-05-made-up-point-in-april-2263": ("point", "range")}
PUBLISHED = {"https://example.org/y1": ("0001-01-01", "0001-01-02"), "https://example.org/era": ("0600", ""),
             "https://example.org/y700": ("0700-05", ""), "https://example.org/y9999": ("9999-12-31", "")}
NARRATIVE = """\
narrative_id,step,event_id,caption,window_start,window_end,focus_lon,focus_lat,focus_scale
ages,1,0001-01-01-made-up-first-day-of-year-one,Year one (invented).,,,,,
ages,2,0600-01-01-made-up-era-600-700,The era (invented).,0600-01-01,0700-12-31,,,
ages,3,2500-01-01-made-up-open-period-from-2500,From 2500 (invented).,,,,,
ages,4,9999-12-31-made-up-last-day-of-year-9999,The last day (invented).,9999-12-01,9999-12-31,,,
"""

# what every output must say: (start, end, precision, label) per event id
EXPECTED = {
    "0001-01-01-made-up-first-day-of-year-one": ("0001-01-01", "0001-01-01", "day", "1 Jan 1"),
    "0600-01-01-made-up-era-600-700": ("0600-01-01", "0700-12-31", "year", "600 – 700"),
    "0600-01-01-made-up-year-600-event": ("0600-01-01", "0600-12-31", "year", "600"),
    "0700-05-01-made-up-month-may-700": ("0700-05-01", "0700-05-31", "month", "May 700"),
    "1215-06-15-made-up-day-15-june-1215": ("1215-06-15", "1215-06-15", "day", "15 Jun 1215"),
    "1600-01-01-made-up-decade-1600s": ("1600-01-01", "1609-12-31", "year", "1600 – 1609"),
    "1670-01-01-made-up-decade-point-1670s": ("1670-01-01", "1679-12-31", "decade", "1670s"),
    "1676-03-01-made-up-open-period-from-1-mar-1676": ("1676-03-01", "", "day", "from 1 Mar 1676 (still in force)"),
    "2263-04-05-made-up-day-range-april-2263": ("2263-04-05", "2263-04-20", "day", "5 Apr 2263 – 20 Apr 2263"),
    "2263-04-05-made-up-point-in-april-2263": ("2263-04-05", "2263-04-20", "range",
                                               "between 5 Apr 2263 and 20 Apr 2263"),
    "2500-01-01-made-up-open-period-from-2500": ("2500-01-01", "", "year", "from 2500 (still in force)"),
    "9999-12-31-made-up-last-day-of-year-9999": ("9999-12-31", "9999-12-31", "day", "31 Dec 9999"),
}


def _rewrite(path: Path, change: Any) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        change(row)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The years package, imported with ``python -m app import`` into a temp folder."""
    root = tmp_path_factory.mktemp("years")
    (root / "years.csv").write_text(SOURCE_CSV, encoding="utf-8")
    main(["import", str(root / "years.csv"), "--from", "csv", "--out", str(root / "pkg")])
    out = root / "pkg"

    def precision(row: dict[str, str]) -> None:
        if row["event_id"] in PRECISION:
            row["kind"], row["date_precision"] = PRECISION[row["event_id"]]

    def published(row: dict[str, str]) -> None:
        row["published"], row["accessed"] = PUBLISHED.get(row["url"], ("", ""))

    _rewrite(out / "events.csv", precision)
    _rewrite(out / "sources.csv", published)
    (out / "narratives.csv").write_text("narrative_id,title,summary\nages,Made-up ages,Invented test narrative.\n",
                                        encoding="utf-8")
    (out / "narrative_steps.csv").write_text(NARRATIVE, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def ds(pkg: Path) -> Dataset:
    loaded = load_package(pkg)
    assert not loaded.problems, [p.message for p in loaded.problems]
    return loaded


@pytest.fixture(scope="module")
def ctx(ds: Dataset) -> FigureContext:
    return FigureContext.from_dataset(ds, today=TODAY)


def cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def by_id(records: list[dict[str, Any]]) -> dict[str, tuple[str, str, str, str]]:
    return {r["event_id"]: (r["date_start"], r["date_end"], r["date_precision"], r["date_label"]) for r in records}


def test_import_validate_describe(pkg: Path, ds: Dataset, capsys) -> None:
    assert len(ds.events) == len(EXPECTED) and ds.events["date_start"].dtype == "datetime64[s]"
    code, out, _ = cli(["validate", str(pkg)], capsys)
    assert code == 0 and "12 events" in out and "0 errors, 0 warnings" in out
    code, out, _ = cli(["describe", str(pkg), "--json"], capsys)
    counts = json.loads(out)
    assert counts["date_span"] == [FIRST, LAST]
    assert list(counts["per_year"]) == ["1", "600", "700", "1215", "1600", "1670", "1676", "2263", "2500", "9999"]
    code, out, _ = cli(["describe", str(pkg)], capsys)
    assert f"date span: {FIRST} … {LAST}" in out
    years = [line for line in out.splitlines() if "█" in line]
    assert years[0] == "     1     1  █" and years[-1] == "  9999     1  █"  # the counts in one column


def test_csv_json_geojson_keep_every_date_and_precision(ds: Dataset, ctx: FigureContext) -> None:
    state = FilterState()
    _, data = export_view("json", ds.events, ds, state)
    assert by_id(json.loads(data)["events"]) == EXPECTED
    _, data = export_view("geojson", ds.events, ds, state)
    assert by_id([f["properties"] for f in json.loads(data)["features"]]) == EXPECTED
    _, data = export_view("csv", ds.events, ds, state)
    assert by_id(list(csv.DictReader(data.decode("utf-8").splitlines()))) == EXPECTED


def test_cli_export_window_600_to_700(pkg: Path, capsys) -> None:
    code, out, _ = cli(["export", "--data", str(pkg), "--format", "json", "--from", "0600-01-01", "--to", "0700-12-31",
                        "--out", "-"], capsys)
    doc = json.loads(out)
    assert code == 0 and doc["filters"]["start"] == "0600-01-01" and doc["filters"]["end"] == "0700-12-31"
    assert [e["event_id"] for e in doc["events"]] == ["0600-01-01-made-up-era-600-700",
                                                     "0600-01-01-made-up-year-600-event",
                                                     "0700-05-01-made-up-month-may-700"]
    assert doc["view"] == "3 events · 600–700"


def test_a_period_starting_after_today_is_in_the_windows_around_its_start(ds: Dataset, ctx: FigureContext) -> None:
    """An open-ended period from 2500 ends at its start, not at today (2026): before, the filter
    of 2400-2600 missed it and the exports wrote an end before the start."""
    state = FilterState(start=pd.Timestamp("2400-01-01").date(), end=pd.Timestamp("2600-12-31").date())
    shown = apply_filters(ds.events, state, ctx.today)
    assert list(shown["event_id"]) == ["2500-01-01-made-up-open-period-from-2500"]


def test_package_export_validates_with_the_same_dates(pkg: Path, tmp_path: Path, capsys) -> None:
    code, _, _ = cli(["export", "--data", str(pkg), "--format", "package", "--out", str(tmp_path / "again")], capsys)
    again = load_package(tmp_path / "again")
    assert code == 0 and not again.problems
    _, data = export_view("json", again.events, again, FilterState())
    assert by_id(json.loads(data)["events"]) == EXPECTED


def test_timelinejs_round_trip(ds: Dataset, ctx: FigureContext, tmp_path: Path, capsys) -> None:
    doc = json.loads(to_timelinejs(ds, ds.events, "all", ctx.today))
    slides = {s["unique_id"]: s for s in doc["events"]}
    assert slides["0600-01-01-made-up-era-600-700"]["start_date"] == {"year": 600}
    assert slides["0600-01-01-made-up-era-600-700"]["end_date"] == {"year": 700}
    assert slides["0700-05-01-made-up-month-may-700"]["start_date"] == {"year": 700, "month": 5}
    assert slides["0001-01-01-made-up-first-day-of-year-one"]["start_date"] == {"year": 1, "month": 1, "day": 1}
    # open-ended: ends today, or at its start when it starts later (never before the start)
    assert slides["1676-03-01-made-up-open-period-from-1-mar-1676"]["end_date"] == {"year": 2026, "month": 11,
                                                                                    "day": 23}
    assert slides["2500-01-01-made-up-open-period-from-2500"]["end_date"] == {"year": 2500}
    source = tmp_path / "tl.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    code, out, _ = cli(["import", str(source), "--from", "timelinejs", "--out", str(tmp_path / "back")], capsys)
    assert code == 0, out  # every slide came back (the 2500 period was dropped: end before start)
    back = load_package(tmp_path / "back").events.set_index("event_id")
    for eid, (start, end, precision, _) in EXPECTED.items():
        assert back.loc[eid, "date_start"].date().isoformat() == start
        if end and precision not in ("decade", "range"):  # those come back as years / days
            assert back.loc[eid, "date_end"].date().isoformat() == end


def test_citations_write_years_below_1000_with_four_digits(pkg: Path, tmp_path: Path, capsys) -> None:
    out = {}
    for fmt in ("bibtex", "biblatex", "ris", "csl-json"):
        path = tmp_path / f"sources.{fmt}"
        code, _, _ = cli(["cite", "--data", str(pkg), "--format", fmt, "--accessed", "0700-01-01", "--out", str(path)],
                         capsys)
        assert code == 0
        out[fmt] = path.read_text(encoding="utf-8")
    assert "year = {0001}" in out["bibtex"] and "year = {0600}" in out["bibtex"] and "year = {9999}" in out["bibtex"]
    assert "note = {Accessed 0001-01-02}" in out["bibtex"] and "note = {Accessed 0700-01-01}" in out["bibtex"]
    assert "date = {0001-01-01}" in out["biblatex"] and "date = {0700-05}" in out["biblatex"]
    assert "urldate = {0700-01-01}" in out["biblatex"]
    for tag in ("PY  - 0600", "DA  - 0600///", "DA  - 0700/05//", "DA  - 9999/12/31/", "Y2  - 0001/01/02"):
        assert tag in out["ris"]
    issued = [item["issued"]["date-parts"] for item in json.loads(out["csl-json"]) if "issued" in item]
    assert sorted(issued) == [[[1, 1, 1]], [[600]], [[700, 5]], [[9999, 12, 31]]]


def test_url_state_round_trip(ds: Dataset) -> None:
    state, view, notices = parse_query("?from=0600-01-01&to=0700-12-31", Known.from_dataset(ds))
    assert notices == [] and (str(state.start), str(state.end)) == ("0600-01-01", "0700-12-31")
    assert to_query(state, view) == "?from=0600-01-01&to=0700-12-31"
    assert FilterState.from_dict(json.loads(json.dumps(state.to_dict()))) == state
    for query in ("?from=0001-01-01&to=0001-12-31", "?from=9999-12-31"):
        state, view, notices = parse_query(query, Known.from_dataset(ds))
        assert notices == [] and to_query(state, view) == query


def _bounds_ok(axis: dict[str, Any]) -> None:
    for key in ("range", "minallowed", "maxallowed"):
        values = axis[key] if isinstance(axis[key], list) else [axis[key]]
        for value in values:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) and FIRST <= value <= LAST, (key, value)


def test_timeline_axis_stays_in_years_1_to_9999(ds: Dataset, ctx: FigureContext) -> None:
    """The axis margins used to reach year 0 and year 10000: every timeline of the package raised
    (Timestamp.date() outside Python's calendar), so the snapshot, the figures and the page failed."""
    frame = frame_of(ds.events, ctx.today)
    assert frame is not None and (str(frame.lo.date()), str(frame.hi.date())) == (FIRST, LAST)
    for spec in (timeline_spec(ds.events, ctx), timeline_spec(ds.events, ctx, export=True, plot_px=1200)):
        axis = spec["layout"]["xaxis"]
        _bounds_ok(axis)
        assert axis["ticklabelmode"] == "period"  # plotly.js would label a tick at year 10000 "0000"
    periods = next(t for t in timeline_spec(ds.events, ctx)["data"] if t.get("name") == "Periods (in force)")
    assert periods["base"][0] == "0600-01-01T00:00:00"
    assert min(periods["x"]) > 0  # no bar drawn backwards (the 2500 period ended "today", 2026)
    assert map_spec(ds.events, ctx)["data"]


def test_quick_ranges_of_a_frame_in_the_first_years() -> None:
    """'5 y' back from year 3 reached year -2 (pd.DateOffset goes through Python's datetime)."""
    def days(*text: str) -> pd.Series:
        return pd.Series(pd.to_datetime(list(text), format="%Y-%m-%d")).astype("datetime64[s]")

    events = pd.DataFrame({"date_start": days("0001-02-01", "0003-01-01"),
                           "date_end": days("0001-02-01", "0003-12-31")})
    frame = frame_of(events, pd.Timestamp(TODAY))
    assert frame is not None
    quick = frame.quick()
    assert frame.lo.year == 1 and quick["5y"] == quick["all"]  # from the frame's first day
    assert quick["1y"] == (str((frame.last - pd.DateOffset(years=1)).date()), str(frame.hi.date()))


def test_view_model_url_window_and_story_steps(ds: Dataset, ctx: FigureContext) -> None:
    loaded = Loaded.from_dataset(ds, ctx)
    state, view, _ = parse_query("?from=0600-01-01&to=0700-12-31", Known.from_dataset(ds))
    shown = compose_view(loaded, state, view)
    assert shown.count == 3 and shown.summary == "3 events · 600–700"
    assert [(r["start"], r["date_label"]) for r in shown.rows["block"]] == [
        ("0600-01-01", "600 – 700"), ("0600-01-01", "600"), ("0700-05-01", "May 700")]
    assert shown.timeline["layout"]["xaxis"]["range"] == ["0600-01-01", "0700-12-31"]
    _bounds_ok(shown.timeline["layout"]["xaxis"])
    meta = compose_view(loaded, FilterState(), ViewState()).timeline["layout"]["meta"]["frame"]
    assert meta["bounds"] == [FIRST, LAST] and meta["quick"]["all"] == [FIRST, LAST]  # as the page gets it (JSON)
    story = load_narrative(ds, "ages", ctx.today)
    windows = [tuple(str(d.date()) for d in step.window) for step in story.steps]
    assert windows[0][0] == FIRST and windows[1] == ("0600-01-01", "0700-12-31") and windows[3][1] == LAST
    assert windows[2][0] < "2500-01-01" < windows[2][1]  # around the 2500 period, not around 2263
    for step in range(len(story.steps)):
        axis = compose_view(loaded, FilterState(), ViewState(narrative="ages", step=step)).timeline["layout"]["xaxis"]
        assert axis["range"] == list(windows[step])


def test_dash_callbacks_over_http(pkg: Path) -> None:
    from app.settings import Settings
    from app.web import create_app

    app = create_app(Settings(data_dir=pkg, today=TODAY))
    client = app.server.test_client()
    assert client.get("/?from=0600-01-01&to=0700-12-31").status_code == 200
    key = next(k for k in app.callback_map if k.startswith("..url-location.search"))
    spec = app.callback_map[key]
    given = {("url-location", "search"): "?from=0600-01-01&to=0700-12-31"}

    def entries(items: list[dict[str, str]]) -> list[dict[str, Any]]:
        return [{"id": i["id"], "property": i["property"], "value": given.get((i["id"], i["property"]))}
                for i in items]

    outputs = [{"id": o.split(".")[0], "property": o.split(".")[1].split("@")[0]} for o in key.strip(".").split("...")]
    body = {"output": key, "outputs": outputs, "inputs": entries(spec["inputs"]), "state": entries(spec["state"]),
            "changedPropIds": ["url-location.search"]}
    reply = client.post("/_dash-update-component", json=body)
    assert reply.status_code == 200
    got = reply.get_json()["response"]
    assert got["date-start-input"]["date"] == "0600-01-01" and got["date-end-input"]["date"] == "0700-12-31"
    assert got["summary-line"]["children"] == "3 events · 600–700" and got["grid-refresh-store"]["data"]["n"] == 3
    axis = got["timeline-graph"]["figure"]["layout"]["xaxis"]
    assert axis["range"] == ["0600-01-01", "0700-12-31"]
    _bounds_ok(axis)


def test_snapshot_and_html_brief(pkg: Path, tmp_path: Path, capsys) -> None:
    code, _, err = cli(["snapshot", "--data", str(pkg), "--out", str(tmp_path / "all.html")], capsys)
    assert code == 0, err
    code, _, err = cli(["snapshot", "--data", str(pkg), "--from", "0600-01-01", "--to", "0700-12-31",
                        "--out", str(tmp_path / "600.html")], capsys)
    assert code == 0, err
    assert "600–700" in (tmp_path / "600.html").read_text(encoding="utf-8")
    code, _, err = cli(["brief", "ages", "--data", str(pkg), "--format", "html", "--out", str(tmp_path / "b.html")],
                       capsys)
    assert code == 0, err
    text = (tmp_path / "b.html").read_text(encoding="utf-8")
    assert '"window":["0001-01-01",' in text and '"window":["0600-01-01","0700-12-31"]' in text
    assert ',"9999-12-31"]' in text and "31 Dec 9999" in text


HAS_CHROMIUM = any(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome"))
needs_chromium = pytest.mark.skipif(not HAS_CHROMIUM, reason="kaleido needs Chromium")


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_rendered_timeline(fmt: str, pkg: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / f"timeline.{fmt}"
    code, _, err = cli(["figure", "timeline", "--data", str(pkg), "--format", fmt, "--out", str(out)], capsys)
    assert code == 0 and out.stat().st_size > 1000, err
    if fmt == "svg":
        ticks = re.findall(r'class="xtick".*?<text[^>]*>([^<]*)', out.read_text(encoding="utf-8"))
        assert ticks and "0000" not in ticks and ticks[-1] == "9000"


@pytest.mark.browser
@needs_chromium
def test_rendered_map_and_deck(pkg: Path, tmp_path: Path, capsys) -> None:
    from pptx import Presentation

    code, _, err = cli(["figure", "map", "--data", str(pkg), "--format", "svg", "--out", str(tmp_path / "m.svg")],
                       capsys)
    assert code == 0, err
    code, _, err = cli(["brief", "ages", "--data", str(pkg), "--format", "pptx", "--out", str(tmp_path / "b.pptx")],
                       capsys)
    assert code == 0, err
    texts = [" ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
             for slide in Presentation(str(tmp_path / "b.pptx")).slides]
    assert "1 Jan 1 · Italy" in texts[1] and "600 – 700 · Iran" in texts[2] and "31 Dec 9999" in texts[4]


def test_counted_marks_say_years_as_the_labels_do(ds: Dataset, ctx: FigureContext) -> None:
    """A lane too dense for single marks is counted, here per year: its hover says "600", not
    "0600" (pandas' strftime pads "%Y" alone to four digits, not "%b %Y")."""
    point = ds.events[ds.events["event_id"] == "0600-01-01-made-up-year-600-event"]
    many = pd.concat([point] * 4 * 999, ignore_index=True)
    days = [f"{year:04d}-{month:02d}-01" for year in range(1, 1000) for month in (1, 4, 7, 10)]
    many["date_start"] = many["date_end"] = pd.Series(pd.to_datetime(days, format="%Y-%m-%d")).astype("datetime64[s]")
    many["event_id"] = [f"copy-{i}" for i in range(len(many))]
    spec = timeline_spec(many, ctx)
    counted = next(t for t in spec["data"] if t.get("name") == "Events (counted)")
    assert ["0600-01-01", "0600-12-31"] in [c["window"] for c in counted["customdata"]]
    assert "<br>600<br>" in " ".join(counted["text"]) and not any("<br>0" in t for t in counted["text"])
