"""Setting up districts and importing their schools."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.lookups import UnknownDistrict
from bot.domain.school_table import SchoolRow, school_key
from storage.models import District
from storage.repos import audit, districts


@dataclass(frozen=True)
class ImportResult:
    district: str
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


async def require_district(session: AsyncSession, name: str) -> District:
    district = await districts.get_by_name(session, name)
    if district is None:
        raise UnknownDistrict(name)
    return district


async def import_schools(
    *, session: AsyncSession, district_name: str, tz: str, rows: list[SchoolRow], now: datetime
) -> ImportResult:
    """Create or update schools by name within one transaction owned by the caller."""
    district = await districts.get_by_name(session, district_name)
    if district is None:
        district = await districts.add(session, name=district_name, tz=tz, now=now)
    existing = {school_key(s.name): s for s in await districts.schools(session, district.id)}
    created = updated = unchanged = 0
    for row in rows:
        school = existing.get(school_key(row.name))
        if school is None:
            await districts.add_school(
                session,
                district_id=district.id,
                name=row.name,
                short_name=row.short_name,
                inn=row.inn,
                now=now,
            )
            created += 1
            continue
        new_values = {
            "name": row.name,
            "short_name": row.short_name or school.short_name,
            "inn": row.inn or school.inn,
        }
        if all(getattr(school, k) == v for k, v in new_values.items()):
            unchanged += 1
            continue
        for key, value in new_values.items():
            setattr(school, key, value)
        updated += 1
    audit.record(
        session,
        action="schools.import",
        at=now,
        district_id=district.id,
        created=created,
        updated=updated,
    )
    return ImportResult(district.name, created, updated, unchanged)
