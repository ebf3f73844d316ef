"""Inbound events that cannot be read never stop the others: refused at the door (Callback API
400, Long Poll skipped), or — stored by an earlier release — set aside as failed."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from storage.db import Database
from storage.models import InboundEvent
from tests.integration.production.cluster import SECRET, cluster
from tests.integration.production.test_callback import post
from tests.utils.harness import GROUP_ID, running_bot

GARBAGE = {"type": "message_new", "event_id": "e-garb", "object": {"message": "garbage"}}
PEOPLE = range(300, 330)


def replies(emulator: Any) -> Counter[int]:
    return Counter(item["peer_id"] for item in emulator.sent_items())


def malformed_count(metrics: Any, source: str) -> float | None:
    return metrics.registry.get_sample_value("svodka_events_malformed_total", {"source": source})


async def test_a_malformed_callback_event_is_refused_and_everyone_after_it_answered(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    async with cluster(db, clock, tmp_path) as group:
        a = await group.callback_instance("a")
        body = {**GARBAGE, "group_id": GROUP_ID, "secret": SECRET}
        assert (await post(a.port, body))[0] == 400
        assert malformed_count(a.app.metrics, "callback") == 1
        for person in PEOPLE:
            group.emulator.add_user(person, "Имя", "Фамилия")
            await group.emulator.deliver_message(person, "что это?")
        await group.settle([a])
        assert replies(group.emulator) == dict.fromkeys(PEOPLE, 1)

        await a.kill()
        again = await group.callback_instance("a")
        assert (await post(again.port, body))[0] == 400
        for person in PEOPLE:
            await group.emulator.deliver_message(person, "а теперь?")
        await group.settle([again])
        assert replies(group.emulator) == dict.fromkeys(PEOPLE, 2)
        async with db.reads() as session:
            assert await session.get(InboundEvent, "e-garb") is None


async def store_unread(db: Database, clock: FakeClock, payloads: dict[str, Any]) -> None:
    """Rows as an earlier release wrote them: stored, never handled."""
    async with db.sessions.begin() as session:
        for event_id, payload in payloads.items():
            session.add(InboundEvent(event_id=event_id, received_at=clock.now(), payload=payload))


STORED_GARBAGE = {
    "old-1": {"type": "message_new", "event_id": "old-1", "object": {"message": "garbage"}},
    "old-2": {"type": "message_event", "event_id": "old-2", "object": {"user_id": "x"}},
    "old-3": ["not", "an", "event"],
    "old-4": None,
}


async def test_stored_garbage_is_set_aside_and_the_events_beside_it_handled(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    async with cluster(db, clock, tmp_path) as group:
        a = await group.callback_instance("a")
        await store_unread(db, clock, STORED_GARBAGE)
        for person in PEOPLE:
            group.emulator.add_user(person, "Имя", "Фамилия")
            await group.emulator.deliver_message(person, "что это?")
        await group.settle([a])
        assert replies(group.emulator) == dict.fromkeys(PEOPLE, 1)
        assert malformed_count(a.app.metrics, "stored") == len(STORED_GARBAGE)
    async with db.reads() as session:
        rows = {row.event_id: row for row in await session.scalars(select(InboundEvent))}
    for event_id in STORED_GARBAGE:
        assert rows[event_id].processed_at is not None
        assert rows[event_id].failed_reason
    assert sum(1 for row in rows.values() if row.failed_reason) == len(STORED_GARBAGE)


async def test_long_poll_skips_a_malformed_update_and_sets_stored_garbage_aside(
    db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.runtime.inbound")
    await store_unread(db, clock, STORED_GARBAGE)
    async with running_bot(db, clock) as bot:
        assert malformed_count(bot.app.metrics, "stored") == len(STORED_GARBAGE)
        for person in PEOPLE:
            bot.user(person)
        await bot.emulator.longpoll.push({**GARBAGE, "group_id": GROUP_ID})
        for person in PEOPLE:
            await bot.emulator.deliver_message(person, "что это?")
        await bot.settle()
        assert replies(bot.emulator) == dict.fromkeys(PEOPLE, 1)
        assert malformed_count(bot.app.metrics, "longpoll") == 1
        await bot.restart()
        for person in PEOPLE:
            await bot.emulator.deliver_message(person, "а теперь?")
        await bot.settle()
        assert replies(bot.emulator) == dict.fromkeys(PEOPLE, 2)
    assert "e-garb" in caplog.text
    async with db.reads() as session:
        assert await session.get(InboundEvent, "e-garb") is None
        pending = select(InboundEvent).where(InboundEvent.processed_at.is_(None))
        assert list(await session.scalars(pending)) == []


async def test_readiness_reports_a_stuck_inbound_queue(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    async with cluster(db, clock, tmp_path) as group:
        a = group.new_instance("a", callback=True)
        await a.start()
        assert (await a.health.readiness())["inbound"] == "ok"
        # Events of someone else's claim, not finished: nothing this instance may take yet.
        async with db.sessions.begin() as session:
            session.add(
                InboundEvent(
                    event_id="held",
                    received_at=clock.now(),
                    payload={"type": "group_join", "event_id": "held", "object": {}},
                    claimed_by="elsewhere",
                    claimed_until=clock.now() + timedelta(hours=1),
                )
            )
        assert (await a.health.readiness())["inbound"] == "ok"
        clock.advance(timedelta(seconds=61))
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{a.port}/readyz") as answer,
        ):
            assert answer.status == 503
            verdict = (await answer.json())["checks"]["inbound"]
        assert verdict == "stuck (the oldest unhandled event waits 61 s)"
