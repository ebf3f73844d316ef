"""Small named values the instances share (e.g. the Long Poll position)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AppState
from storage.upsert import insert_ignore


async def get(session: AsyncSession, key: str) -> dict[str, Any] | None:
    return await session.scalar(select(AppState.value).where(AppState.key == key))


async def put(session: AsyncSession, key: str, value: dict[str, Any]) -> None:
    if not await insert_ignore(session, AppState, [{"key": key, "value": value}], ["key"]):
        await session.execute(update(AppState).where(AppState.key == key).values(value=value))
