"""Small named values the instances share (e.g. the Long Poll position)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AppState


async def get(session: AsyncSession, key: str) -> dict[str, Any] | None:
    return await session.scalar(select(AppState.value).where(AppState.key == key))


async def put(session: AsyncSession, key: str, value: dict[str, Any]) -> None:
    """Set the value, inserted or replaced in one statement (the Long Poll reader stores its
    position after every batch)."""
    await session.execute(_UPSERTS[session.get_bind().dialect.name], {"key": key, "value": value})


def _upsert(dialect: Any) -> Any:
    statement = dialect.insert(AppState)
    return statement.on_conflict_do_update(
        index_elements=[AppState.key], set_={"value": statement.excluded.value}
    )


_UPSERTS = {"postgresql": _upsert(postgresql), "sqlite": _upsert(sqlite)}
