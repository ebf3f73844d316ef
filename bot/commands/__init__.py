"""CLI commands, one module per group; each has `register(subparsers)` and sets `handler`."""

from bot.commands import demo, emulator, reports, setup

COMMAND_MODULES = [setup, reports, demo, emulator]
