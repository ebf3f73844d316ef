"""Processed inbound events are deleted by the tick once past their retention; the queue stays."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from bot.scheduler.retention import purge_events
from storage.db import Database
from storage.models import InboundEvent
from tests.integration.scheduler.world import World, write_transactions_of_idle_ticks

DAY = timedelta(days=1)


async def _store(db: Database, rows: list[dict[str, Any]]) -> None:
    async with db.sessions.begin() as session:
        await session.execute(insert(InboundEvent), rows)


def _processed(event_id: str, at: datetime) -> dict[str, Any]:
    return {"event_id": event_id, "received_at": at, "processed_at": at, "payload": None}


def _waiting(event_id: str, at: datetime, **claim: Any) -> dict[str, Any]:
    payload = {"type": "message_new", "event_id": event_id}
    return {"event_id": event_id, "received_at": at, "payload": payload, **claim}


async def _left(db: Database) -> set[str]:
    async with db.reads() as session:
        return set(await session.scalars(select(InboundEvent.event_id)))


async def _mixed(world: World) -> None:
    """Three events past the default 7 days, one inside them, and three never processed
    (one of them claimed by an instance), all older than the window."""
    now = world.clock.now()
    await _store(
        world.db,
        [
            _processed("old-1", now - 30 * DAY),
            _processed("old-2", now - 8 * DAY),
            _processed("old-3", now - 7 * DAY - timedelta(seconds=1)),
            _processed("recent", now - 6 * DAY),
            _waiting("queued", now - 30 * DAY),
            _waiting("claimed", now - 9 * DAY, claimed_by="b", claimed_until=now + DAY),
            _waiting("shed", now - 8 * DAY),
        ],
    )


async def test_old_processed_events_go_recent_and_unprocessed_stay(world: World) -> None:
    await _mixed(world)
    report = await world.scheduler().tick()
    assert report.purged == 3
    assert await _left(world.db) == {"recent", "queued", "claimed", "shed"}
    assert (await world.scheduler().tick()).purged == 0


async def test_the_window_is_the_setting(world: World) -> None:
    await _mixed(world)
    world.settings = world.settings.model_copy(update={"inbound_retention_days": 5})
    assert (await world.scheduler().tick()).purged == 4
    assert await _left(world.db) == {"queued", "claimed", "shed"}


async def test_an_idle_tick_with_events_to_keep_writes_nothing(world: World) -> None:
    await _mixed(world)
    scheduler = world.scheduler()
    await scheduler.tick()
    write_transactions = await write_transactions_of_idle_ticks(world, scheduler)
    assert write_transactions == 0
    assert len(await _left(world.db)) == 4


async def test_a_purge_is_bounded_batches(world: World) -> None:
    now = world.clock.now()
    await _store(world.db, [_processed(f"e{n}", now - 8 * DAY - n * DAY) for n in range(5)])
    db, keep = world.db, 7 * DAY
    # Oldest first, two rows a transaction, two transactions a call.
    assert await purge_events(db=db, now=now, keep=keep, batch=2, max_batches=2) == 4
    assert await _left(db) == {"e0"}
    assert await purge_events(db=db, now=now, keep=keep, batch=2, max_batches=2) == 1
    assert await _left(db) == set()


async def test_two_instances_purge_together_without_conflict(world: World) -> None:
    now = world.clock.now()
    old = [_processed(f"old-{n:04}", now - 8 * DAY - n * timedelta(seconds=1)) for n in range(2500)]
    await _store(world.db, [*old, _processed("recent", now), _waiting("queued", now - 30 * DAY)])
    first, second = await asyncio.gather(world.scheduler("a").tick(), world.scheduler("b").tick())
    assert first.purged + second.purged == 2500
    assert await _left(world.db) == {"recent", "queued"}
