"""Appointing and removing district officials."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.districts import require_district
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
