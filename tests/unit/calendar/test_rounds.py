from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.calendar_days import DayCalendar
from bot.domain.rounds import MomentKind, next_moment_after, next_moment_from, plan_round
from bot.domain.schedule import Schedule
from bot.domain.weeks import IsoWeek, weeks_to_plan
from bot.resources import load_school_calendar, public_holidays

MSK = ZoneInfo("Europe/Moscow")
BERLIN = ZoneInfo("Europe/Berlin")
VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")
PUBLIC_ONLY = DayCalendar(public_holidays())
SCHOOLS = DayCalendar(public_holidays(), load_school_calendar())


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def plan_of(week: str, tz=MSK, calendar=SCHOOLS, schedule: Schedule | None = None):
    return plan_round(schedule or Schedule(), IsoWeek.parse(week), tz, calendar)


def flat(plan) -> list[tuple[str, datetime]]:
    return [(kind.value, at) for kind, at in plan.moments()]


@pytest.mark.parametrize(
    ("week", "tz", "calendar", "expected"),
    [
        pytest.param(
            "2024-W43", MSK, SCHOOLS,
            [utc(2024, 10, 21, 6), utc(2024, 10, 24, 12), utc(2024, 10, 25, 7),
             utc(2024, 10, 25, 13), utc(2024, 10, 25, 14), utc(2024, 10, 28, 6)],
            id="ordinary-week-moscow",  # escalation on Monday of the autumn break: offices work
        ),
        pytest.param(
            "2024-W10", MSK, SCHOOLS,
            [utc(2024, 3, 4, 6), utc(2024, 3, 7, 7), utc(2024, 3, 7, 12),
             utc(2024, 3, 7, 13), utc(2024, 3, 7, 14), utc(2024, 3, 11, 6)],
            id="friday-8-march-moves-to-thursday",
        ),
        pytest.param(
            "2024-W45", MSK, SCHOOLS,
            [utc(2024, 11, 5, 6), utc(2024, 11, 7, 12), utc(2024, 11, 8, 7),
             utc(2024, 11, 8, 13), utc(2024, 11, 8, 14), utc(2024, 11, 11, 6)],
            id="monday-4-november-prompt-on-tuesday",
        ),
        pytest.param(
            "2024-W43", VLADIVOSTOK, SCHOOLS,
            [utc(2024, 10, 20, 23), utc(2024, 10, 24, 5), utc(2024, 10, 25, 0),
             utc(2024, 10, 25, 6), utc(2024, 10, 25, 7), utc(2024, 10, 27, 23)],
            id="vladivostok-monday-9-is-sunday-in-utc",
        ),
        pytest.param(
            "2024-W13", BERLIN, PUBLIC_ONLY,
            [utc(2024, 3, 25, 8), utc(2024, 3, 28, 14), utc(2024, 3, 29, 9),
             utc(2024, 3, 29, 15), utc(2024, 3, 29, 16), utc(2024, 4, 1, 7)],
            id="berlin-escalation-after-spring-dst",
        ),
        pytest.param(
            "2024-W43", BERLIN, SCHOOLS,
            [utc(2024, 10, 21, 7), utc(2024, 10, 24, 13), utc(2024, 10, 25, 8),
             utc(2024, 10, 25, 14), utc(2024, 10, 25, 15), utc(2024, 10, 28, 8)],
            id="berlin-escalation-after-autumn-dst",
        ),
        pytest.param(
            "2024-W52", MSK, SCHOOLS,
            [utc(2024, 12, 23, 6), utc(2024, 12, 26, 12), utc(2024, 12, 27, 7),
             utc(2024, 12, 27, 13), utc(2024, 12, 27, 14), utc(2025, 1, 9, 6)],
            id="2024-W52-escalation-after-new-year-days-off",
        ),
        pytest.param(
            "2020-W53", MSK, PUBLIC_ONLY,
            [utc(2020, 12, 28, 6), utc(2020, 12, 31, 7), utc(2020, 12, 31, 12),
             utc(2020, 12, 31, 13), utc(2020, 12, 31, 14), utc(2021, 1, 11, 6)],
            id="2020-W53-friday-1-january",
        ),
    ],
)  # fmt: skip
def test_default_plan(week, tz, calendar, expected):
    plan = plan_of(week, tz, calendar)
    assert plan is not None
    assert plan.week == IsoWeek.parse(week)
    assert [at for _, at in plan.moments()] == expected
    assert [kind for kind, _ in plan.moments()] == [
        MomentKind.PROMPT,
        MomentKind.REMINDER,
        MomentKind.REMINDER,
        MomentKind.DEADLINE,
        MomentKind.SUMMARY,
        MomentKind.ESCALATION,
    ]


