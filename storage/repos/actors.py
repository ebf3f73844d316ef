"""Who a VK id is in the bot: their schools, the districts they are an official of, and the
grant of the group chat they write in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, and_, bindparam, literal, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.permissions import CHAT_PEER_START, Actor, ChatGrant, StaffRole
from storage.models import Chat, Official, Person, School, SchoolStaff


def _actor_query() -> Select[Any]:
    """The person, their schools and the districts they are an official of, in one query
    (kind "s": a staff row or the bare person, "o": an official's district)."""
    of_person = Person.vk_id == bindparam("vk_id", type_=Person.vk_id.type)
    staff = (
        select(
            literal("s").label("kind"),
            Person.id,
            SchoolStaff.school_id,
            School.district_id,
            SchoolStaff.role,
            School.name,
        )
        .outerjoin(SchoolStaff, SchoolStaff.person_id == Person.id)
        .outerjoin(School, and_(School.id == SchoolStaff.school_id, School.archived_at.is_(None)))
        .where(of_person)
    )
    officials = (
        select(literal("o"), Person.id, null(), Official.district_id, null(), null())
        .join(Official, Official.person_id == Person.id)
        .where(of_person)
    )
    both = union_all(staff, officials).subquery()
    return select(both).order_by(both.c.kind, both.c.name)


_ACTOR_QUERY = _actor_query()


async def actor(
    session: AsyncSession, vk_id: int, admin_ids: list[int], peer_id: int | None = None
) -> Actor:
    chat = await _chat_grant(session, peer_id)
    found = (await session.execute(_ACTOR_QUERY, {"vk_id": vk_id})).all()
    return _actor(vk_id, admin_ids, found, chat)


def _actor(
    vk_id: int, admin_ids: list[int], found: Sequence[Row[Any]], chat: ChatGrant | None
) -> Actor:
    rows = [r for r in found if r.kind == "s"]
    if not rows:
        return Actor(vk_id, None, vk_id in admin_ids, frozenset(), (), chat)
    person_id = rows[0].id
    districts = [r.district_id for r in found if r.kind == "o"]
    return Actor(
        vk_id=vk_id,
        person_id=person_id,
        is_admin=vk_id in admin_ids,
        official_of=frozenset(districts),
        staff=tuple(
            StaffRole(r.school_id, r.district_id, r.role) for r in rows if r.district_id is not None
        ),
        chat=chat,
    )


async def _chat_grant(session: AsyncSession, peer_id: int | None) -> ChatGrant | None:
    if peer_id is None or peer_id < CHAT_PEER_START:
        return None
    query = select(Chat.district_id, Chat.answers_status).where(Chat.peer_id == peer_id)
    row = (await session.execute(query)).first()
    return None if row is None else ChatGrant(row.district_id, row.answers_status)
