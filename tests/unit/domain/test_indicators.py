import pytest

from bot.domain.formatting import format_percent
from bot.domain.indicators import (
    aggregate_indicators,
    change_pp,
    compute_indicators,
    sum_indicators,
)
from tests.fixtures.sergokala import SCHOOLS, student_answers


def _by_key(values):
    return {v.key: v for v in values}


def test_one_school(sferum):
    values = _by_key(
        compute_indicators(
            sferum,
            {"staff_total": 50, "staff_registered": 44, "students_total": 0, "students_active": 0},
        )
    )
    staff = values["staff_registered_pct"]
    assert (staff.numerator, staff.denominator, staff.ratio) == (44, 50, 0.88)
    assert (staff.goal, staff.warn_below, staff.count) == (1.0, 0.9, 1)
    assert staff.is_below_warn
    students = values["students_active_pct"]
    assert students.ratio is None  # 0 students: no share, not 0 %
    assert not students.is_below_warn
    chats = values["class_chats_pct"]
    assert (chats.numerator, chats.denominator, chats.ratio, chats.count) == (None, None, None, 0)


def test_booleans_and_strings_are_not_counts(sferum):
    values = _by_key(compute_indicators(sferum, {"staff_total": True, "staff_registered": "44"}))
    assert values["staff_registered_pct"].ratio is None
    half = _by_key(compute_indicators(sferum, {"staff_total": 50, "staff_registered": True}))
    staff = half["staff_registered_pct"]
    assert (staff.numerator, staff.denominator, staff.ratio, staff.count) == (None, 50, None, 0)


def test_district_is_weighted_not_a_mean_of_schools(sferum):
    big = {"students_total": 500, "students_active": 400}  # 80 %
    small = {"students_total": 20, "students_active": 2}  # 10 %
    silent = {"staff_total": 10}  # no student figures: left out, not counted as 0
    [students] = [
        v
        for v in aggregate_indicators(sferum, [big, small, silent])
        if v.key == "students_active_pct"
    ]
    assert (students.numerator, students.denominator, students.count) == (402, 520, 2)
    assert students.ratio == pytest.approx(402 / 520)  # 77,31 %, while the mean would be 45 %
    assert format_percent(students.ratio) == "77,31 %"
    assert students.ratio != pytest.approx((0.8 + 0.1) / 2)


def test_district_without_answers(sferum):
    for value in aggregate_indicators(sferum, iter([])):
        assert (value.ratio, value.count, value.numerator) == (None, 0, None)


def test_sums_of_districts_are_the_districts_together(sferum):
    """Values that already sum several schools (count > 1) add up by the same rule."""
    sets = [student_answers(school) for school in SCHOOLS]
    halves = [aggregate_indicators(sferum, sets[:5]), aggregate_indicators(sferum, sets[5:])]
    assert sum_indicators(sferum, halves) == aggregate_indicators(sferum, sets)
    assert sum_indicators(sferum, []) == aggregate_indicators(sferum, [])


@pytest.mark.parametrize(
    ("current", "previous", "change"),
    [(0.52, 0.5, 2.0), (0.4868, 0.5, -1.32), (0.5, 0.5, 0.0), (None, 0.5, None), (0.5, None, None)],
)
def test_change_pp(current, previous, change):
    result = change_pp(current, previous)
    assert result == (None if change is None else pytest.approx(change))


@pytest.mark.parametrize("school", SCHOOLS, ids=lambda s: s.name)
def test_seed_004_shares(sferum, school):
    values = _by_key(compute_indicators(sferum, student_answers(school)))
    assert format_percent(values["students_active_pct"].ratio) == school.share
    assert values["students_active_pct"].is_below_warn  # «менее половины обучающихся»


def test_seed_004_ranking(sferum):
    ratios = {
        s.name: _by_key(compute_indicators(sferum, student_answers(s)))["students_active_pct"].ratio
        for s in SCHOOLS
    }
    ranked = sorted(ratios, key=lambda name: (-ratios[name], name))
    assert ranked == [s.name for s in SCHOOLS]


def test_seed_004_district_share(sferum):
    [district] = [
        v
        for v in aggregate_indicators(sferum, map(student_answers, SCHOOLS))
        if v.key == "students_active_pct"
    ]
    assert (district.numerator, district.denominator, district.count) == (1009, 2699, 12)
    assert format_percent(district.ratio) == "37,38 %"
