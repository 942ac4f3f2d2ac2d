"""Callback functions called directly (no browser, no HTTP): component values -> props."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from dash import no_update
from hypothesis import given, settings
from hypothesis import strategies as st

from app.dataset import load_package
from app.figures.context import SELECTION_UID, FigureContext, trace_index
from app.filters import FIELDS, FilterState, ViewState
from app.view import Loaded
from app.web import ids
from app.web.callbacks import (
    SYNC_INPUTS,
    SYNC_OUTPUTS,
    ZOOM,
    Deps,
    SyncInputs,
    SyncOutputs,
    download,
    grid_block,
    panel_body,
    sync_state,
    update_selection,
    update_views,
)
from app.web.layout import GRID_BLOCK
from app.web.logic import (
    CONTROL_KEYS,
    controls_from_states,
    event_from_click,
    range_from_relayout,
    states_from_controls,
)

STORES = {"filter_data": FilterState().to_dict(),
          "view_data": {"lanes": "category", "seats": True, "narrative": "", "step": 0}}


@pytest.fixture
def deps(make_package) -> Deps:
    ds = load_package(make_package())
    return Loaded.from_dataset(ds, FigureContext.from_dataset(ds, today="2026-11-23"))


def controls(**values: Any) -> dict[str, Any]:
    """Every control's value as a fresh page has them, with ``values`` changed."""
    return {**controls_from_states(FilterState(), ViewState()), **values}


def sync(deps: Deps, trigger: str | None, search: str = "", **given: Any) -> SyncOutputs:
    """sync_state with the inputs a page gives (the default view in the stores), ``given`` changed."""
    inputs = {"search": search, "controls": controls(), "selected": "", **STORES, **given}
    return sync_state(SyncInputs(**inputs), deps=deps, trigger=trigger)


def test_url_restores_controls_and_stores(deps) -> None:
    out = sync(deps, ids.URL, "?cat=diplomacy&event=ev-visit&lanes=actor")
    assert out.url is no_update  # already the URL
    assert out.controls["categories"] == ["diplomacy"] and out.controls["lanes"] == "actor"
    assert out.filter_data["categories"] == ["diplomacy"] and out.view_data["lanes"] == "actor"
    assert out.selected == "ev-visit" and out.notice == ""


def test_controls_write_the_url(deps) -> None:
    out = sync(deps, ids.CATEGORIES, controls=controls(categories=["production"]))
    assert out.url == "?cat=production"
    assert all(v is no_update for v in out.controls.values())  # the controls keep what the user set


def test_timeline_zoom_sets_the_date_range(deps) -> None:
    out = sync(deps, ZOOM, zoom={"xaxis.range[0]": "2022-01-01 00:00", "xaxis.range[1]": "2022-12-31 12:00"})
    assert out.url == "?from=2022-01-01&to=2022-12-31"
    assert out.controls["start"] == "2022-01-01" and out.controls["end"] == "2022-12-31"
    assert sync(deps, ZOOM, zoom={"autosize": True}) == SyncOutputs()


def test_clicks_select_events(deps) -> None:
    click = {"points": [{"customdata": ["ev-plant", "t", "d", "p", "v"]}]}
    assert sync(deps, ids.MAP + ".clickData", map_click=click).selected == "ev-plant"
    assert sync(deps, ids.GRID + ".cellClicked", table_click={"rowId": "ev-visit"}).selected == "ev-visit"
    # a click on something that is not an event keeps the selection (nothing changes)
    assert sync(deps, ids.TIMELINE + ".clickData", timeline_click={"points": [{}]},
                selected="ev-plant").selected is no_update


def test_reset_clears_everything(deps) -> None:
    out = sync(deps, ids.RESET, search="?cat=production")
    assert out.url == "" and out.controls["categories"] == [] and out.filter_data["categories"] == []


def test_inputs_and_outputs_are_named_after_the_components() -> None:
    """Each named input/output is the component the name says: adding a control adds a name."""
    assert set(SYNC_INPUTS["controls"]) == set(SYNC_OUTPUTS["controls"]) == {*FIELDS, "lanes", "seats"}
    assert SYNC_INPUTS["controls"]["categories"].component_id == ids.CATEGORIES
    assert SYNC_OUTPUTS["rows"].component_id == ids.GRID_REFRESH
    assert SYNC_INPUTS["zoom"].component_property == "relayoutData"


