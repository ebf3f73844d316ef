"""PostgreSQL connections are pinged before use only after sitting in the pool a while
(storage/db.py, PING_AFTER_IDLE_S): a dead idle one is replaced before the work that
checked it out sends anything; one that died right after its last use fails that work once
and renews the pool."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

import storage.db
from storage.db import PING_AFTER_IDLE_S, Database, open_database
from tests.conftest import PG_SKIP_REASON

PID = text("SELECT pg_backend_pid()")


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def monotonic(monkeypatch: pytest.MonkeyPatch) -> FakeMonotonic:
    fake = FakeMonotonic()
    monkeypatch.setattr(storage.db, "monotonic", fake)
    return fake


@pytest.fixture
async def pg() -> AsyncIterator[Database]:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip(PG_SKIP_REASON)
    db = open_database(url, pool_size=1)
    yield db
    await db.dispose()


async def _pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return (await connection.execute(PID)).scalar_one()


async def _kill(url: str, pid: int) -> None:
    side = open_database(url)
    try:
        async with side.engine.connect() as connection:
            # Waits until the backend has exited, so the pooled connection is dead for sure.
            killed = await connection.execute(
                text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}
            )
            assert killed.scalar_one()
    finally:
        await side.dispose()


async def _killed_in_the_pool(pg: Database, monotonic: FakeMonotonic, idle_s: float) -> int:
    """The engine's one connection, used, killed while back in the pool, then `idle_s`
    passes; returns the killed connection's server pid."""
    first = await _pid(pg.engine)
    await _kill(pg.engine.url.render_as_string(hide_password=False), first)
    monotonic.now += idle_s
    return first


async def test_a_dead_connection_idle_long_enough_is_replaced_before_use(
    pg: Database, monotonic: FakeMonotonic
) -> None:
    first = await _killed_in_the_pool(pg, monotonic, PING_AFTER_IDLE_S)

    assert await _pid(pg.engine) != first


async def test_a_connection_back_moments_ago_is_used_without_a_ping(
    pg: Database, monotonic: FakeMonotonic
) -> None:
    first = await _killed_in_the_pool(pg, monotonic, PING_AFTER_IDLE_S / 2)

    with pytest.raises(DBAPIError) as failed:
        await _pid(pg.engine)

    assert failed.value.connection_invalidated
    assert await _pid(pg.engine) != first  # the pool was renewed by the failure


async def test_a_live_connection_idle_long_enough_is_kept(
    pg: Database, monotonic: FakeMonotonic
) -> None:
    first = await _pid(pg.engine)
    monotonic.now += 10 * PING_AFTER_IDLE_S

    assert await _pid(pg.engine) == first
