"""Static images of figures (PNG, SVG, PDF) rendered on the server with kaleido — fully offline.

kaleido drives a headless Chromium. Three things keep it off the network:
- MathJax is disabled when the renderer starts (`mathjax=False`);
- map shapes come from the app's local topojson (``pio.defaults.topojson`` = a file:// URL);
- Chromium is started through a small wrapper script that maps every host name except localhost
  to "not found", so even its background look-ups go nowhere.

``Renderer`` starts the browser once and renders many figures: it has its own kaleido browser
(several tabs rendering in parallel) driven from a background thread, so figures can be
submitted one by one (``submit`` returns a future) while the caller goes on with other work.
A plain ``render()`` call starts and stops one for a single figure.

Speed: kaleido reloads a tab (and so re-parses the 4.8 MB plotly.js) after every figure, which
costs about as much as drawing the figure. Our tabs are reloaded only every ``RELOAD_EVERY``
figures and after an error (the images are byte for byte the same); plotly.js purges each figure
it draws for an image, and keeps the parsed topojson between figures. kaleido also opens its tabs
one after the other; ours open side by side, and drawing starts as soon as the first is ready.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import shutil
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from app.errors import OutputError
from app.figures.map import TOPOJSON_DIR

FORMATS = ("png", "svg", "pdf")
SLIDE_SIZE = (1600, 900)
RESOLVER_RULES = "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"
RELOAD_EVERY = 50  # figures a tab draws before it is reloaded (a fresh page, memory given back)
TIMEOUT = 90  # seconds for one figure


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


@cache
def _kaleido_class() -> Any:
    """kaleido's browser, with tabs reused between figures instead of reloaded after each one.

    A tab is reloaded after ``RELOAD_EVERY`` figures and after a figure that failed. This leans on
    internals of kaleido 1.x (``_return_kaleido_tab``, ``tabs_ready``, ``_conform_tabs``,
    ``_create_kaleido_tab``): should they change, tabs are reloaded after every figure and opened
    one after the other, as kaleido does by default.
    """
    import kaleido

    class ReusingKaleido(kaleido.Kaleido):  # type: ignore[misc]
        def __init__(self, *args: Any, spare_tabs: int = 0, **kwargs: Any):
            super().__init__(*args, **kwargs)
            self.drawn: dict[int, int] = {}
            self.spare_tabs = spare_tabs
            self.opening: list[asyncio.Task[None]] = []

        async def _conform_tabs(self, tabs: Any = None) -> None:
            # the first tab is being set up (it parses plotly.js, ~1–2 s): open the others
            # alongside; they join the queue when ready, while the first one already draws
            if self.spare_tabs:
                spare, self.spare_tabs = self.spare_tabs, 0
                self.opening = [asyncio.create_task(_quietly(self._create_kaleido_tab())) for _ in range(spare)]
            await super()._conform_tabs(tabs)

        async def _return_kaleido_tab(self, tab: Any) -> None:
            queue = getattr(self, "tabs_ready", None)
            drawn = self.drawn.get(id(tab), 0) + 1
            failed = sys.exc_info()[1] is not None  # called from kaleido's `finally`: the figure failed
            if queue is None or failed or drawn >= RELOAD_EVERY:
                self.drawn[id(tab)] = 0
                await super()._return_kaleido_tab(tab)
                return
            self.drawn[id(tab)] = drawn
            await queue.put(tab)

    return ReusingKaleido


#: how many times a figure is drawn when kaleido's tab answers from a page without its script
UNREADY_TRIES = 3


def _unready_tab(exc: BaseException) -> bool:
    """Whether kaleido ran the figure in a page where its script is not (yet) defined: seen in CI
    under load, "ReferenceError: kaleido_scopes is not defined", the tab having taken the context
    of the page it was opened on rather than kaleido's. The figure itself is not at fault."""
    return "kaleido_scopes is not defined" in str(exc)


