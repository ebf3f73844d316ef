"""Appointing and removing district officials."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.admin.district_settings import find_district
from bot.services.admin.districts import require_district
from storage.db import Database
from storage.models import Official
from storage.repos import audit, people


async def add_official(
    *,
    session: AsyncSession,
    vk_id: int,
    district_name: str,
    now: datetime,
    actor_id: int | None = None,
) -> bool:
    district = await require_district(session, district_name)
    person = await people.get_or_add(session, vk_id=vk_id, now=now)
    if await people.official(session, person.id, district.id) is not None:
        return False
    session.add(Official(person_id=person.id, district_id=district.id, created_at=now))
    audit.record(
        session,
        action="official.add",
        at=now,
        actor_id=actor_id,
        district_id=district.id,
        person_id=person.id,
    )
    return True


async def remove_official(
    *,
    session: AsyncSession,
    vk_id: int,
    district_name: str,
    now: datetime,
    actor_id: int | None = None,
) -> bool:
    district = await require_district(session, district_name)
    person = await people.by_vk_id(session, vk_id)
    if person is None:
        return False
    official = await people.official(session, person.id, district.id)
    if official is None:
        return False
    await session.delete(official)
    audit.record(
        session,
        action="official.remove",
        at=now,
        actor_id=actor_id,
        district_id=district.id,
        person_id=person.id,
    )
    return True


@dataclass(frozen=True)
class OfficialChange:
    district: str
    changed: bool  # False: they already were (or were not) an official there


async def change_official(
    *,
    db: Database,
    adding: bool,
    vk_id: int,
    district_text: str,
    now: datetime,
    actor_id: int | None,
) -> OfficialChange:
    """`/official add|remove`: the district by a part of its name (LookupError if none)."""
    async with db.sessions.begin() as session:
        district = await find_district(session, district_text)
        change = add_official if adding else remove_official
        changed = await change(
            session=session, vk_id=vk_id, district_name=district.name, now=now, actor_id=actor_id
        )
    return OfficialChange(district.name, changed)
