"""Campaigns and rounds: which round is open for a district now, created on first need.

A round is (campaign, period): the weekly campaign's periods are ISO weeks in the
district's time zone ("2024-W43"); a one-off request has a single period. Creation is
idempotent on that natural key, so any instance may create a round at any time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import Pool

from bot.domain.calendar_days import DayCalendar
from bot.domain.questionnaire import Questionnaire
from bot.domain.rounds import Moment, RoundPlan, plan_round, upcoming_moments
from bot.domain.schedule import Schedule
from bot.domain.weeks import IsoWeek, iso_week_of
from bot.resources import default_questionnaire, load_school_calendar, public_holidays
from storage.db import Database
from storage.models import Campaign, District, Round
from storage.repos import districts as districts_repo
from storage.repos import rounds as repo

WEEKLY_TITLE = "Еженедельный мониторинг Сферума"


@dataclass(frozen=True)
class DistrictCalendar:
    schedule: Schedule
    tz: ZoneInfo
    days: DayCalendar
    # A week's plan depends on nothing else, so each is worked out once.
    _plans: dict[IsoWeek, RoundPlan | None] = field(default_factory=dict, compare=False, repr=False)

    def plan(self, week: IsoWeek) -> RoundPlan | None:
        if week not in self._plans:
            self._plans[week] = plan_round(self.schedule, week, self.tz, self.days)
        return self._plans[week]

    def week_of(self, moment: datetime) -> IsoWeek:
        return iso_week_of(moment, self.tz)


def calendar_of(district: District) -> DistrictCalendar:
    """The district's calendar, built once for each distinct setting: every check-in step
    asks for it (building it and planning the week were ≈ 3 % of a step's CPU)."""
    return _calendar(
        district.tz,
        district.holiday_calendar,
        json.dumps(district.schedule, sort_keys=True),
        json.dumps(district.school_holidays),
    )


@lru_cache(maxsize=256)
def _calendar(
    tz: str, holiday_calendar: str | None, schedule_json: str, holidays_json: str
) -> DistrictCalendar:
    stored = json.loads(schedule_json)
    schedule = Schedule.from_dict(stored) if stored else Schedule()
    ranges = [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in json.loads(holidays_json)]
    if holiday_calendar:
        ranges += load_school_calendar(holiday_calendar)
    days = DayCalendar(public_holidays("RU"), tuple(ranges))
    return DistrictCalendar(schedule, ZoneInfo(tz), days)


# Stored questionnaire versions never change, so each is parsed once per database. Keyed by
# the engine's pool because row ids repeat across databases (tests, the demo beside a
# sandbox), and the pool is what an engine shares with its copies of other options (reads).
_parsed: WeakKeyDictionary[Pool, dict[int, Questionnaire]] = WeakKeyDictionary()


async def round_questionnaire(session: AsyncSession, round_: Round) -> Questionnaire:
    cache = _parsed.setdefault(session.get_bind().engine.pool, {})
    found = cache.get(round_.questionnaire_id)
    if found is None:  # every dialog step asks for it: no query once parsed
        row = await repo.questionnaire(session, round_.questionnaire_id)
        assert row is not None
        found = cache[row.id] = Questionnaire.from_dict(row.spec)
    return found


async def store_questionnaire(
    session: AsyncSession, questionnaire: Questionnaire, now: datetime
) -> int:
    row = await repo.questionnaire_version(
        session,
        slug=questionnaire.id,
        version=questionnaire.version,
        spec=questionnaire.to_dict(),
        now=now,
    )
    return row.id


async def weekly_campaign(session: AsyncSession, district: District, now: datetime) -> Campaign:
    campaign = await repo.weekly_campaign(session, district.id)
    if campaign is None:
        questionnaire_id = await store_questionnaire(session, default_questionnaire(), now)
        campaign = await repo.add_weekly_campaign(
            session,
            district_id=district.id,
            title=WEEKLY_TITLE,
            questionnaire_id=questionnaire_id,
            now=now,
        )
    return campaign


async def round_for_week(
    session: AsyncSession, district: District, week: IsoWeek, now: datetime
) -> Round | None:
    """The weekly round of `week`, created if needed; None for a week without a round."""
    plan = calendar_of(district).plan(week)
    if plan is None:
        return None
    # One query for the round that exists on every step but the week's first.
    existing = await repo.weekly_round_of(session, district.id, str(week))
    if existing is not None:
        return existing
    campaign = await weekly_campaign(session, district, now)
    existing = await repo.round_of(session, campaign.id, str(week))
    if existing is not None:
        return existing
    return await repo.add_round(
        session,
        campaign_id=campaign.id,
        district_id=district.id,
        period=str(week),
        questionnaire_id=campaign.questionnaire_id,
        opens_at=plan.prompt_at,
        deadline_at=plan.deadline_at,
        skipped=False,
        created_at=now,
    )


async def current_round(session: AsyncSession, district: District, now: datetime) -> Round | None:
    """The round heads answer now: this week's, if this week has one."""
    return await round_for_week(session, district, calendar_of(district).week_of(now), now)


@dataclass(frozen=True)
class Upcoming:
    district: str
    tz: str
    moment: Moment


async def upcoming(*, db: Database, after: datetime, limit: int) -> list[Upcoming]:
    """What the scheduler will do next in every district, soonest first (the sandbox's
    clock panel). A week whose deadline has passed without a round (the bot was not running
    while heads could answer) sends nothing, so its later moments are left out."""
    moments = []
    async with db.reads() as session:
        for district in await districts_repo.list_all(session):
            calendar = calendar_of(district)
            found = upcoming_moments(calendar.schedule, after, calendar.tz, calendar.days, limit)
            missed = {
                plan.week
                for plan, _ in found
                if plan.deadline_at <= after
                and await repo.weekly_round_of(session, district.id, str(plan.week)) is None
            }
            moments += [
                Upcoming(district.name, district.tz, moment)
                for plan, moment in found
                if plan.week not in missed
            ]
    return sorted(moments, key=lambda item: item.moment.at)[:limit]