class Renderer:
    """One running kaleido browser for many images.

    The browser and its asyncio loop live in a background thread. ``start()`` (or ``with``)
    returns at once while Chromium starts; ``submit`` queues a figure and returns a future of its
    image bytes, so the caller can build other things while the tabs draw. Failures surface as
    ``OutputError`` from the futures (or from ``wait_started``).
    """

    def __init__(self, tabs: int = 2):
        self.tabs = tabs
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._started: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self._pending: set[concurrent.futures.Future[bytes]] = set()
        self._lock = threading.Lock()

    def __enter__(self) -> Renderer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start Chromium in the background; returns at once."""
        if self._thread is not None:
            return
        _offline_defaults()
        self._started = concurrent.futures.Future()
        self._tmp = tempfile.TemporaryDirectory(prefix="geotimeline-render-")
        try:
            browser = _wrapper(Path(self._tmp.name))
        except BaseException:
            self._tmp.cleanup()
            raise
        loop_ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(browser, loop_ready), name="geotimeline-renderer",
                                        daemon=True)
        self._thread.start()
        loop_ready.wait()

    def _run(self, browser: Path, loop_ready: threading.Event) -> None:
        with asyncio.Runner() as runner:
            self._loop = runner.get_loop()
            self._stop = asyncio.Event()
            loop_ready.set()
            try:
                runner.run(self._serve(browser))
            finally:
                if not self._started.done():  # never leave a caller waiting
                    self._started.set_exception(RuntimeError("the renderer's thread ended"))

    async def _serve(self, browser: Path) -> None:
        assert self._stop is not None
        k = None
        try:
            cls = _kaleido_class()
            # kaleido opens its tabs one after the other, each parsing plotly.js (~1–2 s): ours
            # opens the first and starts the others alongside (ReusingKaleido._conform_tabs)
            spare = self.tabs - 1 if all(hasattr(cls, a) for a in ("_create_kaleido_tab", "_conform_tabs")) else 0
            k = cls(n=self.tabs - spare, spare_tabs=spare, mathjax=False, timeout=TIMEOUT, path=str(browser))
            await k.open()
        except Exception as exc:  # kaleido raises several types when the browser cannot start
            self._started.set_exception(exc)
            if k is not None:
                await _quietly(k.close())
            await self._stop.wait()  # the loop stays up to report the failure to what was submitted
            return
        self._started.set_result(k)
        try:
            await self._stop.wait()
        finally:
            for task in k.opening:
                task.cancel()
            await _quietly(k.close())

    def wait_started(self) -> None:
        """Block until the browser is up; ``OutputError`` if it could not start."""
        try:
            self._started.result()
        except Exception as exc:
            raise OutputError(f"the image renderer could not start: {exc}") from exc

    def close(self) -> None:
        """Cancel what is still queued, stop the browser and the thread."""
        if self._thread is None or self._loop is None or self._stop is None:
            return
        with self._lock:
            pending, self._pending = self._pending, set()
        for future in pending:
            future.cancel()
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join()
        self._thread = self._loop = None
        if self._tmp is not None:
            self._tmp.cleanup()

    def submit(self, fig: go.Figure | dict[str, Any], fmt: str = "png", size: tuple[int, int] = SLIDE_SIZE,
               scale: float = 1) -> concurrent.futures.Future[bytes]:
        """Queue one figure; the future gives its image bytes. Don't change a figure dict after
        submitting it: it is serialised in the renderer's thread."""
        if fmt not in FORMATS:
            raise OutputError(f"unknown image format {fmt!r}; use one of {', '.join(FORMATS)}")
        if self._loop is None:
            raise OutputError("the image renderer is not started")
        if self._started.done():
            self.wait_started()
        spec = fig.to_plotly_json() if isinstance(fig, go.Figure) else fig
        opts = {"format": fmt, "width": size[0], "height": size[1], "scale": scale}
        try:
            future = asyncio.run_coroutine_threadsafe(self._calc(spec, opts), self._loop)
        except RuntimeError as exc:  # the loop has stopped
            raise OutputError(f"the image renderer has stopped: {exc}") from exc
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future: concurrent.futures.Future[bytes]) -> None:
        with self._lock:
            self._pending.discard(future)

    async def _calc(self, spec: dict[str, Any], opts: dict[str, Any]) -> bytes:
        try:
            k = await asyncio.wrap_future(self._started)
        except Exception as exc:
            raise OutputError(f"the image renderer could not start: {exc}") from exc
        for attempt in range(1, UNREADY_TRIES + 1):
            try:
                image: bytes = await k.calc_fig(spec, opts, topojson=TOPOJSON_DIR.as_uri() + "/")
            except Exception as exc:  # kaleido's and the browser's errors, of several types
                if attempt < UNREADY_TRIES and _unready_tab(exc):
                    continue  # the failed tab was reloaded (ReusingKaleido._return_kaleido_tab): draw again
                raise OutputError(f"image rendering failed: {exc}") from exc
            return image
        raise AssertionError("unreachable")  # pragma: no cover

    def render_many(self, figures: Sequence[go.Figure | dict[str, Any]], fmt: str = "png",
                    size: tuple[int, int] = SLIDE_SIZE, scale: float = 1) -> list[bytes]:
        """Render every figure (in parallel tabs); returns the image bytes in the same order."""
        futures = [self.submit(fig, fmt, size, scale) for fig in figures]
        try:
            return [future.result() for future in futures]
        finally:
            for future in futures:
                future.cancel()

    def render(self, fig: go.Figure | dict[str, Any], fmt: str = "png", size: tuple[int, int] = SLIDE_SIZE,
               scale: float = 1) -> bytes:
        return self.submit(fig, fmt, size, scale).result()


async def _quietly(step: Any) -> None:
    """Await a browser's close or a tab's opening, ignoring its errors (the browser may be gone)."""
    with suppress(Exception):
        await step


@contextmanager
def renderer(tabs: int = 2) -> Iterator[Renderer]:
    with Renderer(tabs) as r:
        yield r


def render(fig: go.Figure | dict[str, Any], fmt: str = "png", size: tuple[int, int] = SLIDE_SIZE) -> bytes:
    """Render one figure (starts and stops a renderer)."""
    with renderer(tabs=1) as r:
        return r.render(fig, fmt, size)
