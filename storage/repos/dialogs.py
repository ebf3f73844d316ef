"""Dialog state per person, so a conversation survives a restart."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage.models import DialogState


async def get(session: AsyncSession, vk_id: int) -> DialogState | None:
    return await session.get(DialogState, vk_id)


async def peek(connection: AsyncConnection, vk_id: int) -> tuple[str, dict[str, Any]] | None:
    """The state and payload without the ORM: read for every incoming message."""
    row = (await connection.execute(_PEEK, {"vk_id": vk_id})).first()
    return None if row is None else (row.state, row.payload)


_PEEK = select(DialogState.state, DialogState.payload).where(
    DialogState.vk_id == bindparam("vk_id", type_=DialogState.vk_id.type)
)


async def put(
    session: AsyncSession, *, vk_id: int, state: str, payload: dict[str, Any], now: datetime
) -> None:
    row = await session.get(DialogState, vk_id)
    if row is None:
        session.add(DialogState(vk_id=vk_id, state=state, payload=payload, updated_at=now))
    else:
        row.state, row.payload, row.updated_at = state, payload, now


async def drop(session: AsyncSession, vk_id: int) -> None:
    await session.execute(delete(DialogState).where(DialogState.vk_id == vk_id))
