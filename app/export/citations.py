"""Citations: the sources of a set of events, and the dataset itself, as BibTeX, RIS or CSL-JSON.

Pure: frames in, bytes out (UTF-8). Never imports dash.

    cite(events, ds, fmt, accessed=None)   every source the events cite, once each (by source_id),
                                           in the order the events first cite them
    cite_dataset(ds, fmt)                  "how to cite this dataset", from datapackage.json

How a source maps (``sources.source_type``):

    source_type   BibTeX                                  RIS     CSL-JSON
    news          @article, entrysubtype newspaper        NEWS    article-newspaper
    academic      @article                                JOUR    article-journal
    official      @techreport, type "Official document"   GOVDOC  report
    legislation   @techreport, type "Legislation"         BILL    legislation
    think-tank    @techreport, type "Report"              RPRT    report
    reference     @misc                                   ENCYC   entry-encyclopedia
    ngo, other    @misc (anything unknown too)            ELEC    webpage

The publisher is the container for news, academic, reference and web pages (BibTeX ``journal`` or
``howpublished``, RIS ``T2``, CSL ``container-title``) and the issuer otherwise (``institution``, ``PB``,
``publisher``). ``sources.published`` (YYYY, YYYY-MM or YYYY-MM-DD) gives BibTeX ``date`` + ``year`` +
``month``, RIS ``PY`` + ``DA`` ("2021///"), CSL ``issued`` with 1-3 date parts. The access date is
``sources.accessed``, else the ``accessed`` argument: BibTeX ``urldate``, RIS ``Y2``, CSL ``accessed``.

"bibtex" writes only classic BibTeX fields (``year`` on every entry, "n.d." when undated; ``month`` as a month
macro; ``journal``/``institution``/``howpublished``; access date, version and archived copy in ``note``), UTF-8
kept as is: ``bibtex``, biber and reference managers all read it. "biblatex" adds biblatex's own fields for
biber (ISO ``date``, ``urldate``, ``langid``, ``entrysubtype``, ``version``). ``@techreport`` is known to both;
its explicit ``type`` replaces "Tech. rep.".

Authors: ``sources.author`` holds names separated by ";", each "Last, First" or "First Last". A name that
looks like an organisation ("Council of the European Union", "Jagran News Desk", "The Associated Press")
is kept whole: BibTeX ``{{…}}``, CSL ``literal``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from app.dataset import columns as C
from app.dataset.package import Dataset
from app.errors import UserInputError

#: fmt -> (media type, file extension)
CITATION_FORMATS: dict[str, tuple[str, str]] = {
    "bibtex": ("application/x-bibtex", "bib"),
    "biblatex": ("application/x-bibtex", "bib"),
    "ris": ("application/x-research-info-systems", "ris"),
    "csl-json": ("application/vnd.citationstyles.csl+json", "json"),
}

PartialDate = tuple[int, ...]  # (year,), (year, month) or (year, month, day)

MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
RIS_EOL = "\r\n"  # the RIS specification asks for CR LF

# ISO 639-1 -> babel/polyglossia language name, for biblatex's langid (hyphenation, localised terms)
LANGIDS = {
    "ar": "arabic", "az": "azerbaijani", "de": "ngerman", "en": "english", "es": "spanish", "fa": "persian",
    "fr": "french", "he": "hebrew", "hi": "hindi", "hy": "armenian", "it": "italian", "ja": "japanese",
    "ka": "georgian", "kk": "kazakh", "ko": "korean", "nl": "dutch", "pl": "polish", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "tr": "turkish", "uk": "ukrainian", "ur": "urdu",
}


@dataclass(frozen=True)
class Kind:
    """How one kind of document is typed in each format."""

    bibtex: str
    bibtex_publisher: str  # the BibTeX field that names the publisher
    ris: str
    csl: str
    container: bool  # the publisher is the container (newspaper, journal, website), not a publisher
    bibtex_type: str = ""  # @techreport's ``type``
    entrysubtype: str = ""
    howpublished: str = ""

    def publisher_fields(self) -> tuple[str, str]:
        """(RIS tag, CSL variable) naming the publisher."""
        return ("T2", "container-title") if self.container else ("PB", "publisher")


WEBPAGE = Kind("misc", "howpublished", "ELEC", "webpage", container=True)
KINDS: dict[str, Kind] = {
    "news": Kind("article", "journal", "NEWS", "article-newspaper", container=True, entrysubtype="newspaper"),
    "academic": Kind("article", "journal", "JOUR", "article-journal", container=True),
    "official": Kind("techreport", "institution", "GOVDOC", "report", container=False,
                     bibtex_type="Official document"),
    "legislation": Kind("techreport", "institution", "BILL", "legislation", container=False,
                        bibtex_type="Legislation"),
    "think-tank": Kind("techreport", "institution", "RPRT", "report", container=False, bibtex_type="Report"),
    "reference": Kind("misc", "howpublished", "ENCYC", "entry-encyclopedia", container=True),
    "ngo": WEBPAGE,
    "other": WEBPAGE,
}
DATASET = Kind("misc", "publisher", "DATA", "dataset", container=False, howpublished="Dataset")


# ---------------------------------------------------------------------------------------------- names

# A word that makes a name an organisation's ("IFP Editorial Staff", "RFE/RL's Tajik Service").
ORGANISATION_WORDS = frozenset({
    "agency", "agencies", "associated", "association", "authority", "board", "bureau", "center", "centre",
    "commission", "committee", "contributors", "correspondent", "correspondents", "council", "department", "desk",
    "editorial", "editors", "embassy", "foundation", "government", "group", "institute", "institution", "ministry",
    "network", "news", "newsroom", "office", "organisation", "organization", "parliament", "project", "reporters",
    "secretariat", "service", "staff", "team", "union", "university",
})
# Lower-case words joining the parts of an organisation's name ("Council of the European Union").
JOINING_WORDS = frozenset({"and", "of", "for", "the", "on", "in", "at"})
# Lower-case words that belong to a family name ("Ludwig van Beethoven").
PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "dos", "das",
                       "la", "le", "ter", "ten", "zu", "bin", "ibn", "al", "el", "st."})
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


@dataclass(frozen=True)
class Name:
    """A person's name in parts, or an organisation's name kept whole (``literal``)."""

    family: str = ""
    given: str = ""
    particle: str = ""  # "van" in "Ludwig van Beethoven": part of the family name, kept when sorting
    suffix: str = ""
    literal: str = ""

    def inverted(self) -> str:
        """'van Beethoven, Ludwig, Jr.' (RIS); an organisation's name as is."""
        if self.literal:
            return self.literal
        family = " ".join(x for x in (self.particle, self.family) if x)
        return ", ".join(x for x in (family, self.given, self.suffix) if x)

    def bibtex(self) -> str:
        """'van Beethoven, Jr., Ludwig' or '{Name of an organisation}', escaped."""
        if self.literal:
            return "{" + tex_escape(self.literal) + "}"
        family = " ".join(x for x in (self.particle, self.family) if x)
        parts = [family, self.suffix, self.given] if self.suffix else [family, self.given]
        return ", ".join(tex_escape(x) for x in parts if x)

    def csl(self) -> dict[str, str]:
        if self.literal:
            return {"literal": self.literal}
        out = {"family": self.family, "given": self.given, "non-dropping-particle": self.particle,
               "suffix": self.suffix}
        return {k: v for k, v in out.items() if v}


