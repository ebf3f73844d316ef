"""aiosqlite, with the statements that cannot block run on the event loop's own thread.

aiosqlite runs every call on a worker thread. A check-in step's statements take
microseconds in SQLite, yet each trip to the thread and back (a hand-over of the GIL and a
wake-up of the event loop through its self-pipe) cost more of the bot's CPU than the
statements themselves, and a bot that stores each step spent most of its time on them
(bench/README.md, "inbound"). So a statement runs inline, on the loop's thread, when it
cannot wait on anyone:

- in a write transaction: the process's write transactions on one database take turns on
  an asyncio lock (`write_turn`), so BEGIN IMMEDIATE meets no writer of this process;
- a SELECT: WAL readers wait on nobody, and a read that runs longer than a small budget of
  SQLite's VM steps is interrupted and run again on the thread, so a year's export never
  freezes the loop.

What may wait goes to the thread with SQLite's busy timeout, where waiting blocks nobody:
a statement that met another process's lock (SQLITE_BUSY inline, where the timeout is 0),
and writes outside a transaction; so do bulk writes (an executemany of many rows). A long
run of inline statements lets the loop run every few milliseconds (but not inside a write
transaction, where the others could only queue for its turn), so a report still shares the
loop with the check-ins. A transaction's BEGIN travels with its first statement, and a
COMMIT or ROLLBACK with no transaction open (the pool's reset) does nothing.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
import weakref
from collections.abc import Callable, Iterable, Sequence, Sized
from functools import partial
from typing import Any, TypeVar

import aiosqlite

WRITE_BEGIN = "BEGIN IMMEDIATE"
# A read runs inline for at most this many of SQLite's VM steps (a few milliseconds), checked
# every PROGRESS_STEP of them: enough for any lookup by key, far too few for a report.
PROGRESS_STEP = 1_000
INLINE_READ_STEPS = 200_000
# An executemany of more rows than this goes to the thread (bulk inserts of a planning tick).
INLINE_ROWS = 100
# Statements run inline do not let the event loop run between them; a run of many in one
# session (a report's queries) lets it run at least this often, as it did when each went to
# the thread. (A session's begin and end let it run anyway.)
SHARE_LOOP_EVERY_S = 0.005
_BUSY, _INTERRUPTED = sqlite3.SQLITE_BUSY, sqlite3.SQLITE_INTERRUPT

Result = tuple[Any, int, int | None, list[Any]]
T = TypeVar("T")


class OneTripCursor:
    """What SQLAlchemy's aiosqlite adapter needs of a cursor, each statement in one call.

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
        await self._run("execute", sql, parameters or ())
        return self

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> OneTripCursor:
        await self._run("executemany", sql, rows)
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

    async def _run(self, method: str, sql: str, parameters: Any) -> None:
        result = await self._connection.run(method, sql, parameters)
        self.description, self.rowcount, self.lastrowid, self._rows = result


_write_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def write_turn(database: str) -> asyncio.Lock:
    """The lock this process's write transactions on `database` take turns on (one per
    event loop: an asyncio lock belongs to one)."""
    if database in ("", ":memory:"):
        return asyncio.Lock()  # each such connection is a database of its own
    turns = _write_turns.setdefault(asyncio.get_running_loop(), {})
    return turns.setdefault(database, asyncio.Lock())


