"""Transactions as storage/db.py sets them up: on SQLite writers queue for the write lock
from their BEGIN IMMEDIATE, reads under WAL neither wait for writers nor hold them up, the
pragmas are on every connection; on both engines a failed transaction leaves nothing, and a
write of one statement runs without BEGIN and COMMIT around it."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

import storage.db
from storage.db import Database, open_database
from storage.models import AppState

WRITERS = 8


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "tx.db"


@pytest.fixture
async def sqlite(path: Path) -> AsyncIterator[Database]:
    """A SQLite file with a counter row in table `t`."""
    db = open_database(f"sqlite+aiosqlite:///{path}")
    async with db.sessions.begin() as session:
        await session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)"))
        await session.execute(text("INSERT INTO t (id, n) VALUES (1, 0)"))
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
def other_process(path: Path, sqlite: Database) -> Iterator[sqlite3.Connection]:
    """Another process's connection to the same file: its own locks, and no waiting."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    yield other
    other.close()


@pytest.fixture
def began(sqlite: Database) -> asyncio.Event:
    """Set when a transaction's BEGIN is sent to the driver (which may then wait for a lock)."""
    sent = asyncio.Event()

    @event.listens_for(sqlite.engine.sync_engine, "before_cursor_execute")
    def _sent(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("BEGIN"):
            sent.set()

    return sent


async def counter(db: Database) -> int:
    async with db.reads() as session:
        return (await session.execute(text("SELECT n FROM t WHERE id = 1"))).scalar_one()


async def add_one(db: Database) -> None:
    """Read, let the others run, write back: a lost update unless writers take turns."""
    async with db.sessions.begin() as session:
        n = (await session.execute(text("SELECT n FROM t WHERE id = 1"))).scalar_one()
        for _ in range(5):
            await asyncio.sleep(0)
        await session.execute(text("UPDATE t SET n = :n WHERE id = 1"), {"n": n + 1})


async def test_every_connection_has_the_pragmas(sqlite: Database) -> None:
    async def pragmas(connection: Any) -> tuple[Any, ...]:
        names = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        return tuple([(await connection.exec_driver_sql(f"PRAGMA {n}")).scalar() for n in names])

    expected = ("wal", 1, 1, storage.db.SQLITE_BUSY_TIMEOUT_MS)  # synchronous 1 = NORMAL
    # Hold every connection of the pool at once, so each is looked at.
    connections = [await sqlite.read_engine.connect().start() for _ in range(storage.db.POOL_SIZE)]
    try:
        assert [await pragmas(c) for c in connections] == [expected] * storage.db.POOL_SIZE
    finally:
        for connection in connections:
            await connection.close()


async def test_concurrent_writers_take_turns_and_lose_no_update(sqlite: Database) -> None:
    await asyncio.gather(*(add_one(sqlite) for _ in range(WRITERS)))

    assert await counter(sqlite) == WRITERS


async def test_a_write_transaction_holds_the_write_lock_from_its_begin(
    sqlite: Database, other_process: sqlite3.Connection
) -> None:
    async with sqlite.sessions.begin() as session:
        await session.execute(text("SELECT n FROM t"))  # only a read so far, yet IMMEDIATE
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other_process.execute("BEGIN IMMEDIATE")
    other_process.execute("BEGIN IMMEDIATE")  # free again once committed
    other_process.execute("ROLLBACK")


async def test_a_writer_waits_for_another_s_lock_and_then_writes(
    sqlite: Database, other_process: sqlite3.Connection, began: asyncio.Event
) -> None:
    other_process.execute("BEGIN IMMEDIATE")
    other_process.execute("UPDATE t SET n = 10 WHERE id = 1")
    writing = asyncio.create_task(add_one(sqlite))
    await began.wait()  # its BEGIN is on aiosqlite's thread, which waits for the lock
    other_process.execute("COMMIT")
    await writing

    assert await counter(sqlite) == 11


async def test_a_lock_held_longer_than_busy_timeout_fails_the_writer_alone(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage.db, "SQLITE_BUSY_TIMEOUT_MS", 50)
    db = open_database(f"sqlite+aiosqlite:///{path}")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        async with db.sessions.begin() as session:
            await session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)"))
            await session.execute(text("INSERT INTO t (id, n) VALUES (1, 0)"))
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(OperationalError, match="database is locked"):
            await add_one(db)
        assert await counter(db) == 0  # reads go on meanwhile
        other.execute("ROLLBACK")
        await add_one(db)  # the pool's connections are fine afterwards
        assert await counter(db) == 1
    finally:
        other.close()
        await db.dispose()


