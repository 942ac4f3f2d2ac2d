"""Citations of a view's sources and of the dataset: BibTeX (parsed back with bibtexparser), RIS (parsed with
rispy and by hand) and CSL-JSON (validated against the official CSL-JSON schema, vendored beside the module)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bibtexparser
import jsonschema
import pandas as pd
import pytest
import rispy
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

import app.export.citations as citations_module
from app.dataset import Dataset, load_package
from app.dataset import columns as C
from app.errors import UserInputError
from app.export.citations import (
    CITATION_FORMATS,
    Name,
    citation_key,
    cite,
    cite_dataset,
    cited_sources,
    parse_name,
    parse_partial_date,
    tex_escape,
)

DATA = Path(__file__).resolve().parent.parent / "data"
CSL_SCHEMA = Path(citations_module.__file__).with_name("csl-data.schema.json")
TRICKY_TITLE = r"Costs {rose} 25% & more_still: $5 #1 ~ ^ \ back"
# tests/fixtures/citations: 6 sources, 5 of them cited by the base package's 3 events, src-tricky by all three
FIRST_CITED_ORDER = ["src-tricky", "src-year", "src-law", "src-tank", "src-web"]


# ------------------------------------------------------------------------------------------ helpers


@pytest.fixture
def ds(make_package: Callable[..., Path]) -> Dataset:
    loaded = load_package(make_package("citations"))
    assert loaded.problems == (), loaded.problems
    return loaded


@pytest.fixture(scope="module")
def shipped() -> Dataset:
    return load_package(DATA)


@pytest.fixture(scope="module")
def csl_validator() -> jsonschema.Draft7Validator:
    schema = json.loads(CSL_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def latex_decoder() -> LatexNodes2Text:
    """pylatexenc, taught three LaTeX-kernel text symbols it lacks (\\textbraceleft, \\textbraceright, and
    \\textasciicircum, which it otherwise turns into a modifier letter)."""
    db = get_default_latex_context_db()
    db.add_context_category("kernel-text-symbols", prepend=True, macros=[
        MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}"),
        MacroTextSpec("textasciicircum", "^"),
    ])
    return LatexNodes2Text(latex_context=db)


def parse_bibtex(content: bytes) -> bibtexparser.Library:
    lib = bibtexparser.parse_string(content.decode("utf-8"))
    assert lib.failed_blocks == [], [b.error for b in lib.failed_blocks]
    return lib


def bib_fields(entry: Any) -> dict[str, str]:
    return {f.key: f.value for f in entry.fields}


def bib_authors(value: str) -> list[tuple[str, str]]:
    """(last, first) per author, the way BibTeX itself splits the field; braces around literal names kept."""
    out = []
    for person in split_multiple_persons_names(value):
        parts = parse_single_name_into_parts(person, strict=True)
        out.append((" ".join(parts.von + parts.last), " ".join(parts.first)))
    return out


def ris_records(content: bytes) -> list[list[tuple[str, str]]]:
    """The RIS text split by hand into records of (tag, value); asserts the line syntax on the way."""
    text = content.decode("utf-8")
    records: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] | None = None
    for line in text.split("\r\n"):
        if not line:
            continue
        m = re.fullmatch(r"([A-Z][A-Z0-9])  - (.*)", line)
        assert m, f"not a RIS line: {line!r}"
        tag, value = m.groups()
        if tag == "TY":
            assert current is None, "TY inside an open record"
            current = []
        assert current is not None, f"{tag} outside a record"
        current.append((tag, value))
        if tag == "ER":
            records.append(current)
            current = None
    assert current is None, "last record has no ER"
    return records


def tags(record: list[tuple[str, str]], tag: str) -> list[str]:
    return [v for t, v in record if t == tag]


def csl_items(content: bytes, validator: jsonschema.Draft7Validator) -> list[dict[str, Any]]:
    doc = json.loads(content.decode("utf-8"))
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    return doc


# ------------------------------------------------------------------------------------------ which sources


def test_each_cited_source_once_in_first_cited_order(ds: Dataset) -> None:
    assert list(cited_sources(ds.events, ds)[C.SOURCE_ID]) == FIRST_CITED_ORDER


def test_only_the_given_events_sources(ds: Dataset) -> None:
    visit = ds.events[ds.events[C.EVENT_ID] == "ev-visit"]
    assert list(cited_sources(visit, ds)[C.SOURCE_ID]) == ["src-law", "src-tricky"]


@pytest.mark.parametrize("fmt", list(CITATION_FORMATS))
def test_no_events_no_citations(ds: Dataset, fmt: str) -> None:
    out = cite(ds.events.iloc[0:0], ds, fmt)
    if fmt == "csl-json":
        assert json.loads(out) == []
    else:
        assert out == b""


@pytest.mark.parametrize("fmt", list(CITATION_FORMATS))
def test_duplicate_sources_across_events_are_cited_once(ds: Dataset, fmt: str) -> None:
    twice = pd.concat([ds.events, ds.events], ignore_index=True)  # and src-tricky is cited by all 3 events
    assert cite(twice, ds, fmt) == cite(ds.events, ds, fmt)
    text = cite(twice, ds, fmt).decode("utf-8")
    assert text.count("example.org/a?") == 1


# ------------------------------------------------------------------------------------------ BibTeX


def test_bibtex_one_entry_per_unique_source_with_stable_keys(ds: Dataset) -> None:
    lib = parse_bibtex(cite(ds.events, ds, "bibtex"))
    assert [e.key for e in lib.entries] == FIRST_CITED_ORDER
    assert [e.entry_type for e in lib.entries] == ["article", "techreport", "techreport", "techreport", "misc"]
    assert cite(ds.events, ds, "bibtex") == cite(ds.events, ds, "bibtex")


def test_bibtex_escapes_specials_and_keeps_utf8(ds: Dataset) -> None:
    content = cite(ds.events, ds, "bibtex")
    entry = parse_bibtex(content).entries_dict["src-tricky"]
    fields = bib_fields(entry)
    assert fields["title"] == tex_escape(TRICKY_TITLE)
    assert latex_decoder().latex_to_text(fields["title"]) == TRICKY_TITLE
    assert fields["journal"] == r"Agency \& Partners"
    assert bib_authors(fields["author"]) == [("Ćwik", "Łukasz"), ("Müller", "Jürgen")]
    assert "Łukasz".encode() in content  # UTF-8 kept, not turned into {\L}ukasz
    assert fields["url"] == "https://www.example.org/a?x=1&y=%C3%A9"  # verbatim field: not escaped
    assert "Accessed 2026-01-02" in fields["note"]  # classic BibTeX: no biblatex-only field
    assert not {"urldate", "langid", "entrysubtype", "date", "version"} & set(fields)
    latex = bib_fields(parse_bibtex(cite(ds.events, ds, "biblatex")).entries_dict["src-tricky"])
    assert latex["urldate"] == "2026-01-02"
    assert latex["langid"] == "polish"
    assert latex["entrysubtype"] == "newspaper"


def test_bibtex_dates_year_month_day(ds: Dataset) -> None:
    entries = parse_bibtex(cite(ds.events, ds, "biblatex")).entries_dict
    day, year_only, month = (bib_fields(entries[k]) for k in ("src-tricky", "src-year", "src-law"))
    assert (day["date"], day["year"], day["month"]) == ("2022-05-24", "2022", "may")
    assert (month["date"], month["year"], month["month"]) == ("2023-07", "2023", "jul")
    assert (year_only["date"], year_only["year"]) == ("2021", "2021")
    assert "month" not in year_only
    assert not {"date", "year", "month"} & set(bib_fields(entries["src-web"]))  # no published date at all
    # classic BibTeX: a year on every entry, "n.d." (no date) where the source gives none
    classic = parse_bibtex(cite(ds.events, ds, "bibtex")).entries_dict
    assert [bib_fields(e)["year"] for e in classic.values()] == [
        "2022" if k == "src-tricky" else bib_fields(entries[k]).get("year", "n.d.") for k in classic]
    assert bib_fields(classic["src-web"])["year"] == "n.d."


def test_bibtex_month_is_a_bare_macro(ds: Dataset) -> None:
    assert "  month = may,\n" in cite(ds.events, ds, "bibtex").decode()


def test_bibtex_authors_organisation_literal_and_missing(ds: Dataset) -> None:
    entries = parse_bibtex(cite(ds.events, ds, "bibtex")).entries_dict
    assert bib_fields(entries["src-law"])["author"] == "{Council of the European Union}"
    assert bib_authors(bib_fields(entries["src-law"])["author"]) == [("{Council of the European Union}", "")]
    assert bib_authors(bib_fields(entries["src-tank"])["author"]) == [("Lovelace", "Ada")]
    assert bib_authors(bib_fields(entries["src-web"])["author"]) == [("van der Berg", "Jane")]
    assert "author" not in bib_fields(entries["src-year"])


def test_bibtex_types_and_publisher_fields(ds: Dataset) -> None:
    entries = parse_bibtex(cite(ds.events, ds, "bibtex")).entries_dict
    year, law, tank, web = (bib_fields(entries[k]) for k in ("src-year", "src-law", "src-tank", "src-web"))
    assert (year["institution"], year["type"]) == ("Ministry of Defence", "Official document")
    assert (law["institution"], law["type"]) == ("EUR-Lex", "Legislation")
    assert (tank["institution"], tank["type"]) == ("Institute for Studies", "Report")
    assert web["howpublished"] == "Some Blog"
    assert law["note"] == "Archived copy: https://web.archive.org/web/2023/https://www.example.org/c"


def test_bibtex_access_date_from_source_else_argument(ds: Dataset) -> None:
    entries = parse_bibtex(cite(ds.events, ds, "biblatex", accessed="2026-12-01")).entries_dict
    assert bib_fields(entries["src-tricky"])["urldate"] == "2026-01-02"  # its own
    assert bib_fields(entries["src-year"])["urldate"] == "2026-12-01"  # the argument
    no_default = parse_bibtex(cite(ds.events, ds, "biblatex")).entries_dict
    assert "urldate" not in bib_fields(no_default["src-year"])
    classic = parse_bibtex(cite(ds.events, ds, "bibtex", accessed="2026-12-01")).entries_dict
    assert bib_fields(classic["src-year"])["note"].endswith("Accessed 2026-12-01")


@pytest.mark.parametrize(("text", "expected"), [
    ("a{b}c", r"a\textbraceleft{}b\textbraceright{}c"),
    ("100% & 5_6", r"100\% \& 5\_6"),
    ("$#", r"\$\#"),
    ("~^\\", r"\textasciitilde{}\textasciicircum{}\textbackslash{}"),
    ("Gschoßmann  \n  Ćwik", "Gschoßmann Ćwik"),
])
def test_tex_escape(text: str, expected: str) -> None:
    assert tex_escape(text) == expected
    assert tex_escape(text).count("{") == tex_escape(text).count("}")  # BibTeX counts braces, escaped or not


@pytest.mark.parametrize(("source_id", "expected"), [
    ("reuters-2022-07-11_x.y", "reuters-2022-07-11_x.y"),
    ("a b/c", "a-b-c-"),
    ("", "source-"),
])
def test_citation_key_is_sanitised_and_stable(source_id: str, expected: str) -> None:
    key = citation_key(source_id)
    assert key.startswith(expected)
    assert re.fullmatch(r"[A-Za-z0-9._-]+", key)
    assert citation_key(source_id) == key


def test_cleaned_keys_never_collide_with_clean_ones() -> None:
    assert citation_key("a-b") == "a-b"
    assert citation_key("a b") != "a-b"
    assert citation_key("a b") != citation_key("a/b")


# ------------------------------------------------------------------------------------------ RIS


def test_ris_one_record_per_source(ds: Dataset) -> None:
    content = cite(ds.events, ds, "ris")
    records = ris_records(content)
    assert [tags(r, "ID") for r in records] == [[sid] for sid in FIRST_CITED_ORDER]
    for record in records:
        assert record[0][0] == "TY" and record[-1] == ("ER", "")
        assert len(tags(record, "TY")) == len(tags(record, "ER")) == 1
    assert [r[0][1] for r in records] == ["NEWS", "GOVDOC", "BILL", "RPRT", "ELEC"]
    parsed = rispy.loads(content.decode("utf-8"))
    assert len(parsed) == len(FIRST_CITED_ORDER)


def test_ris_tags(ds: Dataset) -> None:
    records = {tags(r, "ID")[0]: r for r in ris_records(cite(ds.events, ds, "ris", accessed="2026-12-01"))}
    tricky = records["src-tricky"]
    assert tags(tricky, "TI") == [TRICKY_TITLE]  # RIS is plain text: nothing escaped
    assert tags(tricky, "AU") == ["Ćwik, Łukasz", "Müller, Jürgen"]
    assert tags(tricky, "T2") == ["Agency & Partners"]  # the newspaper
    assert (tags(tricky, "PY"), tags(tricky, "DA")) == (["2022"], ["2022/05/24/"])
    assert tags(tricky, "Y2") == ["2026/01/02"]
    assert tags(tricky, "UR") == ["https://www.example.org/a?x=1&y=%C3%A9"]
    assert tags(tricky, "LA") == ["pl"]
    year_only = records["src-year"]
    assert (tags(year_only, "PY"), tags(year_only, "DA")) == (["2021"], ["2021///"])
    assert tags(year_only, "AU") == []
    assert tags(year_only, "PB") == ["Ministry of Defence"]
    assert tags(year_only, "Y2") == ["2026/12/01"]  # the argument stands in
    law = records["src-law"]
    assert tags(law, "AU") == ["Council of the European Union"]
    assert tags(law, "DA") == ["2023/07//"]
    assert tags(law, "N1") == ["Archived copy: https://web.archive.org/web/2023/https://www.example.org/c"]
    assert tags(records["src-web"], "AU") == ["van der Berg, Jane"]
    assert tags(records["src-web"], "PY") == []


def test_ris_parses_with_rispy(ds: Dataset) -> None:
    parsed = {r["id"]: r for r in rispy.loads(cite(ds.events, ds, "ris").decode("utf-8"))}
    tricky = parsed["src-tricky"]
    assert tricky["type_of_reference"] == "NEWS"
    assert tricky["authors"] == ["Ćwik, Łukasz", "Müller, Jürgen"]
    assert tricky["year"] == "2022"
    assert tricky["urls"] == ["https://www.example.org/a?x=1&y=%C3%A9"]


# ------------------------------------------------------------------------------------------ CSL-JSON


def test_csl_json_validates_and_maps_fields(ds: Dataset, csl_validator: jsonschema.Draft7Validator) -> None:
    items = {i["id"]: i for i in csl_items(cite(ds.events, ds, "csl-json", accessed="2026-12-01"), csl_validator)}
    assert list(items) == FIRST_CITED_ORDER
    assert [i["type"] for i in items.values()] == [
        "article-newspaper", "report", "legislation", "report", "webpage"]
    tricky = items["src-tricky"]
    assert tricky["title"] == TRICKY_TITLE
    assert tricky["author"] == [{"family": "Ćwik", "given": "Łukasz"}, {"family": "Müller", "given": "Jürgen"}]
    assert tricky["container-title"] == "Agency & Partners"
    assert tricky["issued"] == {"date-parts": [[2022, 5, 24]]}
    assert tricky["accessed"] == {"date-parts": [[2026, 1, 2]]}
    assert (tricky["URL"], tricky["language"]) == ("https://www.example.org/a?x=1&y=%C3%A9", "pl")
    assert items["src-year"]["issued"] == {"date-parts": [[2021]]}
    assert items["src-year"]["publisher"] == "Ministry of Defence"
    assert items["src-year"]["accessed"] == {"date-parts": [[2026, 12, 1]]}
    assert "author" not in items["src-year"]
    assert items["src-law"]["issued"] == {"date-parts": [[2023, 7]]}
    assert items["src-law"]["author"] == [{"literal": "Council of the European Union"}]
    assert items["src-web"]["author"] == [{"family": "Berg", "given": "Jane", "non-dropping-particle": "van der"}]
    assert "issued" not in items["src-web"]


def test_csl_json_is_utf8_not_ascii_escaped(ds: Dataset) -> None:
    assert "Łukasz".encode() in cite(ds.events, ds, "csl-json")


# ------------------------------------------------------------------------------------------ the dataset


def test_cite_dataset_bibtex(shipped: Dataset) -> None:
    meta = shipped.metadata
    (entry,) = parse_bibtex(cite_dataset(shipped, "bibtex")).entries
    fields = bib_fields(entry)
    assert entry.entry_type == "misc"
    assert entry.key == f"{meta['name']}-{meta['version']}"
    assert latex_decoder().latex_to_text(fields["title"]) == meta["title"]
    assert fields["howpublished"] == "Dataset" and f"Version {meta['version']}" in fields["note"]
    assert fields["year"] == meta["last_reviewed"][:4]
    latex = bib_fields(parse_bibtex(cite_dataset(shipped, "biblatex")).entries[0])
    assert (latex["version"], latex["date"]) == (meta["version"], meta["last_reviewed"])
    months = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    assert fields["month"] == months[int(meta["last_reviewed"][5:7]) - 1]  # follows the review date
    assert meta["licenses"][0]["name"] in fields["note"]
    assert fields["annote"] == tex_escape(f"Recommended citation: {meta['citation']}")


def test_cite_dataset_ris(shipped: Dataset) -> None:
    meta = shipped.metadata
    (record,) = ris_records(cite_dataset(shipped, "ris"))
    assert record[0] == ("TY", "DATA")
    assert tags(record, "TI") == [meta["title"]]
    assert tags(record, "ET") == [meta["version"]]
    assert tags(record, "PY") == [meta["last_reviewed"][:4]]
    assert tags(record, "DA") == [meta["last_reviewed"].replace("-", "/") + "/"]
    assert any(meta["licenses"][0]["name"] in n for n in tags(record, "N1"))
    assert any(meta["citation"] in n for n in tags(record, "N1"))


def test_cite_dataset_csl_json(shipped: Dataset, csl_validator: jsonschema.Draft7Validator) -> None:
    meta = shipped.metadata
    (item,) = csl_items(cite_dataset(shipped, "csl-json"), csl_validator)
    assert (item["type"], item["title"], item["version"]) == ("dataset", meta["title"], meta["version"])
    assert item["issued"] == {"date-parts": [[int(x) for x in meta["last_reviewed"].split("-")]]}
    assert meta["citation"] in item["note"]
    assert meta["licenses"][0]["name"] in item["custom"]["license"]


def test_cite_dataset_minimal_metadata(ds: Dataset, csl_validator: jsonschema.Draft7Validator) -> None:
    (entry,) = parse_bibtex(cite_dataset(ds, "bibtex")).entries  # tests/fixtures/_base: no name, no maintainers
    assert entry.key == "fixture-0.0.1"
    assert "author" not in bib_fields(entry)
    (item,) = csl_items(cite_dataset(ds, "csl-json"), csl_validator)
    assert item["custom"] == {"license": "CC0-1.0"}


# ------------------------------------------------------------------------------------------ the shipped data


@pytest.mark.parametrize("fmt", list(CITATION_FORMATS))
def test_shipped_data_all_formats(shipped: Dataset, fmt: str, csl_validator: jsonschema.Draft7Validator) -> None:
    unique = shipped.event_sources[shipped.event_sources[C.EVENT_ID].isin(shipped.events[C.EVENT_ID])]
    n = unique[C.SOURCE_ID].nunique()
    content = cite(shipped.events, shipped, fmt, accessed="2026-12-01")
    if fmt in ("bibtex", "biblatex"):
        keys = [e.key for e in parse_bibtex(content).entries]
        assert len(keys) == len(set(keys)) == n
    elif fmt == "ris":
        assert len(ris_records(content)) == n
    else:
        items = csl_items(content, csl_validator)
        assert len({i["id"] for i in items}) == len(items) == n


def test_shipped_data_organisations_are_literal(shipped: Dataset, csl_validator: jsonschema.Draft7Validator) -> None:
    items = csl_items(cite(shipped.events, shipped, "csl-json"), csl_validator)
    names = [a for i in items for a in i.get("author", [])]
    literals = {a["literal"] for a in names if "literal" in a}
    assert {"The Associated Press", "Jagran News Desk", "Council of the European Union"} <= literals
    assert {"family": "Sanger", "given": "David E."} in names


# ------------------------------------------------------------------------------------------ pieces and errors


@pytest.mark.parametrize(("text", "expected"), [
    ("Müller, Jürgen", Name(family="Müller", given="Jürgen")),
    ("Christoph Gschoßmann", Name(family="Gschoßmann", given="Christoph")),
    ("David E. Sanger", Name(family="Sanger", given="David E.")),
    ("Ludwig van Beethoven", Name(family="Beethoven", given="Ludwig", particle="van")),
    ("van Beethoven, Ludwig", Name(family="Beethoven", given="Ludwig", particle="van")),
    ("Martin Luther King Jr.", Name(family="King", given="Martin Luther", suffix="Jr.")),
    ("King, Jr., Martin Luther", Name(family="King", given="Martin Luther", suffix="Jr.")),
    ("The Associated Press", Name(literal="The Associated Press")),
    ("RFE/RL's Tajik Service", Name(literal="RFE/RL's Tajik Service")),
    ("IFP Editorial Staff", Name(literal="IFP Editorial Staff")),
    ("Reuters and Algemeiner Staff", Name(literal="Reuters and Algemeiner Staff")),
    ("Madonna", Name(literal="Madonna")),
    ("  ", Name()),
])
def test_parse_name(text: str, expected: Name) -> None:
    assert parse_name(text) == expected


def test_an_author_equal_to_the_publisher_is_an_organisation() -> None:
    assert parse_name("Martin Plaut", publisher="Martin Plaut") == Name(literal="Martin Plaut")


@pytest.mark.parametrize(("text", "expected"), [
    ("2021", (2021,)), ("2023-07", (2023, 7)), ("2022-05-24", (2022, 5, 24)),
    ("", None), ("2023-13", None), ("2023-02-30", None), ("23-02-01", None),
])
def test_parse_partial_date(text: str, expected: tuple[int, ...] | None) -> None:
    assert parse_partial_date(text) == expected


def test_unknown_format_says_which_exist(ds: Dataset) -> None:
    with pytest.raises(UserInputError, match="bibtex, biblatex, ris, csl-json"):
        cite(ds.events, ds, "endnote")
    with pytest.raises(UserInputError, match="unknown citation format"):
        cite_dataset(ds, "endnote")


def test_bad_access_date_says_how_to_fix(ds: Dataset) -> None:
    with pytest.raises(UserInputError, match=r'"2026-02-30" is not a real date \(expected YYYY-MM-DD'):
        cite(ds.events, ds, "ris", accessed="2026-02-30")


def test_the_dataset_has_one_author_string_everywhere(shipped: Dataset) -> None:
    """The screen shows the recommended citation: every file names the same author."""
    from app.export.citations import dataset_author

    author = dataset_author(shipped)
    assert author and shipped.metadata["citation"].startswith(author + " (")
    (entry,) = parse_bibtex(cite_dataset(shipped, "bibtex")).entries
    assert bib_fields(entry)["author"] == "{" + tex_escape(author) + "}"
    (record,) = ris_records(cite_dataset(shipped, "ris"))
    assert tags(record, "AU") == [author]
    (item,) = json.loads(cite_dataset(shipped, "csl-json"))
    assert item["author"] == [{"literal": author}]


def test_classic_bibtex_has_a_year_on_every_shipped_entry(shipped: Dataset) -> None:
    lib = parse_bibtex(cite(shipped.events, shipped, "bibtex"))
    assert lib.entries and all("year" in bib_fields(e) for e in lib.entries)
    biblatex_only = {"date", "urldate", "langid", "entrysubtype", "version"}
    assert not any(biblatex_only & set(bib_fields(e)) for e in lib.entries)


# ------------------------------------------------------------------------------------------ the real tools

CHECK_BST = """ENTRY { author title year month journal institution howpublished type note url annote } {} {}
MACRO {jan} {"January"} MACRO {feb} {"February"} MACRO {mar} {"March"} MACRO {apr} {"April"}
MACRO {may} {"May"} MACRO {jun} {"June"} MACRO {jul} {"July"} MACRO {aug} {"August"}
MACRO {sep} {"September"} MACRO {oct} {"October"} MACRO {nov} {"November"} MACRO {dec} {"December"}
FUNCTION {show} { cite$ write$ " " write$ year empty$ { "NO-YEAR" } { year } if$ write$ newline$ }
FUNCTION {article} { show }
FUNCTION {techreport} { show }
FUNCTION {misc} { show }
FUNCTION {default.type} { show }
READ
ITERATE {call.type$}
"""


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} not found: .ci/run installs Debian's biber and texlive-binaries"
    return path


def test_bibtex_itself_reads_every_entry_with_a_year(shipped: Dataset, tmp_path) -> None:
    (tmp_path / "refs.bib").write_bytes(cite(shipped.events, shipped, "bibtex", accessed="2026-12-01"))
    (tmp_path / "check.bst").write_text(CHECK_BST)
    (tmp_path / "refs.aux").write_text("\\citation{*}\n\\bibdata{refs}\n\\bibstyle{check}\n")
    env = {**os.environ, "BIBINPUTS": str(tmp_path), "BSTINPUTS": str(tmp_path)}
    run = subprocess.run([_tool("bibtex"), "refs"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout
    assert "error message" not in run.stdout and "Warning" not in run.stdout, run.stdout
    lines = (tmp_path / "refs.bbl").read_text().splitlines()
    assert len(lines) == len(parse_bibtex(cite(shipped.events, shipped, "bibtex")).entries)
    assert not [line for line in lines if line.endswith("NO-YEAR")]


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_biber_reads_both_dialects_without_errors(shipped: Dataset, fmt: str, tmp_path) -> None:
    (tmp_path / "refs.bib").write_bytes(cite(shipped.events, shipped, fmt, accessed="2026-12-01"))
    run = subprocess.run([_tool("biber"), "--tool", "--validate-datamodel", "--nolog", "-O",
                          str(tmp_path / "out.bib"), str(tmp_path / "refs.bib")],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ERROR" not in run.stdout + run.stderr
    # what biber may still say is about the data itself (news items without a named author), and
    # in classic BibTeX, that "n.d." does not sort as a number
    allowed = ["Missing mandatory field 'author'", "Missing mandatory field - one of 'date, year'"]
    if fmt == "bibtex":
        allowed += ["'n.d.'", "Invalid value of field 'year'"]
    warnings = [line for line in run.stdout.splitlines()
                if line.startswith("WARN") and not any(a in line for a in allowed)]
    assert warnings == []
