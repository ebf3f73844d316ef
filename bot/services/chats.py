"""District group chats: which chat gets a district's summaries and answers its /status."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Chat
from storage.repos import audit

CHAT_PEER_START = 2_000_000_000


def is_chat(peer_id: int) -> bool:
    return peer_id >= CHAT_PEER_START


async def chat_of(session: AsyncSession, peer_id: int) -> Chat | None:
    return await session.scalar(select(Chat).where(Chat.peer_id == peer_id))


async def chats_of_district(session: AsyncSession, district_id: int) -> list[Chat]:
    """Where the district's summaries go."""
    query = select(Chat).where(Chat.district_id == district_id).order_by(Chat.peer_id)
    return list(await session.scalars(query))


async def bind(
    *,
    session: AsyncSession,
    peer_id: int,
    district_id: int,
    answers_status: bool,
    person_id: int | None,
    now: datetime,
) -> Chat:
    """Bind (or re-bind) the chat; a chat belongs to one district at a time."""
    chat = await chat_of(session, peer_id)
    previous = chat.district_id if chat else None
    if chat is None:
        chat = Chat(peer_id=peer_id, district_id=district_id, bound_at=now)
        session.add(chat)
    chat.district_id, chat.answers_status = district_id, answers_status
    chat.bound_by, chat.bound_at = person_id, now
    audit.record(
        session,
        action="chat.bind",
        at=now,
        actor_id=person_id,
        district_id=district_id,
        peer_id=peer_id,
        answers_status=answers_status,
        previous_district_id=previous,
    )
    await session.flush()
    return chat


async def unbind(
    *, session: AsyncSession, peer_id: int, person_id: int | None, now: datetime
) -> int | None:
    """Returns the district the chat was bound to, None if it was not."""
    chat = await chat_of(session, peer_id)
    if chat is None:
        return None
    district_id = chat.district_id
    await session.delete(chat)
    audit.record(
        session,
        action="chat.unbind",
        at=now,
        actor_id=person_id,
        district_id=district_id,
        peer_id=peer_id,
    )
    return district_id
