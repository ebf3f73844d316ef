"""Dialog state per person, so a conversation survives a restart."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update
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
        row.version += 1


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
    values = {"vk_id": vk_id, "version": version, "state": state, "payload": payload, "now": now}
    return (await session.execute(_PUT_IF_UNCHANGED, values)).rowcount == 1


_PUT_IF_UNCHANGED = (
    update(DialogState)
    .where(
        DialogState.vk_id == bindparam("vk_id", type_=DialogState.vk_id.type),
        DialogState.version == bindparam("version", type_=DialogState.version.type),
    )
    .values(
        state=bindparam("state", type_=DialogState.state.type),
        payload=bindparam("payload", type_=DialogState.payload.type),
        updated_at=bindparam("now", type_=DialogState.updated_at.type),
        version=DialogState.version + 1,
    )
    .execution_options(synchronize_session=False)
)


async def drop(session: AsyncSession, vk_id: int) -> None:
    await session.execute(delete(DialogState).where(DialogState.vk_id == vk_id))
