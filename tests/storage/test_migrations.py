from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.db import Database
from storage.models import Base


async def test_migrations_match_the_models(db: Database) -> None:
    def diff(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with db.engine.connect() as connection:
        assert await connection.run_sync(diff) == []


async def test_sqlite_is_tuned_for_concurrency(sqlite_db: Database) -> None:
    async with sqlite_db.engine.connect() as connection:
        mode = await connection.exec_driver_sql("PRAGMA journal_mode")
        assert mode.scalar() == "wal"
        timeout = await connection.exec_driver_sql("PRAGMA busy_timeout")
        assert timeout.scalar() >= 5000
        keys = await connection.exec_driver_sql("PRAGMA foreign_keys")
        assert keys.scalar() == 1


async def test_sqlite_reads_do_not_take_the_write_lock(sqlite_db: Database) -> None:
    from sqlalchemy import text

    async with sqlite_db.sessions.begin() as writer:
        await writer.execute(text("INSERT INTO app_state (key, value) VALUES ('k', '{}')"))
        async with sqlite_db.reads() as reader:
            # A deferred read sees the last committed state while a writer holds the lock.
            assert (await reader.execute(text("SELECT count(*) FROM app_state"))).scalar() == 0
