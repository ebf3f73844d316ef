"""After a crash in the middle of a fan-out: the instance restarted under its name sends the
rows it was sending at once."""

from __future__ import annotations

from bot.scheduler.batching import pack
from bot.scheduler.claimer import claim
from bot.scheduler.planner import plan
from bot.scheduler.sender import stored_item
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
