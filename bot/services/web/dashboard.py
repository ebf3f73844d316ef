"""What each dashboard page shows, for the person signed in — and nothing they may not see.

Every function reads the visitor's session and roles in the same read transaction as the
page's data and asks the permission table (`authorize`) about the exact district or school
in the URL; anything not allowed is `NotFound`, the same as what does not exist, so a guessed
id tells nothing. Figures come from the reports service, the same functions as the chat's
/status, /my, /chart and /export, so the page and the chat agree to the figure.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.permissions import Action, Actor, authorize, districts_for
from bot.domain.report_data import DistrictWeek, RegionRow, SchoolHistory
from bot.domain.weeks import IsoWeek
from bot.services.reports import charts, export
from bot.services.reports import data as reports
from bot.services.rounds import calendar_of
from bot.services.web.signin import digest, may_sign_in
from storage.db import Database
from storage.models import District
from storage.repos import actors, districts
from storage.repos import reports as reports_repo
from storage.repos import web as web_repo

PICKER_WEEKS = 12
CHART_WEEKS = 8
EXPORT_WEEKS = 12
CHART_KEY = "students_active_pct"


class SignedOut(Exception):
    """No session, or it ended: the visitor is asked to sign in."""


class NoAccess(Exception):
    """Signed in, but the person no longer holds any role that opens the dashboard."""


class NotFound(Exception):
    """No such page, or not for this visitor: the two are answered alike."""


@dataclass(frozen=True)
class Visitor:
    session_id: str | None  # the cookie, as the browser sent it
    admin_ids: tuple[int, ...]


@dataclass(frozen=True)
class Link:
    id: int
    name: str


@dataclass(frozen=True)
class Home:
    districts: tuple[Link, ...]
    schools: tuple[Link, ...]  # a head's own schools
    region: bool


@dataclass(frozen=True)
class DistrictPage:
    id: int
    week: DistrictWeek
    weeks: tuple[str, ...]  # to pick from, newest first
    can_export: bool
    can_chart: bool
    export_weeks: int = EXPORT_WEEKS


@dataclass(frozen=True)
class SchoolPage:
    id: int
    history: SchoolHistory
    district: Link | None  # when the visitor may open the school's district too


@dataclass(frozen=True)
class RegionLine:
    district_id: int
    row: RegionRow


async def _actor(session: AsyncSession, visitor: Visitor, now: datetime) -> Actor:
    if not visitor.session_id:
        raise SignedOut
    vk_id = await web_repo.session_vk_id(session, id_hash=digest(visitor.session_id), now=now)
    if vk_id is None:
        raise SignedOut
    actor = await actors.actor(session, vk_id, list(visitor.admin_ids))
    # Roles are read at every page: one taken away closes the dashboard at once.
    if not may_sign_in(actor):
        raise NoAccess
    return actor


async def who(*, db: Database, visitor: Visitor, now: datetime) -> Actor:
    async with db.reads() as session:
        return await _actor(session, visitor, now)


async def home(*, db: Database, visitor: Visitor, now: datetime) -> Home:
    async with db.reads() as session:
        actor = await _actor(session, visitor, now)
        everything = await districts.list_all(session)
        schools = []
        for school_id in actor.school_ids:
            school = await reports_repo.school(session, school_id)
            if school is not None:
                schools.append(Link(school.id, school.name))
    visible = [Link(d.id, d.name) for d in everything if _may(actor, Action.STATUS, d.id)]
    return Home(tuple(visible), tuple(schools), districts_for(actor, Action.STATUS) is None)


async def district(
    *, db: Database, visitor: Visitor, district_id: int, week: IsoWeek | None, now: datetime
) -> DistrictPage:
    async with db.reads() as session:
        actor = await _actor(session, visitor, now)
        found = await _district(session, actor, Action.STATUS, district_id)
        status = await reports.district_week(session=session, district=found, now=now, week=week)
        current = calendar_of(found).week_of(now)
        rounds = await reports_repo.weekly_rounds(
            session, district_id=found.id, upto_period=str(current), limit=PICKER_WEEKS
        )
    periods = sorted({str(current), status.period, *(r.period for r in rounds)}, reverse=True)
    return DistrictPage(
        id=found.id,
        week=status,
        weeks=tuple(periods),
        can_export=_may(actor, Action.EXPORT, found.id),
        can_chart=_may(actor, Action.CHART, found.id),
    )


async def school(
    *, db: Database, visitor: Visitor, school_id: int, week: IsoWeek | None, now: datetime
) -> SchoolPage:
    async with db.reads() as session:
        actor = await _actor(session, visitor, now)
        found = await reports_repo.school(session, school_id)
        if found is None:
            raise NotFound
        target = {"district_id": found.district_id, "school_id": found.id}
        # An official reads a school of their district as /status <школа>; staff as /my.
        if not (authorize(actor, Action.STATUS, **target) or authorize(actor, Action.MY, **target)):
            raise NotFound
        history = await reports.school_history(
            session=session, school_id=found.id, now=now, week=week
        )
    district_link = (
        Link(found.district_id, history.district)
        if _may(actor, Action.STATUS, found.district_id)
        else None
    )
    return SchoolPage(found.id, history, district_link)


async def region(*, db: Database, visitor: Visitor, now: datetime) -> list[RegionLine]:
    async with db.reads() as session:
        actor = await _actor(session, visitor, now)
        if districts_for(actor, Action.STATUS) is not None:
            raise NotFound  # all districts at once: admins, as `/status регион`
        ids = {d.name: d.id for d in await districts.list_all(session)}
        rows = await reports.region_rows(session=session, now=now)
    return [RegionLine(ids[row.district], row) for row in rows]


async def chart(
    *,
    db: Database,
    visitor: Visitor,
    district_id: int,
    trend: bool,
    week: IsoWeek | None,
    now: datetime,
) -> bytes:
    """The bot's own /chart pictures: the trend lines, or the schools' bars."""
    async with db.reads() as session:
        actor = await _actor(session, visitor, now)
        found = await _district(session, actor, Action.CHART, district_id)
        moment = _within(week, found) if week else now
        if trend:
            _, points = await reports.district_trend(
                session=session, district=found, now=moment, weeks=CHART_WEEKS
            )
        else:
            status = await reports.district_week(
                session=session, district=found, now=now, week=week
            )
    if trend:
        return await asyncio.to_thread(charts.trend_png, found.name, points)
    return await asyncio.to_thread(charts.schools_png, status, CHART_KEY)


async def export_file(
    *, db: Database, visitor: Visitor, district_id: int, fmt: str, now: datetime
) -> tuple[str, bytes]:
    """The /export file of the district (written to the audit log as the chat's is)."""
    async with db.reads() as session:
        actor = await _actor(session, visitor, now)
        found = await _district(session, actor, Action.EXPORT, district_id)
    exported = await export.export_district(
        db=db,
        district_id=found.id,
        now=now,
        weeks=EXPORT_WEEKS,
        fmt=fmt,
        actor_id=actor.person_id,
    )
    return exported.name, exported.data


async def _district(
    session: AsyncSession, actor: Actor, action: Action, district_id: int
) -> District:
    found = await districts.get(session, district_id)
    if found is None or not _may(actor, action, found.id):
        raise NotFound
    return found


def _may(actor: Actor, action: Action, district_id: int) -> bool:
    return authorize(actor, action, district_id=district_id)


def _within(week: IsoWeek, district: District) -> datetime:
    """A moment of `week` in the district's zone: the reports read "this week" from it."""
    return datetime.combine(week.monday(), time(12), ZoneInfo(district.tz))
