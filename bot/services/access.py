"""Who is asking: read once for every update, from storage into the permission table's
terms (`bot.domain.permissions`)."""

from __future__ import annotations

from bot.domain.dialog_state import Seen
from bot.domain.permissions import CHAT_PEER_START, Actor
from storage.db import Database
from storage.repos import actors


async def load_person(
    *, db: Database, vk_id: int, peer_id: int | None, admin_ids: list[int]
) -> tuple[Actor, Seen | None]:
    """Who wrote (with the chat they wrote in) and their dialog state, read once per update.
    Dialogs are private: in a group chat there is none."""
    if peer_id is not None and peer_id >= CHAT_PEER_START:
        async with db.reads() as session:
            return await actors.actor(session, vk_id, admin_ids, peer_id), None
    return await actors.person_alone(db, vk_id, admin_ids)
