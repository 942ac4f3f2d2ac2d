"""README documents everything a user can type or set (in the style of datasette's docs tests):
every CLI command and option, every URL parameter, every setting and every problem code. Adding
one without documenting it fails here. README's development map names the real layout."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from app.cli import cli
from app.dataset.problems import CODES
from app.settings import settings_help
from app.urlstate import PARAMS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """README's text under the heading ``title`` (down to the next heading of the same level or higher)."""
    match = re.search(rf"^(#+) {re.escape(title)}\s*$", README, flags=re.M)
    assert match, f"README has no section {title!r}"
    level = len(match.group(1))
    rest = README[match.end():]
    end = re.search(rf"^#{{1,{level}}} ", rest, flags=re.M)
    return rest[: end.start()] if end else rest


COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_documented(name: str) -> None:
    assert re.search(rf"`python -m app {re.escape(name)}\b", section("Command line")), name


@pytest.mark.parametrize(("name", "option"), [
    (name, opt) for name in COMMANDS for param in cli.commands[name].params if isinstance(param, click.Option)
    for opt in param.opts if opt.startswith("--") and opt != "--help"
])
def test_every_option_is_documented(name: str, option: str) -> None:
    """Each option is in README: in its command's row, or (the filter flags, which are the URL's
    parameters) in the URL parameters table."""
    row = next(line for line in section("Command line").splitlines() if f"`python -m app {name}" in line)
    documented = option in row or re.search(rf"`{re.escape(option)}\b", README)
    filter_flag = option[2:] in PARAMS and "filters" in row
    assert documented or filter_flag, f"{name} {option}"


@pytest.mark.parametrize("key", sorted(PARAMS))
def test_every_url_parameter_is_documented(key: str) -> None:
    table = section("URL parameters")
    assert re.search(rf"^\|[^|]*`{re.escape(key)}`", table, flags=re.M), key


@pytest.mark.parametrize("name", [name for name, _, _ in settings_help()])
def test_every_setting_is_documented(name: str) -> None:
    assert f"GEOTIMELINE_{name.upper()}" in README, name


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_problem_code_is_documented(code: str) -> None:
    assert f"`{code}`" in README, code


def test_the_development_map_shows_the_real_layout() -> None:
    """Every module and package of app/ (and every top-level folder) named in the map exists, and
    everything that exists is named."""
    block = section("Development")
    tree = block[block.index("```") + 3:]
    tree = tree[: tree.index("```")]
    named = set(re.findall(r"[A-Za-z_][\w./-]*(?:\.py|/)", tree))
    real = {p.name + "/" for p in (ROOT / "app").iterdir() if p.is_dir() and p.name != "__pycache__"}
    real |= {p.name for p in (ROOT / "app").glob("*.py") if p.name != "__init__.py"}
    missing = sorted(n for n in real if n not in named)
    assert missing == []
    for top in ("app/", "tests/", "bench/", "data/"):
        assert top in named
    stale = sorted(n for n in named if n.endswith(".py") and not any(ROOT.rglob(n)))
    assert stale == []
