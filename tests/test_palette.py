"""The colour-blind review of the palette (issue 15), measured rather than asserted.

Every colour that says something (a category, the selection, a cluster) is compared with the
colours it must be told apart from, as seen with normal vision and as simulated for the three
colour vision deficiencies (Machado, Oliveira & Fernandes 2009, as implemented by colorspacious,
at severity 100: the strongest form of each). The distance is CAM02-UCS ΔE (Luo et al. 2006), a
space built so that equal distances look about equally different; 1 is about the smallest
difference visible between two large patches side by side. Small marks on a plot need far more,
so a pair passes at ``THRESHOLD`` or more.

Measured, not copied: the colours come from the app's own constants and from figures built from
the bundled data (what a mark is drawn on, at the opacity it is drawn with).

``python -m tests.test_palette`` prints the table of minima the README quotes.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from colorspacious import cspace_convert

from app.dataset import load_package
from app.figures import basemap
from app.figures import map as map_figures
from app.figures.context import FigureContext
from app.figures.theme import HIGHLIGHT, MISSING_COLOUR, OKABE_ITO, PERIOD_COLOUR, base_layout, colour_map

REPO = Path(__file__).resolve().parent.parent
THRESHOLD = 10.0
VISIONS = ("normal", "protanomaly", "deuteranomaly", "tritanomaly")
SAFE = len(OKABE_ITO)  # vocabularies up to this size must pass by colour alone
LARGEST = 19  # the largest vocabulary measured (9 + 10 extra colours)
Colour = str | np.ndarray  # a colour as written, or an opaque sRGB triple in 0..1
Pair = tuple[str, Colour, Colour]  # (what is compared, one colour, the other)


def vocabulary(n: int) -> list[str]:
    return list(colour_map([f"value-{i}" for i in range(n)]).values())


def rgba(colour: str) -> tuple[np.ndarray, float]:
    """'#RRGGBB', '#RGB', 'white' or 'rgba(r, g, b, a)' as (sRGB in 0..1, alpha)."""
    colour = colour.strip().lower()
    if colour == "white":
        colour = "#ffffff"
    if m := re.fullmatch(r"rgba?\(([^)]*)\)", colour):
        parts = [float(p) for p in m.group(1).split(",")]
        return np.array(parts[:3]) / 255, parts[3] if len(parts) > 3 else 1.0
    hexa = colour.lstrip("#")
    if len(hexa) == 3:
        hexa = "".join(c * 2 for c in hexa)
    return np.array([int(hexa[i:i + 2], 16) for i in (0, 2, 4)]) / 255, 1.0


def over(colour: str, background: str, opacity: float = 1.0) -> np.ndarray:
    """``colour`` drawn at ``opacity`` (times its own alpha) on an opaque ``background``, composited
    in sRGB as browsers do."""
    rgb, alpha = rgba(colour)
    back, _ = rgba(background)
    a = alpha * opacity
    return a * rgb + (1 - a) * back


@cache
def _seen(rgb: tuple[float, float, float], vision: str) -> np.ndarray:
    x = np.array(rgb)
    if vision != "normal":
        cvd = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}
        x = np.clip(cspace_convert(x, cvd, "sRGB1"), 0, 1)
    return np.asarray(cspace_convert(x, "sRGB1", "CAM02-UCS"))


def delta(a: Colour, b: Colour, vision: str) -> float:
    """CAM02-UCS ΔE between two opaque colours as someone with ``vision`` sees them."""
    ra = over(a, "white") if isinstance(a, str) else a
    rb = over(b, "white") if isinstance(b, str) else b
    return float(np.linalg.norm(_seen(tuple(ra), vision) - _seen(tuple(rb), vision)))


def closest(pairs: Iterable[Pair], vision: str) -> tuple[float, str]:
    """The smallest distance among named pairs, and the pair's name."""
    return min((delta(a, b, vision), name) for name, a, b in pairs)


# --- what is drawn on what, read from figures of the bundled data ---------------------------------

@cache
def drawn() -> dict[str, Any]:
    ds = load_package(REPO / "data")
    ctx = FigureContext.from_dataset(ds, today="2026-11-23")
    live = map_figures.live_map_spec(ds.events, ctx)
    static = map_figures.map_spec(ds.events, ctx)
    meta = {t.get("meta"): t for t in live["data"]}
    smeta = {t.get("meta"): t for t in static["data"]}
    opacity = np.asarray(meta["events"]["marker"]["opacity"], dtype=float)
    return {
        "categories": list(ctx.colours.values()),
        "plot": base_layout()["plot_bgcolor"],
        "land": basemap.LAND, "sea": basemap.SEA,
        # the live map: exact places, approximate places (paler), seats, arcs, the selection disc
        "exact": float(opacity.max()), "approximate": float(opacity.min()),
        "seat": float(meta["seats"]["marker"]["opacity"]), "arc": float(meta["arcs"]["opacity"]),
        "static_seat": float(smeta["seats"]["marker"]["opacity"]),
        "selection": meta["selection"]["marker"]["color"],
        "selection_opacity": float(meta["selection"]["marker"]["opacity"]),
        "ring": smeta["selection"]["marker"]["color"],
        "cluster": meta["events"]["cluster"]["color"], "cluster_opacity": float(meta["events"]["cluster"]["opacity"]),
    }


