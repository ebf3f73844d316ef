"""The one-trip SQLite cursor behaves as the DB-API cursor SQLAlchemy expects."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage.db import open_database
from storage.sqlite_driver import OneTripConnection


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


async def test_no_trip_to_end_what_is_not_begun_and_rollback_still_undoes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_database(f"sqlite+aiosqlite:///{tmp_path}/trips.db")
    trips: list[str] = []
    to_thread = OneTripConnection._execute

    async def counted(self: OneTripConnection, function: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(getattr(function, "__name__", "statement"))
        return await to_thread(self, function, *args, **kwargs)

    try:
        async with db.sessions.begin() as session:
            await session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        monkeypatch.setattr(OneTripConnection, "_execute", counted)
        async with db.sessions.begin() as session:
            await session.execute(text("INSERT INTO t (id) VALUES (1)"))
        # BEGIN IMMEDIATE with the INSERT, COMMIT — and no rollback for the pool's reset.
        assert trips == ["statement", "commit"]
        trips.clear()
        async with db.sessions.begin():
            pass  # begun and ended without a statement: nothing to send, nothing left over
        assert trips == []
        async with db.read_connection() as connection:
            assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar() == 1
        assert trips == ["statement"]  # no BEGIN, no ROLLBACK: the SELECT alone
        with pytest.raises(RuntimeError):
            async with db.sessions.begin() as session:
                await session.execute(text("INSERT INTO t (id) VALUES (2)"))
                raise RuntimeError("the step failed")
        async with db.reads() as session:
            assert (await session.execute(text("SELECT count(*) FROM t"))).scalar() == 1
    finally:
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
