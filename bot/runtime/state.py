"""vkbottle's state dispenser on our database, keyed by the person (from_id)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from vkbottle import ABCStateDispenser, BaseStateGroup
from vkbottle.dispatch.dispenser.base import StatePeer

from bot.clock import Clock
from bot.runtime.inbound import current_event
from storage.db import Database
from storage.repos import dialogs
from storage.repos.dialogs import Seen

# How the person's dialog state is read at the start of every message: with more about the
# person in the same statement, one read per message serves every concern
# (see bot/runtime/access.py).
ReadDialog = Callable[[int], Awaitable[Seen | None]]


class DatabaseStateDispenser(ABCStateDispenser):
    def __init__(self, db: Database, clock: Clock, read: ReadDialog) -> None:
        self._db = db
        self._clock = clock
        self._read = read

    async def get(self, peer_id: int) -> StatePeer | None:
        row = await self._read(peer_id)
        event = current_event.get()
        if event is not None:
            event.dialog = (peer_id, row)
        if row is None:
            return None
        return StatePeer(peer_id=peer_id, state=row.state, payload=dict(row.payload))

    async def set(self, peer_id: int, state: BaseStateGroup | str, **payload: Any) -> None:
        async with self._db.sessions.begin() as session:
            await dialogs.put(
                session, vk_id=peer_id, state=str(state), payload=payload, now=self._clock.now()
            )

    async def delete(self, peer_id: int) -> None:
        async with self._db.sessions.begin() as session:
            await dialogs.drop(session, peer_id)


class _NotRead:
    pass


NOT_READ = _NotRead()


def read_for_this_update(vk_id: int) -> Seen | None | _NotRead:
    """The person's dialog state as read at the start of the update being handled, so a
    step need not read it again; NOT_READ when it was not read (button presses)."""
    event = current_event.get()
    if event is None or event.dialog is None or event.dialog[0] != vk_id:
        return NOT_READ
    return event.dialog[1]
