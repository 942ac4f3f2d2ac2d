"""Exports that come back in: a data package of a view, and the TimelineJS round trip."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from app.cli import main
from app.dataset import load_package
from app.filters import FilterState, apply_filters
from app.importers import import_source, write_package
from app.settings import BUNDLED_DATA


@pytest.fixture(scope="module")
def ds():
    return load_package(BUNDLED_DATA)


def test_package_of_a_view_is_clean_and_complete(ds, tmp_path: Path) -> None:
    out = tmp_path / "view"
    main(["export", "--format", "package", "--cat", "transfer,production", "--out", str(out)])
    sub = load_package(out)
    assert sub.problems == ()
    shown = apply_filters(ds.events, FilterState(categories=("transfer", "production")))
    assert sorted(sub.events["event_id"]) == sorted(shown["event_id"])
    assert set(sub.event_sources["event_id"]) <= set(shown["event_id"])
    assert (sub.events["source_count"] >= 1).all()
    original = ds.events.set_index("event_id").loc[sub.events["event_id"]]
    assert list(sub.events["date_label"]) == list(original["date_label"])  # windows and precision kept
    assert sub.metadata["licenses"] == ds.metadata["licenses"]


def test_package_refuses_non_empty_folder(tmp_path: Path, capsys) -> None:
    (tmp_path / "mine.txt").write_text("keep")
    with pytest.raises(SystemExit) as exc:
        main(["export", "--format", "package", "--out", str(tmp_path)])
    assert exc.value.code == 1 and "not empty" in capsys.readouterr().err
    assert (tmp_path / "mine.txt").read_text() == "keep"


def test_timelinejs_round_trip(ds, tmp_path: Path) -> None:
    out = tmp_path / "timeline.json"
    main(["export", "--format", "timelinejs", "--country", "RUS", "--out", str(out)])
    result = import_source(out, "timelinejs")
    write_package(result, tmp_path / "back")
    back = load_package(tmp_path / "back").events.set_index("event_id")
    mine = apply_filters(ds.events, FilterState(countries=("RUS",))).set_index("event_id")
    assert set(back.index) == set(mine.index)  # ids survive (unique_id)
    for eid, ev in mine.iterrows():
        got = back.loc[eid]
        assert got["title"] == ev["title"]
        assert got["category"] == ev["category"]
        assert got["date_start"] == ev["date_start"]
        # TimelineJS dates have year/month/day parts only: a week window comes back as its days,
        # a quarter as its months, a range as its days, a decade as its years (the window is kept)
        lossy = {"week": "day", "quarter": "month", "range": "day", "decade": "year"}
        expected = lossy.get(ev["date_precision"], ev["date_precision"])
        assert got["date_precision"] == expected, eid
        if not ev["open_ended"]:
            assert got["date_end"] == ev["date_end"], eid
        assert ev["description"] in got["description"]
        assert got["source_count"] >= 1
    assert pd.api.types.is_datetime64_any_dtype(back["date_start"])
