"""Who can be written to: VK tells when a person blocks (`message_deny`) or allows the bot."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.repos import people


@dataclass(frozen=True)
class UnreachableHead:
    school_id: int
    school: str
    vk_id: int | None
    first_name: str | None
    last_name: str | None


async def set_reachable(*, db: Database, vk_id: int, reachable: bool) -> bool:
    """Record the person's choice; True if it changed anything (unknown people are ignored)."""
    async with db.sessions.begin() as session:
        person = await people.by_vk_id(session, vk_id)
        if person is None or person.reachable == reachable:
            return False
        person.reachable = reachable
        return True


async def unreachable_heads(session: AsyncSession, district_id: int) -> list[UnreachableHead]:
    """Heads of the district's schools who blocked the bot: reports show them as such."""
    rows = await people.unreachable_staff(session, district_id)
    return [
        UnreachableHead(school.id, school.name, person.vk_id, person.first_name, person.last_name)
        for school, person in rows
    ]
