from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from storage.db import Database, open_database
from storage.migrate import HEADS, alembic_config, schema_heads, upgrade_if_behind
from storage.models import Base
from tests.conftest import database_url


async def test_migrations_match_the_models(db: Database) -> None:
    def diff(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with db.engine.connect() as connection:
        assert await connection.run_sync(diff) == []


def test_heads_is_the_head_of_the_scripts() -> None:
    # A new migration must move HEADS too, or `svodka run` would not apply it.
    assert set(ScriptDirectory.from_config(alembic_config()).get_heads()) == HEADS


async def test_a_database_is_upgraded_only_when_behind(tmp_path: Path) -> None:
    db = open_database(f"sqlite+aiosqlite:///{tmp_path}/fresh.db")
    try:
        assert await upgrade_if_behind(db.engine)
        async with db.engine.connect() as connection:
            assert await connection.run_sync(schema_heads) == HEADS
        assert not await upgrade_if_behind(db.engine)
    finally:
        await db.dispose()


async def test_schema_heads_reads_what_alembic_reads(db: Database) -> None:
    def both(connection):
        return schema_heads(connection), set(
            MigrationContext.configure(connection).get_current_heads()
        )

    async with db.engine.connect() as connection:
        ours, alembics = await connection.run_sync(both)
    assert ours == alembics == HEADS


async def test_a_read_session_refuses_to_write(db: Database) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import select, update

    from storage.db import WriteInReadSession
    from storage.models import DialogState

    now = datetime(2024, 10, 21, tzinfo=UTC)
    async with db.sessions.begin() as session:
        session.add(DialogState(vk_id=1, state="s", payload={}, updated_at=now))
    async with db.reads() as session:
        row = await session.get(DialogState, 1)
        assert row is not None and row.version == 0
        row.state = "changed"
        with pytest.raises(WriteInReadSession):
            await session.flush()
    async with db.reads() as session:
        with pytest.raises(WriteInReadSession):
            await session.execute(update(DialogState).values(state="changed"))
        session.add(DialogState(vk_id=2, state="s", payload={}, updated_at=now))
        with pytest.raises(WriteInReadSession):
            await session.execute(select(DialogState))  # autoflush
    async with db.reads() as session:
        assert (await session.scalars(select(DialogState.state))).all() == ["s"]


async def test_a_database_opened_in_autocommit_reads(tmp_path: Path) -> None:
    # Tools open an administrative connection so (tests/reliability/test_sandbox_kill.py).
    url, _ = database_url("postgresql", tmp_path)
    database = open_database(url, isolation_level="AUTOCOMMIT")
    try:
        async with database.engine.connect() as connection:
            assert (await connection.execute(text("SELECT 1"))).scalar() == 1
    finally:
        await database.dispose()