def test_update_views_filters_every_output(deps) -> None:
    shown = update_views({"countries": ["RUS"]}, {"lanes": "category"}, "", deps=deps)
    geo, refresh, text = shown.map, shown.rows, shown.summary
    assert refresh["n"] == 1 and refresh["state"]["countries"] == ["RUS"]
    rows = grid_block({"startRow": 0, "endRow": 100}, {"countries": ["RUS"]}, deps=deps)["rowData"]
    assert [r["event_id"] for r in rows] == ["ev-visit"]
    # the table's first block comes with the view, the same rows the server would give for it
    assert refresh["block"] == rows
    assert text == "1 event · Russian Federation"
    assert geo["data"][trace_index(geo, SELECTION_UID)]["name"] == "Selected"


def test_first_block_is_the_default_order_of_the_view(deps) -> None:
    refresh = update_views({}, {}, "", deps=deps).rows
    asked = grid_block({"startRow": 0, "endRow": GRID_BLOCK, "sortModel": []}, {}, deps=deps)
    assert refresh["block"] == asked["rowData"] and refresh["n"] == asked["rowCount"] == len(refresh["block"])
    # dates in order, as the table shows a view unsorted
    assert [r["event_id"] for r in refresh["block"][:2]] == [
        r["event_id"] for r in grid_block({"startRow": 0, "endRow": 2}, {}, deps=deps)["rowData"]]


def test_date_range_keeps_the_timeline_whole_but_zoomed(deps) -> None:
    shown = update_views({"start": "2023-01-01", "end": "2023-12-31"}, {}, "", deps=deps)
    timeline, refresh = shown.timeline, shown.rows
    rows = grid_block({"startRow": 0, "endRow": 100}, refresh["state"], deps=deps)["rowData"]
    assert {r["event_id"] for r in rows} == {"ev-visit", "ev-regime"}
    plotted = {row[0] for t in timeline["data"] if "customdata" in t for row in t["customdata"]}
    assert "ev-plant" in plotted  # outside the range, still on the zoomed-out timeline
    assert timeline["layout"]["xaxis"]["range"] == ["2023-01-01", "2023-12-31"]


def test_panels_fill_once_with_the_datasets_own_words(deps) -> None:
    def text(node: Any) -> str:
        if isinstance(node, list | tuple):
            return " ".join(text(n) for n in node)
        children = getattr(node, "children", node)
        return text(children) if children is not node else ("" if node is None else str(node))

    help_text = text(panel_body(filled=None, deps=deps, panel=ids.HELP_SUMMARY))
    for term in deps.ds.schema.vocab("category").terms:
        assert term.label in help_text and term.description in help_text
    about = text(panel_body(filled=None, deps=deps, panel=ids.ABOUT_SUMMARY))
    for key in ("version", "last_reviewed", "citation"):
        assert str(deps.ds.metadata[key]) in about
    assert panel_body(filled=["already there"], deps=deps, panel=ids.HELP_SUMMARY) is no_update


def test_update_selection_patches_and_details(deps) -> None:
    out = update_selection("ev-plant", {}, {}, "?cat=production", deps=deps)
    t_patch, m_patch, detail = out["timeline"], out["map"], out["detail"]
    figures = deps.views(FilterState(), "category", True)
    ops = t_patch.to_plotly_json()["operations"]
    ring = trace_index(figures.timeline, SELECTION_UID)  # the ring's trace, found by its uid
    assert figures.timeline["data"][ring]["name"] == "Selected"
    assert ops[0]["location"] == ["data", ring, "x"] and len(ops[0]["params"]["value"]) == 1
    m_ops = m_patch.to_plotly_json()["operations"]
    assert m_ops[0]["location"] == ["data", trace_index(figures.map, SELECTION_UID), "lon"]
    assert m_ops[0]["params"]["value"] == [pytest.approx(68.787, abs=3)]
    text = str(detail)
    assert "Plant opens in Dushanbe" in text and "https://www.example.org/a" in text
    assert "noopener noreferrer" in text


def test_download_uses_the_same_filter(deps) -> None:
    sent = download(filter_data={"categories": ["production"]}, deps=deps, trigger=ids.DOWNLOAD_CSV)
    assert sent["filename"] == "geotimeline-1-event-production.csv"
    assert download(filter_data={}, deps=deps, trigger="") is no_update
    cited = download(filter_data={"categories": ["production"]}, deps=deps, trigger=ids.CITE_RIS)
    assert cited["filename"] == "geotimeline-1-event-production-sources.ris"
    assert download(filter_data={}, deps=deps, trigger=ids.CITE_DATASET)["filename"] == "geotimeline-dataset.bib"


