"""URL state: round trips (hypothesis) and hostile query strings that must never raise."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from app.filters import FilterState, ViewState
from app.urlstate import Known, parse_query, to_query

KNOWN = Known(
    categories=frozenset({"production", "transfer", "diplomacy"}),
    actors=frozenset({"iran", "russia", "tajikistan"}),
    roles=frozenset({"supplier", "host"}),
    countries=frozenset({"RUS", "TJK"}),
    systems={"shahed-136": "shahed-136", "geran-2": "shahed-136", "ababil-2": "ababil-2"},
    verification=frozenset({"confirmed", "claimed"}),
    events=frozenset({"ev-1", "ev-2"}),
    narratives=frozenset({"story-a"}),
)

subset = lambda values: st.lists(st.sampled_from(sorted(values)), unique=True).map(tuple)  # noqa: E731
dates = st.one_of(st.none(), st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(2999, 12, 31)))


@st.composite
def states(draw: st.DrawFn) -> tuple[FilterState, ViewState]:
    start, end = draw(dates), draw(dates)
    if start and end and end < start:
        start, end = end, start
    state = FilterState(
        start=start, end=end,
        categories=draw(subset(KNOWN.categories)), actors=draw(subset(KNOWN.actors)),
        actor_role=draw(st.sampled_from(["", "supplier", "host"])),
        countries=draw(subset(KNOWN.countries)), systems=draw(subset({"shahed-136", "ababil-2"})),
        verification=draw(subset(KNOWN.verification)),
        text=draw(st.text(max_size=30).map(str.strip).filter(lambda t: "\x00" not in t)),
    )
    story = draw(st.sampled_from(["", "story-a"]))
    view = ViewState(lanes=draw(st.sampled_from(["category", "actor", "country"])),
                     selected=draw(st.sampled_from(["", "ev-1", "ev-2"])),
                     seats=draw(st.booleans()), narrative=story,
                     step=draw(st.integers(0, 20)) if story else 0)
    return state, view


@settings(max_examples=300, deadline=None)
@given(states())
def test_round_trip(pair: tuple[FilterState, ViewState]) -> None:
    state, view = pair
    parsed_state, parsed_view, notices = parse_query(to_query(state, view), KNOWN)
    assert notices == []
    assert parsed_state == state
    assert parsed_view == view


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=300))
def test_random_query_strings_never_raise(query: str) -> None:
    state, view, notices = parse_query(query, KNOWN)
    assert isinstance(state, FilterState) and isinstance(view, ViewState)
    assert all(isinstance(n, str) for n in notices)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["from", "to", "cat", "actor", "role", "country", "system",
                                        "verif", "q", "lanes", "event", "seats", "story", "step", "zz"]),
                       st.text(max_size=40), max_size=8))
def test_random_parameter_values_never_raise(params: dict[str, str]) -> None:
    from urllib.parse import urlencode

    state, _view, _ = parse_query(urlencode(params), KNOWN)
    assert state.start is None or state.end is None or state.start <= state.end


def test_notices_for_bad_values() -> None:
    state, view, notices = parse_query(
        "?from=2023-02-30&cat=production,bogus&lanes=sideways&event=nope&zz=1&system=Geran-2", KNOWN)
    assert state.start is None
    assert state.categories == ("production",)
    assert state.systems == ("shahed-136",)  # an alias finds the system
    assert view.lanes == "category" and view.selected == ""
    assert len(notices) == 5
    assert any('"zz"' in n for n in notices)


def test_default_view_is_empty_query() -> None:
    assert to_query(FilterState(), ViewState()) == ""
    assert parse_query("", KNOWN) == (FilterState(), ViewState(), [])


def test_reversed_range_is_dropped_with_notice() -> None:
    state, _, notices = parse_query("from=2023-01-01&to=2022-01-01", KNOWN)
    assert (state.start, state.end) == (None, None)
    assert notices


def test_every_declared_filter_reaches_every_derived_place() -> None:
    """Each FilterState field (its Param) is a link parameter, a CLI flag, a control, a store key,
    a criterion and words of the summary line: one declaration, every place derived."""
    from app.cli import FILTER_PARAMS
    from app.filters import FIELDS, FILTERS, criteria, describe
    from app.urlstate import PARAMS
    from app.web.logic import CONTROLS, controls_from_states, states_from_controls

    one = {"start": dt.date(2022, 1, 1), "end": dt.date(2022, 12, 31), "categories": ("transfer",),
           "actors": ("iran",), "actor_role": "supplier", "countries": ("RUS",), "systems": ("shahed-136",),
           "verification": ("confirmed",), "text": "alabuga"}
    assert set(one) == set(FIELDS)  # a new field needs a value here, and so a test of its own
    assert {f for spec in FILTERS for f in spec.fields} == set(FIELDS)  # every field is tested by a filter
    flags = dict(FILTER_PARAMS)
    for name, p in FIELDS.items():
        state = FilterState(**{name: one[name]})
        assert p.url in PARAMS and flags[p.url] == p.help and CONTROLS[name] == (p.control, p.prop)
        parsed, _, notices = parse_query(to_query(state), KNOWN)
        assert parsed == state and notices == [], name
        assert FilterState.from_dict(state.to_dict()) == state
        assert states_from_controls(controls_from_states(state, ViewState()))[0] == state
        assert criteria(state) and describe(state, 3) != "3 events · all", name
