"""Moments follow the district's calendar: holiday weeks, other time zones, the year's end."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.domain.weeks import IsoWeek
from bot.services.rounds import calendar_of
from storage.models import District, Round
from tests.integration.scheduler.world import CHAT_PEER, OFFICIAL_VK, World, head_vk, moscow


async def _periods(world: World) -> list[str]:
    async with world.db.reads() as session:
        return list(await session.scalars(select(Round.period).order_by(Round.period)))


async def _plan(world: World, week: str):
    async with world.db.reads() as session:
        district = await session.get(District, world.district_id)
    return calendar_of(district).plan(IsoWeek.parse(week))


def _dates(world: World, peer: int) -> list[datetime]:
    return [datetime.fromtimestamp(i["date"], UTC) for i in world.emulator.sent_items(peer)]


async def test_holiday_week_sends_nothing(world: World) -> None:
    await world.seed(school_holidays=[["2024-10-28", "2024-11-04"]])
    await world.scheduler().run_due(moscow("2024-11-08 18:00"))

    assert await _periods(world) == ["2024-W43", "2024-W45"]
    assert await world.delivered("2024-W44") == {}
    # 4 November is a public holiday: the W45 prompt moves to Tuesday.
    prompts = [d for d in _dates(world, head_vk(0))]
    assert prompts[0] == moscow("2024-10-21 09:00")
    assert moscow("2024-11-05 09:00") in prompts
    assert len(world.texts(CHAT_PEER)) == 2  # the summaries of W43 and W45 only


async def test_district_in_another_time_zone(world: World) -> None:
    await world.seed(tz="Asia/Vladivostok")
    await world.scheduler().run_due(datetime(2024, 10, 28, 0, 0, tzinfo=UTC))

    plan43, plan44 = await _plan(world, "2024-W43"), await _plan(world, "2024-W44")
    # W43's Monday prompt (09:00 VLAT = Sunday 23:00 UTC) was before the fake clock started:
    # still valid, so it went out at once; everything after runs on Vladivostok time.
    heads = _dates(world, head_vk(3))
    assert heads[0] == datetime(2024, 10, 21, 6, 0, tzinfo=UTC)
    assert heads[1:] == [*plan43.reminders_at, plan44.prompt_at]
    assert plan44.prompt_at == datetime(2024, 10, 27, 23, 0, tzinfo=UTC)
    assert _dates(world, CHAT_PEER) == [plan43.summary_at]
    assert _dates(world, OFFICIAL_VK) == [plan43.escalation_at]
