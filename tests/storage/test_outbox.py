"""Outbox claim, sweep and planning on both engines."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.clock import FakeClock
from bot.scheduler.planner import plan
from storage.db import Database
from storage.models import District, OutboxMessage, Person, School, SchoolStaff
from storage.repos import outbox as repo


async def _rows(db: Database, clock: FakeClock, count: int, **values) -> None:
    now = clock.now()
    rows = [
        {
            "natural_key": f"test:{i}",
            "kind": "prompt",
            "peer_id": 100 + i,
            "payload": {"texts": ["t"], "keyboard": None},
            "random_id": 1 + i,
            "status": "pending",
            "not_before": now,
            "not_after": now + timedelta(days=1),
            "attempts": 0,
            "created_at": now,
            **values,
        }
        for i in range(count)
    ]
    async with db.sessions.begin() as session:
        assert await repo.insert(session, rows) == count
        assert await repo.insert(session, rows) == 0  # the natural key keeps them unique


async def _claim(db: Database, clock: FakeClock, holder: str) -> list[int]:
    taken: list[int] = []
    while True:
        async with db.sessions.begin() as session:
            rows = await repo.claim(
                session, now=clock.now(), holder=holder, until=clock.now(), limit=7
            )
        if not rows:
            return taken
        taken += [row.id for row in rows]
        await asyncio.sleep(0)


async def test_concurrent_claims_are_disjoint(db: Database, clock: FakeClock) -> None:
    await _rows(db, clock, 60)
    results = await asyncio.gather(*(_claim(db, clock, f"h{i}") for i in range(3)))
    everything = [row_id for taken in results for row_id in taken]
    assert len(everything) == len(set(everything)) == 60


async def test_claim_skips_rows_not_yet_due_or_overdue(db: Database, clock: FakeClock) -> None:
    await _rows(db, clock, 2, not_before=clock.now() + timedelta(minutes=1))
    async with db.sessions.begin() as session:
        assert (
            await repo.claim(session, now=clock.now(), holder="h", until=clock.now(), limit=9) == []
        )
    clock.advance(timedelta(days=2))
    async with db.sessions.begin() as session:
        assert (
            await repo.claim(session, now=clock.now(), holder="h", until=clock.now(), limit=9) == []
        )
        assert await repo.expire_overdue(session, clock.now()) == 2


async def test_stale_claims_are_released(db: Database, clock: FakeClock) -> None:
    await _rows(db, clock, 3)
    async with db.sessions.begin() as session:
        until = clock.now() + timedelta(minutes=5)
        claimed = await repo.claim(session, now=clock.now(), holder="dead", until=until, limit=9)
        assert len(claimed) == 3
        assert await repo.release_stale_claims(session, clock.now()) == 0
    clock.advance(timedelta(minutes=6))
    async with db.sessions.begin() as session:
        assert await repo.release_stale_claims(session, clock.now()) == 3
        again = await repo.claim(session, now=clock.now(), holder="b", until=clock.now(), limit=9)
    assert sorted(row.random_id for row in again) == [1, 2, 3]  # same ids: VK deduplicates
    assert {row.attempts for row in again} == {2}


async def test_planning_is_idempotent_and_quiet(db: Database, clock: FakeClock) -> None:
    now = clock.now()
    async with db.sessions.begin() as session:
        district = District(
            name="Д", tz="Europe/Moscow", school_holidays=[], emails=[], created_at=now
        )
        session.add(district)
        await session.flush()
        school = School(district_id=district.id, name="Школа", created_at=now)
        person = Person(vk_id=5, first_name="Ира", created_at=now)
        session.add_all([school, person])
        await session.flush()
        session.add(
            SchoolStaff(person_id=person.id, school_id=school.id, role="head", created_at=now)
        )
    assert await plan(db=db, now=now) == 1
    assert await asyncio.gather(plan(db=db, now=now), plan(db=db, now=now)) == [0, 0]
    clock.advance(timedelta(hours=1))
    assert await plan(db=db, now=clock.now()) == 0
    async with db.reads() as session:
        (row,) = (await session.execute(OutboxMessage.__table__.select())).all()
    assert row.natural_key.endswith(f":prompt:s{school.id}:p{person.id}")
    assert 0 < row.random_id < 2**63


async def test_existing_keys_of_a_country_sized_district(db: Database, clock: FakeClock) -> None:
    # More keys than asyncpg allows parameters in one statement (32 767).
    await _rows(db, clock, 3)
    keys = [f"test:{i}" for i in range(40_000)]

    async with db.reads() as session:
        found = await repo.existing_keys(session, keys)

    assert found == {"test:0", "test:1", "test:2"}
