"""Data for report tests, set up through repos and services (no VK round trip)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.weeks import IsoWeek
from bot.services import rounds
from storage.models import Answer, Chat, District, Official, Person, Response, School, SchoolStaff
from storage.repos import districts, people
from storage.repos.responses import numeric

FULL_ANSWERS = {
    "staff_total": 30,
    "staff_registered": 27,
    "teachers_with_chat": 20,
    "teachers_active": 15,
    "students_total": 300,
    "students_active": 150,
    "classes_total": 11,
    "class_chats": 10,
    "foreign_messengers": False,
}


async def district_with_schools(
    session: AsyncSession, *, name: str, schools: Sequence[str], now: datetime
) -> tuple[District, list[School]]:
    district = await districts.add(session, name=name, tz="Europe/Moscow", now=now)
    made = [
        await districts.add_school(
            session, district_id=district.id, name=s, short_name=None, inn=None, now=now
        )
        for s in schools
    ]
    return district, made


async def head(
    session: AsyncSession,
    *,
    school: School,
    vk_id: int,
    now: datetime,
    first: str = "Имя",
    last: str = "Фамилия",
    reachable: bool = True,
    role: str = "head",
) -> Person:
    person = await people.get_or_add(
        session, vk_id=vk_id, now=now, first_name=first, last_name=last
    )
    person.reachable = reachable
    session.add(
        SchoolStaff(
            person_id=person.id, school_id=school.id, role=role, confirmed=True, created_at=now
        )
    )
    await session.flush()
    return person


async def official(
    session: AsyncSession, *, district: District, vk_id: int, now: datetime
) -> Person:
    person = await people.get_or_add(session, vk_id=vk_id, now=now)
    session.add(Official(person_id=person.id, district_id=district.id, created_at=now))
    await session.flush()
    return person


async def chat(
    session: AsyncSession,
    *,
    district: District,
    peer_id: int,
    now: datetime,
    answers_status: bool = True,
) -> None:
    session.add(
        Chat(
            peer_id=peer_id,
            district_id=district.id,
            title="Руководители",
            answers_status=answers_status,
            bound_at=now,
        )
    )
    await session.flush()


async def answer(
    session: AsyncSession,
    *,
    district: District,
    school: School,
    week: IsoWeek,
    values: Mapping[str, Any],
    now: datetime,
    late: bool = False,
) -> Response:
    round_ = await rounds.round_for_week(session, district, week, now)
    assert round_ is not None
    response = Response(round_id=round_.id, school_id=school.id, submitted_at=now, late=late)
    session.add(response)
    await session.flush()
    session.add_all(
        Answer(response_id=response.id, key=key, value=value, num=numeric(value))
        for key, value in values.items()
    )
    await session.flush()
    return response
