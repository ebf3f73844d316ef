from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.domain import invite_codes
from bot.domain.lookups import UnknownDistrict
from bot.domain.school_table import parse_school_table
from bot.services.admin import districts
from bot.services.onboarding import invites
from storage.db import Database
from storage.models import AuditEvent, Invite, School
from storage.repos import invites as invite_repo
from tests.utils import sergokala


async def _import(db: Database, clock: FakeClock, data: bytes, filename: str):
    rows = parse_school_table(data, filename)
    async with db.sessions.begin() as session:
        return await districts.import_schools(
            session=session,
            district_name=sergokala.DISTRICT,
            tz="Europe/Moscow",
            rows=rows,
            now=clock.now(),
        )


async def test_reimport_updates_never_duplicates(db: Database, clock: FakeClock) -> None:
    first = await _import(db, clock, sergokala.cp1251_semicolon_csv(), "s.csv")
    second = await _import(db, clock, sergokala.xlsx(), "s.xlsx")
    assert (first.created, first.updated) == (12, 0)
    assert (second.created, second.updated) == (0, 12)  # short names added
    third = await _import(db, clock, sergokala.xlsx(), "s.xlsx")
    assert third.unchanged == 12
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(School)) == 12
        assert await session.scalar(select(func.count()).select_from(AuditEvent)) == 3


async def test_a_failed_import_leaves_nothing_behind(db: Database, clock: FakeClock) -> None:
    rows = parse_school_table(sergokala.xlsx(), "s.xlsx")
    with pytest.raises(RuntimeError):
        async with db.sessions.begin() as session:
            await districts.import_schools(
                session=session,
                district_name=sergokala.DISTRICT,
                tz="Europe/Moscow",
                rows=rows,
                now=clock.now(),
            )
            raise RuntimeError("disk full")
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(School)) == 0


async def test_invites_are_distinct_hashed_and_expiring(db: Database, clock: FakeClock) -> None:
    await _import(db, clock, sergokala.xlsx(), "s.xlsx")
    async with db.sessions.begin() as session:
        issued = await invites.issue_for_district(
            session=session,
            district_name=sergokala.DISTRICT,
            now=clock.now(),
            ttl=timedelta(days=30),
            group_id=42,
        )
    assert len({i.code for i in issued}) == 12
    assert issued[0].link == f"https://vk.me/club42?ref={issued[0].code}"
    async with db.sessions() as session:
        stored = await invite_repo.by_hash(session, invite_codes.code_hash(issued[0].code))
        assert stored is not None
        assert stored.expires_at - stored.created_at == timedelta(days=30)
        codes_in_db = [i.code_hash for i in await session.scalars(select(Invite))]
    assert not {i.code for i in issued} & set(codes_in_db)


async def test_unknown_district_is_named(db: Database, clock: FakeClock) -> None:
    with pytest.raises(UnknownDistrict, match="Нет такого"):
        async with db.sessions.begin() as session:
            await invites.issue_for_district(
                session=session,
                district_name="Нет такого",
                now=clock.now(),
                ttl=timedelta(days=1),
                group_id=None,
            )
