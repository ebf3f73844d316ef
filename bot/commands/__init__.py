"""CLI commands, one module per group; each has `register(subparsers)` and sets `handler`."""

from bot.commands import backup, demo, emulator, privacy, questionnaire, run, sandbox, setup

COMMAND_MODULES = [setup, run, questionnaire, demo, emulator, sandbox, privacy, backup]
