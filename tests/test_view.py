"""The pure view model (app/view.py): compose_view on a tiny package, no Dash involved."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from app.dataset import load_package
from app.figures.context import SELECTION_UID, FigureContext, trace_index
from app.filters import FilterState, ViewState
from app.view import Loaded, compose_view


@pytest.fixture
def loaded(make_package) -> Loaded:
    ds = load_package(make_package())
    return Loaded.from_dataset(ds, FigureContext.from_dataset(ds, today="2026-11-23"))


def test_compose_view_gives_every_part_of_the_page(loaded) -> None:
    shown = compose_view(loaded, FilterState(categories=("production",)), ViewState(selected="ev-plant"))
    assert shown.count == shown.rows["n"] == 1 and shown.summary == "1 event · Production"
    assert [r["event_id"] for r in shown.rows["block"]] == ["ev-plant"]
    t_ring = shown.timeline["data"][trace_index(shown.timeline, SELECTION_UID)]
    m_ring = shown.map["data"][trace_index(shown.map, SELECTION_UID)]
    assert len(t_ring["x"]) == 1 and len(m_ring["lon"]) == 1  # the selection is ringed on both
    unselected = compose_view(loaded, FilterState(categories=("production",)), ViewState())
    assert unselected.timeline["data"][trace_index(unselected.timeline, SELECTION_UID)]["x"] == []


def test_a_view_is_a_copy_the_cache_never_sees_changed(loaded) -> None:
    """Cached figure specs are shared by every request: whatever a caller does to its View, the next
    View of the same state is the same."""
    state, view = FilterState(), ViewState(selected="ev-visit")
    first = compose_view(loaded, state, view)
    before = json.dumps([first.timeline, first.map], default=lambda a: np.asarray(a).tolist(), sort_keys=True)
    first.timeline["layout"]["xaxis"]["range"] = ["1900-01-01", "1901-01-01"]
    first.timeline["data"].clear()
    first.map["layout"]["map"]["layers"].clear()
    again = compose_view(loaded, state, view)
    after = json.dumps([again.timeline, again.map], default=lambda a: np.asarray(a).tolist(), sort_keys=True)
    assert after == before

    def containers(value: object, found: set[int]) -> set[int]:
        if isinstance(value, dict | list | np.ndarray):
            found.add(id(value))
            for item in value.values() if isinstance(value, dict) else value if isinstance(value, list) else ():
                containers(item, found)
        return found

    third = compose_view(loaded, state, view)  # each view its own: no dict, list or array in common
    mine = containers(again.map, containers(again.timeline, set()))
    assert not mine & containers(third.map, containers(third.timeline, set()))


def test_open_periods_end_today_in_the_view(loaded) -> None:
    """'today' reaches the filters: a range wholly after today shows no period still in force."""
    future = compose_view(loaded, FilterState(start=dt.date(2030, 1, 1)), ViewState())
    assert future.count == 0
    now = compose_view(loaded, FilterState(start=dt.date(2026, 1, 1)), ViewState())
    assert now.count >= 1  # the open-ended period is in force in 2026


def test_figure_builders_share_no_dict_between_figures(loaded) -> None:
    """No module-level dict or list is placed into a figure: two figures built one after the other
    have no container in common (the old EVENT_AXIS was one dict in every timeline's layout)."""
    from app.figures.map import live_map_spec, map_spec
    from app.figures.timeline import timeline_spec

    def containers(value: object, found: set[int]) -> set[int]:
        if isinstance(value, dict | list):
            found.add(id(value))
            for item in value.values() if isinstance(value, dict) else value:
                containers(item, found)
        return found

    events = loaded.ds.events
    for build in (lambda: timeline_spec(events, loaded.ctx), lambda: map_spec(events, loaded.ctx),
                  lambda: live_map_spec(events, loaded.ctx)):
        a, b = build(), build()
        assert containers(a, set()) & containers(b, set()) == set()


@pytest.mark.parametrize("lanes", ["category", "actor", "country", "system"])
def test_packed_figures_are_sent_as_the_figures_themselves(loaded, lanes: str) -> None:
    """The view cache keeps each figure as JSON (``Packed``) and parses it for every request: what
    Dash sends of the parsed figure (plotly's encoder) is byte for byte what it sends of the figure
    as built, and the parsed one holds plain JSON values only (orjson writes it in one pass)."""
    import orjson
    from plotly.io.json import to_json_plotly

    from app.view import Packed, build_views

    cats = sorted(set(loaded.ds.events["category"]))
    for state in [FilterState(), FilterState(categories=tuple(cats[:1])), FilterState(categories=tuple(cats[1:3])),
                  FilterState(start=dt.date(2022, 1, 1), end=dt.date(2023, 12, 31))]:
        for seats in (True, False):
            built = build_views(state, lanes, seats, loaded=loaded)
            parsed = Packed.of(built).unpacked()
            for mine, theirs in ((parsed.timeline, built.timeline), (parsed.map, built.map)):
                assert to_json_plotly(mine) == to_json_plotly(theirs)
                assert orjson.dumps(mine)  # no value orjson cannot write itself
            assert (parsed.count, parsed.summary) == (built.count, built.summary)
