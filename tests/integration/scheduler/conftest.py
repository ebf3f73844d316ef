from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.clock import FakeClock
from bot.emulator import Emulator, start_emulator
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
