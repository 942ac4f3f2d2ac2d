"""Briefing outputs: narratives resolved to steps, the PPTX deck, the offline HTML snapshot, figures."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation

from app.cli import main
from app.dataset import load_package
from app.errors import UserInputError
from app.export.narrative import load_narrative, narrative_ids
from app.figures.context import FigureContext
from app.settings import BUNDLED_DATA


@pytest.fixture(scope="module")
def ds():
    return load_package(BUNDLED_DATA)


def test_shipped_narratives(ds) -> None:
    ids = narrative_ids(ds)
    assert len(ids) >= 3 and "dushanbe-to-alabuga" in ids
    ctx = FigureContext.from_dataset(ds, today="2026-11-23")
    for nid in ids:
        story = load_narrative(ds, nid, ctx.today)
        assert len(story.steps) >= 3
        for step in story.steps:
            assert step.window[0] <= step.event["date_start"] <= step.window[1] or step.event["kind"] == "period"
            assert step.caption


def test_unknown_narrative_is_a_clear_error(ds) -> None:
    with pytest.raises(UserInputError, match="no narrative"):
        load_narrative(ds, "nope")


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("deck") / "deck.pptx"
    main(["brief", "dushanbe-to-alabuga", "--format", "pptx", "--out", str(out)])
    return out


def test_pptx_deck(ds, deck: Path) -> None:
    story = load_narrative(ds, "dushanbe-to-alabuga")
    prs = Presentation(str(deck))
    slides = list(prs.slides)
    n = len(story.steps)
    assert len(slides) >= n + 2  # title, one per step, at least one sources slide
    assert story.title in slides[0].shapes[0].text_frame.text
    for step, slide in zip(story.steps, slides[1:n + 1], strict=True):
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        assert len(pictures) == 2
        texts = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert step.caption in texts  # editable text, not baked into an image
        notes = slide.notes_slide.notes_text_frame.text
        urls = re.findall(r"https?://\S+", notes)
        assert urls, "the notes carry the sources' URLs"
    assert "Sources" in slides[n + 1].shapes[0].text_frame.text
    assert prs.slide_width * 9 == prs.slide_height * 16  # 16:9
    with zipfile.ZipFile(deck) as z:  # images are crisp: 2200 px wide PNGs
        media = [m for m in z.namelist() if m.startswith("ppt/media/")]
        assert media


def test_pptx_refuses_overwrite(deck: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["brief", "dushanbe-to-alabuga", "--format", "pptx", "--out", str(deck)])
    assert exc.value.code == 1 and "--force" in capsys.readouterr().err


def test_html_brief_is_self_contained(tmp_path: Path) -> None:
    out = tmp_path / "brief.html"
    main(["brief", "un-arms-embargo-regime", "--format", "html", "--out", str(out)])
    text = out.read_text(encoding="utf-8")
    assert out.stat().st_size <= 6 * 1024 * 1024
    assert "window.PlotlyGeoAssets" in text and '"world_50m"' in text
    assert not re.search(r"<script[^>]+src=", text)  # nothing loaded from elsewhere
    assert not re.search(r"<link[^>]+href=", text)


def test_snapshot_escapes_data(make_package, tmp_path: Path) -> None:
    base = (make_package() / "events.csv").read_text()
    evil = base.replace("Plant opens in Dushanbe", "</script><script>alert(1)</script>")
    out = tmp_path / "snap.html"
    main(["snapshot", "--data", str(make_package(events=evil)), "--out", str(out)])
    text = out.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in text
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in text


@pytest.mark.parametrize("fmt,magic", [("png", b"\x89PNG"), ("svg", b"<svg"), ("pdf", b"%PDF")])
def test_figure_cli(tmp_path: Path, fmt: str, magic: bytes) -> None:
    out = tmp_path / f"map.{fmt}"
    main(["figure", "map", "--cat", "transfer", "--format", fmt, "--out", str(out)])
    assert magic in out.read_bytes()[:200]
