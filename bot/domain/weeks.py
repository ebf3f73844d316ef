"""ISO weeks: the identity of a weekly round ("2024-W43") and its bounds in a district's zone.

A round belongs to the ISO week *in the district's time zone*, so the same instant can fall
in different weeks for Kaliningrad and Vladivostok. Errors are English ValueErrors; the
caller translates them for the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# How many weeks after its round an escalation can land; see `weeks_to_plan`.
_ESCALATION_REACH_WEEKS = 3
_WEEK_RE = re.compile(r"(\d{4})-?W(\d{1,2})", re.IGNORECASE)


def weeks_in_year(year: int) -> int:
    """Number of ISO weeks in `year` (52 or 53); 28 December is always in the last one."""
    return date(year, 12, 28).isocalendar().week


@dataclass(frozen=True, order=True)
class IsoWeek:
    """An ISO 8601 week; ordering follows time."""

    year: int
    week: int

    def __post_init__(self) -> None:
        if not 1 <= self.week <= weeks_in_year(self.year):
            raise ValueError(f"{self.year} has no ISO week {self.week}")

    def __str__(self) -> str:
        return f"{self.year:04d}-W{self.week:02d}"

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """Parse "2024-W43" (also "2024-w5", "2024W43"; surrounding blanks are ignored)."""
        match = _WEEK_RE.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"invalid ISO week {text!r}: expected YYYY-Www, e.g. 2024-W43")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def containing(cls, day: date) -> IsoWeek:
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    def days(self) -> tuple[date, ...]:
        """Monday to Sunday."""
        monday = self.monday()
        return tuple(monday + timedelta(days=i) for i in range(7))

    def next(self) -> IsoWeek:
        return IsoWeek.containing(self.monday() + timedelta(days=7))

    def previous(self) -> IsoWeek:
        return IsoWeek.containing(self.monday() - timedelta(days=7))

    def start_utc(self, tz: ZoneInfo) -> datetime:
        """Local midnight at the start of Monday, as an aware UTC datetime."""
        return datetime.combine(self.monday(), time(0), tzinfo=tz).astimezone(UTC)

    def end_utc(self, tz: ZoneInfo) -> datetime:
        """Exclusive end: the start of the next week (a week may be 167 or 169 h under DST)."""
        return self.next().start_utc(tz)


def iso_week_of(moment: datetime, tz: ZoneInfo) -> IsoWeek:
    """The week that `moment` falls in on the wall clock of `tz`."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("moment must be timezone-aware")
    return IsoWeek.containing(moment.astimezone(tz).date())


# Wall clocks run from UTC−12 to UTC+14.
_WALL_CLOCK_OFFSETS = (timedelta(hours=-12), timedelta(hours=14))


def weeks_anywhere(moment: datetime) -> list[IsoWeek]:
    """The weeks `moment` falls in on some wall clock: one, or two around Monday's midnight.
    What `iso_week_of` gives for any time zone, known before the time zone is."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("moment must be timezone-aware")
    utc = moment.astimezone(UTC)
    return sorted({IsoWeek.containing((utc + offset).date()) for offset in _WALL_CLOCK_OFFSETS})


def weeks_to_plan(now: datetime, tz: ZoneInfo) -> list[IsoWeek]:
    """Weeks whose rounds can have moments due in the current week, oldest first.

    Usually the previous week (its escalation) and the current one; but an escalation put off
    by the New Year days off can land three weeks after its round (2025-W52 with a Friday
    escalation goes to Monday 12 January 2026, in 2026-W03), so three weeks back.
    """
    week = iso_week_of(now, tz)
    weeks = [week]
    for _ in range(_ESCALATION_REACH_WEEKS):
        weeks.insert(0, weeks[0].previous())
    return weeks
