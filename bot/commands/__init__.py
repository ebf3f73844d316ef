"""CLI commands, one module per group; each has `register(subparsers)` and sets `handler`."""

from bot.commands import demo, district, emulator, setup

COMMAND_MODULES = [setup, district, demo, emulator]
