"""Exactly once under stress: two instances, injected VK errors, dropped connections, a crash
between sending and marking, and a head who blocked the bot."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.scheduler import Scheduler
from bot.scheduler.batching import pack
from bot.scheduler.claimer import claim
from bot.scheduler.planner import plan
from bot.scheduler.sender import stored_item
from storage.models import Person
from tests.integration.scheduler.world import CHAT_PEER, OFFICIAL_VK, World, head_vk, moscow

EVERYONE = 14  # 12 heads and 2 deputies


def _counts(delivered, kind: str) -> list[int]:
    return [n for (k, _), n in delivered.items() if k == kind]


async def _step_together(world: World, schedulers: list[Scheduler], until: datetime) -> None:
    """Both instances tick at every due moment, concurrently, as two processes would."""
    await asyncio.gather(*(s.tick() for s in schedulers))
    while (moment := await schedulers[0].next_due(world.clock.now())) and moment <= until:
        world.clock.set(moment)
        await asyncio.gather(*(s.tick() for s in schedulers))


async def test_two_instances_send_everything_once(world: World) -> None:
    await world.seed()
    a, b = world.scheduler("a", claim_batch=3), world.scheduler("b", claim_batch=3)
    await _step_together(world, [a, b], moscow("2024-10-24 16:00"))
    await world.answer(0)
    await _step_together(world, [a, b], moscow("2024-10-28 08:00"))

    delivered = await world.delivered()
    assert _counts(delivered, "prompt") == [1] * EVERYONE
    assert (
        sum(_counts(delivered, "reminder")) == 2 * EVERYONE - 2
    )  # school 0 (head, deputy) skip reminder 2
    assert delivered[("summary", CHAT_PEER)] == 1
    assert not [key for key in delivered if key[0] == "other"]
    claimers = {row.claimed_by for row in await world.outbox()}
    assert claimers == {"a", "b"}  # both did part of the work


async def test_error_bursts_and_dropped_connections_lose_nothing(world: World) -> None:
    await world.seed()
    world.emulator.inject_fault(method="execute", error_code=6, times=6)
    world.emulator.inject_fault(method="messages.send", error_code=10, times=5)
    world.emulator.inject_fault(drop_connections=3)
    scheduler = world.scheduler(claim_batch=5)
    await scheduler.run_due(moscow("2024-10-21 12:00"))

    delivered = await world.delivered()
    assert _counts(delivered, "prompt") == [1] * EVERYONE
    rows = await world.outbox()
    assert {row.status for row in rows} == {"sent"}
    assert max(row.attempts for row in rows) > 1  # some really were retried
    assert world.emulator.stats()["errors"].get("6", 0) >= 4


async def test_crash_between_send_and_mark_is_resent_with_the_same_random_id(
    world: World,
) -> None:
    await world.seed()
    scheduler = world.scheduler()
    await plan(db=world.db, now=world.clock.now())
    # The "dead" instance claims and sends, then dies before marking anything.
    rows = await claim(db=world.db, now=world.clock.now(), holder="dead", limit=100)
    for request in pack([stored_item(row) for row in rows]):
        await scheduler.context.api.request("execute", {"code": request.code()})
    assert len(world.emulator.sent_items()) == EVERYONE

    await scheduler.run_due(world.clock.now() + timedelta(minutes=10))  # the claim expires
    delivered = await world.delivered()
    assert _counts(delivered, "prompt") == [1] * EVERYONE
    assert {row.status for row in await world.outbox()} == {"sent"}
    assert len(world.emulator.calls_log("execute")) > 1  # it really was sent again


async def test_head_who_blocked_the_bot_is_reported_undelivered(world: World) -> None:
    await world.seed()
    world.emulator.add_user(head_vk(5), "Глава5", "Ф", allows_messages=False)
    scheduler = world.scheduler()
    await scheduler.run_due(moscow("2024-10-28 09:01"))

    rows = [row for row in await world.outbox() if row.peer_id == head_vk(5)]
    prompt = next(row for row in rows if row.kind == "prompt")
    assert (prompt.status, prompt.error_code) == ("failed", 901)
    assert prompt.error_text == "refused: VK error 901"
    assert {row.status for row in rows} == {"failed"}
    async with world.db.reads() as session:
        person = await session.scalar(select(Person).where(Person.vk_id == head_vk(5)))
    assert person.reachable is False
    summary = world.texts(CHAT_PEER)[0]
    assert "не удалось доставить" in next(
        line for line in summary.splitlines() if f"id{head_vk(5)}|" in line
    )
    assert "не удалось доставить" in world.texts(OFFICIAL_VK)[0]
