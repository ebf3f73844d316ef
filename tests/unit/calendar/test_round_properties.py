from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.calendar_days import DayCalendar
from bot.domain.rounds import RoundPlan, next_moment_after, plan_round
from bot.domain.schedule import Schedule, WeeklyTime
from bot.domain.weeks import IsoWeek, weeks_to_plan
from bot.resources import load_school_calendar, public_holidays

ZONES = [ZoneInfo(name) for name in ("Europe/Moscow", "Europe/Berlin", "Asia/Vladivostok")]
CALENDARS = [DayCalendar(public_holidays()), DayCalendar(public_holidays(), load_school_calendar())]

weeks = st.dates(date(2023, 1, 2), date(2030, 12, 29)).map(IsoWeek.containing)
weekday_times = st.builds(
    lambda weekday, hour, minute: WeeklyTime(weekday=weekday, time=time(hour, minute)),
    st.integers(0, 4),
    st.integers(0, 23),
    st.integers(0, 59),
)


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    # Distinct moments in weekly order: prompt, reminders..., deadline.
    ordered = sorted(
        draw(st.lists(weekday_times, min_size=2, max_size=5, unique_by=lambda m: m.key)),
        key=lambda m: m.key,
    )
    deadline = ordered[-1]
    summary = max(draw(weekday_times), deadline, key=lambda m: m.key)
    return Schedule(
        prompt=ordered[0],
        reminders=tuple(ordered[1:-1]),
        deadline=deadline,
        summary=summary,
        escalation=draw(weekday_times),
    )


def local_day(at: datetime, tz: ZoneInfo) -> date:
    return at.astimezone(tz).date()


def local_time(at: datetime, tz: ZoneInfo) -> time:
    return at.astimezone(tz).time()


def check_plan(plan: RoundPlan, schedule: Schedule, tz: ZoneInfo, calendar: DayCalendar) -> None:
    week = plan.week
    moments = [at for _, at in plan.moments()]
    assert all(at.tzinfo is UTC for at in moments)
    # The scheduler finds every moment by planning the weeks `weeks_to_plan` names.
    assert all(week in weeks_to_plan(at, tz) for at in moments)
    assert plan.prompt_at < (plan.reminders_at or (plan.deadline_at,))[0]
    assert list(plan.reminders_at) == sorted(set(plan.reminders_at))
    assert (plan.reminders_at or (plan.prompt_at,))[-1] < plan.deadline_at <= plan.summary_at
    assert plan.summary_at < plan.escalation_at

    # Everything before the escalation: inside the week, on a school day, at a scheduled time.
    for at in moments[:-1]:
        assert week.start_utc(tz) <= at < week.end_utc(tz)
        assert calendar.is_school_day(local_day(at, tz))
    assert local_time(plan.prompt_at, tz) == schedule.prompt.time
    assert local_time(plan.deadline_at, tz) == schedule.deadline.time
    assert {local_time(at, tz) for at in plan.reminders_at} <= {r.time for r in schedule.reminders}
    assert (
        plan.summary_at == plan.deadline_at
        or local_time(plan.summary_at, tz) == schedule.summary.time
    )

    # The escalation: the first office day on or after its day in the next week.
    nominal = week.next().days()[schedule.escalation.weekday]
    day = local_day(plan.escalation_at, tz)
    assert day >= nominal
    assert calendar.is_working_day(day)
    assert not any(
        calendar.is_working_day(nominal + timedelta(days=i)) for i in range((day - nominal).days)
    )
    assert local_time(plan.escalation_at, tz) == schedule.escalation.time
    if any(calendar.is_working_day(d) for d in week.next().days()[schedule.escalation.weekday :]):
        assert plan.escalation_at < week.next().end_utc(tz)


@settings(max_examples=400, deadline=None)
@given(
    schedule=schedules(),
    week=weeks,
    tz=st.sampled_from(ZONES),
    calendar=st.sampled_from(CALENDARS),
)
def test_plan_is_ordered_on_school_days_inside_its_week(schedule, week, tz, calendar):
    plan = plan_round(schedule, week, tz, calendar)
    if plan is not None:
        check_plan(plan, schedule, tz, calendar)


@settings(max_examples=300, deadline=None)
@given(week=weeks, tz=st.sampled_from(ZONES), calendar=st.sampled_from(CALENDARS))
def test_default_schedule_skips_exactly_the_weeks_without_school_days(week, tz, calendar):
    plan = plan_round(Schedule(), week, tz, calendar)
    assert (plan is None) == (not any(calendar.is_school_day(d) for d in week.days()))
    if plan is not None:
        check_plan(plan, Schedule(), tz, calendar)
        assert next_moment_after(plan, plan.escalation_at) is None


@given(schedule=schedules())
def test_schedule_text_round_trips(schedule):
    assert Schedule.parse_ru(schedule.format_ru()) == schedule
    assert Schedule.from_dict(schedule.to_dict()) == schedule
