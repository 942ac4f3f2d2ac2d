"""The detail panel of one event. Every text from the data is a plain string child (React escapes
it); links are made only from http(s) URLs and open in a new tab with rel="noopener noreferrer"."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
from dash import dcc, html

from app.dataset import columns as C
from app.dataset.package import Dataset
from app.figures.context import FigureContext
from app.figures.map import same_place

SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)


def safe_link(url: str, text: str) -> Any:
    """An external link, or plain text if the URL is not http(s)."""
    if isinstance(url, str) and SAFE_URL.match(url.strip()):
        return html.A(text, href=url.strip(), target="_blank", rel="noopener noreferrer")
    return html.Span(text)


def empty_detail() -> list[Any]:
    return [html.H2("Event details", className="section-title"),
            html.P("Click an event on the timeline, the map or in the table to read its details "
                   "and sources here.", className="muted")]


def detail_children(ds: Dataset, ctx: FigureContext, event_id: str, query: str = "",
                    row_index: int | None = None) -> list[Any]:
    """The panel for ``event_id`` (or the empty prompt). ``query`` keeps the current filters in
    the related-event links. The sources come right after the date, place and verification, so
    they are in sight without scrolling. ``row_index``: the event's row in the table's default order
    (assets/linking.js scrolls the table to it)."""
    ev = ds.events
    if not event_id or ev.empty:
        return empty_detail()
    hit = ev[ev[C.EVENT_ID] == event_id]
    if hit.empty:
        return [html.H2("Event details", className="section-title"),
                html.P(f'No event "{event_id}" in this dataset.', className="muted")]
    row = hit.iloc[0]
    schema = ds.schema
    ver = schema.vocab(C.VERIFICATION)
    geo = schema.vocab(C.GEO_PRECISION)
    loc = schema.vocab(C.LOCATION_ROLE)
    prec = schema.vocab(C.DATE_PRECISION)
    place = row[C.PLACE_NAME] or row[C.COUNTRY_NAME] or "No place"
    if row[C.COUNTRY_NAME] and row[C.PLACE_NAME]:
        place = f"{row[C.PLACE_NAME]}, {row[C.COUNTRY_NAME]}"
    items: list[Any] = [
        html.P(ctx.category_labels.get(row[C.CATEGORY], row[C.CATEGORY]) + " · "
               + _sub_label(ds, row[C.SUB_CATEGORY]), className="eyebrow"),
        html.H2(row[C.TITLE], className="detail-title"),
        html.Dl([
            html.Dt("When"),
            html.Dd(f"{row[C.DATE_LABEL]} (precision: {prec.label_of(row[C.DATE_PRECISION]).lower()})"
                    + (f"; made public {row[C.ANNOUNCED_DATE]:%-d %b %Y}" if pd.notna(row[C.ANNOUNCED_DATE]) else "")),
            html.Dt("Where"),
            html.Dd(f"{place} — {geo.label_of(row[C.GEO_PRECISION]).lower()} · "
                    f"{loc.label_of(row[C.LOCATION_ROLE]).lower()}"),
            html.Dt("Verification"),
            html.Dd([html.B(ver.label_of(row[C.VERIFICATION])), f": {ver.describe(row[C.VERIFICATION])}"]),
        ], className="detail-facts"),
        html.H3(f"Sources ({_n_sources(ds, event_id)})", id="detail-sources"),
        *_report_line(ds, event_id),
        html.Ol(_sources(ds, event_id), className="sources"),
        html.H3("What happened"),
        html.P(row[C.DESCRIPTION], className="detail-description"),
    ]
    items += _same_place(ev, event_id, query)
    if row_index is not None:
        marker: dict[str, Any] = {"data-row": str(row_index), "data-event": event_id}
        items.append(html.Span(hidden=True, className="detail-row", **marker))
    if row[C.NOTES]:
        items += [html.H3("Notes: where sources differ"), html.P(row[C.NOTES], className="detail-notes")]
    actors = ds.event_actors[ds.event_actors[C.EVENT_ID] == event_id]
    if len(actors):
        role_voc = schema.vocabularies.get("actor_role")
        items += [html.H3("Actors"), html.Ul([
            html.Li(f"{ctx.actor_names.get(a, a)} — {role_voc.label_of(r).lower() if role_voc else r}")
            for a, r in zip(actors[C.ACTOR_ID], actors[C.ROLE], strict=True)
        ])]
    systems = [s for s in row[C.SYSTEMS_COL].split(";") if s]
    if systems:
        names = dict(zip(ds.systems[C.SYSTEM_ID], ds.systems[C.NAME], strict=True))
        aliases = dict(zip(ds.systems[C.SYSTEM_ID], ds.systems[C.ALIASES], strict=True))
        items += [html.H3("Drone systems"), html.Ul([
            html.Li(names.get(s, s) + (f" (also: {aliases[s].replace(';', ', ')})" if aliases.get(s) else ""))
            for s in systems
        ])]
    related = [r for r in row[C.RELATED_EVENTS].split(";") if r]
    if related:
        titles = dict(zip(ev[C.EVENT_ID], ev[C.TITLE], strict=True))
        items += [html.H3("Related events"), html.Ul([
            html.Li(dcc.Link(titles.get(r, r), href=_with_event(query, r), className="related-link"))
            for r in related if r in titles
        ])]
    items.append(html.P(["Event id: ", html.Code(event_id)], className="muted small"))
    return items


SAME_PLACE_LIMIT = 30


def _same_place(ev: pd.DataFrame, event_id: str, query: str) -> list[Any]:
    """The other events at exactly this place: the map draws them on one spot (issue 14), so the
    panel lists them, each a link that selects it."""
    others = same_place(ev, event_id)
    if not others:
        return []
    rows = ev.set_index(C.EVENT_ID).loc[others[:SAME_PLACE_LIMIT]]
    more = len(others) - SAME_PLACE_LIMIT
    return [html.H3(f"Also at this exact place ({len(others)})"), html.Ul([
        html.Li([dcc.Link(str(title), href=_with_event(query, str(eid)), className="related-link"),
                 f" — {label}"])
        for eid, title, label in zip(rows.index, rows[C.TITLE], rows[C.DATE_LABEL], strict=True)
    ] + ([html.Li(f"and {more} more: filter by the place to see them all")] if more > 0 else []),
        className="same-place")]


PRINT_LIMIT = 500


def _n_sources(ds: Dataset, event_id: str) -> int:
    return int((ds.event_sources[C.EVENT_ID] == event_id).sum())


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def md_escape(text: object) -> str:
    """Text from the data as literal Markdown (every markup character escaped; no raw HTML is
    rendered by dcc.Markdown either)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def print_list(ds: Dataset, shown: pd.DataFrame, heading: str) -> dcc.Markdown:
    """The events of the view with their sources, for the print stylesheet (hidden on screen).

    One Markdown component rather than thousands of html components: Dash renders each component
    separately, and a list of 150 events with their sources took seconds to mount."""
    if len(shown) > PRINT_LIMIT:
        text = (f"## {md_escape(heading)}\n\n{len(shown)} events: narrow the filters to {PRINT_LIMIT} or fewer "
                "to print the list with its sources.")
        return dcc.Markdown(text)
    links = ds.event_sources[ds.event_sources[C.EVENT_ID].isin(shown[C.EVENT_ID])]
    merged = links.merge(ds.sources, on=C.SOURCE_ID, how="left")
    by_event: dict[str, list[str]] = {}
    for rec in merged.to_dict("records"):  # one pass over the links, not one merge per event
        url = str(rec.get(C.URL) or "").strip()
        title = md_escape(rec.get(C.SOURCE_TITLE) or rec[C.SOURCE_ID])
        cited = f"[{title}](<{url}>)" if SAFE_URL.match(url) else title
        by_event.setdefault(str(rec[C.EVENT_ID]), []).append(
            f"    - {cited} — {md_escape(rec.get(C.PUBLISHER) or 'unknown publisher')}, "
            f"{md_escape(rec.get(C.PUBLISHED) or 'undated')} · {md_escape(rec[C.ROLE])}")
    lines = [f"## {md_escape(heading)}", ""]
    for n, rec in enumerate(shown.to_dict("records"), start=1):
        place = ", ".join(p for p in (rec[C.PLACE_NAME], rec[C.COUNTRY_NAME]) if p) or "no place"
        lines += [f"{n}. **{md_escape(rec[C.DATE_LABEL])} — {md_escape(rec[C.TITLE])}**  ",
                  f"    {md_escape(place)} · {md_escape(rec[C.VERIFICATION])}  ",
                  f"    {md_escape(rec[C.DESCRIPTION])}", "",
                  *by_event.get(str(rec[C.EVENT_ID]), []), ""]
    return dcc.Markdown("\n".join(lines), link_target="_blank")


