from datetime import UTC, datetime

from bot.clock import FakeClock
from bot.domain.weeks import IsoWeek
from bot.services import rounds
from storage.db import Database
from storage.repos import districts


async def _district(db: Database, clock: FakeClock, **values):
    async with db.sessions.begin() as session:
        district = await districts.add(session, name="Д", tz="Europe/Moscow", now=clock.now())
        for key, value in values.items():
            setattr(district, key, value)
        return district.id


async def test_current_round_is_created_once(db: Database, clock: FakeClock) -> None:
    district_id = await _district(db, clock)
    async with db.sessions.begin() as session:
        district = await districts.get(session, district_id)
        first = await rounds.current_round(session, district, clock.now())
        again = await rounds.current_round(session, district, clock.now())
        questionnaire = await rounds.round_questionnaire(session, first)
    assert first.id == again.id
    assert first.period == "2024-W43"
    assert first.opens_at == datetime(2024, 10, 21, 6, 0, tzinfo=UTC)  # Mon 09:00 MSK
    assert first.deadline_at == datetime(2024, 10, 25, 13, 0, tzinfo=UTC)  # Fri 16:00 MSK
    assert questionnaire.id == "sferum"


async def test_holiday_week_has_no_round(db: Database, clock: FakeClock) -> None:
    district_id = await _district(db, clock, school_holidays=[["2024-10-28", "2024-11-04"]])
    async with db.sessions.begin() as session:
        district = await districts.get(session, district_id)
        assert (
            await rounds.round_for_week(session, district, IsoWeek(2024, 44), clock.now()) is None
        )
        assert await rounds.round_for_week(session, district, IsoWeek(2024, 45), clock.now())


async def test_adopted_national_calendar_skips_autumn_break(db: Database, clock: FakeClock) -> None:
    district_id = await _district(db, clock, holiday_calendar="ru_schools")
    async with db.sessions.begin() as session:
        district = await districts.get(session, district_id)
        assert (
            await rounds.round_for_week(session, district, IsoWeek(2024, 44), clock.now()) is None
        )


async def test_weekly_campaigns_of_many_districts_in_one_connection(
    db: Database, clock: FakeClock
) -> None:
    # PostgreSQL plans a statement generically after five runs on a connection; the partial
    # index's predicate must then still match the ON CONFLICT clause.
    async with db.sessions.begin() as session:
        made = []
        for n in range(8):
            district = await districts.add(
                session, name=f"Д{n}", tz="Europe/Moscow", now=clock.now()
            )
            made.append(await rounds.weekly_campaign(session, district, clock.now()))
    assert len({campaign.id for campaign in made}) == 8
