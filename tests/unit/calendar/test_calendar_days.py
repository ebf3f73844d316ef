import tomllib
from datetime import date, timedelta
from importlib import resources

import holidays
import pytest

from bot.domain.calendar_days import (
    PUBLIC_HOLIDAY_YEARS,
    DayCalendar,
    RangesError,
    format_ranges_ru,
    parse_ranges_ru,
    public_holidays_toml,
)
from bot.resources import load_school_calendar, load_school_periods, public_holidays

RU = DayCalendar(public_holidays())


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2024, 3, 7), True),
        (date(2024, 3, 8), False),  # Friday, International Women's Day
        (date(2024, 11, 4), False),  # Monday, Unity Day
        (date(2024, 12, 31), False),  # transferred day off
        (date(2025, 5, 2), False),  # transferred day off
        (date(2026, 3, 9), False),  # Sunday 8 March observed on Monday
        (date(2024, 11, 2), False),  # a working Saturday for offices, not for the bot
        (date(2024, 11, 5), True),
        (date(2024, 10, 28), True),  # school holidays do not stop the office
    ],
)
def test_is_working_day_ru(day, working):
    assert RU.is_working_day(day) is working


def test_packaged_public_holidays_match_the_holidays_package():
    packaged = resources.files("bot").joinpath("calendars", "public_ru.toml").read_text("utf-8")
    # The days, not the header: a release of `holidays` that changes no Russian day must not
    # fail this. On failure (new decrees): regenerate the file with the command in its header.
    assert tomllib.loads(packaged) == tomllib.loads(public_holidays_toml("RU"))


@pytest.mark.parametrize(
    ("country", "year"),
    [
        ("RU", PUBLIC_HOLIDAY_YEARS.start - 1),
        ("RU", PUBLIC_HOLIDAY_YEARS.stop),
        ("BY", 2024),  # no packaged calendar
    ],
)
def test_the_package_answers_beyond_the_packaged_calendar(country, year):
    expected = holidays.country_holidays(country, years=year)
    calendar = DayCalendar(public_holidays(country))
    days = [date(year, 1, 1) + timedelta(days=n) for n in range(365)]
    assert [d for d in days if calendar.is_public_holiday(d)] == [d for d in days if d in expected]


def test_school_day_excludes_school_holidays():
    cal = DayCalendar(public_holidays(), [(date(2024, 10, 26), date(2024, 11, 4))])
    assert cal.is_school_holiday(date(2024, 10, 28))
    assert not cal.is_school_day(date(2024, 10, 28))
    assert cal.is_working_day(date(2024, 10, 28))
    assert cal.is_school_day(date(2024, 11, 5))
    assert cal.school_holidays == ((date(2024, 10, 26), date(2024, 11, 4)),)


def test_calendar_rejects_reversed_range():
    with pytest.raises(ValueError, match="ends before"):
        DayCalendar(public_holidays(), [(date(2024, 11, 4), date(2024, 10, 26))])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2024-10-28..2024-11-04, 2024-12-30..2025-01-08",
            [(date(2024, 10, 28), date(2024, 11, 4)), (date(2024, 12, 30), date(2025, 1, 8))],
        ),
        ("28.10.2024-04.11.2024", [(date(2024, 10, 28), date(2024, 11, 4))]),
        ("с 1.6.2025 по 31.08.2025", [(date(2025, 6, 1), date(2025, 8, 31))]),
        (
            "28.10.2024 – 04.11.2024;\n06.05.2024",
            [(date(2024, 10, 28), date(2024, 11, 4)), (date(2024, 5, 6), date(2024, 5, 6))],
        ),
        ("  ", []),
    ],
)
def test_parse_ranges_ru(text, expected):
    assert parse_ranges_ru(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("осенние", "Не понимаю «осенние»"),
        ("28.10.2024-", "Не понимаю «28.10.2024-»"),
        ("31.11.2024-02.12.2024", "Такой даты нет: «31.11.2024»"),
        ("2024-02-30", "Такой даты нет"),
        ("04.11.2024-28.10.2024", "заканчивается раньше, чем начинается"),
    ],
)
def test_parse_ranges_ru_errors(text, message):
    with pytest.raises(RangesError, match=message):
        parse_ranges_ru(text)


def test_format_ranges_round_trips():
    ranges = [(date(2024, 10, 28), date(2024, 11, 4)), (date(2024, 5, 6), date(2024, 5, 6))]
    assert format_ranges_ru(ranges) == "28.10.2024-04.11.2024, 06.05.2024"
    assert parse_ranges_ru(format_ranges_ru(ranges)) == ranges


def test_packaged_school_calendar():
    periods = load_school_periods()
    ranges = load_school_calendar()
    assert ranges == [(p.start, p.end) for p in periods]
    assert ranges == sorted(ranges)
    assert all(start <= end for start, end in ranges)
    assert all(
        a_end < b_start for (_, a_end), (b_start, _) in zip(ranges, ranges[1:], strict=False)
    )
    names = {p.name: p for p in periods}
    autumn = names["Осенние каникулы 2024"]
    assert (autumn.start, autumn.end, autumn.estimate) == (
        date(2024, 10, 26),
        date(2024, 11, 4),
        False,
    )
    assert names["Зимние каникулы 2026/27"].estimate
    cal = DayCalendar(public_holidays(), ranges)
    assert not cal.is_school_day(date(2025, 1, 8))
    assert cal.is_school_day(date(2025, 1, 9))  # winter break 2024/25 ends on 8 January
