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


@dataclass(frozen=True)
class ArchiveChange:
    """A school moved to the archive or back, or found already where it was asked to be."""

    school: str
    district: str
    archived: bool  # where the school is now
    changed: bool
    revoked: int = 0  # unused invite codes cancelled with the archiving
    has_head: bool = False  # a head in the bot, who gets the prompts again on restore
