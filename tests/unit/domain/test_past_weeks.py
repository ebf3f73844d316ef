"""Which week a missed report or the office's entry is for, read from what was typed."""

import pytest

from bot.domain.past_weeks import (
    WeekAsked,
    WeekUnreadable,
    asks_for_past_week,
    take_week,
    weeks_back,
)
from bot.domain.weeks import IsoWeek

W43 = IsoWeek(2024, 43)


@pytest.mark.parametrize(
    ("typed", "week", "rest"),
    [
        ("Аймаумахи 2024-W47", WeekAsked(named=IsoWeek(2024, 47)), "Аймаумахи"),
        ("2024w5 СОШ № 2", WeekAsked(named=IsoWeek(2024, 5)), "СОШ № 2"),
        ("Дегва прошлая неделя", WeekAsked(back=1), "Дегва"),
        ("Дегва за прошлую неделю", WeekAsked(back=1), "Дегва"),
        ("Дегва", None, "Дегва"),
        ("", None, ""),
    ],
)
def test_the_week_and_the_rest_are_read_apart(
    typed: str, week: WeekAsked | None, rest: str
) -> None:
    assert take_week(typed) == (week, rest)


@pytest.mark.parametrize("typed", ["Дегва 2024-W60", "Дегва неделя абв", "неделя 2024"])
def test_a_week_that_is_none_is_refused(typed: str) -> None:
    with pytest.raises(WeekUnreadable):
        take_week(typed)


def test_a_week_asked_resolves_from_the_current_one() -> None:
    assert WeekAsked(back=1).resolve(W43) == IsoWeek(2024, 42)
    assert WeekAsked(named=IsoWeek(2024, 38)).resolve(W43) == IsoWeek(2024, 38)
    assert WeekAsked(back=1).resolve(IsoWeek(2025, 1)) == IsoWeek(2024, 52)


def test_weeks_back_counts_across_the_new_year() -> None:
    assert weeks_back(W43, W43) == 0
    assert weeks_back(IsoWeek(2024, 38), W43) == 5
    assert weeks_back(IsoWeek(2024, 44), W43) == -1
    assert weeks_back(IsoWeek(2024, 52), IsoWeek(2025, 2)) == 2


@pytest.mark.parametrize(
    ("typed", "asks"),
    [
        ("Хочу сдать отчёт за прошлую неделю", True),
        ("заполнить за прошлую неделю", True),
        ("Отчет за прошлую неделю", True),
        ("за прошлую неделю", True),
        ("На прошлой неделе было 5 чатов", False),
        ("в прошлую неделю чатов не было", False),
        ("сдать отчёт за прошлую неделю " + "очень " * 20, False),
    ],
)
def test_a_head_asking_for_last_week_in_words(typed: str, asks: bool) -> None:
    assert asks_for_past_week(typed) is asks