def is_organisation(text: str, publisher: str = "") -> bool:
    """Whether an author field names an organisation rather than a person (a heuristic, see the words above)."""
    if publisher and text.casefold() == publisher.casefold():
        return True
    if re.search(r"[&/()0-9@]|'s\b|’s\b", text):
        return True
    words = text.replace(",", " ").split()
    if words and words[0].casefold() == "the":
        return True
    for word in words:
        bare = word.strip(".,;:'’").casefold()
        if bare in ORGANISATION_WORDS or word in JOINING_WORDS:
            return True
        if len(bare) > 2 and word.isupper() and "." not in word:  # an acronym: "IFP", "AFP"
            return True
    return False


def parse_name(text: str, publisher: str = "") -> Name:
    """One name: 'Last, First', 'Last, Jr., First', 'First [particle] Last [Jr.]' or an organisation."""
    text = " ".join(text.split())
    if not text:
        return Name()
    if is_organisation(text, publisher):
        return Name(literal=text)
    if "," in text:
        parts = [p.strip() for p in text.split(",")]
        if len(parts) == 2 and all(parts):
            return _with_particle(family=parts[0], given=parts[1])
        if len(parts) == 3 and all(parts):
            return _with_particle(family=parts[0], given=parts[2], suffix=parts[1])
        return Name(literal=text)
    tokens = text.split()
    suffix = ""
    if len(tokens) > 2 and tokens[-1].casefold() in SUFFIXES:
        suffix = tokens.pop()
    if len(tokens) == 1:
        return Name(literal=text)  # a single word: a pen name or an outlet; nothing to invert
    i = len(tokens) - 1
    while i > 1 and tokens[i - 1].casefold() in PARTICLES and tokens[i - 1][0].islower():
        i -= 1
    return Name(family=tokens[-1], given=" ".join(tokens[:i]), particle=" ".join(tokens[i:-1]), suffix=suffix)


