"""Dialog state per person, so a conversation survives a restart."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, update
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


# The check-in's writes go to the table, not through the ORM: nothing of theirs is loaded in
# the session, and the ORM's bulk UPDATE machinery cost as much CPU as the rest of the
# statement (py-spy, 2026-12-07).
_TABLE = DialogState.__table__


async def create(
    session: AsyncSession, *, vk_id: int, state: str, payload: dict[str, Any], now: datetime
) -> None:
    """A state for a person who has none (IntegrityError if somebody stored one meanwhile)."""
    values = {"vk_id": vk_id, "state": state, "payload": payload, "updated_at": now, "version": 0}
    await session.execute(_INSERT, values)


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
    params = {"person": vk_id, "seen": version, "state": state, "payload": payload, "now": now}
    return rowcount(await session.execute(_PUT_IF_UNCHANGED, params)) == 1


_INSERT = insert(_TABLE)
# Built once: every answer of a check-in runs it.
_PUT_IF_UNCHANGED = (
    update(_TABLE)
    .where(_TABLE.c.vk_id == bindparam("person"), _TABLE.c.version == bindparam("seen"))
    .values(
        version=_TABLE.c.version + 1,
        state=bindparam("state"),
        payload=bindparam("payload", type_=_TABLE.c.payload.type),
        updated_at=bindparam("now", type_=_TABLE.c.updated_at.type),
    )
)


async def drop(session: AsyncSession, vk_id: int) -> None:
    # Through the ORM: a state loaded into this session (`get`) must be marked deleted too.
    await session.execute(delete(DialogState).where(DialogState.vk_id == vk_id))