@settings(max_examples=500, deadline=None)
@given(st.fixed_dictionaries({key: st.one_of(st.none(), st.text(max_size=20), st.integers(),
                                             st.lists(st.text(max_size=5))) for key in CONTROL_KEYS}))
def test_random_control_values_never_raise(values: dict[str, Any]) -> None:
    state, view = states_from_controls(values)
    assert view.lanes in ("category", "actor", "country")
    assert state.start is None or state.end is None or state.start <= state.end


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.none(), st.dictionaries(st.text(max_size=15), st.one_of(
    st.none(), st.text(max_size=25), st.booleans(), st.lists(st.text(max_size=25), max_size=3)), max_size=4)))
def test_random_relayout_and_clicks_never_raise(data: Any) -> None:
    range_from_relayout(data)
    event_from_click(data)


def test_control_echo_after_url_load_changes_nothing(deps) -> None:
    first = sync(deps, ids.URL, "?cat=diplomacy&bogus=1")
    assert "bogus" in first.notice
    echo = sync(deps, ids.DATE_START, "?cat=diplomacy&bogus=1", controls=controls(categories=["diplomacy"]),
                selected=first.selected, filter_data=first.filter_data, view_data=first.view_data)
    assert echo == SyncOutputs()  # the notice stays, no history entry is added


def test_url_of_the_view_shown_sends_nothing_but_clears_a_notice(deps) -> None:
    """The page came with the default view (layout.FirstView), or back/forward returned to the view
    the stores hold: no store is set again (each would wake its callbacks and redraw)."""
    assert sync(deps, ids.URL, "") == SyncOutputs(notice="")
    # the same view from a URL that needs a notice: everything is set, and the notice says why
    bad = sync(deps, ids.URL, "?bogus=1")
    assert "bogus" in bad.notice and bad.filter_data == FilterState().to_dict() and bad.selected == ""
    # another view: set
    assert sync(deps, ids.URL, "?cat=diplomacy").filter_data["categories"] == ["diplomacy"]


def test_control_event_before_the_url_is_read_reads_the_url(deps) -> None:
    out = sync(deps, ids.DATE_START, "?cat=production", filter_data={}, view_data={})
    assert out.url is no_update  # the URL is not rewritten
    assert out.filter_data["categories"] == ["production"] and out.controls["categories"] == ["production"]


STORY = ("narrative_id,title,summary\nstory,A story,Two steps.\n",
         "narrative_id,step,event_id,caption,window_start,window_end,focus_lon,focus_lat,focus_scale\n"
         "story,1,ev-plant,The plant opens.,2022-01-01,2022-12-31,68.8,38.6,4\n"
         "story,2,ev-visit,The visit.,,,,,\n")


@pytest.fixture
def story_deps(make_package) -> Deps:
    pkg = make_package()
    (pkg / "narratives.csv").write_text(STORY[0])
    (pkg / "narrative_steps.csv").write_text(STORY[1])
    ds = load_package(pkg)
    return Loaded.from_dataset(ds, FigureContext.from_dataset(ds, today="2026-11-23"))


def present(deps: Deps, trigger: str, pick: Any = None, view: dict[str, Any] | None = None,
            selected: str = "") -> SyncOutputs:
    return sync(deps, trigger, story_pick=pick, view_data=view or STORES["view_data"], selected=selected)


def test_presentation_steps_through_a_narrative(story_deps) -> None:
    out = present(story_deps, ids.PRESENT_SELECT, pick="story")
    assert out.url == "?event=ev-plant&story=story&step=1"
    assert out.view_data["narrative"] == "story" and out.selected == "ev-plant" and out.story_pick == "story"
    out = present(story_deps, ids.PRESENT_NEXT, view=out.view_data, selected=out.selected)
    assert out.view_data["step"] == 1 and out.selected == "ev-visit" and out.url.endswith("step=2")
    again = present(story_deps, ids.PRESENT_NEXT, view=out.view_data, selected=out.selected)  # clamped at the last
    assert again.view_data is no_update  # already at the last step: nothing to change
    back = present(story_deps, ids.PRESENT_PREV, view=out.view_data, selected=out.selected)
    assert back.selected == "ev-plant"
    left = present(story_deps, ids.PRESENT_EXIT, view=out.view_data, selected=out.selected)
    assert left.view_data["narrative"] == "" and left.story_pick is None and "story" not in left.url


def test_step_link_opens_at_that_step(story_deps) -> None:
    out = sync(story_deps, ids.URL, "?story=story&step=2")
    assert out.view_data["step"] == 1 and out.selected == "ev-visit"
    out = sync(story_deps, ids.URL, "?story=story&step=99")  # clamped, never an error
    assert out.view_data["step"] == 1