def _with_particle(family: str, given: str, suffix: str = "") -> Name:
    words = family.split()
    lead = 0
    while lead < len(words) - 1 and words[lead][0].islower():
        lead += 1
    return Name(family=" ".join(words[lead:]), given=given, particle=" ".join(words[:lead]), suffix=suffix)


def parse_names(text: str, publisher: str = "") -> tuple[Name, ...]:
    """``sources.author``: names separated by ';'. Empty gives no names."""
    names = (parse_name(part, publisher) for part in text.split(";"))
    return tuple(n for n in names if n != Name())


# ---------------------------------------------------------------------------------------------- dates

PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_partial_date(text: str) -> PartialDate | None:
    """'2022', '2022-05' or '2022-05-24' -> (2022,), (2022, 5), (2022, 5, 24); None if not such a date."""
    m = PARTIAL_DATE.fullmatch(text.strip())
    if not m:
        return None
    parts = tuple(int(x) for x in m.groups() if x is not None)
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return None
    return parts


def _iso(date: PartialDate) -> str:
    return "-".join(f"{x:04d}" if i == 0 else f"{x:02d}" for i, x in enumerate(date))


def _ris_date(date: PartialDate) -> str:
    """RIS DA/Y2: 'YYYY/MM/DD/' with empty slots for unknown parts ('2021///')."""
    y, m, d = (*date, None, None)[:3]
    return f"{y:04d}/{'' if m is None else f'{m:02d}'}/{'' if d is None else f'{d:02d}'}/"


def _accessed_argument(accessed: str | None) -> PartialDate | None:
    if accessed is None or not accessed.strip():
        return None
    date = parse_partial_date(accessed)
    if date is None or len(date) != 3:
        raise UserInputError(f'access date "{accessed}" is not a real date (expected YYYY-MM-DD, e.g. 2026-11-23)')
    return date


# ---------------------------------------------------------------------------------------------- the record


@dataclass(frozen=True)
class Citation:
    """One thing to cite, independent of the format."""

    id: str
    kind: Kind
    title: str
    authors: tuple[Name, ...] = ()
    publisher: str = ""
    issued: PartialDate | None = None
    accessed: PartialDate | None = None
    url: str = ""
    language: str = ""
    version: str = ""
    notes: tuple[str, ...] = ()  # printed with the reference (an archived copy)
    licence: str = ""
    recommended: str = ""  # the publisher's own preferred citation, kept for the record

    @property
    def key(self) -> str:
        return citation_key(self.id)


def citation_key(source_id: str) -> str:
    """A BibTeX key from an id: the id itself when it is safe ([A-Za-z0-9._-]), else a cleaned id plus a
    short hash of the original, so that the key depends on the id alone and two ids never share one."""
    clean = re.sub(r"[^A-Za-z0-9._-]+", "-", source_id).strip("-.")
    if clean == source_id and clean:
        return clean
    digest = hashlib.sha1(source_id.encode("utf-8")).hexdigest()[:6]
    return f"{clean or 'source'}-{digest}"


