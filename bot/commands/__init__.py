"""CLI commands, one module per group; each has `register(subparsers)` and sets `handler`.

A command line imports only the modules its command needs: `svodka run` does not carry the
other commands' libraries (rich, reports, the demo) for as long as the bot runs;
`svodka --help` and a mistyped command import them all.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# Each module with the top-level commands it adds, in the order they are registered.
COMMANDS: dict[str, tuple[str, ...]] = {
    "setup": ("migrate", "import", "invites", "official"),
    "district": ("school", "district"),
    "request": ("request",),
    "run": ("run",),
    "reports": ("status", "export"),
    "questionnaire": ("questionnaire",),
    "demo": ("demo",),
    "emulator": ("emulator",),
    "sandbox": ("sandbox",),
    "privacy": ("forget",),
    "backup": ("backup", "restore"),
}
# Commands a module adds subcommands to, which must be registered before it:
# `district` adds `invites reissue`, `request` adds `district emails`.
EXTENDS: dict[str, tuple[str, ...]] = {"district": ("invites",), "request": ("district",)}
OWNER = {command: module for module, commands in COMMANDS.items() for command in commands}


def command_modules(command: str | None = None) -> list[ModuleType]:
    """The modules to register for `svodka COMMAND …`; all of them without a known command."""
    if command not in OWNER:
        return [_load(name) for name in COMMANDS]
    wanted = {OWNER[command]} | {name for name, ext in EXTENDS.items() if command in ext}
    while more := {OWNER[c] for name in wanted for c in EXTENDS.get(name, ())} - wanted:
        wanted |= more
    return [_load(name) for name in COMMANDS if name in wanted]


def _load(name: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{name}")
