"""Memoised results bounded by their bytes (app.sized): the view caches of a worker cannot grow
past their budgets however many filter states its users try (issue 18, worker memory)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from app.dataset import load_package
from app.figures.context import FigureContext
from app.filters import ROWS_BYTES, FilterState
from app.sized import MB, byte_lru, nbytes
from app.view import ORDERS_BYTES, VIEWS_BYTES, Loaded, table_block

REPO = Path(__file__).resolve().parents[1]


def test_a_byte_budget_keeps_the_most_recent_results_that_fit() -> None:
    calls: list[int] = []

    @byte_lru(10_000)
    def block(i: int) -> np.ndarray:
        calls.append(i)
        return np.zeros(3_000, dtype=np.uint8)  # 3,000 bytes: three fit, a fourth evicts the oldest

    for i in range(4):
        block(i)
    assert block.cache.currsize <= 10_000  # type: ignore[attr-defined]
    block(3), block(2), block(1)  # the three latest: answered from the cache
    assert calls == [0, 1, 2, 3]
    block(0)  # evicted: computed again
    assert calls == [0, 1, 2, 3, 0]


def test_a_result_larger_than_the_budget_is_returned_and_not_kept() -> None:
    @byte_lru(1_000)
    def big(n: int) -> np.ndarray:
        return np.ones(n, dtype=np.uint8)

    assert big(5_000).sum() == 5_000
    assert big.cache.currsize == 0  # type: ignore[attr-defined]


def test_sizes_are_estimated_from_what_a_value_holds() -> None:
    frame = pd.DataFrame({"a": np.arange(10_000, dtype=np.int64), "b": np.zeros(10_000)})
    assert 160_000 <= nbytes(frame) <= 170_000  # two 80,000-byte columns and the index
    spec = {"data": [{"x": np.zeros(1_000), "text": ["word"] * 1_000}], "layout": {"title": "t"}}
    assert 8_000 + 8_000 <= nbytes(spec) <= 8_000 + 8_000 + 60_000
    # a list of 1,000 strings counts each string: 1,000 distinct ones are more than one repeated
    assert nbytes([f"event {i}" for i in range(1_000)]) > 50_000


def test_the_view_caches_stay_within_their_budgets_however_many_states_are_seen() -> None:
    ds = load_package(REPO / "data")
    loaded = Loaded.from_dataset(ds, FigureContext.from_dataset(ds, today="2026-11-23"))
    cats = sorted(set(ds.events["category"]))
    states = [FilterState(categories=combo) for r in (1, 2) for combo in itertools.combinations(cats, r)]
    assert len(states) >= 45  # at ~0.35 MB of figures a state: more than VIEWS_BYTES hold
    for state in states:
        loaded.views(state, "category", True)
        loaded.views(state, "actor", True)
        table_block(loaded, state, (("title", False),), 0, 50)
    for cache, budget in ((loaded.views.cache, VIEWS_BYTES), (loaded.orders.cache, ORDERS_BYTES),
                          (loaded.cache._apply.cache, ROWS_BYTES)):
        held = sum(nbytes(v) for v in cache.values())
        assert held <= budget, (held / MB, budget / MB)
    assert len(loaded.views.cache) < 2 * len(states)  # some were let go: the budget was reached
    # what is kept still answers: the latest state is served from the cache, unchanged
    again = loaded.views(states[-1], "actor", True)
    assert again is loaded.views(states[-1], "actor", True)