def _text(value: Any) -> str:
    """A cell as clean one-line text; missing values are ''."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return " ".join(str(value).split())


def _source_citation(row: Mapping[str, Any], accessed: PartialDate | None) -> Citation:
    publisher = _text(row.get(C.PUBLISHER))
    archive = _text(row.get(C.ARCHIVE_URL))
    return Citation(
        id=_text(row.get(C.SOURCE_ID)),
        kind=KINDS.get(_text(row.get(C.SOURCE_TYPE)).casefold(), WEBPAGE),
        title=_text(row.get(C.SOURCE_TITLE)),
        authors=parse_names(_text(row.get(C.AUTHOR)), publisher),
        publisher=publisher,
        issued=parse_partial_date(_text(row.get(C.PUBLISHED))),
        accessed=parse_partial_date(_text(row.get(C.ACCESSED))) or accessed,
        url=_text(row.get(C.URL)),
        language=_text(row.get(C.LANGUAGE)).lower(),
        notes=(f"Archived copy: {archive}",) if archive else (),
    )


def cited_sources(events: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """The rows of ``ds.sources`` cited by ``events``, each once, in the order the events first cite them.

    A link to a source missing from the sources table is skipped (the loader has reported it).
    """
    if len(events) == 0 or len(ds.event_sources) == 0 or len(ds.sources) == 0:
        return ds.sources.iloc[0:0]
    if C.EVENT_ID not in events.columns:
        raise UserInputError(f'the events to cite have no "{C.EVENT_ID}" column; pass rows of Dataset.events')
    order = {eid: i for i, eid in enumerate(dict.fromkeys(events[C.EVENT_ID].astype("str").str.strip()))}
    links = ds.event_sources.assign(
        _event=ds.event_sources[C.EVENT_ID].astype("str").str.strip(),
        _source=ds.event_sources[C.SOURCE_ID].astype("str").str.strip(),
    )
    links = links.assign(_order=links["_event"].map(order)).dropna(subset=["_order"])
    links = links.sort_values("_order", kind="stable")
    sources = ds.sources.assign(_source=ds.sources[C.SOURCE_ID].astype("str").str.strip())
    sources = sources.drop_duplicates("_source").set_index("_source")
    wanted = [sid for sid in dict.fromkeys(links["_source"]) if sid in sources.index]
    return sources.loc[wanted].reset_index(drop=True)


def source_citations(events: pd.DataFrame, ds: Dataset, accessed: str | None = None) -> list[Citation]:
    """One Citation per source cited by ``events``; ``accessed`` (YYYY-MM-DD) stands in for a missing
    ``sources.accessed``."""
    default = _accessed_argument(accessed)
    rows = cited_sources(events, ds).to_dict("records")
    return [_source_citation({str(k): v for k, v in row.items()}, default) for row in rows]


def _licence_text(licences: Any) -> str:
    items = licences if isinstance(licences, list) else [licences] if licences else []
    out = []
    for lic in items:
        if isinstance(lic, Mapping):
            name, title, path = (_text(lic.get(k)) for k in ("name", "title", "path"))
            words = f"{name} ({title})" if name and title and title != name else name or title
            out.append(", ".join(x for x in (words, path) if x))
        elif _text(lic):
            out.append(_text(lic))
    return "; ".join(out)


def _dataset_authors(meta: Mapping[str, Any]) -> tuple[Name, ...]:
    contributors = meta.get("contributors")
    if isinstance(contributors, list) and contributors:  # Frictionless: [{"title": ..., "role": ...}]
        names: list[Name] = []
        for person in contributors:
            title = _text(person.get("title") if isinstance(person, Mapping) else person)
            names.extend(parse_names(title))
        if names:
            return tuple(names)
    for key in ("authors", "author"):
        if _text(meta.get(key)):
            return parse_names(_text(meta.get(key)))
    # the author the recommended citation names ("geotimeline contributors (2026). Title …"): the
    # screen shows that citation, so every file names the dataset's author the same way
    cited = CITED_AUTHOR.match(_text(meta.get("citation")))
    if cited:
        return (Name(literal=cited.group(1).strip()),)
    if _text(meta.get("maintainers")):
        return parse_names(_text(meta.get("maintainers")))
    return ()


CITED_AUTHOR = re.compile(r"^([^()]{2,200}?)\s*\((?:\d{4}|n\.d\.)[a-z]?\)")


def dataset_author(ds: Dataset) -> str:
    """The dataset's author as one string (the about panel, slides and files say the same)."""
    return "; ".join(n.literal or " ".join(x for x in (n.given, n.particle, n.family, n.suffix) if x)
                     for n in _dataset_authors(ds.metadata))


