from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.config import load_settings
from bot.emulator import Emulator, start_emulator
from bot.sandbox import Sandbox, start_sandbox
from storage.db import Database
from tests.integration.scheduler.world import World
from tests.utils.harness import TOKEN, emulator_settings


@pytest.fixture
async def world(db: Database, clock: FakeClock) -> AsyncIterator[World]:
    emulator = Emulator(token=TOKEN, rps=10_000, now=lambda: clock.now().timestamp())
    runner, base_url = await start_emulator(emulator)
    built = World(db, clock, emulator, await emulator_settings(emulator, base_url))
    try:
        yield built
    finally:
        await built.close()
        await runner.cleanup()


@pytest.fixture
async def sandbox(db: Database, clock: FakeClock, tmp_path: Path) -> AsyncIterator[Sandbox]:
    settings = load_settings(_env_file=None, send_rps=1000)
    started = await start_sandbox(
        settings=settings, db=db, start=clock.now(), host="127.0.0.1", port=0
    )
    try:
        yield started
    finally:
        await started.close()
