"""People known by their VK id, and their roles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Official, Person, SchoolStaff


async def by_vk_id(session: AsyncSession, vk_id: int) -> Person | None:
    return await session.scalar(select(Person).where(Person.vk_id == vk_id))


async def get_or_add(
    session: AsyncSession,
    *,
    vk_id: int,
    now: datetime,
    first_name: str | None = None,
    last_name: str | None = None,
) -> Person:
    person = await by_vk_id(session, vk_id)
    if person is None:
        person = Person(vk_id=vk_id, first_name=first_name, last_name=last_name, created_at=now)
        session.add(person)
        await session.flush()
    elif first_name and (person.first_name, person.last_name) != (first_name, last_name):
        person.first_name, person.last_name = first_name, last_name
    return person


async def official(session: AsyncSession, person_id: int, district_id: int) -> Official | None:
    query = select(Official).where(
        Official.person_id == person_id, Official.district_id == district_id
    )
    return await session.scalar(query)


async def official_districts(session: AsyncSession, person_id: int) -> list[int]:
    query = select(Official.district_id).where(Official.person_id == person_id)
    return list(await session.scalars(query))


async def staff_roles(session: AsyncSession, person_id: int) -> list[SchoolStaff]:
    query = select(SchoolStaff).where(SchoolStaff.person_id == person_id)
    return list(await session.scalars(query))


async def school_staff(session: AsyncSession, school_id: int, role: str) -> SchoolStaff | None:
    query = select(SchoolStaff).where(SchoolStaff.school_id == school_id, SchoolStaff.role == role)
    return await session.scalar(query)
