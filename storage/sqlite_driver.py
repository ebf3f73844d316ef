"""aiosqlite with one trip to the connection's thread per statement.

aiosqlite runs every call on a worker thread, and SQLAlchemy's adapter makes four calls per
statement (open a cursor, execute, fetch, close): four hand-overs of the GIL and four wake-ups
of the event loop through its self-pipe. At a check-in step's ten statements those trips cost
more of the bot's CPU than the statements themselves (bench/README.md, "inbound"). Here the
cursor does the four in one trip, a transaction's BEGIN travels with its first statement, and
COMMIT or ROLLBACK with no transaction open (the pool's reset) make no trip at all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

import aiosqlite


class OneTripCursor:
    """What SQLAlchemy's aiosqlite adapter needs of a cursor, each statement in one trip.

    Rows are fetched with the statement: SQLAlchemy's buffered cursors fetch them all anyway,
    and its server-side cursors read this buffer in chunks just the same."""

    arraysize = 1

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: list[Any] = []

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> OneTripCursor:
        await self._trip("execute", sql, parameters or ())
        return self

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> OneTripCursor:
        await self._trip("executemany", sql, rows)
        return self

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        size = self.arraysize if size is None else size
        rows, self._rows = self._rows[:size], self._rows[size:]
        return rows

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def close(self) -> None:
        self._rows = []

    async def _trip(self, method: str, sql: str, parameters: Any) -> None:
        connection = self._connection
        begin, connection.pending_begin = connection.pending_begin, None
        run = partial(_run, connection.sqlite, method, sql, parameters, begin)
        self.description, self.rowcount, self.lastrowid, self._rows = await connection.in_thread(
            run
        )


class OneTripConnection(aiosqlite.Connection):
    # The BEGIN of a transaction goes with its first statement, in the same trip.
    pending_begin: str | None = None

    def begin_with_next_statement(self, begin: str) -> None:
        self.pending_begin = begin

    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)

    @property
    def sqlite(self) -> sqlite3.Connection:
        return self._conn

    async def in_thread(self, function: Any) -> Any:
        return await self._execute(function)

    # SQLAlchemy ends every checkout with a rollback (the pool's reset), after a COMMIT too,
    # and reads outside a transaction end with one as well: with nothing to end, skip the
    # trip to the thread (reading the flag is safe from any thread).
    async def commit(self) -> None:
        self.pending_begin = None  # a transaction without statements never began
        if self._conn.in_transaction:
            await super().commit()

    async def rollback(self) -> None:
        self.pending_begin = None
        if self._conn.in_transaction:
            await super().rollback()


def connect(database: str, **kwargs: Any) -> OneTripConnection:
    """`aiosqlite.connect` for this connection class (what SQLAlchemy's dialect passes)."""
    kwargs.pop("iter_chunk_size", None)
    connection = OneTripConnection(partial(sqlite3.connect, database, **kwargs), 64)
    # As SQLAlchemy does for aiosqlite's own: a forgotten connection must not keep the
    # process alive.
    connection._thread.daemon = True
    return connection


def _run(
    connection: sqlite3.Connection, method: str, sql: str, parameters: Any, begin: str | None
) -> tuple[Any, int, int | None, list[Any]]:
    if begin is not None:
        connection.execute(begin)
    cursor = getattr(connection, method)(sql, parameters)
    try:
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()
