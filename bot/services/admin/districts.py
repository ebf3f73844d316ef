"""Setting up districts and importing their schools."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.lookups import UnknownDistrict
from bot.domain.school_import import DistrictImport
from bot.domain.school_table import SchoolRow
from bot.services.admin.school_import import import_district
from storage.models import District
from storage.repos import districts


async def require_district(session: AsyncSession, name: str) -> District:
    district = await districts.get_by_name(session, name)
    if district is None:
        raise UnknownDistrict(name)
    return district


async def import_schools(
    *, session: AsyncSession, district_name: str, tz: str, rows: Sequence[SchoolRow], now: datetime
) -> DistrictImport:
    """Create or update schools by ИНН or name within one transaction owned by the caller;
    rows that only look like a school the bot has are left alone and reported."""
    return await import_district(
        session=session, district_name=district_name, tz=tz, rows=rows, now=now
    )
