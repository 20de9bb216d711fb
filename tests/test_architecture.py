"""docs/architecture.md stays true: imports go one way (sources -> engine -> catalog -> services
-> cli and web), no import circles between modules, and the packages the document names exist.

Every import counts: at module level, inside functions, under ``if TYPE_CHECKING:`` (a lower
layer that needs a shape from above names it as a Protocol, see ``engine/contract.py``).
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "datensorgfalt"
DOC = ROOT / "docs" / "architecture.md"
NAME = "datensorgfalt"

# layer -> the layers it must not import (names below ``datensorgfalt.``)
FORBIDDEN = {
    "sources": ("engine", "catalog", "services", "cli", "web", "trustee_http", "workspace"),
    "engine": ("catalog", "services", "cli", "web", "trustee_http", "workspace"),
    "catalog": ("services", "cli", "web", "trustee_http"),
    "services": ("cli", "web", "trustee_http"),
    "web": ("cli", "trustee_http"),
    "trustee_http": ("cli", "web"),
}
# the one place the command line reaches into the web app: ``datensorgfalt ui`` starts it
CLI_STARTS_WEB = "datensorgfalt.cli.commands.ui"
# ... and into the trustee's HTTP interface: ``datensorgfalt trustee serve`` starts it
CLI_STARTS_TRUSTEE = "datensorgfalt.cli.commands.trustee"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_in(source: str, module: str, is_package: bool = False) -> list[tuple[str, int]]:
    """(imported module of the package, line) for every import anywhere in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(module, is_package, node)
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.append((submodule if submodule in modules() else target, node.lineno))
    return [(target, line) for target, line in found
            if target == NAME or target.startswith(NAME + ".")]


def imports_of(module: str) -> list[tuple[str, int]]:
    path = modules()[module]
    return imports_in(path.read_text("utf-8"), module, path.name == "__init__.py")


def _resolve(target: str) -> str | None:
    """The package's module that ``target`` names (``a.b.c`` with only ``a.b`` a module:
    ``a.b``)."""
    while target and target not in modules():
        target = target.rpartition(".")[0]
    return target or None


@cache
def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {m: set() for m in modules()}
    for module in modules():
        for target, _ in imports_of(module):
            resolved = _resolve(target)
            if resolved and resolved != module:
                edges[module].add(resolved)
    return edges


def layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def test_lower_layers_do_not_import_upper_layers() -> None:
    wrong = []
    for module in modules():
        forbidden = FORBIDDEN.get(layer(module) or "")
        if not forbidden:
            continue
        for target, line in imports_of(module):
            if layer(target) in forbidden:
                wrong.append(f"{modules()[module].relative_to(ROOT)}:{line} "
                             f"({layer(module)}) imports {target}")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_the_command_line_only_starts_the_web_app() -> None:
    wrong = [f"{modules()[module].relative_to(ROOT)}:{line} imports {target}"
             for module in modules() if layer(module) == "cli" and module != CLI_STARTS_WEB
             for target, line in imports_of(module) if layer(target) == "web"]
    wrong += [f"{CLI_STARTS_WEB} imports {target}" for target, _ in imports_of(CLI_STARTS_WEB)
              if layer(target) == "web" and target != "datensorgfalt.web"]
    assert not wrong, "the CLI uses the web app beyond starting it:\n" + "\n".join(wrong)


def test_the_command_line_only_starts_the_trustee_server() -> None:
    wrong = [f"{modules()[module].relative_to(ROOT)}:{line} imports {target}"
             for module in modules() if layer(module) == "cli" and module != CLI_STARTS_TRUSTEE
             for target, line in imports_of(module) if layer(target) == "trustee_http"]
    wrong += [f"{CLI_STARTS_TRUSTEE} imports {target}"
              for target, _ in imports_of(CLI_STARTS_TRUSTEE)
              if layer(target) == "trustee_http" and target != "datensorgfalt.trustee_http"]
    assert not wrong, "the CLI uses the trustee server beyond starting it:\n" + "\n".join(wrong)


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert strongly_connected(edges) == [["a", "b", "c"]]


def test_the_import_reader_sees_every_kind_of_import() -> None:
    source = """
from typing import TYPE_CHECKING
from datensorgfalt.engine import staging
if TYPE_CHECKING:
    from datensorgfalt.catalog import Catalog
def later():
    import datensorgfalt.services.scan.runner as runner
    from ..services import evidence
    from . import duck
"""
    found = {target for target, _ in imports_in(source, "datensorgfalt.engine.frames")}
    assert found == {"datensorgfalt.engine.staging", "datensorgfalt.catalog",
                     "datensorgfalt.services.scan.runner", "datensorgfalt.services.evidence",
                     "datensorgfalt.engine.duck"}


def test_no_import_cycles_between_modules() -> None:
    cycles = strongly_connected(graph())
    assert not cycles, "import circles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text("utf-8")


def test_every_folder_the_document_names_exists(doc: str) -> None:
    named = set(re.findall(r"`((?:[a-z_]+/)+)`", doc))
    assert named, "docs/architecture.md names no package folders (`services/scan/`)"
    missing = sorted(f for f in named
                     if not (ROOT / f if f.startswith("src/") else PACKAGE / f).is_dir())
    assert not missing, f"docs/architecture.md names folders that do not exist: {missing}"


def test_every_service_package_is_in_the_document(doc: str) -> None:
    services = sorted(p.name for p in (PACKAGE / "services").iterdir()
                      if (p / "__init__.py").exists())
    missing = [name for name in services if f"`services/{name}/`" not in doc
               and f"`{name}/`" not in doc]
    assert not missing, f"service packages missing from docs/architecture.md: {missing}"
