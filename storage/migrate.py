"""Schema upgrades through Alembic, on the application's own async engine.

Alembic, Mako and the migration scripts cost a process ≈ 11 MiB for as long as it runs
(bench/README.md, "Design decisions"), so they are imported where a migration is run or written:
`upgrade_if_behind` asks the database first and imports nothing when it is at `HEADS`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# The head revision of the scripts in migrations/versions; test_migrations.py keeps it so.
HEADS = frozenset({"responses_0001"})
VERSION_TABLE = "alembic_version"


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def schema_heads(connection: Connection) -> set[str]:
    """The revisions the database is at, read as Alembic reads them (empty when none)."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return set()
    return set(connection.scalars(text(f"SELECT version_num FROM {VERSION_TABLE}")))


async def upgrade_if_behind(engine: AsyncEngine) -> bool:
    """Upgrade to the head unless the database is there already; True if it upgraded."""
    async with engine.connect() as connection:
        if await connection.run_sync(schema_heads) == HEADS:
            return False
    await upgrade(engine)
    return True


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    from alembic import command

    def _run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(_run)


async def autogenerate(engine: AsyncEngine, message: str) -> None:
    """Developer helper: write a new revision from the difference between models and DB."""
    from alembic import command

    def _run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)

    async with engine.begin() as connection:
        await connection.run_sync(_run)