def test_presentation_frames_the_step(story_deps) -> None:
    shown = update_views({}, {"lanes": "category", "narrative": "story", "step": 0}, "ev-plant", deps=story_deps)
    timeline, geo = shown.timeline, shown.map
    # the step's window (2022) stays whole in view, centred on the step's event
    lo, hi = (pd.Timestamp(x) for x in timeline["layout"]["xaxis"]["range"])
    assert lo <= pd.Timestamp("2022-01-01") and hi >= pd.Timestamp("2022-12-31")
    event = story_deps.ds.events.set_index("event_id").loc["ev-plant"]
    middle = event["date_start"] + (event["date_end"] - event["date_start"]) / 2
    assert abs((lo + (hi - lo) / 2) - middle) <= pd.Timedelta(days=1)
    assert geo["layout"]["map"]["center"] == {"lon": 68.8, "lat": 38.6}  # the step's place, not every event
    assert geo["layout"]["map"]["fitbounds"] is False and 2 < geo["layout"]["map"]["zoom"] < 4
    from app.web.callbacks import presentation_panel

    out = presentation_panel({"narrative": "story", "step": 1}, deps=story_deps)
    assert out["page_class"] == "page presenting"
    assert "Step 2 of 2" in str(out["panel"]) and "The visit." in str(out["panel"])
    assert presentation_panel({}, deps=story_deps) == {"panel": [], "page_class": "page"}


def test_print_list_is_escaped_markdown(make_package) -> None:
    from app.web.detail import print_list

    base = (make_package() / "events.csv").read_text()
    ds = load_package(make_package(events=base.replace("Plant opens in Dushanbe", "*bold* [x](javascript:alert(1))")))
    text = print_list(ds, ds.events, "3 events").children
    assert "\\*bold\\* \\[x\\]\\(javascript:alert\\(1\\)\\)" in text
    assert "[Report A](<https://www.example.org/a>)" in text


def test_grid_pages_and_sorts_on_the_server(deps) -> None:
    every = grid_block({"startRow": 0, "endRow": 100}, {}, deps=deps)
    ids_by_date = [r["event_id"] for r in every["rowData"]]
    assert every["rowCount"] == len(deps.ds.events) == len(ids_by_date)
    starts = [r["start"] for r in every["rowData"]]
    assert starts == sorted(starts)
    # pages are disjoint slices of the same order
    pages = [grid_block({"startRow": i, "endRow": i + 2}, {}, deps=deps)["rowData"] for i in range(0, len(starts), 2)]
    assert [r["event_id"] for page in pages for r in page] == ids_by_date
    by_title = grid_block({"startRow": 0, "endRow": 100, "sortModel": [{"colId": "title", "sort": "desc"}]}, {},
                          deps=deps)["rowData"]
    titles = [r["title"] for r in by_title]
    assert titles == sorted(titles, reverse=True)
    # junk requests change nothing; a huge block is clamped
    for junk in (None, "x", {"startRow": "a"}, {}, {"startRow": 0, "endRow": float("inf")}):
        assert grid_block(junk, {}, deps=deps) is no_update
    junk_sort = grid_block({"startRow": 0, "endRow": 10**9, "sortModel": [{"colId": "<script>"}, 5]}, {}, deps=deps)
    assert [r["event_id"] for r in junk_sort["rowData"]] == ids_by_date


def test_browser_callbacks_live_in_assets_and_name_real_ids() -> None:
    """The clientside callbacks are ClientsideFunctions of assets/callbacks.js (no JavaScript in
    Python strings, in any module of app/web), and every component id the script names is one of
    app.web.ids."""
    import re
    from pathlib import Path

    from app.web import callbacks

    web = Path(callbacks.__file__).parent
    script = (web / "assets" / "callbacks.js").read_text(encoding="utf-8")
    named: set[str] = set()
    for module in sorted(web.glob("*.py")):
        source = module.read_text(encoding="utf-8")
        assert "function(" not in source.replace(" ", ""), module.name
        assert source.count("clientside_callback(") == source.count("clientside_callback(\n        browser("), (
            module.name)
        named |= set(re.findall(r"browser\(\"(\w+)\"\)", source))
    assert {"mountGrid", "checkUpload"} <= named and all(f"{name}: function" in script for name in named)
    known = {v for k, v in vars(ids).items() if k.isupper() and isinstance(v, str)}
    quoted = set(re.findall(r"'([a-z]+(?:-[a-z]+)+)'", script))
    assert quoted and quoted <= known
