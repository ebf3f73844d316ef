"""Layer rules read from the source: what the domain, the texts, the handlers and the
emulator may import, who may import the composition root, and no import cycle anywhere.

Every import counts, also one inside a function or under TYPE_CHECKING: each is a
dependency a reader has to follow."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[3]


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package.replace(".", "/")).glob("*.py"))


def _all_modules(package: str) -> list[Path]:
    return sorted((ROOT / package.replace(".", "/")).rglob("*.py"))


def _name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _imports(path: Path) -> Iterator[str]:
    """Every module `path` imports (`from a import b` gives `a` and `a.b`)."""
    package = _name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else _name(path)
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}".rstrip(".")
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


# What would give the domain I/O, or tie it to the messenger, the database or the services.
NOT_IN_DOMAIN = ("storage", "sqlalchemy", "aiohttp", "vkbottle", "aiosqlite", "asyncpg",
                 "bot.services", "bot.runtime", "bot.app", "bot.resources", "importlib",
                 "pathlib", "os", "shutil")  # fmt: skip


@pytest.mark.parametrize("path", _modules("bot.domain"), ids=lambda p: p.stem)
def test_the_domain_does_no_io(path: Path) -> None:
    assert [m for m in _imports(path) if _under(m, NOT_IN_DOMAIN)] == []
    calls = [
        node.func.id
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    ]
    assert "open" not in calls


@pytest.mark.parametrize("path", _modules("bot.texts"), ids=lambda p: p.stem)
def test_texts_format_plain_values_and_domain_types(path: Path) -> None:
    assert [m for m in _imports(path) if _under(m, ("bot.services", "storage", "bot.app"))] == []


@pytest.mark.parametrize("path", _all_modules("handlers"), ids=lambda p: p.stem)
def test_handlers_reach_storage_only_through_services(path: Path) -> None:
    assert [m for m in _imports(path) if _under(m, ("storage", "sqlalchemy"))] == []


@pytest.mark.parametrize("path", _all_modules("bot.web"), ids=lambda p: p.stem)
def test_web_pages_reach_storage_only_through_services(path: Path) -> None:
    # Request handlers of the dashboard are handlers too: every query goes through a service
    # that scopes it by the visitor's roles. They hold the database handle (`storage.db`) only
    # to pass it on, as chat handlers get it in AppContext.
    found = [m for m in _imports(path) if _under(m, ("storage", "sqlalchemy", "bot.app"))]
    assert [m for m in found if m not in ("storage.db", "storage.db.Database")] == []


@pytest.mark.parametrize("path", _all_modules("bot.emulator"), ids=lambda p: p.stem)
def test_the_emulator_stands_alone(path: Path) -> None:
    # It stands in for VK: nothing of the bot may leak into what the bot is tested against.
    own = ("bot.emulator",)
    assert [m for m in _imports(path) if _under(m, ("bot", "handlers", "storage"))
            and not _under(m, own)] == []  # fmt: skip


PRODUCT = {
    _name(path): path
    for package in ("bot", "handlers", "storage")
    for path in _all_modules(package)
}
# The command line, the demo and the sandbox build the bot: they alone use the composition root.
ENTRY_POINTS = ("bot.cli", "bot.__main__", "bot.commands", "bot.demo", "bot.sandbox")


def test_only_the_entry_points_import_the_composition_root() -> None:
    importers = [name for name, path in PRODUCT.items() if "bot.app" in set(_imports(path))]
    assert [name for name in importers if not _under(name, ENTRY_POINTS)] == []


def _runtime_edges(name: str, path: Path) -> set[str]:
    """The product's modules `name` needs loaded to run: `from package import module` needs
    the module, not the package's own names; an import only for annotations (under
    TYPE_CHECKING, the usual way to name a class that imports this module) loads nothing."""
    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            node.body = []
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    edges = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            edges.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}".rstrip(".")
            submodules = {f"{base}.{alias.name}" for alias in node.names} & PRODUCT.keys()
            edges.update(submodules)
            if len(submodules) < len(node.names):
                edges.add(base)
    return {edge for edge in edges if edge in PRODUCT and edge != name}


def test_no_module_imports_itself_back() -> None:
    graph = {name: sorted(_runtime_edges(name, path)) for name, path in PRODUCT.items()}
    # Tarjan's strongly connected components: one of two or more modules is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = stack[stack.index(node) :]
            del stack[stack.index(node) :]
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    assert cycles == []
