"""The schema of a data package, read from its ``schema.json`` (Frictionless Table Schema style).

The schema is data: tables, fields, types, keys and the controlled vocabularies all come from the
file, so a dataset can bring its own categories and verification levels.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from app.errors import SchemaError

BUNDLED_SCHEMA = Path(__file__).resolve().parents[2] / "data" / "schema.json"

FIELD_TYPES = {"string", "date", "partial-date", "number", "integer", "url", "country", "list"}


@dataclass(frozen=True)
class Term:
    """One allowed value of a vocabulary."""

    value: str
    label: str
    description: str = ""
    category: str | None = None  # for sub-categories: the category they belong to


@dataclass(frozen=True)
class Vocabulary:
    name: str
    label: str
    terms: tuple[Term, ...]

    @cached_property
    def values(self) -> tuple[str, ...]:
        return tuple(t.value for t in self.terms)

    def label_of(self, value: str) -> str:
        for t in self.terms:
            if t.value == value:
                return t.label
        return value

    def describe(self, value: str) -> str:
        for t in self.terms:
            if t.value == value:
                return t.description
        return ""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str = "string"
    required: bool = False
    vocabulary: str | None = None
    constraints: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    #: a column added in a later version of the schema: a file without it reads as if it were empty,
    #: without a warning (packages made for the earlier schema stay clean)
    may_be_absent: bool = False


@dataclass(frozen=True)
class ForeignKey:
    fields: str
    resource: str
    ref_field: str


@dataclass(frozen=True)
class TableSchema:
    name: str
    path: str
    fields: tuple[FieldSpec, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    description: str = ""
    optional: bool = False  # a package may leave this table out (e.g. narratives)

    @cached_property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


@dataclass(frozen=True)
class Schema:
    tables: dict[str, TableSchema]
    vocabularies: dict[str, Vocabulary]
    path: Path | None = None

    def vocab(self, name: str) -> Vocabulary:
        return self.vocabularies[name]

    def sub_category_parent(self) -> dict[str, str]:
        """sub_category value -> the category it belongs to."""
        voc = self.vocabularies.get("sub_category")
        if voc is None:
            return {}
        return {t.value: t.category for t in voc.terms if t.category}


def load_schema(path: Path | None = None) -> Schema:
    """Read and check a schema file. Raises SchemaError with a one-line message."""
    path = path or BUNDLED_SCHEMA
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SchemaError(f"{path}: schema file not found") from exc
    except OSError as exc:  # no permission, a folder of that name, an I/O error
        raise SchemaError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SchemaError(f"{path}: not valid UTF-8 JSON ({exc})") from exc
    try:
        return _parse(raw, path)
    except (KeyError, TypeError, ValueError) as exc:
        raise SchemaError(f"{path}: malformed schema ({exc!r})") from exc


def _parse(raw: dict[str, Any], path: Path) -> Schema:
    vocabularies: dict[str, Vocabulary] = {}
    for name, spec in raw.get("vocabularies", {}).items():
        terms = tuple(
            Term(
                value=str(t["value"]),
                label=str(t.get("label", t["value"])),
                description=str(t.get("description", "")),
                category=t.get("category"),
            )
            for t in spec["values"]
        )
        vocabularies[name] = Vocabulary(name=name, label=str(spec.get("label", name)), terms=terms)
    tables: dict[str, TableSchema] = {}
    for name, spec in raw["tables"].items():
        fields = []
        for f in spec["fields"]:
            ftype = f.get("type", "string")
            if ftype not in FIELD_TYPES:
                raise ValueError(f"table {name}, field {f['name']}: unknown type {ftype!r}")
            voc = f.get("vocabulary")
            if voc is not None and voc not in vocabularies:
                raise ValueError(f"table {name}, field {f['name']}: unknown vocabulary {voc!r}")
            fields.append(
                FieldSpec(
                    name=f["name"],
                    type=ftype,
                    required=bool(f.get("required", False)),
                    vocabulary=voc,
                    constraints=dict(f.get("constraints", {})),
                    description=str(f.get("description", "")),
                    may_be_absent=bool(f.get("mayBeAbsent", False)) and not bool(f.get("required", False)),
                )
            )
        fks = tuple(
            ForeignKey(
                fields=fk["fields"],
                resource=fk["reference"]["resource"],
                ref_field=fk["reference"]["fields"],
            )
            for fk in spec.get("foreignKeys", [])
        )
        tables[name] = TableSchema(
            name=name,
            path=spec.get("path", f"{name}.csv"),
            fields=tuple(fields),
            primary_key=tuple(spec.get("primaryKey", [])),
            foreign_keys=fks,
            description=str(spec.get("description", "")),
            optional=bool(spec.get("optional", False)),
        )
    return Schema(tables=tables, vocabularies=vocabularies, path=path)


def schema_from_dict(raw: dict[str, Any], label: str) -> Schema:
    """A schema already in memory (an upload's, built by the importers); ``label`` names it in errors."""
    try:
        return _parse(raw, Path(label))
    except (KeyError, TypeError, ValueError) as exc:
        raise SchemaError(f"{label}: malformed schema ({exc!r})") from exc
