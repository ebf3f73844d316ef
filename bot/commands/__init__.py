"""CLI commands, one module per group; each has `register(subparsers)` and sets `handler`."""

from bot.commands import demo, emulator, run, setup

COMMAND_MODULES = [setup, run, demo, emulator]
