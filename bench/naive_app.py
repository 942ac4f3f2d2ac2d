"""The baseline to beat: what a user would write in 40 lines (px.timeline + px.scatter_geo over the
whole frame, a full redraw and every row sent to the table on each filter change).

Usage: python bench/naive_app.py DATA_DIR [--port 8060]
Same element ids as the real app where bench/scale.py looks (timeline-graph, map-graph,
category-checklist, event-grid, summary-line). Map shapes come from our local topojson, so it
runs offline like the real app; nothing else is borrowed.
"""

import json
import sys
from pathlib import Path

import dash_ag_grid as dag
import pandas as pd
import plotly.express as px
from dash import Dash, Input, Output, dcc, html

data = Path(sys.argv[1])
port = int(sys.argv[sys.argv.index("--port") + 1]) if "--port" in sys.argv else 8060
df = pd.read_csv(data / "events.csv", keep_default_na=False)
df["date_start"] = pd.to_datetime(df["date_start"])
df["date_end"] = pd.to_datetime(df["date_end"].replace("", None)).fillna(df["date_start"]) + pd.Timedelta(days=1)
df["latitude"] = pd.to_numeric(df["latitude"], errors="coerce")
df["longitude"] = pd.to_numeric(df["longitude"], errors="coerce")
assets = Path(__file__).resolve().parents[1] / "app" / "web" / "assets"
app = Dash(__name__, assets_folder=str(assets), serve_locally=True)
# the categories in the order of the data package's vocabulary, as the real app lists them, so the
# same clicks tick the same categories in both apps (bench/scale.py checks the counts agree)
_vocab = [v["value"] for v in json.loads((data / "schema.json").read_text())["vocabularies"]["category"]["values"]]
cats = [c for c in _vocab if c in set(df["category"])] + sorted(set(df["category"]) - set(_vocab))
app.layout = html.Div([
    html.Div(id="summary-line"),
    dcc.Checklist(id="category-checklist", options=cats, value=[]),
    dcc.Graph(id="timeline-graph"),
    dcc.Graph(id="map-graph", config={"topojsonURL": "/assets/topojson/"}),
    dag.AgGrid(id="event-grid", columnDefs=[{"field": c} for c in ("date_start", "title", "category", "place_name")]),
])


@app.callback(Output("timeline-graph", "figure"), Output("map-graph", "figure"), Output("event-grid", "rowData"),
              Output("summary-line", "children"), Input("category-checklist", "value"))
def update(selected):
    view = df[df["category"].isin(selected)] if selected else df
    timeline = px.timeline(view, x_start="date_start", x_end="date_end", y="category", color="category",
                           hover_name="title")
    geo = px.scatter_geo(view, lat="latitude", lon="longitude", color="category", hover_name="title")
    rows = view[["date_start", "title", "category", "place_name"]].astype(str).to_dict("records")
    return timeline, geo, rows, f"{len(view)} events"


if __name__ == "__main__":
    app.run(port=port, debug=False)
