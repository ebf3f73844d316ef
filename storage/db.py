"""Engine and sessions for SQLite (embedded default) and PostgreSQL (production).

`Database.sessions` is for work that may write, `Database.reads` for work that only reads.

SQLite runs on stock aiosqlite through SQLAlchemy's own dialect, with SQLAlchemy's recipe for
transactions with the sqlite3 driver ("Transactions with SQLite and the sqlite3 driver" in
its SQLite documentation): the driver's own transaction handling is off
(`isolation_level = None`), and every transaction starts with the BEGIN that the engine's
`begin` event sends. A write transaction sends BEGIN IMMEDIATE: it takes the write lock at
its start, and a second writer waits for it (up to `busy_timeout`, on aiosqlite's thread,
so the event loop goes on) instead of failing at once with SQLITE_BUSY when a deferred
transaction tries to upgrade its lock — which is how two instances would lose updates. A
read transaction sends a plain (deferred) BEGIN: under WAL it reads one snapshot and neither
waits for writers nor holds them up.

A write that is one statement goes through `Database.write_alone`, a read that is one
statement through `Database.read_alone`, without BEGIN and COMMIT (or ROLLBACK) around it:
both databases make a single statement atomic on their own (on PostgreSQL the connection is
in autocommit for it, so the driver sends no BEGIN). On SQLite every statement costs
trips to aiosqlite's thread (four for a SELECT, three for BEGIN), which take CPU and, for a
write, time on the one write connection; the BEGIN and its end were half of such work's
trips.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from time import monotonic
from typing import Any

from sqlalchemy import Executable, Row, event, exc
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import ORMExecuteState, Session

# How long a SQLite statement waits for another connection's lock before it fails with
# "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",  # readers and the writer do not block each other
    "PRAGMA synchronous=NORMAL",  # durable in WAL mode but for a power cut's last commits
    "PRAGMA foreign_keys=ON",
)
# Connections per process, without overflow. No code holds a connection while it waits for
# another (a test run that flagged every such checkout found only the tests' own), so the
# handlers in flight share them without deadlock. The 10 overflow connections of the default
# pool cost 0,7–1 MiB each for good (statement caches; on SQLite an aiosqlite thread each)
# and bought no throughput (bench/README.md, "Design decisions").
POOL_SIZE = 5
# A PostgreSQL connection back in the pool for less than this is used without a ping first.
# Under load every connection comes back within milliseconds, and SQLAlchemy's pre-ping
# cost each checkout a round trip (three on a connection in a transaction: BEGIN, ";",
# ROLLBACK) — a third of the bot's trips to the database (bench/README.md).
# What dies in the meantime is found by the first statement, which fails that one piece of
# work and renews the pool; a restart of the server takes longer than this.
PING_AFTER_IDLE_S = 1.0
# Execution options of the engines behind `Database.reads` and the `…_alone` statements.
READ_ONLY = "read_only"
ALONE = "one_statement"


class WriteInReadSession(RuntimeError):
    """Something tried to write in a `reads()` session, whose work is never committed."""


class ReadSession(Session):
    """The session behind `Database.reads`: refuses to flush or to run INSERT/UPDATE/DELETE
    instead of silently losing the write at the end of the session."""


@event.listens_for(ReadSession, "before_flush")
def _refuse_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise WriteInReadSession("flush in a read session")


@event.listens_for(ReadSession, "do_orm_execute")
def _refuse_dml(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise WriteInReadSession("a write statement in a read session")


@dataclass(frozen=True)
class Written:
    """What a statement run by `Database.write_alone` did."""

    rowcount: int
    rows: list[Row[Any]]  # what RETURNING gave


class Database:
    """The database's two kinds of session: `sessions` for work that may write (commit with
    `sessions.begin()`), `reads` for read-only work (rolled back at its end). On PostgreSQL
    both come from one engine; a SQLite file gets an engine for reads beside the one for
    writes (see `open_database`)."""

    def __init__(self, engine: AsyncEngine, read_engine: AsyncEngine | None = None) -> None:
        self.engine = engine
        self.engines = [engine] if read_engine is None else [engine, read_engine]
        alone: dict[str, Any] = {ALONE: True}
        if engine.dialect.name == "postgresql":
            alone["isolation_level"] = "AUTOCOMMIT"
        self.read_engine = (read_engine or engine).execution_options(**{READ_ONLY: True})
        self.read_alone_engine = self.read_engine.execution_options(**alone)
        self.alone_engine = engine.execution_options(**alone)
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.reads = async_sessionmaker(
            self.read_engine, expire_on_commit=False, sync_session_class=ReadSession
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    async def read_alone(
        self, statement: Executable, params: dict[str, Any] | None = None
    ) -> list[Row[Any]]:
        """Run one SELECT on a read connection, without BEGIN and ROLLBACK around it: a
        single statement reads one snapshot by itself."""
        async with self.read_alone_engine.connect() as connection:
            return list((await connection.execute(statement, params)).all())

    async def write_alone(
        self, statement: Executable, params: dict[str, Any] | None = None
    ) -> Written:
        """Run one INSERT, UPDATE or DELETE, committed by itself: for a write that nothing
        else needs to be atomic with."""
        async with self.alone_engine.connect() as connection:
            result = await connection.execute(statement, params)
            rows = list(result.all()) if result.returns_rows else []
            await connection.commit()
            return Written(result.rowcount, rows)

    async def dispose(self) -> None:
        for engine in self.engines:
            await engine.dispose()


def open_database(url: str, **engine_kwargs: Any) -> Database:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        # SQLite lets one connection write at a time. With one write connection, writers
        # queue for it in the event loop; with several, all but one would wait in SQLite's
        # busy handler, asleep on their threads while holding connections that reads need
        # (measured 2026-12-07: +40 % check-ins a second under a burst). Reads get a pool of
        # their own: under WAL they never wait for the writer.
        writes = create_engine(url, **{**engine_kwargs, "pool_size": 1})
        return Database(writes, create_engine(url, **engine_kwargs))
    return Database(create_engine(url, **engine_kwargs))


def create_engine(url: str, **engine_kwargs: Any) -> AsyncEngine:
    parsed = make_url(url)
    in_memory = parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")
    if not in_memory:  # an in-memory SQLite database has a single connection anyway
        engine_kwargs.setdefault("pool_size", POOL_SIZE)
        engine_kwargs.setdefault("max_overflow", 0)
    if parsed.get_backend_name() != "sqlite":
        engine = create_async_engine(url, **engine_kwargs)
        _ping_after_idle(engine)
        return engine
    if not in_memory:
        assert parsed.database is not None  # None is an in-memory database
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, **engine_kwargs)
    _tune_sqlite(engine)
    return engine


def _ping_after_idle(engine: AsyncEngine) -> None:
    """SQLAlchemy's pre-ping, for connections that sat in the pool for PING_AFTER_IDLE_S or
    longer: a dead one is replaced, and every connection older than it renewed, before the
    work that checked it out sends anything."""
    dialect = engine.sync_engine.dialect

    @event.listens_for(engine.sync_engine.pool, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info["idle_since"] = monotonic()

    @event.listens_for(engine.sync_engine.pool, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")  # none yet: connected for this checkout
        if idle_since is None or monotonic() - idle_since < PING_AFTER_IDLE_S:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if not dialect.is_disconnect(error, dbapi_connection, None):
                raise
            # The pool retries the checkout with a new connection, as after a failed pre-ping.
            raise exc.InvalidatePoolError(str(error)) from error


def _tune_sqlite(engine: AsyncEngine) -> None:
    """SQLAlchemy's recipe for SQLite transactions (see the module's doc), and the pragmas."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the driver sends no BEGIN of its own
        cursor = dbapi_connection.cursor()
        for pragma in (*SQLITE_PRAGMAS, f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_MS)}"):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        if options.get(ALONE, False):
            return  # the driver sends no BEGIN either: SQLite commits the statement itself
        connection.exec_driver_sql("BEGIN" if options.get(READ_ONLY, False) else "BEGIN IMMEDIATE")
