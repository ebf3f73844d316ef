"""A district's settings as admins see them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.calendar_days import DateRange
from bot.domain.schedule import Schedule


@dataclass(frozen=True)
class Holidays:
    """The district's own school-holiday ranges, and the packaged calendar it follows."""

    ranges: list[DateRange]
    calendar: str | None


@dataclass(frozen=True)
class DistrictOverview:
    name: str
    schools: int
    heads: int
    officials: int
    tz: str
    schedule: Schedule
    holidays: Holidays
