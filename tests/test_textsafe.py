"""Text made safe for its destination: terminal output, plotly labels, plain text from HTML, CSV
cells, file modes."""

from __future__ import annotations

import contextlib
import html
import json
import os
import stat
from pathlib import Path

import pytest

from app.export.tabular import neutralise
from app.export.write import write_atomic
from app.figures.timeline import hover_array
from app.importers.text import plain_text
from app.textsafe import json_terminal_safe, label_text, terminal_safe

OSC_TITLE = "\x1b]0;pwned\x07"
OSC_LINK = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"


@pytest.mark.parametrize(("raw", "shown"), [
    ("plain", "plain"),
    ("tab\tand\nnewline", "tab\tand\nnewline"),
    (f"a{OSC_TITLE}b", "ab"),
    (f"x{OSC_LINK}y", "xclicky"),
    ("\x1b[2J\x1b[1;31mred\x1b[0m", "red"),
    ("c1 \x9b31m csi \x9d0;t\x9c end", "c1  csi  end"),
    ("bell\x07 nul\x00 cr\r del\x7f", "bell nul cr del"),
    ("esc c\x1bc reset", "esc c reset"),
    ("dangling \x1b", "dangling "),
    ("Ünïcode – fine", "Ünïcode – fine"),
])
def test_terminal_safe(raw: str, shown: str) -> None:
    assert terminal_safe(raw) == shown


def test_json_terminal_safe_is_the_same_document() -> None:
    doc = {"v": "a\x9b31mb\x7fc\x1b]0;t\x07"}
    text = json_terminal_safe(json.dumps(doc, ensure_ascii=False))
    assert json.loads(text) == doc
    assert not any(0x7F <= ord(ch) <= 0x9F or (ord(ch) < 0x20 and ch != "\n") for ch in text)


def test_label_text_escapes_markup_only() -> None:
    assert label_text("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"
    assert label_text("plain") == "plain"
    assert label_text(None) is None and label_text(3) == 3


def test_hover_values_are_escaped_but_the_id_is_not() -> None:
    import pandas as pd

    frame = pd.DataFrame({"event_id": ["ev-1"], "title": ["<a href='https://evil.example/'>x</a>"],
                          "date_label": ["May 2022"]})
    row = hover_array(frame, ["<img src=x onerror=alert(1)>"])[0]
    assert row[0] == "ev-1"
    assert row[1] == "&lt;a href='https://evil.example/'&gt;x&lt;/a&gt;"
    assert row[3] == "&lt;img src=x onerror=alert(1)&gt;"


@pytest.mark.parametrize("times", [1, 2, 4, 5, 8, 20])
def test_plain_text_unescapes_markup_escaped_many_times(times: int) -> None:
    markup = '<img src=x onerror="alert(1)"><a href="https://evil.example/">Plant</a> opens'
    for _ in range(times):
        markup = html.escape(markup)
    text = plain_text(markup)
    assert text == "Plant opens", (times, text)
    assert "<" not in text and "&lt;" not in text


@pytest.mark.parametrize("cell", [
    "=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", " =1+1", ";=1+1;", ",=1", "|=cmd", "'=1", '"=1',
    "\n=1", "\uff1d1+1", "  ; =HYPERLINK(\"x\")",
])
def test_formula_guard_catches(cell: str) -> None:
    assert neutralise(cell).startswith("'")


@pytest.mark.parametrize("cell", ["fine", "a-b", "Smith - Jones", "2022-05-17", "x;y", "e-mail: a@b"])
def test_formula_guard_leaves_text(cell: str) -> None:
    assert neutralise(cell) == cell


def test_files_get_the_users_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "a.html", b"x")
        assert stat.S_IMODE((tmp_path / "a.html").stat().st_mode) == 0o640
        os.umask(0o022)
        write_atomic(tmp_path / "b.html", b"x")
        assert stat.S_IMODE((tmp_path / "b.html").stat().st_mode) == 0o644
    finally:
        os.umask(old)


def test_validate_prints_no_escape_sequence(make_package, capsys) -> None:
    from app.cli import main

    pkg = make_package()
    events = (pkg / "events.csv").read_text()
    (pkg / "events.csv").write_text(events.replace("Dushanbe", f"Dushanbe{OSC_TITLE}\x9b2J").replace(
        "2023-01-05,2023-01-05", f"2023-01-05{OSC_LINK},2023-01-05", 1))
    for args in (["validate", str(pkg)], ["validate", str(pkg), "--json"], ["describe", str(pkg)]):
        with contextlib.suppress(SystemExit):
            main(args)
        out, err = capsys.readouterr()
        assert out.strip(), args
        assert not any((ord(ch) < 0x20 and ch not in "\t\n") or 0x7F <= ord(ch) <= 0x9F for ch in out + err), args
    with pytest.raises(SystemExit):
        main(["validate", str(pkg), "--json"])
    main_json = json.loads(capsys.readouterr().out)
    assert any("\x1b" in (p["value"] or "") for p in main_json["problems"])  # the data itself is kept


def test_only_sources_dropped_is_said_truthfully(make_package, capsys) -> None:
    from app.cli import main
    from app.dataset import load_package
    from app.web.factory import data_notice

    pkg = make_package()
    sources = (pkg / "sources.csv").read_text()
    (pkg / "sources.csv").write_text(sources + "src-c,Agency C,Report C,,2023-02-30,https://www.example.org/c,,,news,en\n")
    ds = load_package(pkg)
    assert ds.errors and ds.dropped_events == 0
    notice = data_notice(ds)
    assert "0 events" not in notice and "1 row of sources.csv not loaded" in notice, notice
    main(["describe", str(pkg)])
    out = capsys.readouterr().out
    assert "0 events not shown" not in out and "1 row of sources.csv not loaded" in out


def test_list_literal_survives_the_ast_thread_race(monkeypatch: pytest.MonkeyPatch) -> None:
    """CPython 3.11's ast state is shared by threads (gh-106905): a parse racing another thread's
    raises SystemError. A source cell's Python list literal is still read (the parse is tried
    again), and a parse that keeps failing leaves the cell as written instead of failing the import."""
    import ast

    from app.importers import text

    real = ast.literal_eval
    calls: list[str] = []

    def flaky(source: str) -> object:
        calls.append(source)
        if len(calls) == 1:
            raise SystemError("AST constructor recursion depth mismatch (before=144, after=193)")
        return real(source)

    monkeypatch.setattr(text.ast, "literal_eval", flaky)
    assert text.list_text("['sources66', 'sources67']") == "sources66; sources67"
    assert len(calls) == 2

    def broken(source: str) -> object:
        raise SystemError("AST constructor recursion depth mismatch")

    monkeypatch.setattr(text.ast, "literal_eval", broken)
    assert text.list_text("['sources66']") == "['sources66']"
