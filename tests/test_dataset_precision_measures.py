"""Precision 'range' and 'decade', the measures table, relayed reports and names searched alike:
fixture packages built from tests/fixtures/_base with one table replaced."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from app.dataset import flatten, load_package
from app.dataset.provenance import report_summary
from app.figures.context import FigureContext
from app.figures.measures import LANE_DOMAIN, MAIN_DOMAIN, value_text
from app.figures.timeline import timeline_spec

BASE = Path(__file__).parent / "fixtures" / "_base"
HEADER = (BASE / "events.csv").read_text(encoding="utf-8").splitlines()[0]
ROW = "{id},point,{s},{e},{p},,T {id},D.,,production,plant-opening,Dushanbe,TJK,38.5,68.7,near,site,confirmed,,"


def _events(*rows: tuple[str, str, str, str]) -> str:
    base = (BASE / "events.csv").read_text(encoding="utf-8").splitlines()
    return "\n".join([HEADER, *base[1:], *(ROW.format(id=i, s=s, e=e, p=p) for i, s, e, p in rows)]) + "\n"


def _links(*ids: str) -> str:
    base = (BASE / "event_sources.csv").read_text(encoding="utf-8").strip()
    return base + "\n" + "".join(f"{i},src-a,primary,\n" for i in ids)


def test_range_and_decade_windows_are_checked_and_labelled(make_package) -> None:
    pkg = make_package(events=_events(
        ("r-ok", "2022-09-01", "2023-02-28", "range"),      # several months: an honest range
        ("r-days", "2021-09-23", "2021-10-02", "range"),
        ("r-month", "2022-09-01", "2022-09-30", "range"),   # one calendar month: say 'month'
        ("d-ok", "1980-01-01", "1989-12-31", "decade"),
        ("d-bad", "1985-01-01", "1994-12-31", "decade"),
        ("m-bad", "2021-06-01", "2021-08-31", "month"),     # several months called 'month'
        ("y-bad", "1990-01-01", "1999-12-31", "year"),      # a decade called 'year'
    ), event_sources=_links("r-ok", "r-days", "r-month", "d-ok", "d-bad", "m-bad", "y-bad"))
    ds = load_package(pkg)
    flagged = {p.value for p in ds.problems if p.code == "precision-window"}
    assert flagged == {"2022-09-01…2022-09-30", "1985-01-01…1994-12-31", "2021-06-01…2021-08-31",
                       "1990-01-01…1999-12-31"}
    assert not ds.errors  # precision problems warn; the rows still load
    labels = dict(zip(ds.events["event_id"], ds.events["date_label"], strict=True))
    assert labels["r-ok"] == "between Sep 2022 and Feb 2023"
    assert labels["r-days"] == "between 23 Sep 2021 and 2 Oct 2021"
    assert labels["d-ok"] == "1980s"


MEASURES = ("measure_id,date_start,date_end,date_precision,measure,value,value_low,value_high,unit,place_name,"
            "country,source_id,note\n")


def test_measures_are_validated_and_typed(make_package) -> None:
    pkg = make_package(measures=MEASURES + "\n".join([
        "m1,2024-05-01,2024-05-31,month,drones-launched-at-ukraine,400,,,drones,Ukraine,UKR,src-a,tally",
        "m2,2024-11-01,2024-11-30,month,drones-launched-at-ukraine,,2400,,drones,,,src-a,more than",
        "m3,2024-11-01,2024-11-30,month,drones-launched-at-ukraine,,,,drones,,,src-a,no value",
        "m4,2024-11-01,2024-10-30,month,drones-launched-at-ukraine,5,,,drones,,,src-a,end first",
        "m5,2024-11-01,2024-11-30,month,not-a-measure,5,,,drones,,,src-a,",
        "m6,2024-11-01,2024-11-30,month,drones-launched-at-ukraine,5,9,,drones,,,src-zz,low above value",
    ]) + "\n")
    ds = load_package(pkg)
    got = {(p.line, p.code) for p in ds.problems if p.file == "measures.csv"}
    assert {(4, "no-value"), (5, "end-before-start"), (6, "bad-enum"), (7, "bad-bounds"),
            (7, "missing-reference")} <= got
    assert list(ds.measures["measure_id"]) == ["m1", "m2"]  # rows with errors are dropped
    assert ds.measures["value"].iloc[0] == 400 and pd.isna(ds.measures["value"].iloc[1])
    assert str(ds.measures["date_start"].dtype).startswith("datetime64")


def test_figures_lane_is_drawn_under_the_events_with_sources_on_hover(make_package) -> None:
    pkg = make_package(measures=MEASURES + "m1,2024-05-01,2024-05-31,month,drones-launched-at-ukraine,400,,,"
                       "drones,Ukraine,UKR,src-a,tally <b>x</b>\n")
    ds = load_package(pkg)
    spec = timeline_spec(ds.events, FigureContext.from_dataset(ds))
    layout = spec["layout"]
    assert layout["yaxis"]["domain"] == MAIN_DOMAIN and layout["yaxis3"]["domain"] == LANE_DOMAIN
    assert LANE_DOMAIN[1] < MAIN_DOMAIN[0]  # the lane is under the event lanes, not over them
    lane = [t for t in spec["data"] if t.get("yaxis") == "y3"]
    bar = next(t for t in lane if t["type"] == "bar")
    assert bar["base"] == ["2024-05-01 00:00:00"] and bar["x"][0] == 31 * 86_400_000  # the whole month
    dot = next(t for t in lane if t["type"] == "scatter")
    hover = dot["hovertext"][0]
    assert "400 drones" in hover and "RFE/RL" in hover and "Report A" in hover
    assert "<b>x</b>" not in hover and "&lt;b&gt;x&lt;/b&gt;" in hover  # data is escaped


def test_no_measures_no_lane(make_package) -> None:
    ds = load_package(make_package())
    spec = timeline_spec(ds.events, FigureContext.from_dataset(ds))
    assert "yaxis3" not in spec["layout"] and "domain" not in spec["layout"]["yaxis"]


def test_value_text_says_what_the_source_says() -> None:
    nan = float("nan")
    assert value_text(1339, nan, nan) == "1,339"
    assert value_text(nan, 1300, nan) == "at least 1,300"
    assert value_text(nan, nan, 20) == "at most 20"
    assert value_text(nan, 8000, 10000) == "8,000–10,000"


def test_relays_count_reports_not_outlets(make_package) -> None:
    links = ("event_id,source_id,role,note,relays\n"
             "ev-plant,src-a,primary,,\n"
             "ev-visit,src-a,corroborating,,WSJ 5 Feb 2023\n"
             "ev-visit,src-b,corroborating,,WSJ 5 Feb 2023\n"
             "ev-regime,src-a,context,,ev-regime\n")
    ds = load_package(make_package(event_sources=links))
    assert not [p for p in ds.problems if p.code == "relay-not-listed"]
    rows = ds.event_sources[ds.event_sources["event_id"] == "ev-visit"].to_dict("records")
    assert report_summary(rows) == "2 sources, all relaying one report (WSJ 5 Feb 2023)"
    bad = links.replace("ev-plant,src-a,primary,,", "ev-plant,src-a,primary,,src-b")  # src-b not on ev-plant
    problems = load_package(make_package(event_sources=bad)).problems
    assert [(p.line, p.code) for p in problems if p.code == "relay-not-listed"] == [(2, "relay-not-listed")]
    assert report_summary([{"role": "primary", "source_id": "a", "relays": ""},
                           {"role": "corroborating", "source_id": "b", "relays": "a"},
                           {"role": "corroborating", "source_id": "c", "relays": ""}]) == \
        "3 sources, 2 independent reports"


def test_old_packages_without_the_new_columns_load_cleanly(make_package) -> None:
    ds = load_package(make_package())  # event_sources without 'relays', sources without 'source_note'
    assert flatten(ds.problems) == []


def test_aliases_search_alike(make_package) -> None:
    aliases = ("alias_id,kind,name,aliases,note\n"
               "alabuga,place,Alabuga,Yelabuga;Elabuga;Алабуга;Елабуга,\n"
               "shahed,system,Shahed,شاهد,\n")
    ds = load_package(make_package(aliases=aliases))
    text = ds.events["search_text"]

    def hits(word: str) -> set[str]:
        return set(ds.events["event_id"][text.str.contains(word.lower(), regex=False)])
    assert hits("Yelabuga") == {"ev-visit"}
    assert hits("Алабуга") == hits("Alabuga") == hits("Елабуга") == hits("Elabuga") == {"ev-visit"}
    plain = load_package(make_package())
    assert not plain.events["search_text"].str.contains("алабуга", regex=False).any()


def test_the_figures_lane_names_a_few_kinds_and_keeps_every_figure() -> None:
    """The bundled data has ten kinds of figure: ten rows of 11 px labels in a lane a fifth of the
    plot high overlapped on screen, in print and on the slides. The four most frequent kinds get a
    row each, the others share one "other figures" row, and every figure is still drawn."""
    from app.figures.measures import NAMED_ROWS
    from app.settings import BUNDLED_DATA

    ds = load_package(BUNDLED_DATA)
    kinds = ds.measures["measure"].nunique()
    assert kinds > NAMED_ROWS + 1  # the case this is about
    spec = timeline_spec(ds.events, FigureContext.from_dataset(ds))
    axis = spec["layout"]["yaxis3"]
    assert len(axis["tickvals"]) == NAMED_ROWS + 1
    assert axis["ticktext"][-1] == f"Other figures ({kinds - NAMED_ROWS} kinds)"
    dots = next(t for t in spec["data"] if t.get("yaxis") == "y3" and t["type"] == "scatter")
    assert len(dots["x"]) == len(ds.measures)  # every figure drawn
    # a mark in the shared row names its own kind in its hover
    shared = [h for h, y in zip(dots["hovertext"], dots["y"], strict=True) if y == NAMED_ROWS]
    assert shared and all(h.startswith("<b>") and "Other figures" not in h for h in shared)
