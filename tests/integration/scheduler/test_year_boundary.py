"""The round of 2024-W52 and what follows across New Year: 2025-W01 is days off."""

from __future__ import annotations

import pytest

from bot.clock import FakeClock
from tests.integration.scheduler.test_calendar import _dates, _periods, _plan
from tests.integration.scheduler.world import CHAT_PEER, OFFICIAL_VK, World, moscow


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(moscow("2024-12-23 08:00"))  # Monday of 2024-W52, before the prompt


async def test_year_boundary(world: World) -> None:
    await world.seed()
    await world.scheduler().run_due(moscow("2025-01-17 18:00"))

    plan52 = await _plan(world, "2024-W52")
    assert await _plan(world, "2025-W01") is None  # New Year days off: no round
    assert await _periods(world) == ["2024-W52", "2025-W02", "2025-W03"]
    assert _dates(world, OFFICIAL_VK)[0] == plan52.escalation_at
    assert plan52.escalation_at > moscow("2025-01-08 23:59")  # after the holidays
    summaries = world.texts(CHAT_PEER)
    assert [text for text in summaries if "23.12–29.12.2024" in text]
    assert len(summaries) == 3