def dataset_citation(ds: Dataset) -> Citation:
    """The dataset itself, from datapackage.json (title, version, last_reviewed, citation, licenses)."""
    meta = ds.metadata
    version = _text(meta.get("version"))
    name = _text(meta.get("name")) or re.sub(r"[^A-Za-z0-9]+", "-", ds.title()).strip("-").lower() or "dataset"
    return Citation(
        id=f"{name}-{version}" if version else name,
        kind=DATASET,
        title=_text(ds.title()),
        authors=_dataset_authors(meta),
        publisher=_text(meta.get("publisher")),
        issued=parse_partial_date(_text(meta.get("last_reviewed"))),
        url=_text(meta.get("homepage")),
        language=_text(meta.get("language")).lower(),
        version=version,
        licence=_licence_text(meta.get("licenses")),
        recommended=_text(meta.get("citation")),
    )


# ---------------------------------------------------------------------------------------------- BibTeX

TEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "%": r"\%", "&": r"\&", "_": r"\_", "$": r"\$", "#": r"\#",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
TEX_SPECIAL = re.compile("|".join(re.escape(ch) for ch in TEX_SPECIALS))


def tex_escape(text: str) -> str:
    """Text safe inside a braced BibTeX value: LaTeX specials escaped, braces kept balanced, UTF-8 kept."""
    return TEX_SPECIAL.sub(lambda m: TEX_SPECIALS[m.group(0)], " ".join(text.split()))


def _bibtex_url(url: str) -> str:
    """A URL for the verbatim ``url`` field: only what would break the entry is percent-encoded."""
    return re.sub(r"[{}\\\s]", lambda m: f"%{ord(m.group(0)):02X}", url)


def bibtex_entry(c: Citation, dialect: str = "bibtex") -> str:
    """One entry. ``dialect`` "bibtex": only the fields classic BibTeX styles know (``year`` on every
    entry: "n.d." when undated, as APA writes it; the access date, version and archived copy in
    ``note``). "biblatex": for biber, with ISO ``date``, ``urldate``, ``langid``, ``entrysubtype``,
    ``version`` (an undated entry has no date: biblatex says "n.d." itself)."""
    latex = dialect == "biblatex"
    fields: list[tuple[str, str]] = []  # (name, raw value: braced text or a bare macro)

    def add(name: str, value: str, escape: Callable[[str], str] = tex_escape) -> None:
        if value:
            fields.append((name, "{" + escape(value) + "}"))

    if c.authors:
        fields.append(("author", "{" + " and ".join(n.bibtex() for n in c.authors) + "}"))
    add("title", c.title)
    add(c.kind.bibtex_publisher, c.publisher)
    add("type", c.kind.bibtex_type)
    add("howpublished", c.kind.howpublished)
    if latex:
        add("entrysubtype", c.kind.entrysubtype)
        add("version", c.version)
    if c.issued:
        if latex:
            add("date", _iso(c.issued))
        add("year", f"{c.issued[0]:04d}")
        if len(c.issued) > 1:
            fields.append(("month", MONTH_MACROS[c.issued[1] - 1]))
    elif not latex:
        add("year", "n.d.")
    add("url", c.url, _bibtex_url)
    notes = list(c.notes)
    if latex:
        if c.accessed:
            add("urldate", _iso(c.accessed))
        add("langid", LANGIDS.get(c.language, ""))
    else:
        notes = [*([f"Version {c.version}"] if c.version else []), *notes,
                 *([f"Accessed {_iso(c.accessed)}"] if c.accessed else [])]
    notes += [f"Licence: {c.licence}"] if c.licence else []
    add("note", ". ".join(n.rstrip(".") for n in notes))  # the style adds the closing punctuation
    add("annote", f"Recommended citation: {c.recommended}" if c.recommended else "")
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@{c.kind.bibtex}{{{c.key},\n{body}\n}}\n"


