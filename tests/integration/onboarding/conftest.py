"""A seeded Sergokala district (schools + one invite per school) for onboarding tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.clock import FakeClock
from bot.domain.school_table import SchoolRow
from bot.services.admin import districts
from bot.services.onboarding import invites
from storage.db import Database
from tests.fixtures.sergokala import SCHOOLS
from tests.utils.sergokala import DISTRICT

ADMIN = 1
TTL = timedelta(days=30)


async def seed_district(
    db: Database, clock: FakeClock, name: str = DISTRICT, schools: list[str] | None = None
) -> dict[str, str]:
    """Import the schools and issue their invites; returns {school name: code}."""
    names = schools or [school.name for school in SCHOOLS]
    async with db.sessions.begin() as session:
        await districts.import_schools(
            session=session,
            district_name=name,
            tz="Europe/Moscow",
            rows=[SchoolRow(line=i, name=n) for i, n in enumerate(names, start=2)],
            now=clock.now(),
        )
        issued = await invites.issue_for_district(
            session=session, district_name=name, now=clock.now(), ttl=TTL, group_id=1
        )
    return {item.school: item.code for item in issued}


def labels(item: dict[str, Any]) -> list[str]:
    """The button labels of a sent message's keyboard, row by row."""
    keyboard = item.get("keyboard") or {"buttons": []}
    return [button["action"]["label"] for row in keyboard["buttons"] for button in row]
