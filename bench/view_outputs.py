"""What the user sees, dumped for a fixed set of states: the refactor harness (issue 13, item 9).

For each of ~200 links (query strings) over the bundled data (and a 3,000-event synthetic table,
which takes the counted "density" path of both figures) it writes one JSON line: the notices of
the link, its canonical query, the timeline and map figures, the table's first block, the count
and the summary line, the highlight of a selection, and the CLI's filtered ids. Run it on two
checkouts and compare the files byte for byte:

    python bench/view_outputs.py --out /tmp/new.jsonl
    (cd /tmp/old && PYTHONPATH=. python /path/to/bench/view_outputs.py --out /tmp/old.jsonl)
    cmp /tmp/old.jsonl /tmp/new.jsonl

``--strip-uid`` drops the ``uid``/``meta`` keys of traces (added in issue 13 so that callbacks find
a trace by its uid rather than its position: plotly.js draws nothing from them) and writes a
partial update's ``data[-1]`` as the index it stands for. Asserts nothing.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def default(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if hasattr(value, "to_plotly_json"):
        return value.to_plotly_json()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return repr(value)


def strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in ("uid", "meta")}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def queries(ds: Any, n: int, seed: int) -> list[str]:
    """Links a person would make: each filter alone, pairs, dates, searches, lanes, selections."""
    from app.dataset import columns as C

    rnd = random.Random(seed)
    cats = sorted(set(ds.events[C.CATEGORY]))
    countries = sorted(set(ds.events[C.COUNTRY]) - {""})[:12]
    actors = sorted(ds.actors[C.ACTOR_ID])[:12] if len(ds.actors) else []
    systems = sorted(ds.systems[C.SYSTEM_ID])[:8] if len(ds.systems) else []
    events = sorted(ds.events[C.EVENT_ID])
    narratives = list(ds.narratives[C.NARRATIVE_ID]) if len(ds.narratives) else []
    verif = ["confirmed", "reported", "claimed", "disputed"]
    out = ["", "?lanes=actor", "?lanes=country", "?seats=0", "?bogus=1", "?from=2030-01-01",
           "?from=2023-05-01&to=2022-01-01", "?q=zzzz-nothing", "?cat=nope", "?step=x"]
    out += [f"?cat={c}" for c in cats]
    out += [f"?country={c}" for c in countries]
    out += [f"?actor={a}" for a in actors] + [f"?actor={a}&role=supplier" for a in actors[:4]] + ["?role=recipient"]
    out += [f"?system={s}" for s in systems] + [f"?verif={v}" for v in verif]
    out += [f"?from={y}-01-01&to={y}-12-31" for y in range(2007, 2027, 2)]
    out += [f"?q={w}" for w in ("shahed", "russia", "alabuga", "mohajer venezuela", "iran")]
    out += [f"?story={s}&step={k}" for s in narratives for k in (1, 2, 3)]
    for a, b in itertools.combinations(cats, 2):
        out.append(f"?cat={a},{b}")
    while len(out) < n:
        parts = []
        if rnd.random() < 0.5:
            parts.append("cat=" + ",".join(rnd.sample(cats, rnd.randint(1, min(3, len(cats))))))
        if rnd.random() < 0.3 and countries:
            parts.append("country=" + rnd.choice(countries))
        if rnd.random() < 0.4:
            y = rnd.randint(2008, 2025)
            parts.append(f"from={y}-0{rnd.randint(1, 9)}-01&to={y + rnd.randint(0, 3)}-12-31")
        if rnd.random() < 0.2:
            parts.append("verif=" + rnd.choice(verif))
        if rnd.random() < 0.3:
            parts.append("lanes=" + rnd.choice(["actor", "country"]))
        if rnd.random() < 0.5 and events:
            parts.append("event=" + rnd.choice(events))
        if rnd.random() < 0.2:
            parts.append("seats=0")
        out.append("?" + "&".join(parts) if parts else "")
    return out[:n]


def dump(ds: Any, today: str, n: int, seed: int, strip_uid: bool, sink: Any) -> int:
    from app.figures.context import FigureContext, labels_for
    from app.filters import apply_filters
    from app.urlstate import Known, parse_query, to_query
    from app.web.factory import make_deps

    ctx = FigureContext.from_dataset(ds, today=today)
    deps = make_deps(ds, ctx)
    known = Known.from_dataset(ds)
    labels = labels_for(ds, ctx)
    written = 0
    for q in queries(ds, n, seed):
        state, view, notices = parse_query(q, known)
        record: dict[str, Any] = {"q": q, "notices": notices, "canonical": to_query(state, view)}
        record.update(views(deps, state, view))
        record["cli"] = apply_filters(ds.events, state)["event_id"].tolist()
        record["describe"] = describe_of(state, len(record["cli"]), labels)
        if strip_uid:
            record = strip(json.loads(json.dumps(record, default=default)))
            for patch, figure in (("t_patch", "timeline"), ("m_patch", "map")):
                for op in record[patch]["operations"]:  # data[-1] (before) and data[N] (by uid) are one trace
                    if op["location"][1] < 0:
                        op["location"][1] += len(record[figure]["data"])
        line = json.dumps(record, default=default, sort_keys=True, ensure_ascii=False)
        sink.write(line + "\n")
        written += 1
    return written


def describe_of(state: Any, n: int, labels: Any) -> str:
    from app.filters import describe

    return describe(state, n, labels)


def views(deps: Any, state: Any, view: Any) -> dict[str, Any]:
    """The views of one state, through whichever shell this checkout has."""
    try:
        from app.view import compose_view  # the new shell (issue 13)
    except ImportError:
        compose_view = None
    if compose_view is None:
        from app.web import callbacks

        view_data = callbacks.view_store(callbacks.present_step(view, deps))
        selected = callbacks.present_step(view, deps).selected if view.narrative else view.selected
        timeline, geo, rows, summary = callbacks.update_views(state.to_dict(), view_data, selected, deps=deps)
        t_patch, m_patch, _ = callbacks.update_selection(selected, state.to_dict(), view_data, "", deps=deps)
        return {"timeline": timeline, "map": geo, "rows": rows, "summary": summary,
                "t_patch": t_patch.to_plotly_json(), "m_patch": m_patch.to_plotly_json()}
    from app.web import callbacks

    shown = compose_view(deps, state, callbacks.present_step(view, deps))
    t_patch, m_patch = callbacks.selection_patches(deps, state, callbacks.present_step(view, deps))
    return {"timeline": shown.timeline, "map": shown.map, "rows": shown.rows, "summary": shown.summary,
            "t_patch": t_patch.to_plotly_json(), "m_patch": m_patch.to_plotly_json()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--strip-uid", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(Path.cwd()))
    from app.dataset import load_package

    total = 0
    with open(args.out, "w", encoding="utf-8") as sink:
        ds = load_package(Path.cwd() / "data")
        total += dump(ds, "2026-11-23", args.n, 1, args.strip_uid, sink)
        big = Path("/tmp/view-outputs-big")
        if not (big / "events.csv").exists():
            subprocess.run([sys.executable, str(REPO / "bench" / "make_events.py"), "--n", "3000", "--seed", "7",
                            "--out", str(big)], check=True, capture_output=True)
        total += dump(load_package(big), "2026-11-23", max(20, args.n // 5), 2, args.strip_uid, sink)
    print(f"wrote {total} view records to {args.out}")


if __name__ == "__main__":
    main()
