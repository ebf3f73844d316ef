"""The SQLite driver behaves as the DB-API connection SQLAlchemy expects, runs a step's
statements on the event loop's thread, and leaves to its own thread what may take long."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

import storage.db
from storage.db import Database, open_database
from storage.sqlite_driver import OneTripConnection

T = TypeVar("T")

# Far more of SQLite's steps than a statement may take on the event loop's thread.
LONG_READ_ROWS = 300_000
LONG_READ = text(
    "SELECT count(*) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
    f" WHERE i < {LONG_READ_ROWS}) SELECT i FROM n)"
)


async def test_statements_rows_counts_and_errors(tmp_path: Path) -> None:
    db = open_database(f"sqlite+aiosqlite:///{tmp_path}/one.db")
    try:
        async with db.engine.connect() as connection:
            raw = await connection.get_raw_connection()
            assert isinstance(raw.driver_connection, OneTripConnection)
        async with db.sessions.begin() as session:
            await session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
            inserted = await session.execute(text("INSERT INTO t (name) VALUES ('а')"))
            assert (inserted.rowcount, inserted.lastrowid) == (1, 1)
            await session.execute(
                text("INSERT INTO t (name) VALUES (:name)"), [{"name": n} for n in "бвгд"]
            )
            updated = await session.execute(text("UPDATE t SET name = name || '!' WHERE id > 3"))
            assert updated.rowcount == 2
        with pytest.raises(IntegrityError):
            async with db.sessions.begin() as session:
                await session.execute(text("INSERT INTO t (name) VALUES ('а')"))
        async with db.reads() as session:
            rows = (await session.execute(text("SELECT id, name FROM t ORDER BY id"))).all()
            assert [tuple(r) for r in rows] == [
                (1, "а"), (2, "б"), (3, "в"), (4, "г!"), (5, "д!")
            ]  # fmt: skip
            streamed = await session.stream(text("SELECT name FROM t ORDER BY id"))
            assert [r.name async for r in streamed] == ["а", "б", "в", "г!", "д!"]
            nothing = await session.execute(text("SELECT name FROM t WHERE id > 99"))
            assert nothing.first() is None
    finally:
        await db.dispose()


class Trips:
    """Records the statements sent to the connection's thread instead of run inline (but
    for the PRAGMAs that set up a new connection)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.made: list[str] = []
        self.made_one = asyncio.Event()
        to_thread = OneTripConnection._on_thread

        async def counted(connection: OneTripConnection, method: str, sql: str, *rest: Any) -> Any:
            if not sql.startswith("PRAGMA"):
                self.made.append(sql.split()[0])
                self.made_one.set()
            return await to_thread(connection, method, sql, *rest)

        monkeypatch.setattr(OneTripConnection, "_on_thread", counted)


class LoopTurns:
    """Counts the turns the event loop gives another task while some work runs."""

    def __init__(self) -> None:
        self.count = 0

    async def during(self, work: Awaitable[T]) -> T:
        done = asyncio.Event()

        async def take_turns() -> None:
            while not done.is_set():
                self.count += 1
                await asyncio.sleep(0)

        other = asyncio.create_task(take_turns())
        try:
            return await work
        finally:
            done.set()
            await other


async def rows_in_t(db: Database) -> int:
    async with db.reads() as session:
        return (await session.execute(text("SELECT count(*) FROM t"))).scalar_one()


async def insert(db: Database, row: int) -> None:
    async with db.sessions.begin() as session:
        await session.execute(text(f"INSERT INTO t (id) VALUES ({row})"))


@pytest.fixture
def other_process(tmp_path: Path, db: Database) -> Iterator[sqlite3.Connection]:
    """Another process's connection to `db`'s file: a lock of its own, and no waiting."""
    other = sqlite3.connect(tmp_path / "driver.db", timeout=0, isolation_level=None)
    yield other
    other.close()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> Trips:
    return Trips(monkeypatch)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """One SQLite file (this module's own: conftest's `db` runs on every engine)."""
    db = open_database(f"sqlite+aiosqlite:///{tmp_path}/driver.db")
    async with db.sessions.begin() as session:
        await session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
    try:
        yield db
    finally:
        await db.dispose()


async def test_a_step_s_statements_run_inline_and_rollback_still_undoes(
    db: Database, trips: Trips
) -> None:
    async with db.sessions.begin() as session:
        await session.execute(text("INSERT INTO t (id) VALUES (1)"))
        await session.execute(text("SELECT count(*) FROM t"))
    async with db.sessions.begin():
        pass  # begun and ended without a statement: nothing to send, nothing left over
    async with db.read_connection() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar() == 1
    with pytest.raises(RuntimeError):
        async with db.sessions.begin() as session:
            await session.execute(text("INSERT INTO t (id) VALUES (2)"))
            raise RuntimeError("the step failed")
    assert await rows_in_t(db) == 1
    assert trips.made == []


