"""The bundled dataset is reviewed like code: it validates cleanly and covers what it promises."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from app.dataset import load_package
from app.settings import BUNDLED_DATA


@pytest.fixture(scope="module")
def ds():
    return load_package(BUNDLED_DATA)


def test_validates_with_zero_errors_and_warnings(ds) -> None:
    assert [p.message for p in ds.problems] == []
    assert not ds.unreadable


def test_at_least_80_events_2007_to_2026_each_sourced(ds) -> None:
    ev = ds.events
    in_span = ev[(ev["date_start"] >= "2007-01-01") & (ev["date_start"] <= "2026-12-31")]
    assert len(in_span) >= 80
    assert (ev["source_count"] >= 1).all()
    assert ds.sources["url"].str.match(r"^https?://").all()


def test_every_category_and_verification_level_used(ds) -> None:
    assert set(ds.events["category"]) == set(ds.schema.vocab("category").values)
    assert {"confirmed", "corroborated", "single-source", "claimed", "disputed"} <= set(ds.events["verification"])


NAMED = {
    # id: (date_start, kind)
    "un-unsc-res-1747-arms-export-ban": ("2007-03-24", "point"),
    "un-unsc-res-1929": ("2010-06-09", "point"),
    "un-jcpoa-concluded-vienna": ("2015-07-14", "point"),
    "un-unsc-res-2231": ("2015-07-20", "point"),
    "un-implementation-day": ("2016-01-16", "point"),
    "un-us-withdraws-from-jcpoa": ("2018-05-08", "point"),
    "un-arms-restrictions-lapse-2020": ("2020-10-18", "point"),
    "un-missile-restrictions-end-2023": ("2023-10-18", "point"),
    "un-e3-snapback-notification-2025": ("2025-08-28", "point"),
    "un-snapback-sanctions-reimposed-2025": ("2025-09-27", "point"),
    "un-termination-day-dispute-2025": ("2025-10-18", "point"),
    "ir-dushanbe-ababil2-plant-inauguration": ("2022-05-17", "point"),
    "ru-yelabuga-iranian-delegation-visit": ("2023-01-05", "point"),
    "ru-wsj-6000-drone-plant-plan": ("2023-02-05", "point"),
    "lx-stop-iranian-drones-act-introduced": ("2021-11-30", "point"),
    "lx-stop-iranian-drones-act-house-passage": ("2022-04-27", "point"),
    "lx-stop-iranian-drones-act-sfrc": ("2022-06-09", "point"),
    "ir-rq170-capture": ("2011-11-28", "point"),
    "ru-first-shahed-downed-kupiansk": ("2022-09-13", "point"),
    "ru-amir-abdollahian-admits-drones-pre-war": ("2022-11-05", "point"),
    "rg-taliban-takeover-kabul": ("2021-08-15", "point"),
}

PERIODS = {
    "un-period-1747-arms-export-ban": ("2007-03-24", "2020-10-18"),
    "un-period-2231-arms-restrictions": ("2016-01-16", "2020-10-18"),
    "un-period-2231-missile-restrictions": ("2016-01-16", "2023-10-18"),
    "un-period-reimposed-un-sanctions": ("2025-09-27", None),
    "ir-dushanbe-ababil2-plant-operating": ("2022-05-17", None),
    "ru-alabuga-drone-production": ("2023-07-01", None),
}


def test_named_events_are_there_with_their_dates(ds) -> None:
    ev = ds.events.set_index("event_id")
    for eid, (start, kind) in NAMED.items():
        assert eid in ev.index, eid
        assert ev.loc[eid, "date_start"] == pd.Timestamp(start), eid
        assert ev.loc[eid, "kind"] == kind, eid


def test_required_periods(ds) -> None:
    ev = ds.events.set_index("event_id")
    for eid, (start, end) in PERIODS.items():
        assert ev.loc[eid, "kind"] == "period", eid
        assert ev.loc[eid, "date_start"] == pd.Timestamp(start), eid
        if end is None:
            assert bool(ev.loc[eid, "open_ended"]), eid
        else:
            assert ev.loc[eid, "date_end"] == pd.Timestamp(end), eid


def test_contested_things_are_marked(ds) -> None:
    ev = ds.events.set_index("event_id")
    assert ev.loc["un-termination-day-dispute-2025", "verification"] == "disputed"
    assert ev.loc["un-termination-day-dispute-2025", "notes"]
    assert ev.loc["ru-wsj-6000-drone-plant-plan", "notes"]  # '6,000 in a few years' vs 'a year'


def test_sanctions_by_us_eu_and_uk(ds) -> None:
    ea = ds.event_actors
    authorities = set(ea.loc[ea["role"] == "sanctioning-authority", "actor_id"])
    assert {"us-treasury", "eu-council", "uk"} <= authorities


def test_seed_coverage_central_asia_and_exports(ds) -> None:
    ids = set(ds.events["event_id"])
    for eid in ["ca-kyrgyzstan-tb2-order-announced", "ca-turkmenistan-tb2-parade", "ca-kazakhstan-anka-purchase",
                "ca-uzbekistan-lochin-drone-production", "ir-venezuela-drone-knowhow",
                "ir-ethiopia-mohajer6-delivery", "ir-sudan-iranian-drones-civil-war", "rg-abqaiq-khurais-attack-2019",
                "ru-alabuga-drone-strike-2024-04-02"]:
        assert eid in ids, eid


def test_systems_aliases(ds) -> None:
    systems = ds.systems.set_index("system_id")
    assert "Geran-2" in systems.loc["shahed-136", "aliases"].split(";")
    assert "Geran-1" in systems.loc["shahed-131", "aliases"].split(";")


def test_metadata_is_complete(ds) -> None:
    meta = json.loads((BUNDLED_DATA / "datapackage.json").read_text(encoding="utf-8"))
    for key in ("title", "version", "licenses", "last_reviewed", "citation", "curation_rules"):
        assert meta[key], key


def test_at_least_300_events_and_20_in_every_year_2019_to_2026(ds) -> None:
    assert len(ds.events) >= 300
    per_year = ds.events["date_start"].dt.year.value_counts()
    assert {y: int(per_year.get(y, 0)) for y in range(2019, 2027) if per_year.get(y, 0) < 20} == {}


def test_sources_are_clean(ds) -> None:
    src = ds.sources
    assert not src["url"].duplicated().any()  # one record per page
    assert not src["title"].str.contains("headline not shown|descriptive title|copy read|\\.\\.\\.", regex=True).any()
    assert not src["url"].str.contains("bit\\.ly|initialnews\\.com/scribble", regex=True).any()
    used = set(ds.event_sources["source_id"]) | set(ds.measures["source_id"])
    assert set(src["source_id"]) <= used  # no source listed for nothing


def test_country_level_places_are_not_named_twice(ds) -> None:
    ev = ds.events
    twice = ev[(ev["geo_precision"] == "country") & (ev["place_name"] == ev["country_name"])]
    assert twice["event_id"].tolist() == []


def test_original_script_names_find_what_latin_names_find(ds) -> None:
    text = ds.events["search_text"]

    def hits(word: str) -> set[str]:
        return set(ds.events["event_id"][text.str.contains(word.lower(), regex=False)])
    assert hits("Alabuga") and hits("Алабуга") == hits("Alabuga") == hits("Елабуга") == hits("Yelabuga")
    assert hits("Shahed") and hits("شاهد") == hits("Shahed")


def test_measures_and_relays_shipped(ds) -> None:
    assert len(ds.measures) >= 50
    assert set(ds.measures["measure"]) <= set(ds.schema.vocab("measure").values)
    visit = ds.event_sources[ds.event_sources["event_id"] == "ru-yelabuga-iranian-delegation-visit"]
    assert (visit["relays"] != "").all() and "primary" not in set(visit["role"])


def test_new_narratives_have_8_to_12_steps(ds) -> None:
    steps = ds.narrative_steps.groupby("narrative_id").size()
    for nid in ("alabuga-factory-town", "iranian-drones-beyond-russia"):
        assert 8 <= steps[nid] <= 12
        assert set(ds.narrative_steps.loc[ds.narrative_steps["narrative_id"] == nid, "event_id"]) <= set(
            ds.events["event_id"])
