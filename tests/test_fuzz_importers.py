"""Property tests of every importer: whatever the file holds, ``import_source`` returns a result
or raises the project's own one-line error (``GeotimelineError``: ``ImportError_`` for a file that
cannot be read, ``UserInputError`` for a bad ``--map``) — never any other exception.

Inputs are structurally plausible (the format's keys or columns, filled with junk: NUL, huge and
non-finite numbers, BCE years, HTML, spreadsheet formulas, lone surrogates, broken URLs) and raw
random bytes. A result must also be one the package writer and loader can take: unique ids of
the schema's pattern, real ISO dates with start <= end, a title, and text that encodes as UTF-8.

Sizes are small so that 500 examples per importer stay within about a minute in all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from app.errors import GeotimelineError
from app.importers import FIELDS, import_source

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
FUZZ = settings(max_examples=500, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# -- junk ---------------------------------------------------------------------------------------
HOSTILE_TEXT = [  # Hypothesis favours the first element: a plausible one
    "2023-03-15", "", " ", "\x00", "a\x00b", "\n", "NaN", "nan", "inf", "-Infinity", "1e999", "-1e999", "9" * 40,
    "-500", "500 BC", "44 BCE", "0", "602", "99999", "2023-02-30", "2023-13-01", "31/12/2023",
    "12/31/2023", "15 March 2023", "March 2023", "Q3 2022", "2022-Q5", "2023-03-15T10:00:00Z",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "&lt;b&gt;x&lt;/b&gt;",
    "=HYPERLINK(\"http://evil\")", "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3",
    "http://[abc/x", "https://[::1", "https://example.org/a b", "https://example.org/x",
    "javascript:alert(1)", "‮gnp.exe", "Ünïcödé", "😀", "a,b;c|d\te", '"', "\"\"\"",
    "period", "point", "era", "title", "1", "2", "3", "CATEGORY", "NARRATIVE", "FILTER",
]
TEXT = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=12))
NUMBER = st.one_of(
    st.integers(min_value=-10**6, max_value=10**6), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([10**400, -10**400, 2**63, 1e308, -0.0, 0.5]),
)
SCALAR = st.one_of(st.none(), st.booleans(), NUMBER, TEXT)
JUNK = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=4)
# text inside JSON can also carry what only JSON escapes can: lone surrogates
JSON_TEXT = st.one_of(TEXT, st.sampled_from(["\ud800", "a\udfffb", "<b>\udc00</b>"]))
BIG_INT = "__big_int__"  # replaced by a 5000-digit number, which json.dumps cannot write
JSON_SCALAR = st.one_of(st.none(), st.booleans(), NUMBER, JSON_TEXT)
SHALLOW_JUNK = st.one_of(JSON_SCALAR, st.lists(JSON_SCALAR, max_size=2),
                        st.dictionaries(st.text(max_size=3), JSON_SCALAR, max_size=2))
RARE_BIG_INT = st.sampled_from([BIG_INT, *range(9)])  # a number json.loads refuses, now and then


def json_bytes(tree: Any) -> bytes:
    text = json.dumps(tree, allow_nan=True)  # ensure_ascii: surrogates become \\udXXX escapes
    return text.replace(json.dumps(BIG_INT), "9" * 5000).encode("utf-8")


def with_junk(strategy: st.SearchStrategy[Any], junk: st.SearchStrategy[Any] | None = None) -> st.SearchStrategy[Any]:
    """Mostly (about 4 times in 5) the right shape, else junk: a scalar or a flat list or object,
    or (``junk=JUNK``, for whole items and documents) any nested JSON."""
    other = SHALLOW_JUNK if junk is None else junk
    return st.sampled_from(range(5)).flatmap(lambda i: other if i == 4 else strategy)


# -- the property -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def check_import(path: Path, fmt: str, mapping: dict[str, str] | None = None) -> None:
    """Import ``path``: a sound result, or a clean one-line GeotimelineError; anything else fails."""
    try:
        result = import_source(path, fmt, mapping)
    except GeotimelineError as exc:
        event(f"refused: {type(exc).__name__}")
        assert str(exc) and "\n" not in str(exc), repr(exc)
        str(exc).encode("utf-8")  # the CLI prints it
        return
    event("imported some events" if len(result.events) else "imported no event")
    events = {c: result.events[c].tolist() for c in ("event_id", "date_start", "date_end", "title")}
    ids = events["event_id"]
    assert len(ids) == len(set(ids)), ids
    for event_id, start, end, title in zip(*events.values(), strict=True):
        assert ID_PATTERN.fullmatch(event_id), event_id
        assert dt.date.fromisoformat(start) <= dt.date.fromisoformat(end or start), (event_id, start, end)
        assert title.strip(), event_id
    for frame in result.tables.values():  # every cell can be written as UTF-8 (no lone surrogates)
        if len(frame):
            "".join(map("".join, frame.to_numpy().tolist())).encode("utf-8")
    lines = result.report_lines()
    assert lines and all(isinstance(line, str) for line in lines)
    "\n".join(lines).encode("utf-8")  # the CLI prints the report


def write(workdir: Path, name: str, data: bytes) -> Path:
    path = workdir / name
    path.write_bytes(data)
    return path


# -- CSV tables ---------------------------------------------------------------------------------
CELL = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=10),
                 st.integers(min_value=-10**6, max_value=10**6).map(str), st.floats().map(repr))
DATES = st.dates(dt.date(1600, 1, 1), dt.date(2300, 12, 31))
DATE_CELL = st.one_of(
    DATES.map(dt.date.isoformat), DATES.map(lambda d: d.strftime("%d/%m/%Y")),
    DATES.map(lambda d: d.strftime("%m/%d/%Y")), DATES.map(lambda d: d.strftime("%d %B %Y")),
    DATES.map(lambda d: d.strftime("%b %Y")), DATES.map(lambda d: str(d.year)), CELL,
)


def number_cell(low: int, high: int) -> st.SearchStrategy[str]:
    """Mostly a whole number in low … high, sometimes a decimal or junk."""
    return st.one_of(st.integers(low, high).map(str), st.integers(low, high).map(str),
                     st.floats(low, high).map(repr), CELL)


# cells of the kind a column holds (by its lower-cased name); other columns get any CELL
COLUMN_CELLS = {
    **dict.fromkeys(["date", "start", "end", "when", "event_date", "timestamp"], DATE_CELL),
    **dict.fromkeys(["year", "end year"], number_cell(1600, 2300)),
    **dict.fromkeys(["month", "end month"], number_cell(0, 13)),
    **dict.fromkeys(["day", "end day"], number_cell(0, 32)),
    **dict.fromkeys(["lat", "latitude"], number_cell(-95, 95)),
    **dict.fromkeys(["lon", "longitude"], number_cell(-185, 185)),
    **dict.fromkeys(["time_precision", "geo_precision", "inter1", "inter2"], number_cell(0, 9)),
}
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")


def cell_for(column: str) -> st.SearchStrategy[str]:
    return COLUMN_CELLS.get(column.lower(), CELL)


@st.composite
def csv_bytes(draw: st.DrawFn, columns: list[str], key: tuple[str, ...] = (), max_rows: int = 4) -> bytes:
    """A CSV whose header is some of ``columns`` (mostly with the ``key`` ones a file of the format
    must have, plus perhaps a junk one) and whose rows are junk of the column's kind, sometimes
    with a field too many or too few, a ; or tab delimiter, a non-UTF-8 encoding."""
    header = draw(st.lists(st.sampled_from(columns), min_size=1, max_size=len(columns), unique=True))
    if draw(st.integers(0, 3)):
        header = [*key, *(c for c in header if c not in key)]
    if not draw(st.integers(0, 4)):
        header.insert(draw(st.integers(0, len(header))), draw(TEXT))
    rows = []
    for _ in range(draw(st.integers(0, max_rows))):
        row = [draw(cell_for(c)) for c in header]
        ragged = draw(st.integers(0, 9))
        rows.append(row[:-1] if ragged == 0 else [*row, draw(CELL)] if ragged == 1 else row)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=draw(st.sampled_from([",", ",", ";", "\t"])))
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(draw(st.sampled_from(ENCODINGS)), "replace")


# -- TimelineJS JSON ----------------------------------------------------------------------------
BAD_PART = st.one_of(st.integers(-3000, 3000), NUMBER, JSON_TEXT,
                     st.sampled_from(["2023", "-44", "2023.0", " 1999 ", "", None]))
YEAR, MONTH, DAY = (with_junk(st.integers(low, high), junk=BAD_PART) for low, high in ((1650, 2300), (1, 12), (1, 31)))
TJS_DATE = with_junk(st.one_of(
    st.fixed_dictionaries({"year": YEAR}, optional={
        "month": MONTH, "day": DAY, "hour": JSON_SCALAR, "minute": JSON_SCALAR, "display_date": JSON_SCALAR}),
    DATE_CELL,
))
TJS_SLIDE = with_junk(junk=JUNK, strategy=st.fixed_dictionaries({
    "start_date": TJS_DATE,
    "text": with_junk(st.fixed_dictionaries({"headline": JSON_SCALAR}, optional={"text": JSON_SCALAR})),
}, optional={
    "end_date": TJS_DATE,
    "media": with_junk(st.fixed_dictionaries({}, optional={
        k: JSON_SCALAR for k in ("url", "link", "caption", "credit", "title")})),
    "location": with_junk(st.fixed_dictionaries({}, optional={
        k: JSON_SCALAR for k in ("lat", "lon", "lng", "name")})),
    "group": JSON_SCALAR, "unique_id": JSON_SCALAR, "display_date": JSON_SCALAR,
}))
TJS_DOC = with_junk(junk=JUNK, strategy=st.fixed_dictionaries(
    {"events": st.lists(TJS_SLIDE, max_size=3)},
    optional={"title": TJS_SLIDE, "eras": with_junk(st.lists(TJS_SLIDE, max_size=2)), "size": RARE_BIG_INT},
))
GOOD_SLIDE: dict[str, Any] = {"start_date": {"year": 2020}, "text": {"headline": "x"}}


@FUZZ
@given(TJS_DOC)
@example({"events": [GOOD_SLIDE], "n": BIG_INT})  # a 5000-digit number: json.loads raised ValueError
@example({"events": [{**GOOD_SLIDE, "start_date": {"year": float("inf")}}]})  # OverflowError in to_int
@example({"events": [{**GOOD_SLIDE, "location": {"lat": 10**400, "lon": 1}}]})  # OverflowError in float()
@example({"events": [{**GOOD_SLIDE, "text": {"headline": "\ud800"}}]})  # lone surrogate: UnicodeEncodeError
@example({"events": [{**GOOD_SLIDE, "text": {"headline": "<b>\ud800</b>"}}]})  # ... through nh3
@example({"events": [{**GOOD_SLIDE, "media": {"url": "http://[abc/x"}}]})  # urlsplit: ValueError
@example({"events": [{**GOOD_SLIDE, "start_date": {"year": 1677, "month": 1, "day": 2**31}}]})  # OverflowError
@example({"events": [{**GOOD_SLIDE, "unique_id": "\ud800x"}]})  # (an edge case, not a past crash)
def test_timelinejs_json(workdir: Path, doc: Any) -> None:
    check_import(write(workdir, "timeline.json", json_bytes(doc)), "timelinejs")


# -- the CSV formats ----------------------------------------------------------------------------
SHEET_COLUMNS = ["Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time",
                 "Display Date", "Headline", "Text", "Media", "Media Credit", "Media Caption",
                 "Media Thumbnail", "Type", "Group", "Background", "Unique ID"]


@FUZZ
@given(csv_bytes(SHEET_COLUMNS, ("Year", "Headline")))
@example(b"Year,Headline,Type\n2020,x,title\n-44,y,era\n1e999,z,\ninf,w,\n")  # edge cases, always tried
def test_timelinejs_sheet_csv(workdir: Path, data: bytes) -> None:
    check_import(write(workdir, "sheet.csv", data), "timelinejs-sheet")


ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                 "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
                 "interaction", "iso", "region", "country", "admin1", "location", "latitude", "longitude",
                 "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp"]


@FUZZ
@given(csv_bytes(ACLED_COLUMNS, ("event_date",)))
@example(b"event_date,time_precision,latitude,longitude\n2262-04-11,2,1,1\n1677-09-22,2,91,x\n")  # ±3 days past the end
def test_acled_csv(workdir: Path, data: bytes) -> None:
    check_import(write(workdir, "acled.csv", data), "acled")


GENERIC_COLUMNS = ["id", "Date", "start", "end", "Title", "headline", "Description", "notes", "category",
                   "subtype", "place", "country", "lat", "lon", "url", "source", "kind", "precision",
                   "geo_precision", "location_role", "verification", "Year", "Month", "Day", "When", "What"]
MAPPING = st.dictionaries(st.sampled_from([*FIELDS, "date", "lat", "nonsense"]),
                          st.sampled_from([*GENERIC_COLUMNS, "missing column"]), max_size=2)


@FUZZ
@given(csv_bytes(GENERIC_COLUMNS, ("Date", "Title")), st.one_of(st.just({}), st.just({}), MAPPING))
@example(b"Date,Title,kind,precision\n2262-04-11,x,period,week\n", {})  # a week past the last timestamp
@example(b'"0\n0",id\r\n', {"event_id": "Date"})  # a column name with a line break, quoted in an error
def test_generic_csv(workdir: Path, data: bytes, mapping: dict[str, str]) -> None:
    check_import(write(workdir, "table.csv", data), "csv", mapping)


# -- TimeMap: combined JSON, and a folder of CSV tabs -----------------------------------------
IDS = st.sampled_from(["1", "2", "a", "https://example.org/s", "", " 1 "])
TM_EVENT = with_junk(junk=JUNK, strategy=st.fixed_dictionaries({"date": with_junk(DATE_CELL)}, optional={
    "id": with_junk(IDS), "description": JSON_SCALAR, "title": JSON_SCALAR, "time": JSON_SCALAR,
    "location": JSON_SCALAR, "latitude": JSON_SCALAR, "longitude": JSON_SCALAR, "lat": JSON_SCALAR,
    "lng": JSON_SCALAR, "category": JSON_SCALAR, "comments": JSON_SCALAR,
    "associations": with_junk(st.lists(IDS, max_size=3)), "sources": with_junk(st.lists(IDS, max_size=3)),
}))
TM_SOURCE = with_junk(st.fixed_dictionaries({}, optional={
    "id": IDS, "title": JSON_SCALAR, "url": JSON_SCALAR, "paths": with_junk(st.lists(JSON_SCALAR, max_size=2)),
    "type": JSON_SCALAR, "author": JSON_SCALAR, "date": JSON_SCALAR, "description": JSON_SCALAR,
}))
TM_ASSOCIATION = with_junk(st.fixed_dictionaries({"id": IDS}, optional={
    "title": JSON_SCALAR, "desc": JSON_SCALAR,
    "mode": st.sampled_from(["CATEGORY", "FILTER", "NARRATIVE", "SPOTLIGHT", "category", ""]) | JSON_SCALAR,
    "filter_paths": with_junk(st.lists(JSON_SCALAR, max_size=2)),
}))
TM_DOC = with_junk(junk=JUNK, strategy=st.fixed_dictionaries({"events": st.lists(TM_EVENT, max_size=4)}, optional={
    "sources": with_junk(st.one_of(st.lists(TM_SOURCE, max_size=3),
                                   st.dictionaries(IDS, TM_SOURCE, max_size=3))),
    "associations": with_junk(st.lists(TM_ASSOCIATION, max_size=3)), "size": RARE_BIG_INT,
}))


@FUZZ
@given(TM_DOC)
@example({"events": [{"date": "2020", "description": "x", "latitude": 10**400, "longitude": 1}]})
@example({"events": [{"date": "2020", "description": "x", "sources": ["s"]}],
          "sources": {"s": {"url": "http://[abc/x", "title": "\udc00"}}})
def test_timemap_json(workdir: Path, doc: Any) -> None:
    check_import(write(workdir, "timemap.json", json_bytes(doc)), "timemap")


TM_EVENT_COLUMNS = ["id", "description", "date", "time", "location", "latitude", "longitude", "category",
                    "association1", "association2", "source1", "source2", "comments"]
TM_SOURCE_COLUMNS = ["id", "title", "url", "path1", "path2", "type", "author", "date", "description"]
TM_ASSOCIATION_COLUMNS = ["id", "title", "desc", "mode", "filter_path1", "filter_path2"]


@FUZZ
@given(csv_bytes(TM_EVENT_COLUMNS, ("id", "date", "description", "source1", "association1"), max_rows=3),
       csv_bytes(TM_SOURCE_COLUMNS, ("id", "url"), max_rows=2),
       csv_bytes(TM_ASSOCIATION_COLUMNS, ("id", "mode"), max_rows=2), st.booleans())
def test_timemap_csv_tabs(workdir: Path, events: bytes, sources: bytes, associations: bytes,
                          as_folder: bool) -> None:
    folder = workdir / "timemap-tabs"
    folder.mkdir(exist_ok=True)
    for name, data in (("export_events", events), ("export_sources", sources),
                       ("export_associations", associations)):
        (folder / f"{name}.csv").write_bytes(data)
    check_import(folder if as_folder else folder / "export_events.csv", "timemap")


# -- XLSX ---------------------------------------------------------------------------------------
# Fewer examples here, for a reason: one example writes a workbook with openpyxl and the importer
# then opens it twice (formulas and cached values), about 20-40 ms where a CSV takes 2-5 ms. 500
# would cost ~15 s of the file's minute; 150 still cover every column kind and cell type, and
# the readers and row logic behind them are the CSV ones, fuzzed 500 times above.
XLSX_FUZZ = settings(FUZZ, max_examples=150)
XLSX_VALUE = st.one_of(
    CELL, DATE_CELL, st.integers(-10**6, 10**6), st.floats(allow_nan=False), st.booleans(), DATES,
    st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2300, 1, 1)), st.sampled_from(["=1+1", "=NOW()", "=A1"]),
)


def storable(value: Any) -> Any:
    """openpyxl refuses control characters in cells (so does Excel): they cannot be in a workbook."""
    return openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


XLSX_FORMATS = {"xlsx": (GENERIC_COLUMNS, ("Date", "Title")),
                "timelinejs-sheet": (SHEET_COLUMNS, ("Year", "Headline")),
                "acled": (ACLED_COLUMNS, ("event_date",))}


@st.composite
def workbook_bytes(draw: st.DrawFn, columns: list[str], key: tuple[str, ...]) -> bytes:
    header = draw(st.lists(st.sampled_from(columns), min_size=1, max_size=8, unique=True))
    if draw(st.integers(0, 3)):
        header = [*key, *(c for c in header if c not in key)]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    if draw(st.integers(0, 3)):  # sometimes the table starts lower down, after blank rows
        sheet.append([storable(c) for c in header])
    else:
        sheet.append([])
        sheet.append([storable(c) for c in header])
    for _ in range(draw(st.integers(0, 3))):
        sheet.append([storable(draw(st.one_of(XLSX_VALUE, cell_for(c)))) for c in header])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@XLSX_FUZZ
@given(st.sampled_from(sorted(XLSX_FORMATS)).flatmap(lambda f: st.tuples(st.just(f), workbook_bytes(*XLSX_FORMATS[f]))))
def test_xlsx_workbooks(workdir: Path, case: tuple[str, bytes]) -> None:
    fmt, data = case
    check_import(write(workdir, "book.xlsx", data), fmt)


def _plain_workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["Date", "Title", "lat", "lon"], ["2020-01-02", "x", 1.5, 2], [dt.date(2021, 3, 4), "y", None, None]):
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


PLAIN_WORKBOOK = _plain_workbook()
SHEET_XML = "xl/worksheets/sheet1.xml"
# cells Excel would never write, each a different way for the sheet's parser to fail while rows are read
BAD_CELLS = [b'<c r="A2" t="d"><v>99999-01-01</v></c>', b'<c r="A2" t="b"><v>zz</v></c>',
             b'<c r="A2" t="n"><v>1e999</v></c>', b'<c r="A2" t="s"><v>999</v></c>', b'<c r="A2" s="99"><v>5</v></c>',
             b'<c r="ZZZZZ2"><v>1</v></c>', b'<c r="A2" t="e"><v>#REF!</v></c>', b"<c><v>1</v></c>"]


def rebuilt(member: str, change: Callable[[bytes], bytes]) -> bytes:
    """The plain workbook with one member's bytes changed."""
    source = zipfile.ZipFile(io.BytesIO(PLAIN_WORKBOOK))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        for name in source.namelist():
            data = source.read(name)
            book.writestr(name, change(data) if name == member else data)
    return out.getvalue()


