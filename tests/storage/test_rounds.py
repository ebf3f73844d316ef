import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event

from bot.clock import FakeClock
from bot.domain.weeks import IsoWeek
from bot.services import rounds
from storage.db import Database
from storage.repos import districts, monitoring, reports, requests
from storage.repos import rounds as rounds_repo


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


async def test_campaign_kind_is_written_into_the_sql(sqlite_db: Database, clock: FakeClock) -> None:
    # SQLite checks a bound kind against the partial index's `kind = 'weekly'` and then
    # prepares the statement again each time it is bound: 60–130 µs a check-in step.
    sent: list[str] = []

    @event.listens_for(sqlite_db.engine.sync_engine, "before_cursor_execute")
    def _sent(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    district_id = await _district(sqlite_db, clock)
    now = clock.now()
    week_ago = now - timedelta(days=7)
    async with sqlite_db.sessions.begin() as session:
        district = await districts.get(session, district_id)
        await rounds.current_round(session, district, now)
        await rounds_repo.weekly_round_of(session, district_id, "2024-W43")
        await rounds_repo.school_with_open_rounds(
            session, school_id=1, periods=["2024-W43"], opened_by=now, ends_after=week_ago
        )
        await requests.rounds_since(
            session, district_id=district_id, opened_by=now, ends_after=week_ago
        )
        await requests.upcoming_deadlines(session, now)
        await requests.recent(
            session, district_ids=[district_id], opened_by=now, ends_after=week_ago
        )
        await monitoring.answered_ratios(session, now)
        await reports.weekly_rounds(session, district_id=district_id, upto_period="2024-W43",
                                    limit=5)  # fmt: skip
        await reports.weekly_rounds_of_period(session, periods=["2024-W43"])
    on_kind = [s for s in sent if "campaigns.kind" in s]
    assert len(on_kind) >= 9
    assert not [s for s in on_kind if re.search(r"campaigns\.kind\s*(=|!=|<>|IN)\s*\(?\?", s)]
    assert all("campaigns.kind = 'weekly'" in s or "campaigns.kind = 'request'" in s
               for s in on_kind)  # fmt: skip
