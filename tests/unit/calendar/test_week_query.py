"""Weeks as officials type them, read from a command's words and settled on a given day."""

from datetime import date

import pytest

from bot.domain.week_query import Problem, WeekError, WeekRange, parse_day, take_week
from bot.domain.weeks import IsoWeek

# Wednesday of 2024-W48 (25.11–01.12.2024).
TODAY = date(2024, 11, 27)


@pytest.mark.parametrize(
    ("text", "week", "rest"),
    [
        ("прошлая неделя", IsoWeek(2024, 47), ""),
        ("Прошлая  Неделя", IsoWeek(2024, 47), ""),
        ("за прошлую неделю", IsoWeek(2024, 47), ""),
        ("на прошлой неделе", IsoWeek(2024, 47), ""),
        ("позапрошлая неделя", IsoWeek(2024, 46), ""),
        ("эта неделя", IsoWeek(2024, 48), ""),
        ("текущая неделя", IsoWeek(2024, 48), ""),
        ("18.11", IsoWeek(2024, 47), ""),
        ("24.11", IsoWeek(2024, 47), ""),
        ("1.12", IsoWeek(2023, 48), ""),  # this Sunday is still to come: last year's
        ("за 18.11", IsoWeek(2024, 47), ""),
        ("18.11.2024", IsoWeek(2024, 47), ""),
        ("18.11.24", IsoWeek(2024, 47), ""),
        ("30.12.2019", IsoWeek(2020, 1), ""),  # ISO weeks cross the new year
        ("15.12", IsoWeek(2023, 50), ""),  # not yet this year: last year's
        ("29.02", IsoWeek(2024, 9), ""),
        ("неделя 47", IsoWeek(2024, 47), ""),
        ("неделя №47", IsoWeek(2024, 47), ""),
        ("неделя47", IsoWeek(2024, 47), ""),
        ("за неделю 3", IsoWeek(2024, 3), ""),
        ("неделя 50", IsoWeek(2023, 50), ""),  # not yet this year: last year's
        ("неделя 53", None, None),  # neither 2024 nor 2023 has one
        ("2024-W47", IsoWeek(2024, 47), ""),
        ("2024w47", IsoWeek(2024, 47), ""),
        ("2030-W01", IsoWeek(2030, 1), ""),  # an ISO week is taken as written
        ("Сергокалинский район прошлая неделя", IsoWeek(2024, 47), "Сергокалинский район"),
        ("дегва 18.11", IsoWeek(2024, 47), "дегва"),
        ("xlsx неделя 46 Сергокалинский район", IsoWeek(2024, 46), "xlsx Сергокалинский район"),
    ],
)
def test_reads_and_settles_the_week(text, week, rest):
    if week is None:
        query, _ = take_week(text)
        assert query is not None
        with pytest.raises(WeekError) as error:
            query.week(TODAY)
        assert error.value.problem is Problem.NO_SUCH_WEEK
        return
    query, left = take_week(text)
    assert query is not None and query.week(TODAY) == week
    assert left == rest


@pytest.mark.parametrize(
    "text",
    [
        "",
        "МКОУ «Сергокалинская СОШ №2»",
        "СОШ № 2",
        "Школа 47",
        "Гимназия 1 2024",
        "регион",
        "🙂🙂",
        "неделя",
        "прошлая",
        "xlsx 26",
        "Бурзанеделя 4",
        "1.2.3.4",
        "18.11.2024.12",
        "W47",
    ],
)
def test_other_words_are_no_week(text):
    query, rest = take_week(text)
    assert query is None and rest == text.strip()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("31.02", Problem.BAD_DATE),
        ("32.01", Problem.BAD_DATE),
        ("00.11", Problem.BAD_DATE),
        ("18.13", Problem.BAD_DATE),
        ("29.02.2023", Problem.BAD_DATE),
        ("неделя 60", Problem.BAD_NUMBER),
        ("неделя 0", Problem.BAD_NUMBER),
        ("неделя 99999999999999999999", Problem.BAD_NUMBER),
        ("2024-W99", Problem.BAD_ISO),
        ("2023-W53", Problem.BAD_ISO),
        ("18.11 неделя 47", Problem.TWO_WEEKS),
        ("прошлая неделя 2024-W40", Problem.TWO_WEEKS),
    ],
)
def test_garbage_is_a_named_problem(text, problem):
    with pytest.raises(WeekError) as error:
        take_week(text)
    assert error.value.problem is problem


@pytest.mark.parametrize("text", ["18.11.2025", "02.12.2024", "01.01.2030"])
def test_a_week_to_come_is_refused(text):
    query, _ = take_week(text)
    assert query is not None
    with pytest.raises(WeekError) as error:
        query.week(TODAY)
    assert error.value.problem is Problem.FUTURE


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2024-11-18", date(2024, 11, 18)),
        ("18.11.2024", date(2024, 11, 18)),
        (" 1.2.2024 ", date(2024, 2, 1)),
    ],
)
def test_full_dates(text, day):
    assert parse_day(text) == day


@pytest.mark.parametrize("text", ["2024-02-30", "18.11", "завтра", "", "2024/11/18", "🙂"])
def test_full_dates_refuse_the_rest(text):
    with pytest.raises(WeekError) as error:
        parse_day(text)
    assert error.value.problem is Problem.BAD_DATE


def test_ranges_count_and_label_their_weeks():
    two = WeekRange.of_days(date(2024, 11, 13), date(2024, 11, 24))
    assert (two.first, two.last, two.weeks) == (IsoWeek(2024, 46), IsoWeek(2024, 47), 2)
    assert two.label() == "11.11–24.11.2024"
    assert WeekRange(IsoWeek(2024, 52), IsoWeek(2025, 2)).label() == "23.12.2024–12.01.2025"
    assert WeekRange(IsoWeek(2020, 53), IsoWeek(2020, 53)).weeks == 1
    with pytest.raises(WeekError) as error:
        WeekRange(IsoWeek(2024, 47), IsoWeek(2024, 46))
    assert error.value.problem is Problem.BAD_RANGE
