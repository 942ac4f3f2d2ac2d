"""A narrative as a 16:9 PowerPoint deck (python-pptx): editable text, crisp images, sources in the
notes. Pure apart from the image renderer passed in."""

from __future__ import annotations

import io
from concurrent.futures import Future
from datetime import date
from typing import Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Length, Pt

from app.dataset import columns as C
from app.dataset.package import Dataset
from app.export.images import Renderer
from app.export.narrative import Narrative, event_facts, sources_of, step_figures_all
from app.figures.context import FigureContext

WIDTH, HEIGHT = Emu(12_192_000), Emu(6_858_000)  # 13.333 × 7.5 in: exactly 16:9
INK = RGBColor(0x1B, 0x1B, 0x1F)
MUTED = RGBColor(0x5D, 0x60, 0x68)
SOURCES_PER_SLIDE = 14
# 1100×620 CSS pixels at scale 2 (2200×1240 px): text stays legible at half a slide's width, and crisp
IMAGE_FORMAT, IMAGE_SIZE, IMAGE_SCALE = "png", (1100, 620), 2


def _text(slide: Any, left: Length, top: Length, width: Length, height: Length, text: str, size: int,
          bold: bool = False, color: RGBColor = INK) -> Any:
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    paragraph.text = text
    paragraph.font.size = Pt(size)
    paragraph.font.bold = bold
    paragraph.font.color.rgb = color
    return box


def _step_slides(prs: Any, ds: Dataset, story: Narrative, images: list[list[Future[bytes]]]) -> None:
    """One slide per step; waits for each step's two images in turn."""
    blank = prs.slide_layouts[6]
    for step, (timeline, geo) in zip(story.steps, images, strict=True):
        slide = prs.slides.add_slide(blank)
        _text(slide, Inches(0.5), Inches(0.25), Inches(12.3), Inches(1.0),
              f"{step.number}/{len(story.steps)} · {step.event[C.TITLE]}", 24, bold=True)
        _text(slide, Inches(0.5), Inches(1.3), Inches(12.3), Inches(1.0), step.caption, 17)
        slide.shapes.add_picture(io.BytesIO(timeline.result()), Inches(0.4), Inches(2.45), width=Inches(6.2))
        slide.shapes.add_picture(io.BytesIO(geo.result()), Inches(6.75), Inches(2.45), width=Inches(6.2))
        _text(slide, Inches(0.5), Inches(6.15), Inches(12.3), Inches(0.5), event_facts(ds, step.event), 14, color=MUTED)
        _text(slide, Inches(0.5), Inches(6.65), Inches(12.3), Inches(0.5),
              f"Sources: see the notes · event id {step.event[C.EVENT_ID]}", 11, color=MUTED)
        notes = [step.event[C.DESCRIPTION]]
        if step.event[C.NOTES]:
            notes.append("Where sources differ: " + step.event[C.NOTES])
        notes.append("Sources:")
        for rec in sources_of(ds, str(step.event[C.EVENT_ID])).to_dict("records"):
            notes.append(f"- {rec[C.PUBLISHER]}, \u201c{rec[C.SOURCE_TITLE]}\u201d, {rec[C.PUBLISHED] or 'undated'} "
                         f"({rec[C.ROLE]}): {rec[C.URL]}")
        slide.notes_slide.notes_text_frame.text = "\n".join(str(n) for n in notes)


def build_deck(ds: Dataset, ctx: FigureContext, story: Narrative, renderer: Renderer) -> bytes:
    """Title slide, one slide per step (caption, timeline, map, facts; sources in the notes),
    and closing sources slides. Returns the .pptx bytes."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    blank = prs.slide_layouts[6]
    meta = ds.metadata

    slide = prs.slides.add_slide(blank)
    _text(slide, Inches(0.8), Inches(2.0), Inches(11.7), Inches(1.5), story.title, 40, bold=True)
    _text(slide, Inches(0.8), Inches(3.6), Inches(11.7), Inches(1.6), story.summary, 20, color=MUTED)
    _text(slide, Inches(0.8), Inches(6.3), Inches(11.7), Inches(0.6),
          f"{ds.title()} · dataset version {meta.get('version', '?')} (reviewed {meta.get('last_reviewed', '?')}) · "
          f"deck made {date.today().isoformat()} with geotimeline", 12, color=MUTED)

    # every step's figures go to the renderer first; the slides are built while its tabs draw
    images: list[list[Future[bytes]]] = []
    try:
        for figures in step_figures_all(ds, ctx, story, legend=True, font_size=22, plot_px=IMAGE_SIZE[0] * 0.75,
                                        plot_h=IMAGE_SIZE[1] * 0.6):
            images.append([renderer.submit(fig, IMAGE_FORMAT, IMAGE_SIZE, IMAGE_SCALE) for fig in figures])
        _step_slides(prs, ds, story, images)
    finally:
        for future in (f for pair in images for f in pair):
            future.cancel()  # after a failure: don't draw the rest

    cited = []
    for step in story.steps:
        for rec in sources_of(ds, str(step.event[C.EVENT_ID])).to_dict("records"):
            line = (f"{rec[C.PUBLISHER]}, \u201c{rec[C.SOURCE_TITLE]}\u201d, {rec[C.PUBLISHED] or 'undated'}. "
                    f"{rec[C.URL]}")
            if line not in cited:
                cited.append(line)
    chunks = [cited[i:i + SOURCES_PER_SLIDE] for i in range(0, len(cited), SOURCES_PER_SLIDE)] or [[]]
    for n, chunk in enumerate(chunks, start=1):
        slide = prs.slides.add_slide(blank)
        heading = "Sources" + (f" ({n}/{len(chunks)})" if len(chunks) > 1 else "")
        _text(slide, Inches(0.5), Inches(0.3), Inches(12.3), Inches(0.8), heading, 28, bold=True)
        box = _text(slide, Inches(0.5), Inches(1.2), Inches(12.3), Inches(5.8), chunk[0] if chunk else "", 12)
        for line in chunk[1:]:
            paragraph = box.text_frame.add_paragraph()
            paragraph.text = line
            paragraph.font.size = Pt(12)
        _text(slide, Inches(0.5), Inches(7.0), Inches(12.3), Inches(0.4),
              f"Cite the dataset: {meta.get('citation', '')}", 10, color=MUTED)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
