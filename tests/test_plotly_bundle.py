"""The dashboard's partial plotly.js (app/vendor): served where dcc.Graph loads plotly.js from,
the version plotly.py was made for, and holding every trace type the figures use."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from plotly.offline import get_plotlyjs_version

from app.dataset import load_package
from app.figures.context import FigureContext
from app.settings import Settings
from app.vendor import PLOTLY_BUNDLE
from app.web import create_app
from app.web.callbacks import update_views
from app.web.factory import make_deps
from app.web.layout import placeholder

REPO = Path(__file__).resolve().parents[1]
PLOTLY_PATH = "/_dash-component-suites/plotly/package_data/plotly.min.js"


def bundled_traces() -> set[str]:
    return set(re.findall(r'moduleType:"trace",name:"(\w+)"', PLOTLY_BUNDLE.read_text(encoding="utf-8")))


def test_the_renderer_gets_the_partial_bundle() -> None:
    client = create_app(Settings(today="2026-11-23")).server.test_client()
    resp = client.get(PLOTLY_PATH)
    assert resp.status_code == 200 and resp.mimetype == "application/javascript"
    body = resp.get_data()
    assert body == PLOTLY_BUNDLE.read_bytes()
    assert len(body) < 2_000_000  # the full bundle is 4.8 MB
    # the figures are made by this plotly.py; its plotly.js version is the one it was made for
    assert body.startswith(f"/** plotly.js v{get_plotlyjs_version()} partial bundle".encode())


def test_bundle_holds_the_trace_types() -> None:
    assert bundled_traces() == {"scatter", "bar", "scattergeo"}


@pytest.fixture(scope="module")
def dense(tmp_path_factory):
    out = tmp_path_factory.mktemp("dense")
    subprocess.run([sys.executable, str(REPO / "bench" / "make_events.py"), "--n", "3000", "--out", str(out)],
                   check=True, capture_output=True)
    return out


@pytest.mark.parametrize("package", ["bundled", "dense"])
def test_every_figure_uses_only_bundled_trace_types(package: str, dense: Path) -> None:
    ds = load_package(Settings().data_dir if package == "bundled" else dense)
    deps = make_deps(ds, FigureContext.from_dataset(ds, today="2026-11-23"))
    used: set[str] = set()
    for lanes in ("category", "actor", "country"):
        for seats in (True, False):
            for state in ({}, {"text": "drone"}, {"start": "2023-01-01", "end": "2023-03-31"}):
                shown = update_views(state, {"lanes": lanes, "seats": seats}, "", deps=deps)
                timeline, geo = shown.timeline, shown.map
                used |= {t.get("type", "scatter") for t in timeline["data"] + geo["data"]}
    used |= {t.get("type", "scatter") for t in placeholder("timeline")["data"]}
    assert used <= bundled_traces(), f"rebuild app/vendor with {used - bundled_traces()}"
