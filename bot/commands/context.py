"""What every CLI command needs: settings, a migrated database, a clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.config import Settings
from storage.db import Database, open_database
from storage.migrate import upgrade_if_behind


@asynccontextmanager
async def migrated_database(settings: Settings, **engine_kwargs: Any) -> AsyncIterator[Database]:
    db = open_database(settings.database_url, **engine_kwargs)
    try:
        await upgrade_if_behind(db.engine)
        yield db
    finally:
        await db.dispose()
