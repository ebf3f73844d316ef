"""CLI commands, one module per group; each has `register(subparsers)` and sets `handler`."""

from bot.commands import demo, emulator, sandbox, setup

COMMAND_MODULES = [setup, demo, emulator, sandbox]
