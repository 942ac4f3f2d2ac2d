"""Colours, marker shapes and the base layout. Everything is built fresh per call (no shared dicts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.textsafe import label_text

# Category colours, measured for colour-blind readers in tests/test_palette.py (README, "Colours").
# Up to nine values: seven of Okabe & Ito's (2008) eight colours (all but the yellow, which fades
# into the map's land: ΔE 8.2 as a half-opaque seat), then a dark brown and a dark grey (before: a
# lighter brown, which merged with vermillion under protanopia, and a light grey, with the reddish
# purple under deuteranopia).
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#704214",
             "#000000", "#555555")
# Beyond nine (no set of colours stays apart for every reader; the lanes and the hover name the
# category): Paul Tol's "muted" colours without his pale grey (his colour for missing data, under 7
# from the land and the sea), and a violet, each the one farthest from the colours already given.
TOL_MUTED = ("#332288", "#DDCC77", "#9678FF", "#88CCEE", "#AA4499", "#117733", "#999933", "#CC6677",
             "#44AA99", "#882255")
PERIOD_COLOUR = "rgba(90, 90, 110, 0.28)"
MISSING_COLOUR = "#6e6e6e"  # an event whose category is missing or not in the vocabulary (tests/test_palette.py)
HIGHLIGHT = "#B41E87"  # the selection: a ring (a disc on the live map), apart from every category colour
TODAY_COLOUR = "#7a1f3d"  # the "today" line open-ended periods reach
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif"

#: Marker shape per verification level: filled = strong evidence, open = weaker, x = disputed.
VERIFICATION_SYMBOLS = {
    "confirmed": "circle",
    "corroborated": "diamond",
    "single-source": "circle-open",
    "claimed": "triangle-up-open",
    "disputed": "x-thin-open",
    "unverified": "square-open",
}
FALLBACK_SYMBOLS = ("circle", "diamond", "square", "triangle-up", "star", "hexagon", "cross",
                    "pentagon", "hourglass", "bowtie")

#: Map marker shape per place precision (approximate places look approximate).
GEO_SYMBOLS = {
    "exact": "circle",
    "near": "circle",
    "admin-region": "circle-open",
    "country": "circle-open-dot",
    "sea": "diamond-open",
}
SEAT_SYMBOL = "square"


def colour_map(values: Sequence[str]) -> dict[str, str]:
    """A stable colour per vocabulary value, in the vocabulary's order."""
    palette = OKABE_ITO if len(values) <= len(OKABE_ITO) else OKABE_ITO + TOL_MUTED
    return {v: palette[i % len(palette)] for i, v in enumerate(values)}


def symbol_map(values: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for i, v in enumerate(values):
        out[v] = VERIFICATION_SYMBOLS.get(v, FALLBACK_SYMBOLS[i % len(FALLBACK_SYMBOLS)])
    return out


def base_layout(title: str | None = None, font_size: int = 15) -> dict[str, Any]:
    """A fresh layout dict: legible on a projector, white background, no external fonts."""
    layout: dict[str, Any] = {
        "font": {"family": FONT_FAMILY, "size": font_size, "color": "#1b1b1f"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "margin": {"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": font_size}},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0, "font": {"size": 13}},
        "uirevision": "keep",
    }
    if title:
        layout["title"] = {"text": label_text(title), "x": 0.01, "font": {"size": font_size + 3}}
    return layout
