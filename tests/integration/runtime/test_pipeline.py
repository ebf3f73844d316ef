from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.domain.permissions import Actor
from bot.runtime.inbound import InboundPipeline
from bot.texts import common as texts
from bot.texts import help as help_texts
from storage.db import Database
from storage.models import InboundEvent
from storage.repos import app_state
from tests.utils.harness import running_bot
from tests.utils.updates import message_new

# Known people (admins here) are told what they can do; strangers get the introduction.
KNOWN = [100, 200]
UNPLACED = help_texts.options(Actor(100, None, True, frozenset(), ()))


async def test_unknown_text_gets_a_hint(sqlite_db: Database, clock: FakeClock) -> None:
    async with running_bot(sqlite_db, clock, admin_ids=KNOWN) as bot:
        bot.user(100)
        replies = await bot.say(100, "что это?")
    assert [r["text"] for r in replies] == [UNPLACED]
    assert replies[0]["random_id"] != 0


async def test_replayed_event_is_handled_once(db: Database, clock: FakeClock) -> None:
    async with running_bot(db, clock, admin_ids=KNOWN) as bot:
        bot.user(100)
        await bot.say(100, "раз")
        update = bot.emulator.longpoll._updates[-1]
        await bot.emulator.longpoll.push(dict(update))
        await bot.settle()
        assert len(bot.texts(100)) == 1
        assert bot.app.pipeline.stats.duplicates == 1
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(InboundEvent)) == 1


async def test_one_person_flooding_is_shed_politely(sqlite_db: Database, clock: FakeClock) -> None:
    async with running_bot(sqlite_db, clock, admin_ids=KNOWN) as bot:
        bot.user(100)
        bot.user(200)
        for n in range(60):
            await bot.emulator.deliver_message(100, f"спам {n}")
        await bot.emulator.deliver_message(200, "привет")
        await bot.settle()
        flooded = bot.texts(100)
        assert texts.TOO_MANY_MESSAGES in flooded
        assert len(flooded) < 60
        assert bot.texts(200) == [UNPLACED]
        shed = bot.app.pipeline.stats.shed
        assert shed > 0
    # Dropped on purpose and the person told: not a queue to replay after a restart, and the
    # texts are not kept.
    async with sqlite_db.reads() as session:
        left = select(func.count()).where(
            (InboundEvent.processed_at.is_(None)) | (InboundEvent.payload.is_not(None))
        )
        assert await session.scalar(left) == 0


async def test_updates_sent_while_the_bot_was_down_are_handled_after_restart(
    sqlite_db: Database, clock: FakeClock
) -> None:
    async with running_bot(sqlite_db, clock, admin_ids=KNOWN) as bot:
        bot.user(100)
        await bot.say(100, "до")
        await bot.stop()
        await bot.emulator.deliver_message(100, "пока бот лежал")
        await bot.start()
        await bot.settle()
        assert bot.texts(100) == [UNPLACED] * 2


async def test_the_poller_s_position_is_stored_in_the_transaction_of_its_batch(
    db: Database, clock: FakeClock
) -> None:
    handled: list[str] = []

    async def handle(update: dict[str, Any]) -> None:
        handled.append(update["event_id"])

    def position(ts: str, *, fail: bool = False) -> Callable[[Any], Awaitable[None]]:
        async def store(session: Any) -> None:
            await app_state.put(session, "longpoll:test", {"ts": ts})
            if fail:
                raise OSError("the database went away")

        return store

    pipeline = InboundPipeline(db=db, clock=clock, handle=handle)
    update = message_new("e1", 5)
    await pipeline.submit([update], also=position("11"))
    await pipeline.submit([], also=position("12"))  # an empty answer moves the position too
    with pytest.raises(OSError, match="went away"):
        await pipeline.submit([dict(update, event_id="e2")], also=position("13", fail=True))
    await pipeline.idle()
    await pipeline.close()

    assert handled == ["e1"]
    async with db.reads() as session:
        assert await app_state.get(session, "longpoll:test") == {"ts": "12"}
        # Neither the batch nor the position of the failed write was kept: e2 comes again.
        stored = await session.scalars(select(InboundEvent.event_id))
        assert list(stored) == ["e1"]
