"""Who is asking: the one place that turns a VK id into roles.

Permission rules (what each role may do) live here too, so that handlers never decide
access with scattered `if`s.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Official, Person, School, SchoolStaff


@dataclass(frozen=True)
class StaffRole:
    school_id: int
    district_id: int
    role: str  # "head" or "deputy"


@dataclass(frozen=True)
class Actor:
    vk_id: int
    person_id: int | None
    is_admin: bool
    official_of: frozenset[int]
    staff: tuple[StaffRole, ...]

    @property
    def is_official(self) -> bool:
        return bool(self.official_of)

    @property
    def is_staff(self) -> bool:
        return bool(self.staff)

    @property
    def is_stranger(self) -> bool:
        return not (self.is_admin or self.is_official or self.is_staff)

    @property
    def school_ids(self) -> tuple[int, ...]:
        return tuple(role.school_id for role in self.staff)


async def load_actor(session: AsyncSession, vk_id: int, admin_ids: list[int]) -> Actor:
    person = await session.scalar(select(Person).where(Person.vk_id == vk_id))
    if person is None:
        return Actor(vk_id, None, vk_id in admin_ids, frozenset(), ())
    districts = await session.scalars(
        select(Official.district_id).where(Official.person_id == person.id)
    )
    staff = await session.execute(
        select(SchoolStaff.school_id, School.district_id, SchoolStaff.role)
        .join(School, School.id == SchoolStaff.school_id)
        .where(SchoolStaff.person_id == person.id, School.archived_at.is_(None))
        .order_by(School.name)
    )
    return Actor(
        vk_id=vk_id,
        person_id=person.id,
        is_admin=vk_id in admin_ids,
        official_of=frozenset(districts),
        staff=tuple(StaffRole(*row) for row in staff),
    )
