"""vkbottle's state dispenser on our database, keyed by the person (from_id)."""

from __future__ import annotations

from typing import Any

from vkbottle import ABCStateDispenser, BaseStateGroup
from vkbottle.dispatch.dispenser.base import StatePeer

from bot.clock import Clock
from storage.db import Database
from storage.repos import dialogs


class DatabaseStateDispenser(ABCStateDispenser):
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def get(self, peer_id: int) -> StatePeer | None:
        async with self._db.read_connection() as connection:
            row = await dialogs.peek(connection, peer_id)
        if row is None:
            return None
        state, payload = row
        return StatePeer(peer_id=peer_id, state=state, payload=dict(payload))

    async def set(self, peer_id: int, state: BaseStateGroup | str, **payload: Any) -> None:
        async with self._db.sessions.begin() as session:
            await dialogs.put(
                session, vk_id=peer_id, state=str(state), payload=payload, now=self._clock.now()
            )

    async def delete(self, peer_id: int) -> None:
        async with self._db.sessions.begin() as session:
            await dialogs.drop(session, peer_id)
