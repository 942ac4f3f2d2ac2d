"""Callback functions called directly (no browser, no HTTP): component values -> props."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from dash import no_update
from hypothesis import given, settings
from hypothesis import strategies as st

from app.dataset import load_package
from app.figures.context import FigureContext, labels_for
from app.filters import FilterCache, FilterState
from app.urlstate import Known
from app.web import ids
from app.web.callbacks import Deps, download, grid_block, panel_body, sync_state, update_selection, update_views
from app.web.layout import GRID_BLOCK
from app.web.logic import event_from_click, range_from_relayout, states_from_controls

NO_CONTROLS = [None, None, [], [], None, [], [], [], "", "category", ["seats"]]


@pytest.fixture
def deps(make_package) -> Deps:
    ds = load_package(make_package())
    ctx = FigureContext.from_dataset(ds, today="2026-11-23")
    return Deps(ds=ds, ctx=ctx, cache=FilterCache(ds.events), known=Known.from_dataset(ds),
                labels=labels_for(ds, ctx))


def sync(deps: Deps, trigger: str | None, search: str = "", controls: list[Any] | None = None,
         relayout: Any = None, t_click: Any = None, m_click: Any = None, cell: Any = None,
         selected: str = "") -> tuple[Any, ...]:
    stores = [FilterState().to_dict(), {"lanes": "category", "seats": True, "narrative": "", "step": 0}]
    values = [*(controls or NO_CONTROLS), 0, relayout, t_click, m_click, cell, None, 0, 0, 0, selected, *stores]
    return sync_state(search, *values, deps=deps, trigger=trigger)


def test_url_restores_controls_and_stores(deps) -> None:
    out = sync(deps, ids.URL, "?cat=diplomacy&event=ev-visit&lanes=actor")
    query, controls, filter_data, view, selected, notice = out[0], out[1:12], out[12], out[13], out[14], out[15]
    assert query is no_update  # already the URL
    assert controls[2] == ["diplomacy"] and controls[9] == "actor"
    assert filter_data["categories"] == ["diplomacy"] and view["lanes"] == "actor"
    assert selected == "ev-visit" and notice == ""


def test_controls_write_the_url(deps) -> None:
    controls = list(NO_CONTROLS)
    controls[2] = ["production"]
    out = sync(deps, ids.CATEGORIES, controls=controls)
    assert out[0] == "?cat=production"
    assert all(v is no_update for v in out[1:12])  # the controls keep what the user set


def test_timeline_zoom_sets_the_date_range(deps) -> None:
    out = sync(deps, ids.TIMELINE + ".relayoutData",
               relayout={"xaxis.range[0]": "2022-01-01 00:00", "xaxis.range[1]": "2022-12-31 12:00"})
    assert out[0] == "?from=2022-01-01&to=2022-12-31"
    assert out[1] == "2022-01-01" and out[2] == "2022-12-31"
    assert sync(deps, ids.TIMELINE + ".relayoutData", relayout={"autosize": True})[0] is no_update


def test_clicks_select_events(deps) -> None:
    click = {"points": [{"customdata": ["ev-plant", "t", "d", "p", "v"]}]}
    assert sync(deps, ids.MAP + ".clickData", m_click=click)[14] == "ev-plant"
    assert sync(deps, ids.GRID + ".cellClicked", cell={"rowId": "ev-visit"})[14] == "ev-visit"
    # a click on something that is not an event keeps the selection (nothing changes)
    assert sync(deps, ids.TIMELINE + ".clickData", t_click={"points": [{}]}, selected="ev-plant")[14] is no_update


def test_reset_clears_everything(deps) -> None:
    out = sync(deps, ids.RESET, search="?cat=production")
    assert out[0] == "" and out[3] == [] and out[12]["categories"] == []


def test_update_views_filters_every_output(deps) -> None:
    _, geo, refresh, text = update_views({"countries": ["RUS"]}, {"lanes": "category"}, "", deps=deps)
    assert refresh["n"] == 1 and refresh["state"]["countries"] == ["RUS"]
    rows = grid_block({"startRow": 0, "endRow": 100}, {"countries": ["RUS"]}, deps=deps)["rowData"]
    assert [r["event_id"] for r in rows] == ["ev-visit"]
    # the table's first block comes with the view, the same rows the server would give for it
    assert refresh["block"] == rows
    assert text == "1 event · Russian Federation"
    assert geo["data"][-1]["name"] == "Selected"


def test_first_block_is_the_default_order_of_the_view(deps) -> None:
    _, _, refresh, _ = update_views({}, {}, "", deps=deps)
    asked = grid_block({"startRow": 0, "endRow": GRID_BLOCK, "sortModel": []}, {}, deps=deps)
    assert refresh["block"] == asked["rowData"] and refresh["n"] == asked["rowCount"] == len(refresh["block"])
    # dates in order, as the table shows a view unsorted
    assert [r["event_id"] for r in refresh["block"][:2]] == [
        r["event_id"] for r in grid_block({"startRow": 0, "endRow": 2}, {}, deps=deps)["rowData"]]


def test_date_range_keeps_the_timeline_whole_but_zoomed(deps) -> None:
    timeline, _, refresh, _ = update_views({"start": "2023-01-01", "end": "2023-12-31"}, {}, "", deps=deps)
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

    help_text = text(panel_body(None, deps=deps, trigger=ids.HELP_SUMMARY))
    for term in deps.ds.schema.vocab("category").terms:
        assert term.label in help_text and term.description in help_text
    about = text(panel_body(None, deps=deps, trigger=ids.ABOUT_SUMMARY))
    for key in ("version", "last_reviewed", "citation"):
        assert str(deps.ds.metadata[key]) in about
    assert panel_body(["already there"], deps=deps, trigger=ids.HELP_SUMMARY) is no_update


def test_update_selection_patches_and_details(deps) -> None:
    t_patch, m_patch, detail = update_selection("ev-plant", {}, {}, "?cat=production", deps=deps)
    ops = t_patch.to_plotly_json()["operations"]
    assert ops[0]["location"] == ["data", -1, "x"] and len(ops[0]["params"]["value"]) == 1
    assert m_patch.to_plotly_json()["operations"][0]["params"]["value"] == [pytest.approx(68.787, abs=3)]
    text = str(detail)
    assert "Plant opens in Dushanbe" in text and "https://www.example.org/a" in text
    assert "noopener noreferrer" in text


def test_download_uses_the_same_filter(deps) -> None:
    sent = download({"categories": ["production"]}, deps=deps, trigger=ids.DOWNLOAD_CSV)
    assert sent["filename"] == "geotimeline-1-event-production.csv"
    assert download({}, deps=deps, trigger=None) is no_update
    cited = download({"categories": ["production"]}, deps=deps, trigger=ids.CITE_RIS)
    assert cited["filename"] == "geotimeline-1-event-production-sources.ris"
    assert download({}, deps=deps, trigger=ids.CITE_DATASET)["filename"] == "geotimeline-dataset.bib"


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=20), st.integers(), st.lists(st.text(max_size=5))),
                min_size=11, max_size=11))
def test_random_control_values_never_raise(values: list[Any]) -> None:
    state, view = states_from_controls(dict(zip(
        ["start", "end", "categories", "actors", "actor_role", "countries", "systems", "verification",
         "text", "lanes", "seats"], values, strict=True)))
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
    assert "bogus" in first[15]
    controls = list(NO_CONTROLS)
    controls[2] = ["diplomacy"]
    values = [*controls, 0, None, None, None, None, None, 0, 0, 0, first[14], first[12], first[13]]
    echo = sync_state("?cat=diplomacy&bogus=1", *values, deps=deps, trigger=ids.DATE_START)
    assert all(v is no_update for v in echo)  # the notice stays, no history entry is added


def test_url_of_the_view_shown_sends_nothing_but_clears_a_notice(deps) -> None:
    """The page came with the default view (layout.FirstView), or back/forward returned to the view
    the stores hold: no store is set again (each would wake its callbacks and redraw)."""
    out = sync(deps, ids.URL, "")
    assert out[15] == "" and all(v is no_update for i, v in enumerate(out) if i != 15)
    # the same view from a URL that needs a notice: everything is set, and the notice says why
    bad = sync(deps, ids.URL, "?bogus=1")
    assert "bogus" in bad[15] and bad[12] == FilterState().to_dict() and bad[14] == ""
    # another view: set
    assert sync(deps, ids.URL, "?cat=diplomacy")[12]["categories"] == ["diplomacy"]


def test_control_event_before_the_url_is_read_reads_the_url(deps) -> None:
    values = [*NO_CONTROLS, 0, None, None, None, None, None, 0, 0, 0, "", {}, {}]
    out = sync_state("?cat=production", *values, deps=deps, trigger=ids.DATE_START)
    assert out[0] is no_update  # the URL is not rewritten
    assert out[12]["categories"] == ["production"] and out[3] == ["production"]


STORY = ("narrative_id,title,summary\nstory,A story,Two steps.\n",
         "narrative_id,step,event_id,caption,window_start,window_end,focus_lon,focus_lat,focus_scale\n"
         "story,1,ev-plant,The plant opens.,2022-01-01,2022-12-31,68.8,38.6,4\n"
         "story,2,ev-visit,The visit.,,,,,\n")


@pytest.fixture
def story_deps(make_package) -> Deps:
    from app.export.narrative import load_narrative

    pkg = make_package()
    (pkg / "narratives.csv").write_text(STORY[0])
    (pkg / "narrative_steps.csv").write_text(STORY[1])
    ds = load_package(pkg)
    ctx = FigureContext.from_dataset(ds, today="2026-11-23")
    return Deps(ds=ds, ctx=ctx, cache=FilterCache(ds.events), known=Known.from_dataset(ds),
                labels=labels_for(ds, ctx), stories={"story": load_narrative(ds, "story")})


def present(deps: Deps, trigger: str, pick: Any = None, view: dict[str, Any] | None = None,
            selected: str = "") -> tuple[Any, ...]:
    stores = [FilterState().to_dict(), view or {"lanes": "category", "seats": True, "narrative": "", "step": 0}]
    values = [*NO_CONTROLS, 0, None, None, None, None, pick, 0, 0, 0, selected, *stores]
    return sync_state("", *values, deps=deps, trigger=trigger)


def test_presentation_steps_through_a_narrative(story_deps) -> None:
    out = present(story_deps, ids.PRESENT_SELECT, pick="story")
    assert out[0] == "?event=ev-plant&story=story&step=1"
    assert out[13]["narrative"] == "story" and out[14] == "ev-plant" and out[16] == "story"
    out = present(story_deps, ids.PRESENT_NEXT, view=out[13], selected=out[14])
    assert out[13]["step"] == 1 and out[14] == "ev-visit" and out[0].endswith("step=2")
    again = present(story_deps, ids.PRESENT_NEXT, view=out[13], selected=out[14])  # clamped at the last step
    assert again[13] is no_update  # already at the last step: nothing to change
    back = present(story_deps, ids.PRESENT_PREV, view=out[13], selected=out[14])
    assert back[14] == "ev-plant"
    left = present(story_deps, ids.PRESENT_EXIT, view=out[13], selected=out[14])
    assert left[13]["narrative"] == "" and left[16] is None and "story" not in left[0]


def test_step_link_opens_at_that_step(story_deps) -> None:
    out = sync(story_deps, ids.URL, "?story=story&step=2")
    assert out[13]["step"] == 1 and out[14] == "ev-visit"
    out = sync(story_deps, ids.URL, "?story=story&step=99")  # clamped, never an error
    assert out[13]["step"] == 1


def test_presentation_frames_the_step(story_deps) -> None:
    timeline, geo, *_ = update_views({}, {"lanes": "category", "narrative": "story", "step": 0}, "ev-plant",
                                     deps=story_deps)
    # the step's window (2022) stays whole in view, centred on the step's event
    lo, hi = (pd.Timestamp(x) for x in timeline["layout"]["xaxis"]["range"])
    assert lo <= pd.Timestamp("2022-01-01") and hi >= pd.Timestamp("2022-12-31")
    event = story_deps.ds.events.set_index("event_id").loc["ev-plant"]
    middle = event["date_start"] + (event["date_end"] - event["date_start"]) / 2
    assert abs((lo + (hi - lo) / 2) - middle) <= pd.Timedelta(days=1)
    assert geo["layout"]["geo"]["center"] == {"lon": 68.8, "lat": 38.6}
    assert geo["layout"]["geo"]["projection"]["scale"] == 4
    from app.web.callbacks import presentation_panel

    children, cls = presentation_panel({"narrative": "story", "step": 1}, deps=story_deps)
    assert cls == "page presenting" and "Step 2 of 2" in str(children) and "The visit." in str(children)
    assert presentation_panel({}, deps=story_deps) == ([], "page")


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
