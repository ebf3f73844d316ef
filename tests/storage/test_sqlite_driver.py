"""The one-trip SQLite cursor behaves as the DB-API cursor SQLAlchemy expects."""

from __future__ import annotations

from pathlib import Path

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
