"""Dialog state per person, so a conversation survives a restart."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dml import rowcount
from storage.models import DialogState


async def get(session: AsyncSession, vk_id: int) -> DialogState | None:
    return await session.get(DialogState, vk_id)


async def put(
    session: AsyncSession, *, vk_id: int, state: str, payload: dict[str, Any], now: datetime
) -> None:
    row = await session.get(DialogState, vk_id)
    if row is None:
        session.add(DialogState(vk_id=vk_id, state=state, payload=payload, updated_at=now))
    else:
        row.state, row.payload, row.updated_at = state, payload, now
        row.version += 1


async def create(
    session: AsyncSession, *, vk_id: int, state: str, payload: dict[str, Any], now: datetime
) -> None:
    """A state for a person who has none (IntegrityError if somebody stored one meanwhile)."""
    values = {"vk_id": vk_id, "state": state, "payload": payload, "updated_at": now, "version": 0}
    await session.execute(insert(DialogState).values(**values))


async def put_if_unchanged(
    session: AsyncSession,
    *,
    vk_id: int,
    version: int,
    state: str,
    payload: dict[str, Any],
    now: datetime,
) -> bool:
    """Overwrite the state read at `version`; False if it changed (or went) since."""
    query = (
        update(DialogState)
        .where(DialogState.vk_id == vk_id, DialogState.version == version)
        .values(version=DialogState.version + 1, state=state, payload=payload, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.execute(query)) == 1


async def drop(session: AsyncSession, vk_id: int) -> None:
    # Through the ORM: a state loaded into this session (`get`) must be marked deleted too.
    await session.execute(delete(DialogState).where(DialogState.vk_id == vk_id))
