"""Dialog state per person, so a conversation survives a restart."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, delete, insert, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage.models import DialogState


class Seen(NamedTuple):
    """A dialog state as read, with the version a write must find to overwrite it."""

    state: str
    payload: dict[str, Any]
    version: int


async def get(session: AsyncSession, vk_id: int) -> DialogState | None:
    return await session.get(DialogState, vk_id)


async def peek(connection: AsyncConnection | AsyncSession, vk_id: int) -> Seen | None:
    """The state without the ORM: read for every incoming message."""
    row = (await connection.execute(_PEEK, {"vk_id": vk_id})).first()
    return None if row is None else Seen(row.state, row.payload, row.version)


_PEEK = select(DialogState.state, DialogState.payload, DialogState.version).where(
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


async def create(
    session: AsyncSession, *, vk_id: int, state: str, payload: dict[str, Any], now: datetime
) -> None:
    """A state for a person who has none (IntegrityError if somebody stored one meanwhile)."""
    values = {"who": vk_id, "new_state": state, "new_payload": payload, "now": now}
    await (await session.connection()).execute(_CREATE, values)


@dataclass(frozen=True, eq=False)  # each asked for once: compared by identity
class Overwrite:
    """A state to store over the one read at `version`."""

    vk_id: int
    version: int
    state: str
    payload: dict[str, Any]
    now: datetime


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
    return (await overwrite_all(session, [Overwrite(vk_id, version, state, payload, now)]))[0]


async def overwrite_all(session: AsyncSession, overwrites: Sequence[Overwrite]) -> list[bool]:
    """`put_if_unchanged` of each: whether each was stored."""
    connection = await session.connection()
    people = {o.vk_id for o in overwrites}
    if connection.dialect.name == "postgresql" and len(people) == len(overwrites) > 1:
        # One statement for all: on PostgreSQL each statement is a round trip to the server.
        params = {"who": [o.vk_id for o in overwrites], "seen": [o.version for o in overwrites],
                  "states": [o.state for o in overwrites],
                  "payloads": [json.dumps(o.payload) for o in overwrites],
                  "nows": [o.now for o in overwrites]}  # fmt: skip
        written = set((await connection.execute(_OVERWRITE_ALL_POSTGRESQL, params)).scalars())
        return [o.vk_id in written for o in overwrites]
    stored = []
    for o in overwrites:
        values = {"who": o.vk_id, "seen": o.version, "new_state": o.state,
                  "new_payload": o.payload, "now": o.now}  # fmt: skip
        stored.append((await connection.execute(_PUT_IF_UNCHANGED, values)).rowcount == 1)
    return stored


# Built once and run on the session's connection, not through the ORM's bulk-DML path
# (≈ 0,1 ms a statement): these run on nearly every check-in step.
_NEW_VALUES = {
    "state": bindparam("new_state", type_=DialogState.state.type),
    "payload": bindparam("new_payload", type_=DialogState.payload.type),
    "updated_at": bindparam("now", type_=DialogState.updated_at.type),
}
_CREATE = insert(DialogState).values(
    vk_id=bindparam("who", type_=DialogState.vk_id.type), version=0, **_NEW_VALUES
)
_PUT_IF_UNCHANGED = (
    update(DialogState)
    .where(
        DialogState.vk_id == bindparam("who", type_=DialogState.vk_id.type),
        DialogState.version == bindparam("seen", type_=DialogState.version.type),
    )
    .values(version=DialogState.version + 1, **_NEW_VALUES)
)


# The rows come as arrays, so the statement is the same whatever their number.
_OVERWRITE_ALL_POSTGRESQL = text(
    """
    UPDATE dialog_states AS d
    SET state = v.state, payload = CAST(v.payload AS JSONB), updated_at = v.now,
        version = d.version + 1
    FROM unnest(CAST(:who AS BIGINT[]), CAST(:seen AS INTEGER[]), CAST(:states AS VARCHAR[]),
                CAST(:payloads AS TEXT[]), CAST(:nows AS TIMESTAMPTZ[]))
         AS v (vk_id, version, state, payload, now)
    WHERE d.vk_id = v.vk_id AND d.version = v.version
    RETURNING d.vk_id
    """
).bindparams(bindparam("nows", type_=ARRAY(DialogState.updated_at.type)))  # UTC, as elsewhere


async def drop(session: AsyncSession, vk_id: int) -> None:
    # Through the ORM: a state loaded into this session (`get`) must be marked deleted too.
    await session.execute(delete(DialogState).where(DialogState.vk_id == vk_id))
