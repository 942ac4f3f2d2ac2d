"""Exports of a view: the same filter as the views, names that say the view, no formula injection."""

from __future__ import annotations

import csv
import io
import json

import pytest

from app.dataset import load_package
from app.export.tabular import export_view, neutralise
from app.filters import FilterState, apply_filters


@pytest.fixture
def ds(make_package):
    base = (make_package() / "events.csv").read_text()
    evil = ("ev-evil,point,2022-01-02,2022-01-02,day,,=HYPERLINK(\"http://x\"),"
            "+cmd|' /C calc'!A0,@SUM(1),production,plant-opening,Dushanbe,TJK,38.5598,68.7870,near,site,"
            "confirmed,,\n")
    links = (make_package() / "event_sources.csv").read_text() + "ev-evil,src-a,primary,\n"
    return load_package(make_package(events=base + evil, event_sources=links))


def test_neutralise() -> None:
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("-2") == "'-2"
    assert neutralise("@x") == "'@x" and neutralise("+x") == "'+x"
    assert neutralise("fine") == "fine"


def test_csv_matches_filter_and_is_defused(ds) -> None:
    state = FilterState(categories=("production",))
    shown = apply_filters(ds.events, state)
    name, content = export_view("csv", shown, ds, state)
    assert name == "geotimeline-2-events-production.csv"
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    assert [r["event_id"] for r in rows] == ["ev-evil", "ev-plant"]
    evil = rows[0]
    assert evil["title"].startswith("'=") and evil["description"].startswith("'+")
    assert evil["notes"] == "'@SUM(1)"
    assert evil["longitude"] == "68.787"  # numbers are left as numbers
    assert rows[1]["source_urls"] == "https://www.example.org/a"
    assert rows[1]["date_label"] == "17 May 2022"


def test_json_nests_sources_and_actors(ds) -> None:
    state = FilterState(countries=("RUS",))
    name, content = export_view("json", apply_filters(ds.events, state), ds, state)
    doc = json.loads(content)
    assert name.endswith(".json") and doc["count"] == 1
    ev = doc["events"][0]
    assert ev["event_id"] == "ev-visit"
    assert ev["sources"][0]["url"] == "https://www.example.org/b"
    assert {a["actor_id"] for a in ev["actors"]} == {"iran", "russia"}
    assert ev["related_events"] == ["ev-plant"]
    assert doc["dataset"]["version"] == "0.0.1"


def test_geojson_points_and_null_geometry(ds) -> None:
    state = FilterState()
    _, content = export_view("geojson", apply_filters(ds.events, state), ds, state)
    doc = json.loads(content)
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 4
    by_id = {f["id"]: f for f in doc["features"]}
    assert by_id["ev-plant"]["geometry"] == {"type": "Point", "coordinates": [68.787, 38.5598]}
    assert by_id["ev-regime"]["geometry"] is None  # no place: still exported, not invented


def test_unknown_format(ds) -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        export_view("xls", ds.events, ds, FilterState())
