"""The moments of a one-off request's round: notice, reminders, deadline and summary.

The notice goes when the request is created (someone has just asked for it). Reminders go
to non-responders two days before the deadline and on the deadline's morning, at 09:00 in
the district's zone; a reminder on a day off moves to the nearest earlier working day
(heads work during school holidays, so working days, not school days, count here). A
reminder not strictly between the notice and the deadline is dropped, and two landing on one
instant send once. The summary goes at the deadline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.calendar_days import DayCalendar

REMINDER_TIME = time(9, 0)
REMINDER_DAYS_BEFORE = (2, 0)
# A deadline far in the future must not make the search for a working day run for ever.
_MAX_SHIFT_DAYS = 30


@dataclass(frozen=True)
class RequestPlan:
    """The instants (aware, UTC) of a request's round, in order."""

    prompt_at: datetime
    reminders_at: tuple[datetime, ...]
    deadline_at: datetime
    summary_at: datetime

    def moments(self) -> list[datetime]:
        return [self.prompt_at, *self.reminders_at, self.deadline_at, self.summary_at]


def plan_request(
    *, opens_at: datetime, deadline_at: datetime, tz: ZoneInfo, calendar: DayCalendar
) -> RequestPlan:
    deadline_day = deadline_at.astimezone(tz).date()
    reminders: set[datetime] = set()
    for days_before in REMINDER_DAYS_BEFORE:
        day = _working_day_on_or_before(deadline_day - timedelta(days=days_before), calendar)
        if day is None:
            continue
        at = datetime.combine(day, REMINDER_TIME, tzinfo=tz).astimezone(UTC)
        if opens_at < at < deadline_at:
            reminders.add(at)
    return RequestPlan(
        prompt_at=opens_at,
        reminders_at=tuple(sorted(reminders)),
        deadline_at=deadline_at,
        summary_at=deadline_at,
    )


def _working_day_on_or_before(day: date, calendar: DayCalendar) -> date | None:
    for _ in range(_MAX_SHIFT_DAYS):
        if calendar.is_working_day(day):
            return day
        day -= timedelta(days=1)
    return None


# Messages (Russian) for whoever types the deadline.
BAD_DEADLINE = "Не понимаю срок «{text}». Напишите дату и время так: 02.11.2024 18:00."
NO_SUCH_DATE = "Такой даты нет: «{text}»."
DEFAULT_DEADLINE_TIME = time(18, 0)  # a date alone means the end of that working day
_RU = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ ,]+(?:в\s*)?(\d{1,2})[:.](\d{2}))?")


class DeadlineError(ValueError):
    """The deadline cannot be read; str(error) is Russian."""


def parse_deadline(text: str, tz: ZoneInfo) -> datetime:
    """«02.11.2024 18:00», «02.11.2024» (18:00) or ISO 8601; wall times are in `tz`."""
    raw = " ".join(text.split())[:60]
    match = _RU.fullmatch(raw)
    try:
        if match:
            day, month, year, hour, minute = match.groups()
            wall = time(int(hour), int(minute)) if hour else DEFAULT_DEADLINE_TIME
            moment = datetime.combine(date(int(year), int(month), int(day)), wall)
        else:
            moment = datetime.fromisoformat(raw)
    except ValueError:
        problem = NO_SUCH_DATE if match else BAD_DEADLINE
        raise DeadlineError(problem.format(text=raw)) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)
