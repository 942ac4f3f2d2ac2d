"""The image renderer's retry of a tab that answered from a page without kaleido's script."""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Any

import pytest

from app.errors import OutputError
from app.export import images

UNREADY = ("{'result': {'className': 'ReferenceError', 'description': 'ReferenceError: kaleido_scopes is not "
           "defined\\n at <anonymous>:1:26'}}")


class FakeKaleido:
    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.calls = 0

    async def calc_fig(self, spec: Any, opts: Any, topojson: str) -> bytes:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return b"image"


def calc(k: FakeKaleido) -> bytes:
    """The renderer's drawing of one figure, on a loop of its own in a thread of its own (as the
    renderer runs it; the test process may already run a loop: Playwright's sync API)."""
    renderer = images.Renderer()
    renderer._started.set_result(k)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, renderer._calc({"data": []}, {"format": "png"})).result()


def test_a_figure_drawn_in_an_unready_tab_is_drawn_again() -> None:
    k = FakeKaleido([Exception(UNREADY)])
    assert calc(k) == b"image"
    assert k.calls == 2


def test_a_tab_that_stays_unready_is_reported_after_three_tries() -> None:
    k = FakeKaleido([Exception(UNREADY) for _ in range(5)])
    with pytest.raises(OutputError, match="kaleido_scopes is not defined"):
        calc(k)
    assert k.calls == images.UNREADY_TRIES == 3


def test_other_rendering_errors_are_not_tried_again() -> None:
    k = FakeKaleido([Exception("Error: the figure has no data")])
    with pytest.raises(OutputError, match="image rendering failed: Error: the figure has no data"):
        calc(k)
    assert k.calls == 1