def _sub_label(ds: Dataset, value: str) -> str:
    voc = ds.schema.vocabularies.get(C.SUB_CATEGORY)
    return voc.label_of(value) if voc else value


def _sources(ds: Dataset, event_id: str) -> list[Any]:
    links = ds.event_sources[ds.event_sources[C.EVENT_ID] == event_id]
    merged = links.merge(ds.sources, on=C.SOURCE_ID, how="left")
    role_voc = ds.schema.vocabularies.get("source_role")
    publishers = dict(zip(ds.sources[C.SOURCE_ID], ds.sources[C.PUBLISHER], strict=True))
    out = []
    for rec in merged.to_dict("records"):
        published = rec.get(C.PUBLISHED) or "undated"
        role = role_voc.label_of(rec[C.ROLE]) if role_voc else rec[C.ROLE]
        parts: list[Any] = [
            safe_link(str(rec.get(C.URL) or ""), str(rec.get(C.SOURCE_TITLE) or rec[C.SOURCE_ID])),
            html.Span(f" — {rec.get(C.PUBLISHER) or 'unknown publisher'}, {published}", className="src-meta"),
            html.Span(f" · {role}", className=f"src-role role-{rec[C.ROLE]}"),
        ]
        if rec.get(C.NOTE):
            parts.append(html.Div(str(rec[C.NOTE]), className="src-note"))
        if rec.get(C.RELAYS):
            relayed = str(rec[C.RELAYS])
            parts.append(html.Div("Relays " + publishers.get(relayed, relayed), className="src-note"))
        out.append(html.Li(parts))
    return out


def _report_line(ds: Dataset, event_id: str) -> list[Any]:
    """'4 sources, all relaying one report (…)' when outlets relay one another (data README)."""
    from app.dataset.provenance import report_summary

    links = ds.event_sources[ds.event_sources[C.EVENT_ID] == event_id]
    names = dict(zip(ds.sources[C.SOURCE_ID], ds.sources[C.PUBLISHER], strict=True))
    text = report_summary([{str(k): v for k, v in r.items()} for r in links.to_dict("records")], names)
    return [html.P(text, className="muted small report-count")] if text else []


def _with_event(query: str, event_id: str) -> str:
    from urllib.parse import parse_qsl, urlencode

    pairs = [(k, v) for k, v in parse_qsl((query or "").lstrip("?")) if k != "event"]
    pairs.append(("event", event_id))
    return "?" + urlencode(pairs)