class OneTripConnection(aiosqlite.Connection):
    """aiosqlite's connection, running what cannot wait inline (see the module's doc)."""

    # The BEGIN of a transaction goes with its first statement.
    pending_begin: str | None = None
    # How long a statement may wait for another's lock, on the thread (SQLite's busy timeout
    # is 0 on the connection, so that nothing inline ever waits).
    busy_wait_ms = 0
    database = ""
    _turn: asyncio.Lock | None = None  # held from a write transaction's BEGIN to its end
    _read_steps_left = 0

    def begin_with_next_statement(self, begin: str) -> None:
        self.pending_begin = begin

    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)

    async def run(self, method: str, sql: str, parameters: Any) -> Result:
        begin, self.pending_begin = self.pending_begin, None
        if self._turn is None:
            await _loop_share.give_if_due()
        if begin == WRITE_BEGIN:
            await self._take_write_turn()
        in_transaction = begin is not None or self._conn.in_transaction
        reads = _is_read(sql)
        if not (in_transaction or reads) or _many_rows(method, parameters):
            return await self._on_thread(method, sql, parameters, begin)
        try:
            return self._inline(method, sql, parameters, begin, reads)
        except sqlite3.OperationalError as exc:
            code = _code(exc)
            if code not in (_BUSY, _INTERRUPTED):
                raise
            if code == _INTERRUPTED and in_transaction and not self._conn.in_transaction:
                raise  # SQLite rolled the whole transaction back: nothing to go on with
        if begin is not None and self._conn.in_transaction:
            begin = None  # the BEGIN went through; only the statement is run again
        return await self._on_thread(method, sql, parameters, begin)

    async def commit(self) -> None:
        self.pending_begin = None  # a transaction without statements never began
        try:
            if self._conn.in_transaction:
                try:
                    self._conn.commit()
                except sqlite3.OperationalError as exc:
                    if _code(exc) != _BUSY:
                        raise
                    await self._wait_on_thread(self._conn.commit)
        finally:
            self._end_write_turn()

    async def rollback(self) -> None:
        self.pending_begin = None
        try:
            if self._conn.in_transaction:
                self._conn.rollback()
        finally:
            self._end_write_turn()

    async def close(self) -> None:
        self._end_write_turn()
        await super().close()

    def stop(self) -> asyncio.Future[Any] | None:
        self._end_write_turn()
        return super().stop()

    async def _take_write_turn(self) -> None:
        turn = write_turn(self.database)
        try:
            async with asyncio.timeout(self.busy_wait_ms / 1000):
                await turn.acquire()
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked") from None
        self._turn = turn

    def _end_write_turn(self) -> None:
        turn, self._turn = self._turn, None
        if turn is not None:
            turn.release()

    def _inline(
        self, method: str, sql: str, parameters: Any, begin: str | None, reads: bool
    ) -> Result:
        if not reads:
            return _run(self._conn, method, sql, parameters, begin)
        self._read_steps_left = INLINE_READ_STEPS
        self._conn.set_progress_handler(self._spend_read_steps, PROGRESS_STEP)
        try:
            return _run(self._conn, method, sql, parameters, begin)
        finally:
            self._conn.set_progress_handler(None, 0)

    def _spend_read_steps(self) -> bool:
        self._read_steps_left -= PROGRESS_STEP
        return self._read_steps_left <= 0  # true interrupts the statement

    async def _on_thread(self, method: str, sql: str, parameters: Any, begin: str | None) -> Result:
        # Nothing inline overtakes this: were the step cancelled while it waits, SQLAlchemy
        # closes the connection, and the thread runs the close after the statement.
        return await self._wait_on_thread(partial(_run, self._conn, method, sql, parameters, begin))

    async def _wait_on_thread(self, work: Callable[[], T]) -> T:
        """`work` on the connection's thread, where it may wait for another's lock."""
        return await self._execute(partial(_waiting, self._conn, self.busy_wait_ms, work))


def connect(database: str, *, busy_wait_ms: int, **kwargs: Any) -> OneTripConnection:
    """`aiosqlite.connect` for this connection class (what SQLAlchemy's dialect passes);
    a statement that meets another's lock waits for it up to `busy_wait_ms`."""
    kwargs.pop("iter_chunk_size", None)
    # Used from the loop's thread and from aiosqlite's, never from both at once.
    kwargs.update(timeout=0, check_same_thread=False)
    connection = OneTripConnection(partial(sqlite3.connect, database, **kwargs), 64)
    connection.database, connection.busy_wait_ms = str(database), busy_wait_ms
    # As SQLAlchemy does for aiosqlite's own: a forgotten connection must not keep the
    # process alive.
    connection._thread.daemon = True
    return connection


class _LoopShare:
    """When the event loop last got its turn from a run of inline statements."""

    def __init__(self) -> None:
        self.given_at = 0.0

    async def give_if_due(self) -> None:
        now = time.perf_counter()
        if now - self.given_at >= SHARE_LOOP_EVERY_S:
            self.given_at = now
            await asyncio.sleep(0)


_loop_share = _LoopShare()


def _many_rows(method: str, parameters: Any) -> bool:
    return method == "executemany" and (
        not isinstance(parameters, Sized) or len(parameters) > INLINE_ROWS
    )


def _is_read(sql: str) -> bool:
    return sql.lstrip()[:6].upper() == "SELECT"


def _run(
    connection: sqlite3.Connection, method: str, sql: str, parameters: Any, begin: str | None
) -> Result:
    if begin is not None:
        connection.execute(begin)
    cursor = getattr(connection, method)(sql, parameters)
    try:
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


def _waiting(connection: sqlite3.Connection, wait_ms: int, work: Callable[[], T]) -> T:
    """On aiosqlite's thread: `work`, waiting up to `wait_ms` for another's lock."""
    connection.execute(f"PRAGMA busy_timeout={int(wait_ms)}")
    try:
        return work()
    finally:
        connection.execute("PRAGMA busy_timeout=0")


def _code(error: sqlite3.Error) -> int:
    return getattr(error, "sqlite_errorcode", 0) & 0xFF  # the primary code, not the extended
