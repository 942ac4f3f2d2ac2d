"""Vendored front-end files (see README.md here): the partial plotly.js bundle the dashboard and
the offline HTML snapshot load instead of plotly.py's full bundle, and regenerator-runtime, which
the dashboard loads instead of Dash's @babel/polyfill."""

from __future__ import annotations

import functools
from pathlib import Path

#: plotly.js core (scatter) + bar + scattergeo + scattermap + densitymap, at the version plotly.py ships.
PLOTLY_BUNDLE = Path(__file__).resolve().parent / "plotly-geotimeline.min.js"

#: regenerator-runtime 0.13.11 (runtime.js as published): the one part of @babel/polyfill 7.12.1
#: that Dash's own scripts still need (the global ``regeneratorRuntime``).
REGENERATOR_RUNTIME = Path(__file__).resolve().parent / "regenerator-runtime.js"


@functools.cache
def plotly_js() -> str:
    """The bundle's text (read once per process)."""
    return PLOTLY_BUNDLE.read_text(encoding="utf-8")