async def test_reads_do_not_hold_up_a_writer_and_keep_their_snapshot(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No waiting at all: a writer that a reader held up would fail at once.
    monkeypatch.setattr(storage.db, "SQLITE_BUSY_TIMEOUT_MS", 0)
    db = open_database(f"sqlite+aiosqlite:///{path}")
    try:
        async with db.sessions.begin() as session:
            await session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)"))
            await session.execute(text("INSERT INTO t (id, n) VALUES (1, 0)"))
        async with db.reads() as reader:
            before = (await reader.execute(text("SELECT n FROM t"))).scalar_one()
            await add_one(db)  # committed while the read transaction is open
            again = (await reader.execute(text("SELECT n FROM t"))).scalar_one()
        assert (before, again) == (0, 0)  # one snapshot for the whole read session
        assert await counter(db) == 1
    finally:
        await db.dispose()


async def test_a_read_during_a_write_transaction_sees_the_last_commit(
    sqlite: Database,
) -> None:
    async with sqlite.sessions.begin() as writer:
        await writer.execute(text("UPDATE t SET n = 5 WHERE id = 1"))
        assert await counter(sqlite) == 0
    assert await counter(sqlite) == 5


async def test_a_cancelled_writer_waiting_for_the_lock_leaves_nothing_behind(
    sqlite: Database, other_process: sqlite3.Connection, began: asyncio.Event
) -> None:
    other_process.execute("BEGIN IMMEDIATE")
    cancelled = asyncio.create_task(add_one(sqlite))
    await began.wait()
    cancelled.cancel()
    other_process.execute("COMMIT")
    with pytest.raises(asyncio.CancelledError):
        await cancelled

    await add_one(sqlite)
    assert await counter(sqlite) == 1


async def test_a_failed_transaction_leaves_nothing(db: Database) -> None:
    async with db.sessions.begin() as session:
        session.add(AppState(key="kept", value={"n": 1}))
    with pytest.raises(RuntimeError):
        async with db.sessions.begin() as session:
            session.add(AppState(key="lost", value={"n": 2}))
            await session.flush()
            raise RuntimeError("the work failed after its first write")
    with pytest.raises(IntegrityError):
        async with db.sessions.begin() as session:
            session.add(AppState(key="also lost", value={"n": 3}))
            await session.flush()
            session.add(AppState(key="kept", value={"n": 4}))  # a duplicate key
            await session.flush()
    async with db.sessions.begin() as session:  # the connection is fit for the next one
        session.add(AppState(key="next", value={"n": 5}))

    async with db.reads() as session:
        rows = (await session.execute(text("SELECT key FROM app_state ORDER BY key"))).scalars()
        assert rows.all() == ["kept", "next"]


async def test_a_statement_alone_runs_without_begin_and_commit(db: Database) -> None:
    sent: list[str] = []
    # No BEGIN on PostgreSQL either: its BEGIN is not a cursor statement, so look at the driver.
    isolation = None if db.is_sqlite else "AUTOCOMMIT"

    def _sent(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement.split()[0].upper())
        assert conn.get_execution_options().get("isolation_level") == isolation

    for engine in db.engines:  # on SQLite the read goes to an engine of its own
        event.listen(engine.sync_engine, "before_cursor_execute", _sent)
    written = await db.write_alone(
        insert(AppState).returning(AppState.key), {"key": "alone", "value": {"n": 1}}
    )
    with pytest.raises(IntegrityError):  # the same key again: the statement fails whole
        await db.write_alone(insert(AppState), {"key": "alone", "value": {"n": 2}})
    changed = await db.write_alone(
        update(AppState).where(AppState.key == "alone").values(value={"n": 3})
    )

    read = await db.read_alone(select(AppState.value).where(AppState.key == "alone"))

    assert (written.rows[0].key, changed.rowcount, read[0].value) == ("alone", 1, {"n": 3})
    assert sent == ["INSERT", "INSERT", "UPDATE", "SELECT"]
    for engine in db.engines:
        event.remove(engine.sync_engine, "before_cursor_execute", _sent)
    async with db.reads() as session:  # committed: another connection sees it
        assert await session.scalar(select(AppState.value)) == {"n": 3}


async def test_a_read_session_on_postgresql_is_one_transaction(db: Database) -> None:
    """The reports turn JIT off for their statement by SET LOCAL, which lasts a transaction."""
    if db.is_sqlite:
        pytest.skip("SET LOCAL is PostgreSQL's")
    async with db.reads() as session:
        await session.execute(text("SET LOCAL jit = off"))
        assert await session.scalar(text("SHOW jit")) == "off"
