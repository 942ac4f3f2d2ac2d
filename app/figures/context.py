"""What figure builders need to know about a dataset besides the events: labels, colours, actors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from app.dataset import columns as C
from app.dataset.package import Dataset
from app.dates import today as today_for
from app.figures.framing import parse_coverage
from app.figures.theme import MISSING_COLOUR, colour_map, symbol_map


@dataclass(frozen=True)
class FigureContext:
    categories: tuple[str, ...]
    category_labels: dict[str, str]
    colours: dict[str, str]
    verification: tuple[str, ...]
    verification_labels: dict[str, str]
    symbols: dict[str, str]
    actor_names: dict[str, str] = field(default_factory=dict)
    actor_countries: dict[str, str] = field(default_factory=dict)
    country_names: dict[str, str] = field(default_factory=dict)
    today: pd.Timestamp = field(default_factory=lambda: today_for())
    #: the story the data package declares (``temporalCoverage``): the timeline opens on it
    coverage: tuple[pd.Timestamp | None, pd.Timestamp | None] = (None, None)
    #: the figures lane under the timeline (app.figures.measures.lane_frame), empty without measures
    measures_lane: pd.DataFrame = field(default_factory=pd.DataFrame)

    @classmethod
    def from_dataset(cls, ds: Dataset, today: str = "") -> FigureContext:
        cat = ds.schema.vocab(C.CATEGORY)
        ver = ds.schema.vocab(C.VERIFICATION)
        actors = ds.actors
        names: dict[str, str] = {}
        countries: dict[str, str] = {}
        if len(actors):
            names = dict(zip(actors[C.ACTOR_ID], actors[C.NAME], strict=True))
            countries = {a: c for a, c in zip(actors[C.ACTOR_ID], actors[C.COUNTRY], strict=True) if c}
        cnames: dict[str, str] = {}
        if len(ds.events):
            pairs = ds.events[[C.COUNTRY, C.COUNTRY_NAME]].drop_duplicates()
            cnames = {c: n for c, n in zip(pairs[C.COUNTRY], pairs[C.COUNTRY_NAME], strict=True) if c}
        return cls(
            categories=cat.values,
            category_labels={t.value: t.label for t in cat.terms},
            colours=colour_map(cat.values),
            verification=ver.values,
            verification_labels={t.value: t.label for t in ver.terms},
            symbols=symbol_map(ver.values),
            actor_names=names,
            actor_countries=countries,
            country_names=cnames,
            today=today_for(today),
            coverage=parse_coverage(ds.metadata),
            measures_lane=_measures_lane(ds),
        )

    def colour(self, category: str) -> str:
        return self.colours.get(category, MISSING_COLOUR)


def _measures_lane(ds: Dataset) -> pd.DataFrame:
    from app.figures.measures import lane_frame

    voc = ds.schema.vocabularies.get(C.MEASURE)
    labels = {t.value: t.label for t in voc.terms} if voc else {}
    return lane_frame(ds.measures, ds.sources, labels)


def labels_for(ds: Dataset, ctx: FigureContext) -> dict[str, dict[str, str]]:
    """Value -> human label for every filter, for the summary line and file names."""
    systems = dict(zip(ds.systems.get("system_id", []), ds.systems.get("name", []), strict=True))
    return {
        "category": ctx.category_labels,
        "verification": ctx.verification_labels,
        "actor": ctx.actor_names,
        "country": ctx.country_names,
        "system": systems,
    }


#: The ``uid`` of each figure's selection ring: callbacks find the trace by it, never by position.
SELECTION_UID = "selection"


def trace_index(spec: dict[str, Any], uid: str) -> int:
    """The position of the trace whose ``uid`` is ``uid`` in a figure spec (ValueError if none)."""
    for i, trace in enumerate(spec["data"]):
        if trace.get("uid") == uid:
            return i
    raise ValueError(f"no trace with uid {uid!r}")
