"""Shared fixtures: a migrated database on each engine, a fake clock."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from bot.clock import FakeClock
from storage.db import Database, open_database
from storage.migrate import upgrade

ENGINES = ["sqlite", "postgresql"]
PG_SKIP_REASON = (
    "TEST_DATABASE_URL is not set; set it to postgresql+asyncpg://postgres@127.0.0.1:5432/test "
    "to run the PostgreSQL variant"
)


@pytest.fixture
def clock() -> FakeClock:
    # A Monday morning in Moscow: 2024-10-21 06:00 UTC = 09:00 MSK, week 2024-W43.
    return FakeClock(datetime(2024, 10, 21, 6, 0, tzinfo=UTC))


def database_url(engine: str, tmp_path: Path) -> tuple[str, dict]:
    """A private database for one test: a SQLite file, or a fresh PostgreSQL schema."""
    if engine == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/test.db", {}
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip(PG_SKIP_REASON)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    return url, {"connect_args": {"server_settings": {"search_path": schema}}, "schema": schema}


@pytest.fixture(params=ENGINES)
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    async with migrated(request.param, tmp_path) as database:
        nested = watch_nested_checkouts(database)
        yield database
    _refuse_nested(request, nested)


@pytest.fixture
async def sqlite_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    async with migrated("sqlite", tmp_path) as database:
        nested = watch_nested_checkouts(database)
        yield database
    _refuse_nested(request, nested)


def watch_nested_checkouts(database: Database) -> list[str]:
    """Names the tasks that took a connection while holding one of the database's. The pools
    have no overflow (storage/db.py): enough handlers doing that at once would deadlock."""
    nested: list[str] = []
    holders: dict[int, asyncio.Task[Any]] = {}
    for engine in database.engines:
        _watch(engine.sync_engine.pool, nested, holders)
    return nested


def _watch(pool: Any, nested: list[str], holders: dict[int, asyncio.Task[Any]]) -> None:
    @event.listens_for(pool, "checkout")
    def _checkout(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        task = asyncio.current_task()
        if task is not None:
            if task in holders.values():
                nested.append(task.get_name())
            holders[id(record)] = task

    @event.listens_for(pool, "checkin")
    def _checkin(_dbapi_connection: Any, record: Any) -> None:
        holders.pop(id(record), None)


def _refuse_nested(request: pytest.FixtureRequest, nested: list[str]) -> None:
    if request.node.get_closest_marker("nested_connections") is None:
        assert not nested, f"a task took a second connection while holding one: {nested}"


@asynccontextmanager
async def migrated(engine: str, tmp_path: Path) -> AsyncIterator[Database]:
    url, options = database_url(engine, tmp_path)
    schema = options.pop("schema", None)
    if schema:
        await _run_admin(url, f'CREATE SCHEMA "{schema}"')
    database = open_database(url, **options)
    try:
        await upgrade(database.engine)
        yield database
    finally:
        await database.dispose()
        if schema:
            await _run_admin(url, f'DROP SCHEMA "{schema}" CASCADE')


async def _run_admin(url: str, sql: str) -> None:
    from sqlalchemy import text

    admin = open_database(url)
    try:
        async with admin.engine.begin() as connection:
            await connection.execute(text(sql))
    finally:
        await admin.dispose()
