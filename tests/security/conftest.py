"""Fixtures borrowed from other suites: a district's week against the emulator."""

from tests.integration.scheduler.conftest import world  # noqa: F401 — a fixture, used by name
