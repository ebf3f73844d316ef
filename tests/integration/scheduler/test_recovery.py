"""After a crash in the middle of a fan-out: the instance restarted under its name sends the
rows it was sending at once; another instance takes them over within 30 s; a live sender's
claims, renewed, are never taken over however long its rows take to go out."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot.scheduler.batching import pack
from bot.scheduler.claimer import claim
from bot.scheduler.planner import plan
from bot.scheduler.sender import stored_item
from storage.models import OutboxMessage
from tests.integration.scheduler.world import World

EVERYONE = 14  # the Monday prompts: 12 heads and 2 deputies


async def _killed_mid_fan_out(world: World, holder: str) -> None:
    """`holder` planned the prompts, claimed them all, got five out and was killed."""
    await plan(db=world.db, now=world.clock.now())
    rows = await claim(db=world.db, now=world.clock.now(), holder=holder, limit=100)
    assert len(rows) == EVERYONE
    api = world.scheduler("api only").context.api
    for request in pack([stored_item(row) for row in rows[:5]]):
        await api.request("execute", {"code": request.code()})
    assert len(world.emulator.sent_items()) == 5


def _prompts(delivered) -> list[int]:
    return [n for (kind, _), n in delivered.items() if kind == "prompt"]


async def test_the_instance_restarted_sends_what_it_was_sending_at_once(world: World) -> None:
    await world.seed()
    await _killed_mid_fan_out(world, "a")
    restarted = world.scheduler("a")
    await restarted.start()
    try:
        await restarted.tick()  # at the moment of the crash: no claim has expired
    finally:
        await restarted.stop()
    assert _prompts(await world.delivered()) == [1] * EVERYONE
    assert {row.status for row in await world.outbox()} == {"sent"}


async def test_another_instance_takes_over_within_30_seconds(world: World) -> None:
    await world.seed()
    await _killed_mid_fan_out(world, "dead")
    other = world.scheduler("b")
    await other.tick()
    world.clock.advance(timedelta(seconds=19))
    assert not await other.tick_if_stale()
    assert len(world.emulator.sent_items()) == 5
    world.clock.advance(timedelta(seconds=2))
    assert await other.tick_if_stale()
    assert _prompts(await world.delivered()) == [1] * EVERYONE
    assert {row.claimed_by for row in await world.outbox()} == {"b"}


async def test_a_live_sender_keeps_its_rows_however_slow_vk_is(world: World) -> None:
    await world.seed()
    world.emulator.inject_fault(method="execute", delay_s=2.0, times=1)
    sender = world.scheduler("a", renew_every_s=0.01)
    other = world.scheduler("b")
    ticking = asyncio.create_task(sender.tick())
    await _until_claimed(world, "a")
    world.clock.advance(timedelta(seconds=45))  # more than twice the claim's 20 s
    await _until_renewed(world)
    assert not await other.tick_if_stale()
    await ticking
    assert _prompts(await world.delivered()) == [1] * EVERYONE
    assert {row.claimed_by for row in await world.outbox()} == {"a"}
    assert len(world.emulator.calls_log("execute")) == 1  # sent once, by its claimer


async def _until_claimed(world: World, holder: str) -> None:
    async def claimed() -> None:
        while {row.claimed_by for row in await world.outbox()} != {holder}:
            await asyncio.sleep(0.01)

    await asyncio.wait_for(claimed(), 10)


async def _until_renewed(world: World) -> None:
    async def renewed() -> None:
        while True:
            async with world.db.reads() as session:
                query = select(OutboxMessage.claimed_until).where(OutboxMessage.status == "sending")
                until = set(await session.scalars(query))
            if until and min(until) > world.clock.now():
                return
            await asyncio.sleep(0.01)

    await asyncio.wait_for(renewed(), 10)
