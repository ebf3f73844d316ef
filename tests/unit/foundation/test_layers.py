"""Layer rules read from the source: what the domain, the texts and the VK client may import.

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


def test_the_vk_client_has_no_import_cycle() -> None:
    modules = {_name(path): path for path in _modules("bot.vk")}
    graph = {
        name: {m for m in _imports(path) if m in modules and m != name}
        for name, path in modules.items()
    }

    def reaches(start: str, goal: str, seen: frozenset[str]) -> bool:
        return any(nxt == goal or reaches(nxt, goal, seen | {nxt}) for nxt in graph[start] - seen)

    assert [name for name in graph if reaches(name, name, frozenset())] == []
