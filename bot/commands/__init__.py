"""CLI commands, one module per group; each has `register(subparsers)` and sets `handler`."""

from bot.commands import (
    backup,
    demo,
    district,
    emulator,
    privacy,
    questionnaire,
    reports,
    run,
    sandbox,
    setup,
)

# `district` after `setup`: it adds `invites reissue` to setup's `invites` command.
COMMAND_MODULES = [
    setup,
    district,
    run,
    reports,
    questionnaire,
    demo,
    emulator,
    sandbox,
    privacy,
    backup,
]
