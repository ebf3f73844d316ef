"""People known by their VK id, and their roles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Official, Person, School, SchoolStaff


async def by_vk_id(session: AsyncSession, vk_id: int) -> Person | None:
    return await session.scalar(select(Person).where(Person.vk_id == vk_id))


async def get(session: AsyncSession, person_id: int) -> Person | None:
    return await session.get(Person, person_id)


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


async def staff_with_schools(
    session: AsyncSession, person_id: int
) -> list[tuple[SchoolStaff, School]]:
    query = (
        select(SchoolStaff, School)
        .join(School, School.id == SchoolStaff.school_id)
        .where(SchoolStaff.person_id == person_id, School.archived_at.is_(None))
        .order_by(School.name)
    )
    return [(staff, school) for staff, school in (await session.execute(query)).all()]


async def unreachable_staff(session: AsyncSession, district_id: int) -> list[tuple[School, Person]]:
    query = (
        select(School, Person)
        .join(SchoolStaff, SchoolStaff.school_id == School.id)
        .join(Person, Person.id == SchoolStaff.person_id)
        .where(
            School.district_id == district_id,
            School.archived_at.is_(None),
            SchoolStaff.role == "head",
            Person.reachable.is_(False),
        )
        .order_by(School.name)
    )
    return [(school, person) for school, person in (await session.execute(query)).all()]


async def schools_without(session: AsyncSession, *, district_id: int, role: str) -> list[School]:
    """The district's schools where nobody holds `role`."""
    holder = select(SchoolStaff.id).where(
        SchoolStaff.school_id == School.id, SchoolStaff.role == role
    )
    query = (
        select(School)
        .where(School.district_id == district_id, School.archived_at.is_(None), ~holder.exists())
        .order_by(School.name)
    )
    return list(await session.scalars(query))
