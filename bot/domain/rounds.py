"""Turn a schedule into the instants of one week's round, shifted around days off.

Days: a *school day* is Mon–Fri, not a public holiday and outside the district's school
holidays; an *office day* is Mon–Fri and not a public holiday (officials work during
каникулы). Nobody is written to on any other day.

Rules, applied to the round of ISO week W in the district's zone:
1. No round (None) when W has no school day: school-holiday weeks and weeks made of days off
   (2025-W01). Also None in the rare weeks where the shifted prompt would not come before the
   shifted deadline, or the prompt has no school day left after its own day: a round that
   cannot be answered is better skipped than squeezed.
2. The prompt moves to the nearest LATER school day of W at the same local time (Monday
   4 Nov 2024 -> Tuesday): it must not go out before the week it asks about starts.
3. Reminders, the deadline and the summary move to the nearest EARLIER school day of W at the
   same local time (Friday 8 Mar 2024 -> Thursday): heads get the same number of days, minus
   the holiday, rather than a deadline pushed into the next week's round.
4. Order is kept after shifting: reminders at or before the prompt, at or after the deadline,
   or at the same instant as another are dropped; the summary never goes before the
   deadline (it is moved to the deadline instant if shifting put it earlier).
5. The escalation (the week after W) goes to the next office day on or after its day, even
   past that week when the whole week is days off — the missed schools are still worth
   naming.
Local times become UTC through zoneinfo: a wall time skipped by a DST change lands after the
gap, an ambiguous one takes its first occurrence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bot.domain.calendar_days import DayCalendar
from bot.domain.schedule import Schedule
from bot.domain.weeks import IsoWeek, weeks_to_plan


class MomentKind(StrEnum):
    PROMPT = "prompt"
    REMINDER = "reminder"
    DEADLINE = "deadline"
    SUMMARY = "summary"
    ESCALATION = "escalation"


class Moment(NamedTuple):
    kind: MomentKind
    at: datetime


@dataclass(frozen=True)
class RoundPlan:
    """The instants (aware, UTC) of one week's round, in order."""

    week: IsoWeek
    prompt_at: datetime
    reminders_at: tuple[datetime, ...]
    deadline_at: datetime
    summary_at: datetime
    escalation_at: datetime

    def moments(self) -> list[Moment]:
        return [
            Moment(MomentKind.PROMPT, self.prompt_at),
            *(Moment(MomentKind.REMINDER, at) for at in self.reminders_at),
            Moment(MomentKind.DEADLINE, self.deadline_at),
            Moment(MomentKind.SUMMARY, self.summary_at),
            Moment(MomentKind.ESCALATION, self.escalation_at),
        ]


def _local(day: date, wall: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, wall, tzinfo=tz).astimezone(UTC)


def _first(days: Iterable[date], ok: Callable[[date], bool]) -> date | None:
    return next((day for day in days if ok(day)), None)


def plan_round(
    schedule: Schedule, week: IsoWeek, tz: ZoneInfo, calendar: DayCalendar
) -> RoundPlan | None:
    """The round of `week` under the shifting rules of the module docstring, or None."""
    days = week.days()

    def later_school_day(weekday: int) -> date | None:
        return _first(days[weekday:], calendar.is_school_day)

    def earlier_school_day(weekday: int) -> date | None:
        return _first(reversed(days[: weekday + 1]), calendar.is_school_day)

    prompt_day = later_school_day(schedule.prompt.weekday)
    deadline_day = earlier_school_day(schedule.deadline.weekday)
    if prompt_day is None or deadline_day is None:
        return None
    prompt_at = _local(prompt_day, schedule.prompt.time, tz)
    deadline_at = _local(deadline_day, schedule.deadline.time, tz)
    if deadline_at <= prompt_at:
        return None

    reminders: set[datetime] = set()  # a set: two reminders shifted onto one instant send once
    for reminder in schedule.reminders:
        day = earlier_school_day(reminder.weekday)
        if day is None:  # no school day on or before it, so it would precede the prompt
            continue
        at = _local(day, reminder.time, tz)
        if prompt_at < at < deadline_at:
            reminders.add(at)

    # The fallback is for the type checker: the deadline's day is a candidate already.
    summary_day = earlier_school_day(schedule.summary.weekday) or deadline_day
    summary_at = max(_local(summary_day, schedule.summary.time, tz), deadline_at)

    escalation_day = week.next().days()[schedule.escalation.weekday]
    while not calendar.is_working_day(escalation_day):
        escalation_day += timedelta(days=1)

    return RoundPlan(
        week=week,
        prompt_at=prompt_at,
        reminders_at=tuple(sorted(reminders)),
        deadline_at=deadline_at,
        summary_at=summary_at,
        escalation_at=_local(escalation_day, schedule.escalation.time, tz),
    )


def next_moment_after(plan: RoundPlan, t: datetime) -> datetime | None:
    """The first moment of `plan` strictly after `t`, or None when the round is over."""
    return next((moment.at for moment in plan.moments() if moment.at > t), None)


def upcoming_moments(
    schedule: Schedule,
    t: datetime,
    tz: ZoneInfo,
    calendar: DayCalendar,
    count: int,
    horizon_weeks: int = 60,
) -> list[tuple[RoundPlan, Moment]]:
    """The district's first `count` moments strictly after `t`, in time order, each with its
    round's plan (a week's escalation comes after the next week's prompt)."""
    week = weeks_to_plan(t, tz)[0]
    found: list[tuple[RoundPlan, Moment]] = []
    for _ in range(horizon_weeks):
        plan = plan_round(schedule, week, tz, calendar)
        if plan is not None:
            found.sort(key=lambda pair: pair[1].at)
            # Every moment of a round comes after its prompt, and prompts go in week order.
            if len(found) >= count and plan.prompt_at > found[count - 1][1].at:
                break
            found += [(plan, moment) for moment in plan.moments() if moment.at > t]
        week = week.next()
    return sorted(found, key=lambda pair: pair[1].at)[:count]


def next_moment_from(
    schedule: Schedule, t: datetime, tz: ZoneInfo, calendar: DayCalendar, horizon_weeks: int = 60
) -> datetime | None:
    """The district's first moment strictly after `t` in any round, looking ahead a while.

    For a clock that jumps ahead: between rounds and across the summer break the next moment
    is in a week `weeks_to_plan` does not cover yet.
    """
    week = weeks_to_plan(t, tz)[0]  # escalations of earlier rounds may still be ahead
    for _ in range(horizon_weeks):
        plan = plan_round(schedule, week, tz, calendar)
        if plan is not None and (at := next_moment_after(plan, t)) is not None:
            return at
        week = week.next()
    return None
