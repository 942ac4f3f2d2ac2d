"""Every module of app/ imports on its own, in a fresh interpreter (no import cycle hides behind
the order in which another module happened to import things), and the shell's layers hold: the
core never imports the web shell."""

from __future__ import annotations

import ast
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"


def modules() -> list[str]:
    out = []
    for path in sorted(APP.rglob("*.py")):
        if "vendor/build" in path.as_posix():
            continue
        parts = path.relative_to(APP.parent).with_suffix("").parts
        out.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return out


def imports_of(path: Path) -> set[str]:
    """The app.* modules a file imports at its top level (not inside functions or TYPE_CHECKING)."""
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("app")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app"):
            found.add(node.module)
    return found


def test_every_module_imports_alone_in_a_fresh_interpreter() -> None:
    names = modules()
    assert "app.dates" in names and "app.view" in names and len(names) > 40

    def try_import(name: str) -> tuple[str, int, str]:
        run = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True, timeout=120)
        return name, run.returncode, run.stderr.strip().splitlines()[-1:] and run.stderr.strip().splitlines()[-1]

    with ThreadPoolExecutor(max_workers=3) as pool:
        failed = [(n, err) for n, code, err in pool.map(try_import, names) if code != 0]
    assert failed == []


def test_no_import_cycles_between_modules() -> None:
    """The graph of top-level imports between app's modules has no cycle (a cycle that happens to
    import in one order fails in another)."""
    graph: dict[str, set[str]] = {}
    for name in modules():
        path = APP.parent / (name.replace(".", "/") + ("/__init__.py" if (APP.parent / name.replace(".", "/")).is_dir()
                                                        else ".py"))
        graph[name] = {m for m in imports_of(path) if m in set(modules()) and m != name}
    assert sum(len(v) for v in graph.values()) > 80  # the graph is read (not vacuously acyclic)
    seen: dict[str, int] = {}  # 1 = on the current path, 2 = done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        seen[node] = 1
        for nxt in sorted(graph[node]):
            if seen.get(nxt) == 1:
                cycles.append([*path[path.index(nxt):], nxt] if nxt in path else [node, nxt])
            elif nxt not in seen:
                visit(nxt, [*path, nxt])
        seen[node] = 2

    for name in sorted(graph):
        if name not in seen:
            visit(name, [name])
    assert cycles == []


def test_the_core_never_imports_the_web_shell() -> None:
    """filters, urlstate, view, dataset, figures, export and importers work without Dash's shell."""
    for name in modules():
        if name.startswith(("app.web", "app.wsgi", "app.cli", "app.__main__")):
            continue
        path = APP.parent / (name.replace(".", "/") + ".py")
        if path.exists():
            assert not any(m.startswith("app.web") for m in imports_of(path)), name


def test_the_wheel_lists_every_package_and_ships_the_data() -> None:
    """pyproject's explicit package list holds every package of app/ (a new one would otherwise be
    left out of the wheel), and maps the top-level data/ in as app.data (.ci/run installs the wheel
    and runs it from another folder)."""
    import tomllib

    config = tomllib.loads((APP.parent / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    packages = {".".join(p.parent.relative_to(APP.parent).parts) for p in APP.rglob("__init__.py")}
    assert set(config["packages"]) == packages | {"app.data"}
    assert config["package-dir"] == {"app.data": "data"}
    assert (APP.parent / "data" / "datapackage.json").is_file()
