"""Static images of figures (PNG, SVG, PDF) rendered on the server with kaleido — fully offline.

kaleido drives a headless Chromium. Three things keep it off the network:
- MathJax is disabled when the renderer starts (`mathjax=False`);
- map shapes come from the app's local topojson (``pio.defaults.topojson`` = a file:// URL);
- Chromium is started through a small wrapper script that maps every host name except localhost
  to "not found", so even its background look-ups go nowhere.

``Renderer`` starts the browser once and renders many figures (two tabs in parallel); a plain
``render()`` call starts and stops one for a single figure.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from app.errors import OutputError
from app.figures.map import TOPOJSON_DIR

FORMATS = ("png", "svg", "pdf")
SLIDE_SIZE = (1600, 900)
RESOLVER_RULES = "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"


def _chromium() -> str | None:
    for name in (os.environ.get("GEOTIMELINE_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def _wrapper(folder: Path) -> Path:
    """A script that starts Chromium with the air-gap resolver rule (passed to kaleido)."""
    chromium = _chromium()
    if chromium is None:
        raise OutputError("no Chromium found for image export: install Debian's `chromium` (see README)")
    script = folder / "chromium-offline"
    script.write_text(f'#!/bin/sh\nexec "{chromium}" --host-resolver-rules="{RESOLVER_RULES}" '
                      f'--disable-background-networking --disable-component-update "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script


def _offline_defaults() -> None:
    pio.defaults.topojson = TOPOJSON_DIR.as_uri() + "/"
    pio.defaults.mathjax = None


class Renderer:
    """One running kaleido browser for many images."""

    def __init__(self, tabs: int = 2):
        self.tabs = tabs
        self._tmp = tempfile.TemporaryDirectory(prefix="geotimeline-render-")
        self._kaleido: Any = None

    def __enter__(self) -> Renderer:
        import kaleido

        _offline_defaults()
        os.environ["BROWSER_PATH"] = str(_wrapper(Path(self._tmp.name)))
        try:
            kaleido.start_sync_server(n=self.tabs, mathjax=False, silence_warnings=True)
        except Exception as exc:  # kaleido raises several types when the browser cannot start
            raise OutputError(f"the image renderer could not start: {exc}") from exc
        self._kaleido = kaleido
        return self

    def __exit__(self, *exc: object) -> None:
        if self._kaleido is not None:
            self._kaleido.stop_sync_server(silence_warnings=True)
        self._tmp.cleanup()

    def render_many(self, figures: Sequence[go.Figure | dict[str, Any]], fmt: str = "png",
                    size: tuple[int, int] = SLIDE_SIZE, scale: float = 1) -> list[bytes]:
        """Render every figure; returns the image bytes in the same order."""
        if fmt not in FORMATS:
            raise OutputError(f"unknown image format {fmt!r}; use one of {', '.join(FORMATS)}")
        out_dir = Path(self._tmp.name)
        jobs = []
        paths = []
        for i, fig in enumerate(figures):
            spec = fig.to_plotly_json() if isinstance(fig, go.Figure) else fig
            path = out_dir / f"figure-{i}.{fmt}"
            path.unlink(missing_ok=True)
            paths.append(path)
            jobs.append({"fig": spec, "path": str(path), "topojson": TOPOJSON_DIR.as_uri() + "/",
                         "opts": {"format": fmt, "width": size[0], "height": size[1], "scale": scale}})
        errors = self._kaleido.write_fig_from_object_sync(jobs)
        if errors:
            raise OutputError(f"image rendering failed: {errors[0]}")
        return [p.read_bytes() for p in paths]

    def render(self, fig: go.Figure | dict[str, Any], fmt: str = "png", size: tuple[int, int] = SLIDE_SIZE) -> bytes:
        return self.render_many([fig], fmt, size)[0]


@contextmanager
def renderer(tabs: int = 2) -> Iterator[Renderer]:
    with Renderer(tabs) as r:
        yield r


def render(fig: go.Figure | dict[str, Any], fmt: str = "png", size: tuple[int, int] = SLIDE_SIZE) -> bytes:
    """Render one figure (starts and stops a renderer)."""
    with renderer(tabs=1) as r:
        return r.render(fig, fmt, size)
