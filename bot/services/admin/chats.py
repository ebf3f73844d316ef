"""District group chats: which chat gets a district's summaries and answers its /status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.permissions import Action, Actor, authorize, districts_for
from bot.services.admin.district_settings import find_district
from storage.db import Database
from storage.models import Chat, District
from storage.repos import audit
from storage.repos import districts as district_repo
from storage.repos.outbox import district_officials

CHAT_PEER_START = 2_000_000_000


def is_chat(peer_id: int) -> bool:
    return peer_id >= CHAT_PEER_START


async def chat_of(session: AsyncSession, peer_id: int) -> Chat | None:
    return await session.scalar(select(Chat).where(Chat.peer_id == peer_id))


async def chats_of_district(session: AsyncSession, district_id: int) -> list[Chat]:
    """Where the district's summaries go."""
    query = select(Chat).where(Chat.district_id == district_id).order_by(Chat.peer_id)
    return list(await session.scalars(query))


@dataclass(frozen=True)
class DistrictChoice:
    """The district `/bind` names (or the only one the person may bind to), or why none."""

    district: District | None = None
    problem: LookupError | None = None  # no such district, or several match
    not_yours: str | None = None  # the district named is not the person's
    candidates: tuple[str, ...] = ()  # the person may bind to several: which one?


async def choose_district(*, db: Database, actor: Actor, name: str) -> DistrictChoice:
    async with db.reads() as session:
        if name:
            try:
                district = await find_district(session, name)
            except LookupError as exc:
                return DistrictChoice(problem=exc)
            if not authorize(actor, Action.BIND, district_id=district.id):
                return DistrictChoice(not_yours=district.name)
            return DistrictChoice(district)
        allowed = districts_for(actor, Action.BIND)
        candidates = [
            d for d in await district_repo.list_all(session) if allowed is None or d.id in allowed
        ]
    if len(candidates) == 1:
        return DistrictChoice(candidates[0])
    return DistrictChoice(candidates=tuple(d.name for d in candidates))


@dataclass(frozen=True)
class HeldElsewhere:
    """The chat belongs to a district the person may not act for: it stays there."""

    district: str
    officials: tuple[int, ...]  # that district's officials (VK ids), to be told of the attempt


async def bind(
    *,
    db: Database,
    peer_id: int,
    district_id: int,
    answers_status: bool,
    actor: Actor,
    now: datetime,
) -> Chat | HeldElsewhere:
    """Bind (or re-bind) the chat; a chat belongs to one district at a time."""
    async with db.sessions.begin() as session:
        return await _bind(session, peer_id, district_id, answers_status, actor, now)


async def _bind(
    session: AsyncSession,
    peer_id: int,
    district_id: int,
    answers_status: bool,
    actor: Actor,
    now: datetime,
) -> Chat | HeldElsewhere:
    chat = await chat_of(session, peer_id)
    previous = chat.district_id if chat else None
    if chat is not None and not _may_move(actor, chat, district_id):
        return await _refuse(session, chat, wanted=district_id, actor=actor, now=now)
    if chat is None:
        chat = Chat(peer_id=peer_id, district_id=district_id, bound_at=now)
        session.add(chat)
    chat.district_id, chat.answers_status = district_id, answers_status
    chat.bound_by, chat.bound_at = actor.person_id, now
    audit.record(
        session,
        action="chat.bind",
        at=now,
        actor_id=actor.person_id,
        district_id=district_id,
        peer_id=peer_id,
        answers_status=answers_status,
        previous_district_id=previous,
    )
    await session.flush()
    return chat


def _may_move(actor: Actor, chat: Chat, district_id: int) -> bool:
    """Moving a chat away from another district takes an admin or that district's own
    official: otherwise any official sitting in a neighbour's chat could redirect its
    summaries there."""
    return chat.district_id == district_id or authorize(
        actor, Action.BIND, district_id=chat.district_id
    )


async def _refuse(
    session: AsyncSession, chat: Chat, *, wanted: int, actor: Actor, now: datetime
) -> HeldElsewhere:
    holder = chat.district_id
    audit.record(
        session,
        action="chat.bind_refused",
        at=now,
        actor_id=actor.person_id,
        district_id=holder,
        peer_id=chat.peer_id,
        wanted_district_id=wanted,
    )
    district = await district_repo.get(session, holder)
    assert district is not None  # the chat row goes with its district (ON DELETE CASCADE)
    officials = await district_officials(session, holder)
    return HeldElsewhere(district.name, tuple(o.vk_id for o in officials if o.vk_id is not None))


@dataclass(frozen=True)
class Unbound:
    district: str | None  # the district the chat was bound to; None: it was not bound
    done: bool  # False: the person may not unbind that district's chat


async def unbind(*, db: Database, peer_id: int, actor: Actor, now: datetime) -> Unbound:
    async with db.sessions.begin() as session:
        chat = await chat_of(session, peer_id)
        district = await district_repo.get(session, chat.district_id) if chat else None
        if chat is None or district is None:
            return Unbound(None, done=False)
        if not authorize(actor, Action.BIND, district_id=district.id):
            return Unbound(district.name, done=False)
        await session.delete(chat)
        audit.record(
            session,
            action="chat.unbind",
            at=now,
            actor_id=actor.person_id,
            district_id=district.id,
            peer_id=peer_id,
        )
    return Unbound(district.name, done=True)