async def test_a_long_read_goes_to_the_thread_and_leaves_the_loop_free(
    db: Database, trips: Trips
) -> None:
    turns = LoopTurns()

    async def long_reads() -> tuple[tuple[int, int, int], int]:
        async with db.read_connection() as connection:
            alone = (await connection.execute(LONG_READ)).scalar()
        async with db.reads() as session:  # its BEGIN went inline with the first try
            in_reads = (await session.execute(LONG_READ)).scalar()
            await session.execute(text("SELECT count(*) FROM t"))
        async with db.sessions.begin() as session:
            await session.execute(text("INSERT INTO t (id) VALUES (7)"))
            in_write = (await session.execute(LONG_READ)).scalar()
        return (alone, in_reads, in_write), turns.count

    counts, turns_meanwhile = await turns.during(long_reads())
    assert counts == (LONG_READ_ROWS,) * 3
    assert trips.made == ["SELECT"] * 3
    assert turns_meanwhile > 0, "the loop stood still while SQLite counted"
    assert await rows_in_t(db) == 1


async def test_a_long_run_of_inline_statements_lets_the_loop_run_meanwhile(
    db: Database, trips: Trips
) -> None:
    turns = LoopTurns()

    async def many_statements() -> int:
        async with db.reads() as session:  # the queries of a report, say
            await session.execute(text("SELECT count(*) FROM t"))
            before = turns.count
            for row in range(3_000):
                await session.execute(text("SELECT id FROM t WHERE id = :id"), {"id": row})
            meanwhile = turns.count - before
        async with db.sessions.begin() as session:
            await session.execute(
                text("INSERT INTO t (id) VALUES (:id)"), [{"id": row} for row in range(1, 501)]
            )
        return meanwhile

    turns_meanwhile = await turns.during(many_statements())
    assert turns_meanwhile >= 2, "3 000 statements in a row kept the loop to themselves"
    assert trips.made == ["INSERT"]  # the 500 rows at once went to the thread; the rest inline
    assert await rows_in_t(db) == 500


async def test_write_transactions_of_one_process_take_turns_without_waiting_in_sqlite(
    db: Database, trips: Trips
) -> None:

    async def write(first: int) -> None:
        async with db.sessions.begin() as session:
            await session.execute(text(f"INSERT INTO t (id) VALUES ({first})"))
            for _ in range(3):
                await asyncio.sleep(0)  # the others run meanwhile
            await session.execute(text(f"INSERT INTO t (id) VALUES ({first + 1})"))

    await asyncio.gather(*(write(first) for first in range(10, 60, 10)))
    assert await rows_in_t(db) == 10
    assert trips.made == []


async def test_another_process_s_lock_is_waited_out_on_the_thread(
    db: Database, trips: Trips, other_process: sqlite3.Connection
) -> None:
    other_process.execute("BEGIN IMMEDIATE")
    other_process.execute("INSERT INTO t (id) VALUES (1)")
    writing = asyncio.create_task(insert(db, 2))
    await trips.made_one.wait()  # met the lock inline; now waiting on the thread
    other_process.execute("COMMIT")
    await writing
    assert await rows_in_t(db) == 2
    assert trips.made == ["INSERT"]


async def test_a_step_cancelled_while_it_waits_for_another_s_lock_leaves_nothing_behind(
    db: Database, trips: Trips, other_process: sqlite3.Connection
) -> None:
    other_process.execute("BEGIN IMMEDIATE")
    cancelled = asyncio.create_task(insert(db, 1))
    await trips.made_one.wait()  # its INSERT waits on the thread
    cancelled.cancel()
    other_process.execute("COMMIT")  # the INSERT goes through there, then its ROLLBACK
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    await insert(db, 2)
    async with db.reads() as session:
        assert (await session.execute(text("SELECT id FROM t"))).scalars().all() == [2]


async def test_a_lock_held_too_long_fails_the_waiting_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage.db, "SQLITE_BUSY_TIMEOUT_MS", 50)
    db = open_database(f"sqlite+aiosqlite:///{tmp_path}/short.db")
    other = sqlite3.connect(tmp_path / "short.db", timeout=0, isolation_level=None)
    try:
        async with db.sessions.begin() as session:
            await session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        holding, release = asyncio.Event(), asyncio.Event()

        async def hold() -> None:
            async with db.sessions.begin() as session:
                await session.execute(text("INSERT INTO t (id) VALUES (1)"))
                holding.set()
                await release.wait()

        holder = asyncio.create_task(hold())
        await holding.wait()
        with pytest.raises(OperationalError, match="locked"):  # this process's turn
            async with db.sessions.begin() as session:
                await session.execute(text("INSERT INTO t (id) VALUES (2)"))
        release.set()
        await holder
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(OperationalError, match="locked"):  # another process's lock
            async with db.sessions.begin() as session:
                await session.execute(text("INSERT INTO t (id) VALUES (3)"))
        other.execute("ROLLBACK")
        async with db.reads() as session:
            assert (await session.execute(text("SELECT id FROM t"))).scalars().all() == [1]
    finally:
        other.close()
        await db.dispose()


async def test_a_write_transaction_holds_the_write_lock_from_its_first_statement(
    tmp_path: Path,
) -> None:
    path = tmp_path / "lock.db"
    db = open_database(f"sqlite+aiosqlite:///{path}")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        async with db.sessions.begin() as session:
            await session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        async with db.sessions.begin() as session:
            await session.execute(text("SELECT count(*) FROM t"))  # a read, yet IMMEDIATE
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once committed
        other.execute("ROLLBACK")
    finally:
        other.close()
        await db.dispose()
