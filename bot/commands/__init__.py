"""CLI commands, one module per group; each has `register(subparsers)` and sets `handler`."""

from bot.commands import backup, demo, emulator, privacy, setup

COMMAND_MODULES = [setup, demo, emulator, privacy, backup]