def surfaces() -> list[tuple[str, str, float]]:
    """(name, background, opacity) of every place a category colour is drawn."""
    d = drawn()
    out = [("timeline", str(d["plot"]), 1.0)]
    for ground in ("land", "sea"):
        bg = str(d[ground])
        out += [(f"{ground}: exact place", bg, float(d["exact"])),
                (f"{ground}: approximate place", bg, float(d["approximate"])),
                (f"{ground}: seat", bg, min(float(d["seat"]), float(d["static_seat"]))),
                (f"{ground}: transfer arc", bg, float(d["arc"]))]
    return out


# --- the measures ----------------------------------------------------------------------------------

def category_pairs(n: int) -> list[Pair]:
    return [(f"{a}/{b}", a, b) for a, b in itertools.combinations(vocabulary(n), 2)]


def highlight_pairs(n: int = SAFE) -> list[Pair]:
    return [(f"{HIGHLIGHT}/{c}", HIGHLIGHT, c) for c in vocabulary(n)]


def ground_pairs(colours: list[str]) -> list[Pair]:
    return [(f"{c} on {name}", over(c, bg, a), over(bg, "white")) for c in colours for name, bg, a in surfaces()]


def selection_pairs() -> list[Pair]:
    d = drawn()
    out: list[Pair] = [(f"ring on {g}", over(str(d["ring"]), str(d[g])), over(str(d[g]), "white"))
                       for g in ("plot", "land", "sea")]
    out += [(f"disc on {g}", over(str(d["selection"]), str(d[g]), float(d["selection_opacity"])),
             over(str(d[g]), "white")) for g in ("land", "sea")]
    return out


def cluster_pairs() -> list[Pair]:
    d = drawn()
    return [(f"cluster on {g}", over(str(d["cluster"]), str(d[g]), float(d["cluster_opacity"])),
             over(str(d[g]), "white")) for g in ("land", "sea")]


def period_pairs() -> list[Pair]:
    """A period's bar: a grey fill on the plot, outlined in its category's colour."""
    fill = over(PERIOD_COLOUR, str(drawn()["plot"]))
    return [(f"{c} on period fill", fill, c) for c in vocabulary(SAFE)]


# --- the tests -------------------------------------------------------------------------------------

@pytest.mark.parametrize("vision", VISIONS)
@pytest.mark.parametrize("n", range(2, SAFE + 1))
def test_categories_apart(n: int, vision: str) -> None:
    """Up to nine categories: every pair told apart by colour alone, in every vision."""
    low, pair = closest(category_pairs(n), vision)
    assert low >= THRESHOLD, f"{n} categories, {vision}: {pair} only {low:.1f} apart"


def test_bundled_categories_use_the_safe_palette() -> None:
    cats = drawn()["categories"]
    assert len(cats) <= SAFE and cats == vocabulary(len(cats))


def test_large_vocabularies_keep_distinct_colours_in_the_most_distinct_order() -> None:
    """Beyond nine no set of colours passes for every vision (the timeline's lanes and the map's
    hover name the category); the extra colours are all different, none repeats before the 19th
    value, and each one is the remaining colour farthest from those already given (ΔE taken in the
    worst vision), so the first extra values are the best told apart."""
    colours = vocabulary(LARGEST)
    assert len(set(colours)) == LARGEST

    def worst(c: str, given: list[str]) -> float:
        return min(delta(c, g, v) for g in given for v in VISIONS)

    for k in range(SAFE, LARGEST - 1):
        here = worst(colours[k], colours[:k])
        best = max(worst(c, colours[:k]) for c in colours[k:])
        assert here >= best - 1e-9, f"value {k + 1}: {colours[k]} ({here:.1f}) before a farther colour ({best:.1f})"


