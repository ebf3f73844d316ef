"""Shared fixtures: a migrated database on each engine, a fake clock."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

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
        yield database


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    async with migrated("sqlite", tmp_path) as database:
        yield database


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
