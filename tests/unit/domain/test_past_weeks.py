"""A head asking for a missed week, and how far back a week is."""

import pytest

from bot.domain.past_weeks import asks_for_past_week, weeks_back
from bot.domain.weeks import IsoWeek

W43 = IsoWeek(2024, 43)


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
