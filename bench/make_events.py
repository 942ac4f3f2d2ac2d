"""Write a valid synthetic data package of N events (for benchmarks).

Realistic spread: 20 years, 150 countries (points near their centroids), 12 categories (the
package brings its own vocabulary), 10 % periods, a mix of precisions and verification levels,
one or two sources and actors per event.

Usage: python bench/make_events.py --n 100000 --out /tmp/events-100k [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
CATEGORIES = ["protest", "riot", "battle", "strike", "shelling", "drone-attack", "arrest", "agreement",
              "sanctions", "transfer", "statement", "context"]


def schema_with_categories() -> dict:
    schema = json.loads((REPO / "data" / "schema.json").read_text(encoding="utf-8"))
    schema["vocabularies"]["category"]["values"] = [
        {"value": c, "label": c.replace("-", " ").capitalize(), "description": f"Synthetic category {c}."}
        for c in CATEGORIES
    ]
    schema["vocabularies"]["sub_category"]["values"] = [
        {"value": c, "category": c, "label": c.replace("-", " ").capitalize(), "description": ""} for c in CATEGORIES
    ]
    return schema


def make(n: int, seed: int) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    topo = json.loads((REPO / "app/web/assets/topojson/world_110m.json").read_text(encoding="utf-8"))
    cents = [(g["id"], *g["properties"]["ct"]) for g in topo["objects"]["countries"]["geometries"]
             if g.get("id") and len(str(g["id"])) == 3 and g.get("properties", {}).get("ct")]
    import pycountry

    valid = {c.alpha_3 for c in pycountry.countries}
    cents = [c for c in cents if c[0] in valid][:150]
    country_idx = rng.integers(0, len(cents), n)
    iso = np.array([c[0] for c in cents])[country_idx]
    lon = np.array([c[1] for c in cents])[country_idx] + rng.normal(0, 1.5, n)
    lat = np.array([c[2] for c in cents])[country_idx] + rng.normal(0, 1.5, n)
    lat = np.clip(lat, -89.9, 89.9).round(4)
    lon = ((lon + 180) % 360 - 180).round(4)
    start = pd.Timestamp("2006-01-01") + pd.to_timedelta(rng.integers(0, 20 * 365, n), unit="D")
    is_period = rng.random(n) < 0.10
    precision = rng.choice(["day", "month", "year"], n, p=[0.8, 0.15, 0.05])
    precision = np.where(is_period, "day", precision)
    start_s = pd.Series(start)
    month_start = start_s.dt.to_period("M").dt.start_time
    year_start = start_s.dt.to_period("Y").dt.start_time
    starts = np.where(precision == "month", month_start, np.where(precision == "year", year_start, start_s))
    starts = pd.to_datetime(pd.Series(starts))
    ends = starts.copy()
    ends[precision == "month"] = (starts + pd.offsets.MonthEnd(0))[precision == "month"]
    ends[precision == "year"] = (starts + pd.offsets.YearEnd(0))[precision == "year"]
    period_len = pd.to_timedelta(rng.integers(30, 2000, n), unit="D")
    ends[is_period] = (starts + period_len)[is_period]
    cat = np.array(CATEGORIES)[rng.integers(0, len(CATEGORIES), n)]
    ids = np.char.add("syn-", np.arange(n).astype(str))
    ver = rng.choice(["confirmed", "corroborated", "single-source", "claimed", "disputed", "unverified"], n)
    events = pd.DataFrame({
        "event_id": ids, "kind": np.where(is_period, "period", "point"),
        "date_start": starts.dt.strftime("%Y-%m-%d"), "date_end": ends.dt.strftime("%Y-%m-%d"),
        "date_precision": precision, "announced_date": "",
        "title": np.char.add(np.char.add(cat, " event in "), iso), "description": "A synthetic event.",
        "notes": "", "category": cat, "sub_category": cat, "place_name": np.char.add("Place ", iso),
        "country": iso, "latitude": lat, "longitude": lon, "geo_precision": "near", "location_role": "site",
        "verification": ver, "systems": "", "related_events": "",
    })
    n_sources = max(1, n // 5)
    sources = pd.DataFrame({
        "source_id": np.char.add("src-", np.arange(n_sources).astype(str)), "publisher": "Synthetic Wire",
        "title": np.char.add("Report ", np.arange(n_sources).astype(str)), "author": "", "published": "2024",
        "url": np.char.add("https://example.org/report/", np.arange(n_sources).astype(str)), "archive_url": "",
        "accessed": "", "source_type": "news", "language": "en",
    })
    event_sources = pd.DataFrame({"event_id": ids, "source_id": sources["source_id"].to_numpy()[
        rng.integers(0, n_sources, n)], "role": "primary", "note": ""})
    n_actors = 400
    actors = pd.DataFrame({
        "actor_id": np.char.add("actor-", np.arange(n_actors).astype(str)),
        "name": np.char.add("Actor ", np.arange(n_actors).astype(str)), "actor_type": "state",
        "country": "", "parent_id": "", "aliases": "",
    })
    event_actors = pd.DataFrame({"event_id": ids, "actor_id": actors["actor_id"].to_numpy()[
        rng.integers(0, n_actors, n)], "role": "participant"})
    systems = pd.DataFrame(columns=["system_id", "name", "aliases", "system_class", "origin_country", "designer_id"])
    return {"events": events, "sources": sources, "event_sources": event_sources, "actors": actors,
            "event_actors": event_actors, "systems": systems}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    t0 = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, frame in make(args.n, args.seed).items():
        frame.to_csv(args.out / f"{name}.csv", index=False)
    (args.out / "schema.json").write_text(json.dumps(schema_with_categories(), indent=1), encoding="utf-8")
    (args.out / "datapackage.json").write_text(json.dumps({
        "title": f"Synthetic events ({args.n:,})", "version": "0.0.0", "licenses": [{"name": "CC0-1.0"}],
        "last_reviewed": "2026-11-23", "citation": "Synthetic benchmark data made by bench/make_events.py.",
    }, indent=1), encoding="utf-8")
    print(f"wrote {args.n:,} events to {args.out} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
