"""Rounds answered out of their week: a head's missed week (up to `PAST_WEEKS` back, stored
late) and a week the district office enters for a school (`/correct`).

A past week is answered only in the round it had: a week the district did not collect
(before it joined, holidays) gets none made afterwards, so no summary or escalation of an
old week is ever planned because of an answer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.past_weeks import PAST_WEEKS, weeks_back
from bot.domain.report_render import week_label
from bot.domain.week_query import WeekError, WeekQuery
from bot.domain.weeks import IsoWeek
from bot.services.checkin.answers import CheckinRefused, OpenRound, is_answered
from bot.services.rounds import calendar_of, round_for_week, round_questionnaire
from bot.texts import corrections as texts
from storage.models import District, Round, School
from storage.repos import requests as requests_repo
from storage.repos import rounds as rounds_repo


async def head_round(
    session: AsyncSession, *, school_id: int, asked: WeekQuery | None, now: datetime
) -> OpenRound | str:
    """The round a head asked to answer: the week named, else the latest week within
    `PAST_WEEKS` still without an answer; or why there is none (Russian)."""
    school, district = await _school(session, school_id)
    current = calendar_of(district).week_of(now)
    if asked is None or asked.back == 1:  # «за прошлую неделю»: the one still missing
        week = current
        for _ in range(PAST_WEEKS):
            week = week.previous()
            opened = await _round(session, school, district, week, current, now)
            if opened is not None and not await _answered(session, opened):
                return opened
        return texts.PAST_NONE_MISSING
    named = _week(asked, district, now)
    if named is None:
        return texts.BAD_WEEK
    back = weeks_back(named, current)
    label = week_label(str(named))
    if back < 0:
        return texts.PAST_FUTURE.format(week=label)
    if back > PAST_WEEKS:
        return texts.PAST_TOO_OLD.format(week=label)
    opened = await _round(session, school, district, named, current, now)
    if opened is None:
        return texts.PAST_NO_ROUND.format(week=label)
    if back > 0 and await _answered(session, opened):
        return texts.PAST_ANSWERED.format(week=label)
    return opened


async def office_round(
    session: AsyncSession, *, school_id: int, asked: WeekQuery | None, now: datetime
) -> OpenRound | str:
    """The round the office enters a school's answers in (default: this week's), or why
    there is none (Russian)."""
    school, district = await _school(session, school_id)
    current = calendar_of(district).week_of(now)
    week = _week(asked, district, now) if asked is not None else current
    if week is None:
        return texts.BAD_WEEK
    label = week_label(str(week))
    if weeks_back(week, current) < 0:
        return texts.CORRECT_FUTURE.format(week=label)
    opened = await _round(session, school, district, week, current, now)
    return opened if opened is not None else texts.CORRECT_NO_ROUND.format(week=label)


async def pinned_round(
    session: AsyncSession, *, round_id: int, school_id: int, office: bool, now: datetime
) -> OpenRound | None:
    """The round of a draft opened for a chosen week, if it may still be answered: the
    office any week of the school's district, a head within `PAST_WEEKS`."""
    school, district = await _school(session, school_id)
    round_ = await session.get(Round, round_id)
    if round_ is None or round_.district_id != district.id or round_.skipped:
        return None
    try:
        week = IsoWeek.parse(round_.period)
    except ValueError:  # a one-off request's round: never pinned
        return None
    current = calendar_of(district).week_of(now)
    if not office and not 0 <= weeks_back(week, current) <= PAST_WEEKS:
        return None
    return await _opened(session, school, district, round_)


async def _round(
    session: AsyncSession,
    school: School,
    district: District,
    week: IsoWeek,
    current: IsoWeek,
    now: datetime,
) -> OpenRound | None:
    if week == current:
        round_ = await round_for_week(session, district, week, now)
    else:
        round_ = await rounds_repo.weekly_round_of(session, district.id, str(week))
    if round_ is None or round_.skipped:
        return None
    return await _opened(session, school, district, round_)


async def _opened(
    session: AsyncSession, school: School, district: District, round_: Round
) -> OpenRound:
    campaign = await requests_repo.campaign_of(session, round_)
    questionnaire = await round_questionnaire(session, round_)
    return OpenRound(round_, questionnaire, school, district, campaign)


async def _answered(session: AsyncSession, opened: OpenRound) -> bool:
    return await is_answered(session=session, round_id=opened.round.id, school_id=opened.school.id)


async def _school(session: AsyncSession, school_id: int) -> tuple[School, District]:
    school = await session.get(School, school_id)
    if school is None or school.archived_at is not None:
        raise CheckinRefused("no_school", str(school_id))
    district = await session.get(District, school.district_id)
    assert district is not None
    return school, district


def _week(asked: WeekQuery, district: District, now: datetime) -> IsoWeek | None:
    """The week asked for on the district's today; None if there is no such week."""
    try:
        return asked.week(now.astimezone(calendar_of(district).tz).date())
    except WeekError:
        return None
