"""Engine and session factory for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from time import monotonic
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import ORMExecuteState, Session

from storage import sqlite_driver

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Connections per process, without overflow. No code holds a connection while it waits for
# another (a test run that flagged every such checkout found only the tests' own), so the
# handlers in flight share them without deadlock. The 10 overflow connections of the default
# pool cost 0,7–1 MiB each for good (statement caches; on SQLite an aiosqlite thread each,
# with its malloc arena) and bought no throughput (bench/README.md, "Memory").
POOL_SIZE = 5
# A PostgreSQL connection back in the pool for less than this is used without a ping first.
# Under load every connection comes back within milliseconds, and SQLAlchemy's pre-ping
# cost each checkout a round trip (three on a connection in a transaction: BEGIN, ";",
# ROLLBACK) — a third of the bot's trips to the database (bench/README.md, ninth session).
# What dies in the meantime is found by the first statement, which fails that one piece of
# work and renews the pool; a restart of the server takes longer than this.
PING_AFTER_IDLE_S = 1.0


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
class Database:
    """`sessions` for work that may write; `reads` for read-only work, which on SQLite
    starts a deferred transaction and so does not queue behind writers."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    reads: async_sessionmaker[AsyncSession]
    # PostgreSQL: a pool of 2 AUTOCOMMIT connections for `read_connection` (a pool of its
    # own: switching a shared connection's level back and forth slowed every transaction).
    autocommit: AsyncEngine | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @cached_property
    def _read_engine(self) -> AsyncEngine:
        if self.autocommit is not None:
            return self.autocommit.execution_options(read_only=True)
        # SQLite: the driver's connection is in autocommit mode unless a transaction begins.
        return self.engine.execution_options(read_only=True, no_transaction=True)

    @cached_property
    def _read_sessions(self) -> async_sessionmaker[AsyncSession]:
        return async_sessionmaker(
            self._read_engine, expire_on_commit=False, sync_session_class=ReadSession
        )

    def read_session(self) -> AsyncSession:
        """A `reads()` session on `read_connection`'s engine, for hot lookups that want ORM
        objects: each statement reads its own snapshot, with no BEGIN and ROLLBACK sent."""
        return self._read_sessions()

    def read_connection(self) -> AsyncConnection:
        """A bare read-only connection for hot lookups that need no common snapshot (the
        dialog state and roles of each inbound message). Outside a transaction each
        statement reads its own snapshot, and there is no BEGIN and ROLLBACK to send: on
        SQLite it costs half the CPU of a `reads()` session (bench/README.md)."""
        return self._read_engine.connect()

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.autocommit is not None:
            await self.autocommit.dispose()


def open_database(url: str, **engine_kwargs: Any) -> Database:
    engine = create_engine(url, **engine_kwargs)
    read_engine = engine.execution_options(read_only=True)
    autocommit = None
    if engine.dialect.name != "sqlite":
        # No overflow either (see POOL_SIZE); AUTOCOMMIT whatever the caller's own engine has.
        hot_reads = {"pool_size": 2, **engine_kwargs, "isolation_level": "AUTOCOMMIT"}
        autocommit = create_engine(url, **hot_reads)
    return Database(
        engine,
        async_sessionmaker(engine, expire_on_commit=False),
        async_sessionmaker(read_engine, expire_on_commit=False, sync_session_class=ReadSession),
        autocommit,
    )


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
    @event.listens_for(engine.sync_engine, "do_connect")
    def _connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        connect = partial(sqlite_driver.connect, busy_wait_ms=SQLITE_BUSY_TIMEOUT_MS)
        return dialect.dbapi.connect(*cargs, async_creator_fn=connect, **cparams)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so that every write starts with
        # BEGIN IMMEDIATE: a deferred transaction that later writes can fail with
        # SQLITE_BUSY without waiting, which is how two instances lose updates.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        if options.get("no_transaction", False):
            return  # the driver's connection is in autocommit mode already (isolation None)
        begin = "BEGIN" if options.get("read_only", False) else "BEGIN IMMEDIATE"
        connection.connection.driver_connection.begin_with_next_statement(begin)
