"""Finding a district by what an admin typed, and changing its schedule, zone and holidays."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.calendar_days import RangesError, parse_ranges_ru
from bot.domain.districts import DistrictOverview, Holidays
from bot.domain.lookups import AmbiguousDistrict, NoSuchDistrict, UnknownZone
from bot.domain.schedule import Schedule, ScheduleError
from bot.domain.textnorm import fold
from storage.db import Database
from storage.models import District
from storage.repos import audit, districts

NATIONAL_CALENDAR = "ru_schools"
CLEAR_WORDS = frozenset({"нет", "очистить", "убрать", "-"})
CALENDAR_WORDS = frozenset({"календарь", "по стране", "федеральный"})


# Everything an admin's typing can cause here; each carries what to tell them.
INPUT_ERRORS = (LookupError, ScheduleError, RangesError, UnknownZone)


async def find_district(session: AsyncSession, text: str) -> District:
    """By name, ignoring case and ё; a unique part of the name is enough."""
    wanted = fold(text)
    everything = await districts.list_all(session)
    exact = [d for d in everything if fold(d.name) == wanted]
    if exact:
        return exact[0]
    partial = [d for d in everything if wanted and wanted in fold(d.name)]
    if len(partial) == 1:
        return partial[0]
    if partial:
        raise AmbiguousDistrict(text, [d.name for d in partial])
    raise NoSuchDistrict(text, [d.name for d in everything])


def holidays_of(district: District) -> Holidays:
    ranges = [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in district.school_holidays]
    return Holidays(ranges, district.holiday_calendar)


def schedule_of(district: District) -> Schedule:
    return Schedule.from_dict(district.schedule) if district.schedule else Schedule()


async def set_schedule(
    *, session: AsyncSession, district: District, text: str, now: datetime, actor_id: int | None
) -> Schedule:
    """Parts not given keep their value; ScheduleError (Russian) on bad input."""
    schedule = Schedule.parse_ru(text, base=schedule_of(district))
    district.schedule = schedule.to_dict()
    _audit(session, "district.schedule", district, now, actor_id, value=schedule.format_ru())
    return schedule


async def set_tz(
    *, session: AsyncSession, district: District, zone: str, now: datetime, actor_id: int | None
) -> str:
    try:
        key = ZoneInfo(zone.strip()).key
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownZone(zone) from None
    district.tz = key
    _audit(session, "district.tz", district, now, actor_id, value=key)
    return key


async def set_holidays(
    *, session: AsyncSession, district: District, text: str, now: datetime, actor_id: int | None
) -> Holidays:
    """Ranges replace the district's own; "нет" clears everything; "календарь" adds the
    national school calendar. RangesError (Russian) on bad input."""
    word = fold(text)
    if word in CLEAR_WORDS:
        district.school_holidays, district.holiday_calendar = [], None
    elif word in CALENDAR_WORDS:
        district.holiday_calendar = NATIONAL_CALENDAR
    else:
        ranges = parse_ranges_ru(text)
        district.school_holidays = [[a.isoformat(), b.isoformat()] for a, b in ranges]
    result = holidays_of(district)
    _audit(session, "district.holidays", district, now, actor_id, value=text[:200])
    return result


async def change(
    *,
    session: AsyncSession,
    district: District,
    setting: str,
    value: str,
    now: datetime,
    actor_id: int | None,
) -> Schedule | str | Holidays:
    """One of "schedule", "tz", "holidays" (the admin command and the CLI share this)."""
    setters: dict[str, Callable[..., Awaitable[Schedule | Holidays]]] = {
        "schedule": set_schedule,
        "holidays": set_holidays,
    }
    if setting == "tz":
        return await set_tz(
            session=session, district=district, zone=value, now=now, actor_id=actor_id
        )
    return await setters[setting](
        session=session, district=district, text=value, now=now, actor_id=actor_id
    )


async def change_named(
    *,
    db: Database,
    district_text: str,
    setting: str,
    value: str,
    now: datetime,
    actor_id: int | None,
) -> tuple[str, Schedule | str | Holidays]:
    """`/schedule`, `/tz`, `/holidays`: the district by a part of its name; its name and
    the setting as it is now."""
    async with db.sessions.begin() as session:
        district = await find_district(session, district_text)
        result = await change(
            session=session,
            district=district,
            setting=setting,
            value=value,
            now=now,
            actor_id=actor_id,
        )
    return district.name, result


def _audit(
    session: AsyncSession,
    action: str,
    district: District,
    now: datetime,
    actor_id: int | None,
    **details: str,
) -> None:
    audit.record(
        session,
        action=action,
        at=now,
        actor_id=actor_id,
        district_id=district.id,
        school_id=None,
        **details,
    )


async def overview(*, db: Database) -> list[DistrictOverview]:
    async with db.reads() as session:
        return [
            await _overview(session, district) for district in await districts.list_all(session)
        ]


async def _overview(session: AsyncSession, district: District) -> DistrictOverview:
    schools, heads, officials = await districts.counts(session, district.id)
    return DistrictOverview(
        district.name,
        schools,
        heads,
        officials,
        district.tz,
        schedule_of(district),
        holidays_of(district),
    )
