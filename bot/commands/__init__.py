"""CLI commands, one module per group; each has `register(subparsers)` and sets `handler`."""

from bot.commands import (
    backup,
    demo,
    emulator,
    privacy,
    questionnaire,
    request,
    sandbox,
    setup,
)

COMMAND_MODULES = [setup, questionnaire, request, demo, emulator, sandbox, privacy, backup]
