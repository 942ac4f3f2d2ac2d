"""One self-contained HTML file that opens from file:// with the network off: plotly.js (the
partial bundle of app/vendor, as in the dashboard) and the map shapes are inlined (plotly.js looks for ``window.PlotlyGeoAssets`` before fetching topojson), the
events and their sources are listed, and a narrative can be stepped through (buttons or keys).

All text from the data is escaped with ``html.escape``; links are made only from http(s) URLs.
"""

# ruff: noqa: E501  (the embedded CSS and JavaScript keep their natural line lengths)
from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

import pandas as pd
from plotly.io.json import to_json_plotly

from app.dataset import columns as C
from app.dataset.package import Dataset
from app.export.narrative import Narrative, event_facts, sources_of
from app.figures.context import FigureContext
from app.figures.map import TOPOJSON_DIR, map_spec, selection_lonlat
from app.figures.timeline import selection_coordinates, timeline_spec
from app.vendor import plotly_js

SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)

STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',Arial,sans-serif;margin:0;color:#1b1b1f;background:#f6f7f9}
header,main{max-width:1500px;margin:0 auto;padding:10px 18px}
h1{font-size:1.5rem;margin:6px 0}.muted{color:#5d6068}.card{background:#fff;border:1px solid #d9dce3;border-radius:8px;padding:6px;margin-bottom:12px}
.figs{display:grid;grid-template-columns:1fr 1fr;gap:12px}.fig{height:480px}
#step{font-size:1.3rem;background:#fff;border-left:6px solid #0b5cad;padding:10px 14px;margin-bottom:12px}
#step h2{margin:0 0 6px;font-size:1.35rem}button{font:inherit;padding:6px 14px;margin-right:6px}
.events li{margin-bottom:10px}.events .when{font-weight:600}.sel{background:#fff1f4}
@media(max-width:900px){.figs{grid-template-columns:1fr}}
@media print{button,.nav{display:none}.fig{height:420px}}
"""

SCRIPT = """
const DATA = JSON.parse(document.getElementById('snapshot-data').textContent);
const T = DATA.timeline, M = DATA.map;
Plotly.newPlot('timeline', T.data, T.layout, {responsive: true, displaylogo: false});
Plotly.newPlot('map', M.data, M.layout, {responsive: true, displaylogo: false});
let current = 0;
function show(i) {
  if (!DATA.steps.length) return;
  current = Math.max(0, Math.min(DATA.steps.length - 1, i));
  const s = DATA.steps[current];
  document.getElementById('step-title').textContent = s.title;
  document.getElementById('step-caption').textContent = s.caption;
  document.getElementById('step-facts').textContent = s.facts;
  document.getElementById('step-progress').textContent = 'Step ' + (current + 1) + ' of ' + DATA.steps.length;
  // restyling x re-guesses the axis type: state it again in the same update
  const axes = {'xaxis.type': 'date', 'xaxis.range': s.window};
  if (T.layout.xaxis2) { axes['xaxis2.type'] = 'date'; }  // the events' axis (see EVENT_AXIS)
  Plotly.update('timeline', {x: [s.tx], y: [s.ty]}, axes, [T.data.length - 1]);
  const geo = s.focus ? {'geo.center.lon': s.focus.lon, 'geo.center.lat': s.focus.lat,
                         'geo.projection.scale': s.focus.scale, 'geo.fitbounds': false} : {};
  Plotly.relayout('map', geo);
  Plotly.restyle('map', {lon: [s.lon], lat: [s.lat]}, [M.data.length - 1]);
  document.querySelectorAll('.events li').forEach(li => li.classList.toggle('sel', li.id === 'ev-' + s.event_id));
  location.hash = 'step-' + (current + 1);
}
document.addEventListener('keydown', e => {
  if (['ArrowRight', 'PageDown', ' '].includes(e.key)) { show(current + 1); e.preventDefault(); }
  if (['ArrowLeft', 'PageUp'].includes(e.key)) { show(current - 1); e.preventDefault(); }
});
document.querySelectorAll('[data-go]').forEach(b => b.addEventListener('click', () => show(current + Number(b.dataset.go))));
const m = /step-(\\d+)/.exec(location.hash);
show(m ? Number(m[1]) - 1 : 0);
"""


def _esc(value: object) -> str:
    return html.escape("" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value))


def _link(url: object, text: object) -> str:
    if isinstance(url, str) and SAFE_URL.match(url.strip()):
        return f'<a href="{_esc(url.strip())}" target="_blank" rel="noopener noreferrer">{_esc(text)}</a>'
    return _esc(text)


def _event_list(ds: Dataset, events: pd.DataFrame) -> str:
    items = []
    for _, ev in events.iterrows():
        srcs = "".join(
            f"<li>{_link(r[C.URL], r[C.SOURCE_TITLE])} — {_esc(r[C.PUBLISHER])}, {_esc(r[C.PUBLISHED] or 'undated')}"
            f" · {_esc(r[C.ROLE])}</li>"
            for r in sources_of(ds, str(ev[C.EVENT_ID])).to_dict("records")
        )
        notes = f"<p class='muted'>Where sources differ: {_esc(ev[C.NOTES])}</p>" if ev[C.NOTES] else ""
        items.append(
            f"<li id='ev-{_esc(ev[C.EVENT_ID])}'><span class='when'>{_esc(ev[C.DATE_LABEL])}</span> — "
            f"<b>{_esc(ev[C.TITLE])}</b><br><span class='muted'>{_esc(event_facts(ds, ev))}</span>"
            f"<p>{_esc(ev[C.DESCRIPTION])}</p>{notes}<ol>{srcs}</ol></li>"
        )
    return "<ol class='events'>" + "".join(items) + "</ol>"


def snapshot_html(ds: Dataset, ctx: FigureContext, events: pd.DataFrame, title: str, subtitle: str,
                  story: Narrative | None = None) -> bytes:
    """The HTML file's bytes. ``events`` are already filtered; ``story`` makes it steppable."""
    # with a key under each figure (an exported figure is read without the dashboard's key)
    timeline = timeline_spec(events, ctx, legend=True, key_below=True, plot_px=650)
    geo = map_spec(events, ctx, legend=True)
    if story is not None:
        geo["layout"]["geo"]["fitbounds"] = False  # each step frames the map itself
    steps: list[dict[str, Any]] = []
    if story is not None:
        for step in story.steps:
            event_id = str(step.event[C.EVENT_ID])
            tx, ty = selection_coordinates(events, ctx, "category", event_id)
            lon, lat = selection_lonlat(events, event_id)
            steps.append({
                "event_id": event_id, "title": f"{step.number}. {step.event[C.TITLE]}", "caption": step.caption,
                "facts": event_facts(ds, step.event),
                "window": [step.window[0].date().isoformat(), step.window[1].date().isoformat()],
                "focus": step.focus, "tx": tx, "ty": ty, "lon": lon, "lat": lat,
            })
    data = {"timeline": timeline, "map": geo, "steps": steps}
    # '</' is escaped so no data value can close the <script> element it sits in
    payload = to_json_plotly(data).replace("</", "<\\/")
    topo = (TOPOJSON_DIR / "world_50m.json").read_text(encoding="utf-8")
    meta = ds.metadata
    step_panel = ""
    if steps:
        step_panel = ("<section id='step'><div class='muted' id='step-progress'></div><h2 id='step-title'></h2>"
                      "<div id='step-caption'></div><div class='muted' id='step-facts'></div>"
                      "<div class='nav'><button data-go='-1'>← Previous</button><button data-go='1'>Next →</button>"
                      "<span class='muted'>Keys: ← → PageUp PageDown</span></div></section>")
    doc = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{_esc(title)}</title><style>{STYLE}</style>
<script>window.PlotlyGeoAssets = {{topojson: {{"world_50m": {topo}}}}};</script>
<script>{plotly_js()}</script></head>
<body><header><h1>{_esc(title)}</h1><p class="muted">{_esc(subtitle)}</p></header>
<main>{step_panel}
<div class="figs"><div class="card"><div id="timeline" class="fig"></div></div>
<div class="card"><div id="map" class="fig"></div></div></div>
<section class="card"><h2>Events and their sources</h2>{_event_list(ds, events)}</section>
<footer class="muted"><p>{_esc(ds.title())} · version {_esc(meta.get('version', '?'))} · reviewed
{_esc(meta.get('last_reviewed', '?'))} · made {date.today().isoformat()} with geotimeline.
Cite as: {_esc(meta.get('citation', ''))}</p></footer></main>
<script type="application/json" id="snapshot-data">{payload}</script>
<script>{SCRIPT}</script></body></html>"""
    return doc.encode("utf-8")

