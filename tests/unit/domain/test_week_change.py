"""The week's change over the schools that answered both weeks."""

import pytest

from bot.domain.indicators import aggregate_indicators, change_pp
from bot.domain.week_change import week_change
from bot.resources import default_questionnaire

QN = default_questionnaire()
KEY = "teachers_active_pct"


def _school(active: int, registered: int) -> dict[str, object]:
    return {"staff_registered": registered, "teachers_active": active}


# The trial: week 1 lacks school A (1), week 2 lacks school B (2). B is big and active, A
# big and idle; the three others (3, 4, 5) go from 20 to 24 active teachers of 40 each.
WEEK_1 = {2: _school(90, 100), 3: _school(20, 40), 4: _school(20, 40), 5: _school(20, 40)}
WEEK_2 = {1: _school(10, 100), 3: _school(24, 40), 4: _school(24, 40), 5: _school(24, 40)}


def _ratio(answers: dict[int, dict[str, object]]) -> float | None:
    found = next(v for v in aggregate_indicators(QN, answers.values()) if v.key == KEY)
    return found.ratio


def test_the_change_follows_the_schools_of_both_weeks_not_the_whole_sets() -> None:
    naive = change_pp(_ratio(WEEK_2), _ratio(WEEK_1))
    assert naive is not None and naive < 0  # 150/220 -> 82/220: down 30,91
    change = week_change(QN, WEEK_2, WEEK_1)
    assert (change.matched, change.same_schools) == (3, False)
    assert change.pp(KEY) == pytest.approx(10.0)  # 60/120 -> 72/120
    matched = next(v for v in change.current if v.key == KEY)
    assert (matched.numerator, matched.denominator, matched.count) == (72, 120, 3)


def test_the_same_schools_both_weeks_give_the_district_figures_change() -> None:
    first = {3: _school(20, 40), 4: _school(30, 60)}
    second = {3: _school(24, 40), 4: _school(30, 60)}
    change = week_change(QN, second, first)
    assert (change.matched, change.same_schools) == (2, True)
    assert change.pp(KEY) == pytest.approx(change_pp(_ratio(second), _ratio(first)))


def test_no_comparable_school_gives_no_change() -> None:
    change = week_change(QN, {1: _school(10, 20)}, {2: _school(5, 20)})
    assert (change.answered, change.matched, change.same_schools) == (1, 0, False)
    assert all(change.pp(ind.key) is None for ind in QN.indicators)


def test_a_school_without_the_numbers_one_week_is_left_out_of_that_indicator() -> None:
    # School 4 gave no teacher numbers last week: only school 3 is compared on them.
    first = {3: _school(20, 40), 4: {"students_total": 100, "students_active": 50}}
    second = {3: _school(24, 40), 4: _school(0, 60)}
    change = week_change(QN, second, first)
    assert change.matched == 2
    assert change.pp(KEY) == pytest.approx(10.0)  # school 3 alone: 50 % -> 60 %
    assert change.pp("students_active_pct") is None  # nobody gave students both weeks
