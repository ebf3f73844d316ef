"""Districts and their schools. Repositories never commit: the service owns the transaction."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import District, Official, School, SchoolStaff


async def get_by_name(session: AsyncSession, name: str) -> District | None:
    return await session.scalar(select(District).where(District.name == name))


async def get(session: AsyncSession, district_id: int) -> District | None:
    return await session.get(District, district_id)


async def list_all(session: AsyncSession) -> list[District]:
    return list(await session.scalars(select(District).order_by(District.name)))


async def add(session: AsyncSession, *, name: str, tz: str, now: datetime) -> District:
    district = District(name=name, tz=tz, school_holidays=[], emails=[], created_at=now)
    session.add(district)
    await session.flush()
    return district


async def schools(
    session: AsyncSession, district_id: int, *, archived: bool | None = False
) -> list[School]:
    """The district's schools by name: active ones, archived ones, or (None) all."""
    query = select(School).where(School.district_id == district_id).order_by(School.name)
    if archived is not None:
        query = query.where(
            School.archived_at.is_not(None) if archived else School.archived_at.is_(None)
        )
    return list(await session.scalars(query))


class SchoolName(NamedTuple):
    school_id: int
    name: str
    short_name: str | None
    district: str


async def school_names(
    session: AsyncSession, *, district_ids: Collection[int] | None, archived: bool | None = False
) -> list[SchoolName]:
    """The names of schools with their district's, of the districts given (None: of every
    district): active ones, archived ones, or (None) all. Names only: an admin searches
    every school in the country."""
    query = (
        select(School.id, School.name, School.short_name, District.name)
        .join(District, District.id == School.district_id)
        .order_by(District.name, School.name)
    )
    if district_ids is not None:
        query = query.where(School.district_id.in_(list(district_ids)))
    if archived is not None:
        query = query.where(
            School.archived_at.is_not(None) if archived else School.archived_at.is_(None)
        )
    return [SchoolName._make(row) for row in await session.execute(query)]


async def add_school(
    session: AsyncSession,
    *,
    district_id: int,
    name: str,
    short_name: str | None,
    inn: str | None,
    now: datetime,
    head_name: str | None = None,
    phone: str | None = None,
    email: str | None = None,
) -> School:
    school = School(
        district_id=district_id,
        name=name,
        short_name=short_name,
        inn=inn,
        head_name=head_name,
        phone=phone,
        email=email,
        created_at=now,
    )
    session.add(school)
    await session.flush()
    return school


async def school(session: AsyncSession, school_id: int) -> School | None:
    return await session.get(School, school_id)


async def counts(session: AsyncSession, district_id: int) -> tuple[int, int, int]:
    """(schools, schools with a head, officials) of one district."""
    schools = (
        select(func.count())
        .select_from(School)
        .where(School.district_id == district_id, School.archived_at.is_(None))
    )
    heads = (
        select(func.count())
        .select_from(SchoolStaff)
        .join(School, School.id == SchoolStaff.school_id)
        .where(
            School.district_id == district_id,
            School.archived_at.is_(None),
            SchoolStaff.role == "head",
        )
    )
    officials = (
        select(func.count()).select_from(Official).where(Official.district_id == district_id)
    )
    return (
        await session.scalar(schools) or 0,
        await session.scalar(heads) or 0,
        await session.scalar(officials) or 0,
    )