def to_bibtex(citations: Iterable[Citation]) -> bytes:
    """Classic BibTeX (bibtex, reference managers; biber reads it too)."""
    return "\n".join(bibtex_entry(c) for c in citations).encode("utf-8")


def to_biblatex(citations: Iterable[Citation]) -> bytes:
    """biblatex's richer fields, for biber."""
    return "\n".join(bibtex_entry(c, "biblatex") for c in citations).encode("utf-8")


# ---------------------------------------------------------------------------------------------- RIS


def _all_notes(c: Citation) -> list[str]:
    return [*c.notes, *([f"Licence: {c.licence}"] if c.licence else []),
            *([f"Recommended citation: {c.recommended}"] if c.recommended else [])]


def ris_record(c: Citation) -> list[tuple[str, str]]:
    tags: list[tuple[str, str]] = [("TY", c.kind.ris), ("ID", c.id)]
    tags += [("AU", n.inverted()) for n in c.authors]
    tags.append(("TI", c.title))
    tags.append((c.kind.publisher_fields()[0], c.publisher))
    if c.issued:
        tags += [("PY", f"{c.issued[0]:04d}"), ("DA", _ris_date(c.issued))]
    tags.append(("ET", c.version))
    tags.append(("UR", c.url))
    if c.accessed:
        tags.append(("Y2", _ris_date(c.accessed).rstrip("/")))
    tags.append(("LA", c.language))
    tags += [("N1", note) for note in _all_notes(c)]
    return [(tag, " ".join(value.split())) for tag, value in tags if value] + [("ER", "")]


def to_ris(citations: Iterable[Citation]) -> bytes:
    records = [RIS_EOL.join(f"{tag}  - {value}" for tag, value in ris_record(c)) + RIS_EOL for c in citations]
    return RIS_EOL.join(records).encode("utf-8")


# ---------------------------------------------------------------------------------------------- CSL-JSON


def csl_item(c: Citation) -> dict[str, Any]:
    item: dict[str, Any] = {"id": c.id, "type": c.kind.csl, "citation-key": c.key, "title": c.title}
    if c.authors:
        item["author"] = [n.csl() for n in c.authors]
    if c.publisher:
        item[c.kind.publisher_fields()[1]] = c.publisher
    if c.issued:
        item["issued"] = {"date-parts": [list(c.issued)]}
    if c.accessed:
        item["accessed"] = {"date-parts": [list(c.accessed)]}
    if c.version:
        item["version"] = c.version
    if c.url:
        item["URL"] = c.url
    if c.language:
        item["language"] = c.language
    if _all_notes(c):
        item["note"] = "\n".join(_all_notes(c))
    if c.licence:
        item["custom"] = {"license": c.licence}
    return {k: v for k, v in item.items() if v not in ("", None)}


def to_csl_json(citations: Iterable[Citation]) -> bytes:
    return (json.dumps([csl_item(c) for c in citations], ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------- public

WRITERS: dict[str, Callable[[Iterable[Citation]], bytes]] = {
    "bibtex": to_bibtex, "biblatex": to_biblatex, "ris": to_ris, "csl-json": to_csl_json,
}


def _writer(fmt: str) -> Callable[[Iterable[Citation]], bytes]:
    if fmt not in WRITERS:
        raise UserInputError(f"unknown citation format {fmt!r}; use one of {', '.join(WRITERS)}")
    return WRITERS[fmt]


def cite(events: pd.DataFrame, ds: Dataset, fmt: str, accessed: str | None = None) -> bytes:
    """The sources cited by ``events`` in ``fmt`` (bibtex, ris, csl-json), each source once.

    ``accessed`` (YYYY-MM-DD) is the access date given to sources that have none of their own.
    """
    write = _writer(fmt)
    return write(source_citations(events, ds, accessed))


def cite_dataset(ds: Dataset, fmt: str) -> bytes:
    """How to cite the dataset itself, in ``fmt`` (bibtex, ris, csl-json)."""
    write = _writer(fmt)
    return write([dataset_citation(ds)])
