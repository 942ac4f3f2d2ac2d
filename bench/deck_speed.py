"""Slide-deck speed: `brief NARRATIVE --format pptx`, cold and warm.

Prints:
- cold: the whole CLI command in a fresh process (imports, data, starting Chromium, deck), median of N;
- warm: `build_deck` with the renderer already started (and one deck built first), median of N;
- with --profile, where a warm deck's time goes: figure specs, rendering, writing the pptx.

Usage: python bench/deck_speed.py [NARRATIVE] [--runs 3] [--profile]
Needs Debian's chromium (see README). Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and its live descendants (Chromium's too): a number
    that the shared machine's load changes less than wall time does."""
    me = psutil.Process()
    total = 0.0
    for proc in [me, *me.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            times = proc.cpu_times()
            total += times.user + times.system
    return total


def cold(narrative: str, runs: int) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs):
            out = Path(tmp) / f"cold-{i}.pptx"
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "app", "brief", narrative, "--format", "pptx", "--out", str(out)],
                           cwd=REPO, check=True, capture_output=True)
            times.append(time.perf_counter() - t0)
    return times


def warm(narrative: str, runs: int, profile: bool) -> tuple[float, list[float]]:
    """The first deck's time (renderer just started), then `runs` more decks' times; prints CPU seconds."""
    from app.dataset import load_package
    from app.export.images import renderer
    from app.export.narrative import load_narrative
    from app.export.slides import build_deck
    from app.figures.context import FigureContext
    from app.settings import BUNDLED_DATA

    ds = load_package(BUNDLED_DATA)
    ctx = FigureContext.from_dataset(ds)
    story = load_narrative(ds, narrative, ctx.today)
    t0 = time.perf_counter()
    with renderer() as r:
        build_deck(ds, ctx, story, r)
        first = time.perf_counter() - t0
        times, cpu = [], []
        for _ in range(runs):
            t0, c0 = time.perf_counter(), cpu_seconds()
            content = build_deck(ds, ctx, story, r)
            times.append(time.perf_counter() - t0)
            cpu.append(cpu_seconds() - c0)
        print(f"deck: {len(content) / 1e6:.2f} MB; CPU seconds per warm deck (Python + Chromium): "
              f"median {statistics.median(cpu):.2f}")
        if profile:
            breakdown(ds, ctx, story, r)
    return first, times


def _t(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, value


def breakdown(ds: Any, ctx: Any, story: Any, r: Any) -> None:
    """Each phase of a deck on its own (one run each, renderer warm)."""
    import io
    import json

    from plotly.utils import PlotlyJSONEncoder
    from pptx import Presentation
    from pptx.util import Inches

    from app.export import narrative, slides

    fmt = getattr(slides, "IMAGE_FORMAT", "png")
    size = getattr(slides, "IMAGE_SIZE", (1100, 620))
    scale = getattr(slides, "IMAGE_SCALE", 2)
    secs, pairs = _t(lambda: [narrative.step_figures(ds, ctx, s, legend=False, font_size=22) for s in story.steps])
    print(f"figure specs, {len(pairs)} steps, step by step: {secs:.2f} s")
    if hasattr(narrative, "step_figures_all"):
        secs, pairs = _t(lambda: list(narrative.step_figures_all(ds, ctx, story, legend=False, font_size=22)))
        print(f"figure specs, {len(pairs)} steps, step_figures_all: {secs:.2f} s")
    timelines = [p[0] for p in pairs]
    maps = [p[1] for p in pairs]
    for name, figs in (("timeline", timelines), ("map", maps)):
        secs, text = _t(lambda figs=figs: [json.dumps(f, cls=PlotlyJSONEncoder) for f in figs])
        kb = statistics.mean(len(t) for t in text) / 1e3
        print(f"{name}: JSON {kb:.0f} kB each, {secs / len(figs) * 1e3:.0f} ms each to serialise (as kaleido does)")
        secs, images = _t(lambda figs=figs: r.render_many(figs, fmt, size, scale))
        kb = statistics.mean(len(i) for i in images) / 1e3
        print(f"  render {len(figs)} as {fmt} {size} x{scale}: {secs:.2f} s "
              f"({secs / len(figs):.2f} s each, {kb:.0f} kB)")
    secs, images = _t(lambda: r.render_many(timelines + maps, fmt, size, scale))
    print(f"render all {len(images)} together: {secs:.2f} s")

    def write() -> bytes:
        prs = Presentation()
        for i in range(len(pairs)):
            slide = prs.slides.add_slide(prs.slide_layouts[6])
            slide.shapes.add_picture(io.BytesIO(images[i]), Inches(0.4), Inches(2.45), width=Inches(6.2))
            slide.shapes.add_picture(io.BytesIO(images[len(pairs) + i]), Inches(6.75), Inches(2.45), width=Inches(6.2))
        out = io.BytesIO()
        prs.save(out)
        return out.getvalue()

    secs, _ = _t(write)
    print(f"pptx with {len(images)} pictures: {secs:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("narrative", nargs="?", default="dushanbe-to-alabuga")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-cold", action="store_true")
    args = parser.parse_args()
    print("load average before: {:.1f} {:.1f} {:.1f} ({} cores)".format(*os.getloadavg(), os.cpu_count()))
    if not args.no_cold:
        times = cold(args.narrative, args.runs)
        print(f"cold (CLI, fresh process): median {statistics.median(times):.2f} s  "
              f"[{', '.join(f'{t:.2f}' for t in times)}]")
    first, times = warm(args.narrative, args.runs, args.profile)
    print(f"renderer start + first deck (in process): {first:.2f} s")
    print("load average after: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    print(f"warm (build_deck, renderer started): median {statistics.median(times):.2f} s  "
          f"[{', '.join(f'{t:.2f}' for t in times)}]")


if __name__ == "__main__":
    main()