def with_cell(cell: bytes) -> Callable[[bytes], bytes]:
    return lambda xml: xml.replace(b"</row>", cell + b"</row>", 1)


@st.composite
def broken_workbook(draw: st.DrawFn) -> bytes:
    """The plain workbook with one member (mostly the sheet) truncated, spliced or given a bad cell."""
    member = draw(st.sampled_from([SHEET_XML, SHEET_XML, SHEET_XML,
                                   *zipfile.ZipFile(io.BytesIO(PLAIN_WORKBOOK)).namelist()]))
    how = draw(st.sampled_from(["truncate", "splice", "cell"]))
    cut = draw(st.integers(0, 4000))
    junk, skip, cell = draw(st.binary(max_size=20)), draw(st.integers(0, 20)), draw(st.sampled_from(BAD_CELLS))
    if how == "truncate":
        return rebuilt(member, lambda data: data[:cut % (len(data) + 1)])
    if how == "splice":
        return rebuilt(member, lambda data: data[:cut % (len(data) + 1)] + junk + data[cut % (len(data) + 1) + skip:])
    return rebuilt(member, with_cell(cell))


@XLSX_FUZZ
@given(broken_workbook())
@example(PLAIN_WORKBOOK)  # the unbroken workbook imports
# read_xlsx parsed rows outside its try: ParseError and ValueError escaped from these three
@example(rebuilt(SHEET_XML, lambda data: data[: len(data) // 2]))
@example(rebuilt(SHEET_XML, with_cell(BAD_CELLS[0])))
@example(rebuilt(SHEET_XML, with_cell(BAD_CELLS[1])))
def test_broken_xlsx(workdir: Path, data: bytes) -> None:
    check_import(write(workdir, "broken.xlsx", data), "xlsx")


# -- raw bytes ----------------------------------------------------------------------------------
FIXTURES = Path(__file__).parent / "fixtures" / "import"
RAW_CASES = [  # (format, file name, a real file of the format to mutate)
    ("timelinejs", "raw.json", "timelinejs.json"), ("timelinejs-sheet", "raw.csv", "timelinejs-sheet.csv"),
    ("timemap", "raw_events.json", "timemap.json"), ("timemap", "raw_events.csv", "timemap/export_events.csv"),
    ("acled", "raw.csv", "acled.csv"), ("csv", "raw.csv", "generic.csv"),
    ("xlsx", "raw.xlsx", None),  # random bytes only: test_broken_xlsx mutates real workbooks
]


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """A real file with a few bytes overwritten, inserted or cut: still mostly the right format."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        data[at:at + draw(st.integers(0, 8))] = draw(st.binary(max_size=8))
    return bytes(data)


@pytest.mark.parametrize(("fmt", "name", "fixture"), RAW_CASES, ids=[f"{c[0]}-{c[1]}" for c in RAW_CASES])
def test_raw_bytes(workdir: Path, fmt: str, name: str, fixture: str | None) -> None:
    files = st.binary(max_size=300)
    if fixture:  # one time in five, a real file of the format with a few bytes changed
        original = (FIXTURES / fixture).read_bytes()
        files = st.sampled_from(range(5)).flatmap(lambda i: mutated(original) if i == 4 else st.binary(max_size=300))

    @FUZZ
    @given(files)
    def run(data: bytes) -> None:
        check_import(write(workdir, name, data), fmt)

    run()
