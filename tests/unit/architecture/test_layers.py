"""The import graph of the product keeps its layers and has no cycle.

- bot/domain is pure: no storage, no VK, no HTTP, no database library;
- handlers parse and render: they never reach storage (services do);
- texts format values: they never call services;
- the composition root (bot/app.py) is imported by the entry points only;
- no module imports itself back through others.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("bot", "handlers", "storage")
# What runs the bot: the command line, the demo and the sandbox build it themselves.
ENTRY_POINTS = ("bot.cli", "bot.__main__", "bot.commands", "bot.demo", "bot.sandbox")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imported(path: Path) -> Iterator[str]:
    """Every module named by the file's imports, at any depth (inside functions too)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


GRAPH = {name: set(_imported(path)) for name, path in MODULES.items()}


def _within(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(f"{p}.") for p in prefixes)


def _breaches(importer: tuple[str, ...], imported: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if _within(name, *importer)
        for target in targets
        if _within(target, *imported)
    )


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        (("bot.domain",), ("storage", "vkbottle", "aiohttp", "sqlalchemy", "bot.services")),
        (("handlers",), ("storage",)),
        (("bot.texts",), ("bot.services", "storage")),
        (("bot.emulator",), ("bot.app", "bot.services", "bot.runtime", "handlers", "storage")),
    ],
)
def test_a_layer_never_imports_what_it_must_not(
    importer: tuple[str, ...], imported: tuple[str, ...]
) -> None:
    assert _breaches(importer, imported) == []


def test_only_the_entry_points_import_the_composition_root() -> None:
    importers = {name for name, targets in GRAPH.items() if "bot.app" in targets}
    assert sorted(n for n in importers if not _within(n, *ENTRY_POINTS)) == []


def test_no_module_imports_itself_back() -> None:
    internal = {
        name: {t for t in targets if t in MODULES and t != name} for name, targets in GRAPH.items()
    }
    cycles = []
    # Tarjan's strongly connected components: a component of two or more is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(internal[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in sorted(internal):
        if name not in index:
            visit(name)
    assert cycles == []
