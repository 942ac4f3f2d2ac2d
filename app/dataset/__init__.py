"""Schema, loading and validation of a data package. Never imports dash.

The names below are imported on first use, so that a module of this package (``columns``, used
by ``app.dates``) can be imported on its own without loading the whole package (no cycle).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.dataset.package import Dataset, build_dataset, load_package
    from app.dataset.problems import Problem, flatten
    from app.dataset.schema import Schema, load_schema

__all__ = ["Dataset", "Problem", "Schema", "build_dataset", "flatten", "load_package", "load_schema"]
_HOMES = {"Dataset": "package", "build_dataset": "package", "load_package": "package", "Problem": "problems",
          "flatten": "problems", "Schema": "schema", "load_schema": "schema"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f"app.dataset.{_HOMES[name]}"), name)
    raise AttributeError(name)