def test_the_map_names_the_category_of_every_mark() -> None:
    """Colour is not the only thing that says a map mark's category (beyond nine categories it
    cannot be): the hover of every event and seat names it, as the timeline's lanes and hover do."""
    ds = load_package(REPO / "data")
    ctx = FigureContext.from_dataset(ds, today="2026-11-23")
    for spec in (map_figures.live_map_spec(ds.events, ctx), map_figures.map_spec(ds.events, ctx)):
        marks = [t for t in spec["data"] if t.get("meta") in ("events", "seats")]
        assert marks
        for t in marks:
            shown = {int(k) for k in re.findall(r"%\{customdata\[(\d+)\]\}", t["hovertemplate"])}
            ids = [row[0] for row in t["customdata"]]
            labels = [ctx.category_labels[c] for c in ds.events.set_index("event_id").loc[ids, "category"]]
            assert any([row[k] for row in t["customdata"]] == labels for k in shown), t["hovertemplate"]


@pytest.mark.parametrize("vision", VISIONS)
def test_highlight_is_no_category_colour(vision: str) -> None:
    low, pair = closest(highlight_pairs(), vision)
    assert low >= THRESHOLD, f"{vision}: {pair} only {low:.1f} apart"


@pytest.mark.parametrize("vision", VISIONS)
def test_an_unknown_category_is_no_category_colour(vision: str) -> None:
    """The grey of an event with no (or an unknown) category, against every category colour of up
    to nine and the highlight (#777777 was 8.8 from bluish green under deuteranopia)."""
    pairs = [(f"{MISSING_COLOUR}/{c}", MISSING_COLOUR, c) for c in [*vocabulary(SAFE), HIGHLIGHT]]
    low, pair = closest(pairs, vision)
    assert low >= THRESHOLD, f"{vision}: {pair} only {low:.1f} apart"


@pytest.mark.parametrize("vision", VISIONS)
def test_marks_stand_out_from_what_they_are_drawn_on(vision: str) -> None:
    """Up to nine categories at every opacity they are drawn with; every extra colour at least as a
    mark drawn in full on the timeline and the map."""
    low, pair = closest(ground_pairs(vocabulary(SAFE)), vision)
    assert low >= THRESHOLD, f"{vision}: {pair} only {low:.1f} apart"
    d = drawn()
    full = [(f"{c} on {g}", over(c, str(d[g])), over(str(d[g]), "white"))
            for c in vocabulary(LARGEST) for g in ("plot", "land", "sea")]
    low, pair = closest(full, vision)
    assert low >= THRESHOLD, f"{vision}: {pair} only {low:.1f} apart"


@pytest.mark.parametrize("vision", VISIONS)
def test_selection_and_clusters_stand_out(vision: str) -> None:
    low, pair = closest(selection_pairs() + cluster_pairs(), vision)
    assert low >= THRESHOLD, f"{vision}: {pair} only {low:.1f} apart"


@pytest.mark.parametrize("vision", VISIONS)
def test_period_outline_stands_out_from_its_fill(vision: str) -> None:
    low, pair = closest(period_pairs(), vision)
    assert low >= THRESHOLD, f"{vision}: {pair} only {low:.1f} apart"


def test_live_basemap_and_map_key_use_the_measured_colours() -> None:
    """The live map's style (served as a file) and the map key's cluster glyph draw the colours
    measured here."""
    style = (REPO / "app/web/assets/map/style.json").read_text(encoding="utf-8").lower()
    assert f'"background-color":"{basemap.SEA.lower()}"' in style
    assert f'"fill-color":"{basemap.LAND.lower()}"' in style
    css = (REPO / "app/web/assets/style.css").read_text(encoding="utf-8").lower()
    glyph = re.search(r"\.map-key \.glyph\.cluster \{[^}]*background: (#[0-9a-f]+)", css)
    assert glyph and glyph.group(1) == str(drawn()["cluster"]).lower()


# --- the table -------------------------------------------------------------------------------------

def table() -> list[tuple[str, list[tuple[float, str]]]]:
    rows = [(f"categories, {n} values", category_pairs(n)) for n in (SAFE, 10, 12, LARGEST)]
    rows += [("highlight vs 9 categories", highlight_pairs()),
             (f"highlight vs {LARGEST} categories", highlight_pairs(LARGEST)),
             ("9 categories on timeline/map, as drawn", ground_pairs(vocabulary(SAFE))),
             (f"{LARGEST} categories on timeline/map, as drawn", ground_pairs(vocabulary(LARGEST))),
             ("selection ring/disc on its background", selection_pairs()),
             ("cluster disc on land/sea", cluster_pairs()),
             ("period outline vs its fill", period_pairs())]
    return [(name, [closest(pairs, v) for v in VISIONS]) for name, pairs in rows]


if __name__ == "__main__":
    print(f"{'minimum CAM02-UCS ΔE (closest pair)':42}" + "".join(f"{v:<34}" for v in VISIONS))
    for name, cells in table():
        print(f"{name:42}" + "".join(f"{f'{x:5.1f} {p}':<34}" for x, p in cells))
