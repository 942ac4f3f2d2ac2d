"""Shared fixtures: fixture packages built from tests/fixtures/_base plus one overriding file."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

# CI is reproducible: the same hypothesis cases on every run (a failure found at random would make
# a green change fail later). bench/fuzz.py runs the same tests with fresh random cases, many rounds.
settings.register_profile("ci", derandomize=True)
settings.register_profile("random", derandomize=False)
settings.load_profile(os.environ.get("GEOTIMELINE_HYPOTHESIS", "ci"))

FIXTURES = Path(__file__).parent / "fixtures"
BASE = FIXTURES / "_base"
REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"


@pytest.fixture
def make_package(tmp_path: Path) -> Callable[..., Path]:
    """make_package(defect=None, **tables) -> a temp package dir.

    ``defect`` names a folder under tests/fixtures whose files replace the base ones;
    keyword arguments give a table's full CSV text (``events="..."``) to write instead.
    """

    counter = iter(range(1000))

    def build(defect: str | None = None, **tables: str | bytes) -> Path:
        target = tmp_path / f"{defect or 'pkg'}-{next(counter)}"
        shutil.copytree(BASE, target)
        if defect:
            for f in (FIXTURES / defect).iterdir():
                shutil.copy(f, target / f.name)
        for name, text in tables.items():
            path = target / f"{name}.csv"
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8")
        return target

    return build
