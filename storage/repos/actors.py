"""Who a VK id is in the bot: their schools, the districts they are an official of, and the
grant of the group chat they write in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, and_, bindparam, literal, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.dialog_state import Seen
from bot.domain.permissions import CHAT_PEER_START, Actor, ChatGrant, StaffRole
from storage.db import Database
from storage.models import Chat, DialogState, Official, Person, School, SchoolStaff


def _person_query(*, with_dialog: bool) -> Select[Any]:
    """The person, their schools and the districts they are an official of — with the
    dialog, their dialog state too — in one query: every update starts with it. Kind "s" is
    a staff row (or the bare person), "o" an official's district, "d" the dialog state."""
    vk_id = bindparam("vk_id", type_=Person.vk_id.type)
    no_dialog = (null(), null(), null()) if with_dialog else ()
    staff = (
        select(
            literal("s").label("kind"),
            Person.id,
            SchoolStaff.school_id,
            School.district_id,
            SchoolStaff.role,
            School.name,
            *no_dialog,
        )
        .outerjoin(SchoolStaff, SchoolStaff.person_id == Person.id)
        .outerjoin(School, and_(School.id == SchoolStaff.school_id, School.archived_at.is_(None)))
        .where(Person.vk_id == vk_id)
    )
    officials = (
        select(literal("o"), Person.id, null(), Official.district_id, null(), null(), *no_dialog)
        .join(Official, Official.person_id == Person.id)
        .where(Person.vk_id == vk_id)
    )
    branches = [staff, officials]
    if with_dialog:
        # First: a UNION's columns take their names and types from its first SELECT, and the
        # payload's type is what reads the stored JSON back as a dict.
        dialog = select(
            literal("d").label("kind"),
            null().label("id"),
            null().label("school_id"),
            null().label("district_id"),
            null().label("role"),
            null().label("name"),
            DialogState.state,
            DialogState.payload,
            DialogState.version,
        ).where(DialogState.vk_id == vk_id)
        branches.insert(0, dialog)
    both = union_all(*branches).subquery()
    return select(both).order_by(both.c.kind, both.c.name)


# Built once: building a UNION costs more than running it.
_ACTOR_QUERY = _person_query(with_dialog=False)
_PERSON_QUERY = _person_query(with_dialog=True)


async def person(
    session: AsyncSession, vk_id: int, admin_ids: list[int]
) -> tuple[Actor, Seen | None]:
    """Who writes in a private chat, and their dialog state."""
    # On the connection: rows of plain columns need none of the ORM's work per execution.
    connection = await session.connection()
    return _person(
        vk_id, admin_ids, (await connection.execute(_PERSON_QUERY, {"vk_id": vk_id})).all()
    )


async def person_alone(db: Database, vk_id: int, admin_ids: list[int]) -> tuple[Actor, Seen | None]:
    """The same, read by its one statement outside a transaction: every message starts so."""
    return _person(vk_id, admin_ids, await db.read_alone(_PERSON_QUERY, {"vk_id": vk_id}))


def _person(
    vk_id: int, admin_ids: list[int], found: Sequence[Row[Any]]
) -> tuple[Actor, Seen | None]:
    dialog = next((Seen(r.state, r.payload, r.version) for r in found if r.kind == "d"), None)
    return _actor(vk_id, admin_ids, found, None), dialog


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
