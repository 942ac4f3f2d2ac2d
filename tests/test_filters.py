"""Unit tests of the pure core on tiny frames: filters, describe, cache."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from app.dataset import load_package
from app.filters import (
    FilterCache,
    FilterState,
    ViewState,
    apply_filters,
    criteria,
    describe,
    filter_mask,
    slug,
)


@pytest.fixture
def events(make_package) -> pd.DataFrame:
    return load_package(make_package()).events


def ids(frame: pd.DataFrame) -> list[str]:
    return list(frame["event_id"])


def test_no_filter_keeps_all_in_date_order(events) -> None:
    assert ids(apply_filters(events, FilterState())) == ["ev-regime", "ev-plant", "ev-visit"]


def test_date_range_overlaps_windows_and_open_periods(events) -> None:
    state = FilterState(start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31))
    # the open-ended period (2016 - today) overlaps 2023; the 2022 plant opening does not
    assert ids(apply_filters(events, state)) == ["ev-regime", "ev-visit"]
    assert ids(apply_filters(events, FilterState(end=dt.date(2015, 12, 31)))) == []


def test_category_verification_country(events) -> None:
    assert ids(apply_filters(events, FilterState(categories=("diplomacy",)))) == ["ev-visit"]
    assert ids(apply_filters(events, FilterState(verification=("confirmed",)))) == ["ev-regime", "ev-plant"]
    assert ids(apply_filters(events, FilterState(countries=("TJK",)))) == ["ev-plant"]


def test_actor_and_role(events) -> None:
    assert ids(apply_filters(events, FilterState(actors=("russia",)))) == ["ev-visit"]
    assert ids(apply_filters(events, FilterState(actors=("iran",), actor_role="supplier"))) == ["ev-plant"]
    assert ids(apply_filters(events, FilterState(actor_role="host"))) == ["ev-plant", "ev-visit"]
    # an id that is a prefix of another must not match it
    assert ids(apply_filters(events, FilterState(actors=("ira",)))) == []


def test_system_and_text_search(events) -> None:
    assert ids(apply_filters(events, FilterState(systems=("ababil-2",)))) == ["ev-plant"]
    # text search covers aliases of systems, actor aliases and source titles
    assert ids(apply_filters(events, FilterState(text="Ababil 2"))) == ["ev-plant"]
    assert ids(apply_filters(events, FilterState(text="islamic republic"))) == ["ev-regime", "ev-plant", "ev-visit"]
    assert ids(apply_filters(events, FilterState(text="agency"))) == ["ev-visit"]
    assert ids(apply_filters(events, FilterState(text="YELABUGA"))) == ["ev-visit"]


def test_filters_do_not_mutate(events) -> None:
    before = events.copy()
    apply_filters(events, FilterState(text="x", categories=("production",)))
    pd.testing.assert_frame_equal(events, before)


def test_describe_in_words() -> None:
    state = FilterState(categories=("transfer", "production"), countries=("RUS",),
                        start=dt.date(2022, 1, 1), end=dt.date(2023, 12, 31))
    assert describe(state, 37) == "37 events · transfer, production · RUS · 2022–2023"
    labels = {"country": {"RUS": "Russia"}, "category": {"transfer": "Transfer"}}
    assert describe(state, 1, labels) == "1 event · Transfer, production · Russia · 2022–2023"
    assert describe(FilterState(), 80) == "80 events · all"
    assert describe(FilterState(actors=("iran",), actor_role="supplier"), 3) == "3 events · iran as supplier"


def test_slug_for_file_names() -> None:
    assert slug("37 events · transfer, production · Russia · 2022–2023") == \
        "37-events-transfer-production-russia-2022-2023"


def test_state_dict_round_trip() -> None:
    state = FilterState(start=dt.date(2022, 5, 17), categories=("a", "b"), text="x")
    assert FilterState.from_dict(state.to_dict()) == state
    assert FilterState.from_dict({"start": "junk", "categories": 5, "text": 3}) == FilterState()
    assert ViewState.from_dict({"lanes": "nonsense", "step": -4}) == ViewState()


def test_cache_returns_same_result(events) -> None:
    cache = FilterCache(events)
    state = FilterState(categories=("production",))
    assert cache(state) is cache(state)
    assert ids(cache(state)) == ["ev-plant"]


def test_state_as_independent_tests() -> None:
    state = FilterState(text="Ababil  2", categories=("production",), actor_role="host",
                        start=dt.date(2022, 1, 1))
    assert criteria(state) == (("categories", ("production",)), ("actors", ((), "host")), ("word", "ababil"),
                               ("word", "2"), ("dates", (dt.date(2022, 1, 1), None)))
    assert criteria(FilterState()) == ()


def test_cache_agrees_with_apply_filters_and_counts(events) -> None:
    cache = FilterCache(events)
    states = [FilterState(), FilterState(text="islamic republic"),
              FilterState(text="islamic", categories=("production",)),
              FilterState(categories=("production", "diplomacy")), FilterState(actor_role="host"),
              FilterState(start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31), actor_role="host"),
              FilterState(actors=("iran",), actor_role="supplier", text="ababil"), FilterState(text="zzz")]
    for state in states:
        assert ids(cache(state)) == ids(apply_filters(events, state))
        assert cache.count(state) == len(cache(state))
        assert list(filter_mask(cache.events, state)) == list(cache.events["event_id"].isin(ids(cache(state))))


def test_cache_runs_each_test_once(events, monkeypatch) -> None:
    import app.filters as filters

    seen: list[tuple] = []
    passes = filters.passes

    def counting(frame, criterion, today=None):
        seen.append(criterion)
        return passes(frame, criterion, today)

    monkeypatch.setattr(filters, "passes", counting)
    cache = FilterCache(events)
    # the browser's category ticks with a search in place: the search runs once
    for k in range(1, 4):
        cache(FilterState(text="islamic", categories=("production", "diplomacy", "sanctions")[:k]))
    assert seen.count(("word", "islamic")) == 1
    assert len(seen) == 4
    # a shared test's result is read-only: no state can alter it for the next
    mask = cache._passes(("word", "islamic"))
    with pytest.raises(ValueError):
        mask[0] = not mask[0]
