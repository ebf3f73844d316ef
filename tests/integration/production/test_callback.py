"""Callback API: handshake, secrets, and several instances sharing the work through the DB."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.clock import FakeClock
from storage.db import Database
from storage.models import InboundEvent
from tests.integration.production.cluster import (
    CONFIRMATION,
    SECRET,
    RoundRobin,
    cluster,
)
from tests.utils.updates import message_new

PEOPLE = range(100, 106)


async def post(port: int, body: Any, raw: bytes | None = None) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"http://127.0.0.1:{port}/callback",
            data=raw,
            json=None if raw is not None else body,
        ) as answer,
    ):
        return answer.status, await answer.text()


async def stored_events(db: Database) -> int:
    async with db.reads() as session:
        return await session.scalar(select(func.count()).select_from(InboundEvent))


async def claimed_by(db: Database, holder: str, count: int) -> None:
    while True:
        async with db.reads() as session:
            query = select(func.count()).select_from(InboundEvent)
            if await session.scalar(query.where(InboundEvent.claimed_by == holder)) == count:
                return
        await asyncio.sleep(0.01)


def replies_per_person(emulator: Any) -> Counter[int]:
    return Counter(item["peer_id"] for item in emulator.sent_items())


async def test_confirmation_handshake(db: Database, clock: FakeClock, tmp_path: Path) -> None:
    async with cluster(db, clock, tmp_path) as group:
        instance = group.new_instance("a", callback=True)
        await instance.start()
        url = f"http://127.0.0.1:{instance.port}/callback"
        assert await group.emulator.use_callback(url, SECRET, CONFIRMATION) is True
        assert await post(instance.port, {"type": "confirmation", "group_id": 999}) == (
            403,
            "forbidden",
        )


async def test_wrong_or_missing_secret_and_garbage_are_refused(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    async with cluster(db, clock, tmp_path) as group:
        group.emulator.add_user(100, "Имя", "Фамилия")
        instance = group.new_instance("a", callback=True)
        await instance.start()
        event = {
            "type": "message_new",
            "group_id": 1,
            "event_id": "e1",
            "v": "5.199",
            "object": {"message": {"from_id": 100, "peer_id": 100, "text": "привет"}},
        }
        assert (await post(instance.port, {**event, "secret": "wrong"}))[0] == 403
        assert (await post(instance.port, event))[0] == 403
        assert (await post(instance.port, None, raw=b"{not json"))[0] == 400
        assert (await post(instance.port, [1, 2]))[0] == 400
        assert await stored_events(db) == 0
        assert group.emulator.sent_items() == []


async def test_an_event_for_another_community_is_refused_and_not_acted_on(
    db: Database, clock: FakeClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with cluster(db, clock, tmp_path) as group:
        group.emulator.add_user(100, "Имя", "Фамилия")
        instance = group.new_instance("a", callback=True)
        await instance.start()
        url = f"http://127.0.0.1:{instance.port}/callback"
        assert await group.emulator.use_callback(url, SECRET, CONFIRMATION)
        event = {**message_new("other-1", 100, "что это?"), "secret": SECRET}
        assert await post(instance.port, {**event, "group_id": 999}) == (403, "forbidden")
        assert await post(instance.port, {**event, "group_id": None}) == (403, "forbidden")
        assert "another community 999" in caplog.text
        assert await stored_events(db) == 0
        await group.emulator.deliver_message(100, "а это наше")
        await group.settle([instance])
        assert replies_per_person(group.emulator) == {100: 1}
        assert await stored_events(db) == 1


async def test_two_instances_handle_every_event_once(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    async with cluster(db, clock, tmp_path) as group:
        a = group.new_instance("a", callback=True)
        b = group.new_instance("b", callback=True)
        await a.start()
        await b.start()
        balancer = RoundRobin()
        balancer.ports = [a.port, b.port]
        async for url in balancer.serve():
            assert await group.emulator.use_callback(url, SECRET, CONFIRMATION)
            for person in PEOPLE:
                group.emulator.add_user(person, "Имя", "Фамилия")
            for step in range(3):
                for person in PEOPLE:
                    await group.emulator.deliver_message(person, f"что это {step}?")
            await group.settle([a, b])
            # VK retries and a balancer hiccup: every event arrives again, at both instances.
            events = [body for body in balancer.bodies if body.get("type") == "message_new"]
            answers = await asyncio.gather(
                *(post(instance.port, body) for body in events for instance in (a, b))
            )
            assert {answer for answer in answers} == {(200, "ok")}
            await group.settle([a, b])

        assert len(events) == 3 * len(PEOPLE)
        assert replies_per_person(group.emulator) == {person: 3 for person in PEOPLE}
        random_ids = [item["random_id"] for item in group.emulator.sent_items()]
        assert len(set(random_ids)) == len(random_ids)
        assert await stored_events(db) == len(events)
        # Which instance claims an event is a race (either may, both share one loop here):
        # what must hold is that between them each event was handled exactly once.
        assert sum(i.app.pipeline.stats.processed for i in (a, b)) == len(events)
        duplicates = sum(
            i.app.metrics.registry.get_sample_value(
                "svodka_events_duplicate_total", {"source": "callback"}
            )
            or 0
            for i in (a, b)
        )
        assert duplicates == 2 * len(events)


async def test_claims_of_a_killed_instance_are_taken_over_after_expiry(
    db: Database, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with cluster(db, clock, tmp_path) as group:
        a = group.new_instance("a", callback=True, claim_ttl=timedelta(seconds=60))
        hung = asyncio.Event()

        async def hang(update: dict[str, Any]) -> None:
            hung.set()
            await asyncio.Event().wait()

        monkeypatch.setattr(a.app.pipeline, "_handle", hang)  # A hangs inside a handler
        await a.start()
        url = f"http://127.0.0.1:{a.port}/callback"
        assert await group.emulator.use_callback(url, SECRET, CONFIRMATION)
        for person in PEOPLE:
            group.emulator.add_user(person, "Имя", "Фамилия")
            await group.emulator.deliver_message(person, "что это?")
        assert await group.emulator.callback.drain(10)
        await asyncio.wait_for(hung.wait(), 10)
        await asyncio.wait_for(claimed_by(db, "a", len(PEOPLE)), 10)
        await a.kill()  # nothing handed back

        b = group.new_instance("b", callback=True)
        assert await b.worker.claim_once() == 0  # A's claims are still live
        clock.advance(timedelta(seconds=61))
        await b.start()
        await group.settle([b])
        assert replies_per_person(group.emulator) == {person: 1 for person in PEOPLE}


async def test_graceful_stop_refuses_new_events_and_hands_back_claims(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    async with cluster(db, clock, tmp_path) as group:
        a = group.new_instance("a", callback=True)
        await a.start()
        port = a.port
        a.endpoint.accepting = False  # what stop() does first
        status, _ = await post(port, {"type": "message_new", "event_id": "x", "secret": SECRET})
        assert status == 503
        await a.stop()
        assert await stored_events(db) == 0