@pytest.mark.parametrize(
    ("week", "calendar"),
    [
        pytest.param("2024-W44", SCHOOLS, id="autumn-break"),
        pytest.param("2025-W01", PUBLIC_ONLY, id="new-year-days-off"),
        pytest.param("2024-W31", SCHOOLS, id="summer"),
        pytest.param(
            "2026-W01",
            DayCalendar(public_holidays(), [(date(2025, 12, 29), date(2026, 1, 11))]),
            id="district-winter-break-from-29-december",
        ),
    ],
)
def test_holiday_weeks_are_skipped(week, calendar):
    assert plan_of(week, calendar=calendar) is None


def test_autumn_week_runs_without_school_holidays():
    assert plan_of("2024-W44", calendar=PUBLIC_ONLY) is not None


def test_2026_w01_runs_on_two_days_with_the_national_winter_break():
    # The national recommendation starts winter holidays on 31 December 2025.
    plan = plan_of("2026-W01")
    assert plan is not None
    assert flat(plan) == [
        ("prompt", utc(2025, 12, 29, 6)),
        ("reminder", utc(2025, 12, 30, 7)),
        ("reminder", utc(2025, 12, 30, 12)),
        ("deadline", utc(2025, 12, 30, 13)),
        ("summary", utc(2025, 12, 30, 14)),
        ("escalation", utc(2026, 1, 12, 6)),
    ]


def test_prompt_moves_past_may_days_off():
    # 29-30 April are transferred days off, 1 May a holiday: the Thursday reminder stays.
    plan = plan_of("2024-W18")
    assert plan is not None
    assert plan.prompt_at == utc(2024, 5, 2, 6)
    assert plan.reminders_at == (utc(2024, 5, 2, 12), utc(2024, 5, 3, 7))


def test_reminders_before_prompt_are_dropped():
    schedule = Schedule.parse_ru("напоминания ср 12:00, чт 08:00")
    plan = plan_of("2024-W18", schedule=schedule)
    assert plan is not None
    assert plan.prompt_at == utc(2024, 5, 2, 6)
    assert plan.reminders_at == ()


def test_reminders_landing_on_one_instant_are_sent_once():
    schedule = Schedule.parse_ru("напоминания чт 10:00, пт 10:00")
    plan = plan_of("2024-W10", schedule=schedule)
    assert plan is not None
    assert plan.reminders_at == (utc(2024, 3, 7, 7),)


def test_reminder_shifted_past_deadline_is_dropped():
    schedule = Schedule.parse_ru("напоминания чт 17:00; срок пт 16:00")
    plan = plan_of("2024-W10", schedule=schedule)
    assert plan is not None
    assert plan.deadline_at == utc(2024, 3, 7, 13)
    assert plan.reminders_at == ()


def test_summary_never_before_deadline():
    schedule = Schedule.parse_ru("напоминания ср 15:00; срок чт 16:00; сводка пт 10:00")
    plan = plan_of("2024-W10", schedule=schedule)
    assert plan is not None
    assert plan.summary_at == plan.deadline_at == utc(2024, 3, 7, 13)


@pytest.mark.parametrize(
    ("week", "text"),
    [
        pytest.param("2024-W45", "опрос пн 17:00; напоминания нет; срок вт 10:00", id="crossed"),
        pytest.param("2024-W10", "опрос пт 09:00; напоминания нет; срок пт 16:00", id="no-day"),
    ],
)
def test_no_round_when_shifting_leaves_no_time_to_answer(week, text):
    assert plan_of(week, schedule=Schedule.parse_ru(text)) is None


def test_escalation_can_land_three_weeks_after_its_round():
    plan = plan_of("2025-W52", schedule=Schedule.parse_ru("эскалация пт 09:00"))
    assert plan is not None
    assert plan.escalation_at == utc(2026, 1, 12, 6)
    assert plan.week in weeks_to_plan(plan.escalation_at, MSK)


def test_next_moment_after():
    plan = plan_of("2024-W43")
    assert plan is not None
    assert next_moment_after(plan, utc(2024, 10, 1)) == plan.prompt_at
    assert next_moment_after(plan, plan.prompt_at) == plan.reminders_at[0]
    assert next_moment_after(plan, plan.summary_at) == plan.escalation_at
    assert next_moment_after(plan, plan.escalation_at) is None


@pytest.mark.parametrize(
    ("t", "expected"),
    [
        pytest.param(utc(2024, 10, 26), utc(2024, 10, 28, 6), id="last-weeks-escalation"),
        pytest.param(utc(2024, 10, 28, 7), utc(2024, 11, 5, 6), id="over-the-autumn-break"),
        pytest.param(utc(2025, 6, 3), utc(2025, 9, 1, 6), id="over-the-summer"),
    ],
)
def test_next_moment_from(t, expected):
    assert next_moment_from(Schedule(), t, MSK, SCHOOLS) == expected


def test_next_moment_from_gives_up_past_the_horizon():
    assert next_moment_from(Schedule(), utc(2025, 6, 3), MSK, SCHOOLS, horizon_weeks=4) is None
