"""Memoised results bounded by their bytes (app.sized): the view caches of a worker cannot grow
past their budgets however many filter states its users try (issue 18, worker memory)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from app.dataset import load_package
from app.figures.context import FigureContext
from app.filters import FilterState
from app.sized import MB, VIEWS, SharedBytes, nbytes
from app.view import Loaded, table_block

REPO = Path(__file__).resolve().parents[1]


def test_a_byte_budget_keeps_the_most_recent_results_that_fit() -> None:
    calls: list[int] = []
    shared = SharedBytes(10_000)

    @shared.memoise
    def block(i: int) -> np.ndarray:
        calls.append(i)
        return np.zeros(3_000, dtype=np.uint8)  # 3,000 bytes: three fit, a fourth evicts the oldest

    for i in range(4):
        block(i)
    assert shared.cache.currsize <= 10_000
    block(3), block(2), block(1)  # the three latest: answered from the cache
    assert calls == [0, 1, 2, 3]
    block(0)  # evicted: computed again
    assert calls == [0, 1, 2, 3, 0]


def test_a_result_larger_than_the_budget_is_returned_and_not_kept() -> None:
    shared = SharedBytes(1_000)

    @shared.memoise
    def big(n: int) -> np.ndarray:
        return np.ones(n, dtype=np.uint8)

    assert big(5_000).sum() == 5_000
    assert shared.cache.currsize == 0


def test_sizes_are_estimated_from_what_a_value_holds() -> None:
    frame = pd.DataFrame({"a": np.arange(10_000, dtype=np.int64), "b": np.zeros(10_000)})
    assert 160_000 <= nbytes(frame) <= 170_000  # two 80,000-byte columns and the index
    spec = {"data": [{"x": np.zeros(1_000), "text": ["word"] * 1_000}], "layout": {"title": "t"}}
    assert 8_000 + 8_000 <= nbytes(spec) <= 8_000 + 8_000 + 60_000
    # a list of 1,000 strings counts each string: 1,000 distinct ones are more than one repeated
    assert nbytes([f"event {i}" for i in range(1_000)]) > 50_000


@pytest.fixture
def budget() -> Iterator[SharedBytes]:
    """The process's view budget, made small for the test and put back after it."""
    before = VIEWS.budget
    VIEWS.resize(6 * MB)
    yield VIEWS
    VIEWS.resize(before)


def test_the_view_caches_of_every_dataset_stay_within_one_budget(budget: SharedBytes) -> None:
    ds = load_package(REPO / "data")
    ctx = FigureContext.from_dataset(ds, today="2026-11-23")
    bundled, upload = Loaded.from_dataset(ds, ctx), Loaded.from_dataset(ds, ctx)  # two datasets of one process
    cats = sorted(set(ds.events["category"]))
    states = [FilterState(categories=combo) for r in (1, 2) for combo in itertools.combinations(cats, r)]
    assert len(states) >= 45  # at ~0.25 MB of figures a state: more than 6 MB hold
    made = {}
    for state in states:
        for loaded in (bundled, upload):
            loaded.views(state, "category", True)
            made[id(loaded), state] = loaded.packed(state, "category", True)
            table_block(loaded, state, (("title", False),), 0, 50)
    held = sum(nbytes(v) for v in budget.cache.values())
    assert 0.5 * budget.budget < held <= budget.budget, (held / MB, budget.budget / MB)
    figures = budget.held(bundled.packed) + budget.held(upload.packed)
    assert 0 < len(figures) < 2 * len(states)  # some were let go: the budget was reached
    assert budget.held(bundled.cache._apply) and budget.held(bundled.orders)  # tables and orders share it
    # what is kept still answers: the latest state is served from the cache, unchanged
    again = upload.packed(states[-1], "category", True)
    assert again is upload.packed(states[-1], "category", True)
    assert any(f is again for f in budget.held(upload.packed))
    # each call gets figures of its own: a change to one never reaches the cache
    mine = upload.views(states[-1], "category", True)
    mine.map["data"].clear()
    assert upload.views(states[-1], "category", True).map["data"]
    # the least recent went first, whichever dataset it was of: the first states are gone from both
    kept = {id(f) for f in figures}
    assert id(made[id(bundled), states[0]]) not in kept and id(made[id(upload), states[0]]) not in kept
    assert id(made[id(bundled), states[-1]]) in kept


def test_a_shared_budget_keeps_the_most_recent_results_of_all_its_functions() -> None:
    shared = SharedBytes(10_000)
    calls: list[tuple[str, int]] = []

    def block(tag: str) -> Any:
        def make(i: int) -> np.ndarray:
            calls.append((tag, i))
            return np.zeros(3_000, dtype=np.uint8)
        return shared.memoise(make)

    a, b = block("a"), block("b")
    a(1), b(1), a(2)  # three of 3,000 bytes fit
    assert calls == [("a", 1), ("b", 1), ("a", 2)]
    a(1), b(1), a(2)
    assert len(calls) == 3  # all answered from the one cache: the same argument, two functions, two results
    b(2)  # a fourth: the least recently used (a(1)) goes
    assert shared.cache.currsize <= 10_000
    a(1)
    assert calls[-1] == ("a", 1) and len(calls) == 5
    assert len(shared.held(a)) + len(shared.held(b)) == 3
    big = shared.memoise(lambda n: np.ones(n, dtype=np.uint8))
    assert big(20_000).sum() == 20_000 and not shared.held(big)  # larger than the budget: not kept
    shared.resize(0)
    assert a(1) is not None and not shared.held(a)  # a budget of 0 keeps nothing


def test_the_server_sizes_the_budget_from_its_setting(budget: SharedBytes) -> None:
    from app.settings import Settings
    from app.web import create_app

    create_app(Settings.from_env({"GEOTIMELINE_VIEW_CACHE_MB": "5", "GEOTIMELINE_TODAY": "2026-11-23"}))
    assert VIEWS.budget == 5 * MB


def test_a_small_filtered_table_is_counted_with_pandas_own_objects() -> None:
    """A filtered table of a few dozen rows is mostly pandas' own objects (its arrays, blocks and
    index), not its data: counted by its data alone, a budget of them held ~4× its bytes."""
    import gc
    import tracemalloc

    from app.filters import FilterCache

    ds = load_package(REPO / "data")
    cache = FilterCache(ds.events)
    cats = sorted(set(ds.events["category"]))
    gc.collect()
    tracemalloc.start()
    try:
        frames = [cache._compute(FilterState(categories=(c,))) for c in cats]
        traced = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert all(len(f) < 100 for f in frames)
    estimate = sum(nbytes(f) for f in frames)
    data_only = sum(int(f.memory_usage(index=True, deep=False).sum()) for f in frames)
    assert data_only < 0.5 * traced  # the data alone: well under what the tables hold
    assert 0.7 * traced <= estimate <= 2.0 * traced, (estimate, traced)
