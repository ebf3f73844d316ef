"""Districts, schools and their heads set up directly in storage (no invite redemption)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from storage.models import SchoolStaff
from storage.repos import districts, people

DISTRICT = "Сергокалинский район"


@dataclass(frozen=True)
class SeededDistrict:
    id: int
    name: str
    school_ids: tuple[int, ...]


async def make_district(
    db: Database,
    *,
    now: datetime,
    name: str = DISTRICT,
    schools: Sequence[tuple[str, str | None]] = (("МКОУ «Аймаумахинская СОШ»", "Аймаумахи"),),
    tz: str = "Europe/Moscow",
) -> SeededDistrict:
    """A district with schools given as (name, short name)."""
    async with db.sessions.begin() as session:
        district = await districts.add(session, name=name, tz=tz, now=now)
        ids = []
        for school_name, short_name in schools:
            school = await districts.add_school(
                session,
                district_id=district.id,
                name=school_name,
                short_name=short_name,
                inn=None,
                now=now,
            )
            ids.append(school.id)
    return SeededDistrict(district.id, name, tuple(ids))


async def make_staff(
    db: Database,
    *,
    vk_id: int,
    school_ids: Sequence[int],
    now: datetime,
    role: str = "head",
    first_name: str = "Патимат",
    last_name: str = "Гаджиева",
) -> int:
    """A person who is head (or deputy) of the schools; returns the person id."""
    async with db.sessions.begin() as session:
        person = await people.get_or_add(
            session, vk_id=vk_id, now=now, first_name=first_name, last_name=last_name
        )
        session.add_all(
            SchoolStaff(
                person_id=person.id, school_id=school_id, role=role, confirmed=True, created_at=now
            )
            for school_id in school_ids
        )
    return person.id
