"""Upload limits: one table (app.limits), checked before parsing, said the same in README."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from app import limits
from app.importers.inmemory import load_upload
from app.limits import LimitExceeded

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_says_the_limits_the_code_enforces() -> None:
    assert limits.limits_in_words() in " ".join(README.split())


def test_a_million_and_three_quarter_rows_are_refused_before_parsing(monkeypatch) -> None:
    data = b"date,title\n" + b"2020-01-01,x\n" * 1_750_000  # 22.8 MB: under the byte limit
    import app.importers.inmemory as inmemory

    def never(*_a, **_k):  # the importer is never reached
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(inmemory, "import_source", never)
    with pytest.raises(LimitExceeded) as exc:
        load_upload("big.csv", data)
    msg = str(exc.value)
    assert "more than 100,000 rows (1,750,001 lines)" in msg and "at most 100,000 events" in msg
    assert "python -m app import" in msg and "serve --data" in msg


def test_quoted_newlines_are_not_counted_as_rows() -> None:
    n = limits.MAX_UPLOAD_ROWS
    text = "date,title\n" + '2020-01-01,"a\nb"\n' * n
    assert limits.text_shape(text, ",").rows == n


def test_exactly_the_limit_passes_the_shape_check() -> None:
    text = "date,title\n" + "2020-01-01,x\n" * limits.MAX_UPLOAD_ROWS
    limits.check_shape("f.csv", limits.text_shape(text, ","))
    with pytest.raises(LimitExceeded):
        limits.check_shape("f.csv", limits.text_shape(text + "2020-01-01,y\n", ","))


def test_columns_and_cells() -> None:
    with pytest.raises(LimitExceeded, match="301 columns"):
        limits.check_shape("f.csv", limits.Shape(rows=1, columns=301))
    with pytest.raises(LimitExceeded, match=re.escape("50,000 rows × 200 columns = 10,000,000 cells")):
        limits.check_shape("f.csv", limits.Shape(rows=50_000, columns=200))


def test_json_and_xlsx_are_counted_from_their_structure(monkeypatch) -> None:
    import json

    doc = {"events": [{"start_date": {"year": 2020}, "text": {"headline": "x"}}] * (limits.MAX_UPLOAD_ROWS + 5)}
    with pytest.raises(LimitExceeded, match="100,005 rows"):
        load_upload("t.json", json.dumps(doc).encode())
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["date", "title"])
    ws.cell(row=limits.MAX_UPLOAD_ROWS + 3, column=1, value="2020-01-01")
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(LimitExceeded, match="100,002 rows"):
        load_upload("t.xlsx", buf.getvalue())


def test_memory_limit(monkeypatch) -> None:
    monkeypatch.setattr(limits, "MAX_UPLOAD_MEMORY", 1000)
    import app.importers.inmemory as inmemory

    monkeypatch.setattr(inmemory, "check_memory", limits.check_memory)
    with pytest.raises(LimitExceeded, match="in memory"):
        load_upload("e.csv", b"date,title,country\n2020-01-01,An event,AFG\n2020-02-01,Another,AFG\n")


def _text(node: object) -> str:
    """Every string of a Dash component tree, in order."""
    if isinstance(node, str):
        return node
    if isinstance(node, list | tuple):
        return " ".join(_text(n) for n in node)
    return _text(getattr(node, "children", None) or "")


def test_the_upload_panel_says_the_limits_readme_and_the_refusals_say(monkeypatch) -> None:
    from app.web.layout import upload_panel

    said = " ".join(_text(upload_panel()).split())
    assert limits.limits_in_words() in said  # README has the same words (test above)
    way = limits.CLI_WAY.replace("`", "")
    assert way in said
    refusals = []
    for check in (lambda: limits.check_bytes("f.csv", limits.MAX_UPLOAD_BYTES + 1),
                  lambda: limits.check_shape("f.csv", limits.Shape(rows=limits.MAX_UPLOAD_ROWS + 5, columns=2)),
                  lambda: limits.check_shape("f.csv", limits.Shape(rows=2, columns=limits.MAX_UPLOAD_COLUMNS + 1)),
                  lambda: limits.check_shape("f.csv", limits.Shape(rows=limits.MAX_UPLOAD_ROWS, columns=60)),
                  lambda: limits.check_memory("f.csv", limits.MAX_UPLOAD_MEMORY + 1)):
        with pytest.raises(LimitExceeded) as exc:
            check()
        refusals.append(str(exc.value))
    for msg, limit in zip(refusals, ["25 MB", "100,000 events", "300 columns", "5,000,000 cells", "400 MB in memory"],
                          strict=True):
        assert limit in limits.limits_in_words() and f"at most {limit}" in msg and limits.CLI_WAY in msg
    # derived, not fixed words: the panel follows the table
    monkeypatch.setattr(limits, "MAX_UPLOAD_ROWS", 50_000)
    assert "50,000 events" in " ".join(_text(upload_panel()).split())


def test_rows_past_the_limit_are_counted_the_same_with_or_without_quotes() -> None:
    n = limits.MAX_UPLOAD_ROWS
    plain = "date,title\n" + "2020-01-01,x\n" * (n + 50)
    quoted = "date,title\n" + '2020-01-01,"x"\n' * (n + 50)
    assert limits.text_shape(plain, ",") == limits.text_shape(quoted, ",") == limits.Shape(
        rows=n + 1, columns=2, lines=n + 51)
