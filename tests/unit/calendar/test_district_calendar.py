"""A district's calendar is built once for each distinct setting, and follows a change."""

from __future__ import annotations

from bot.domain.schedule import Schedule
from bot.domain.weeks import IsoWeek
from bot.services.rounds import calendar_of
from storage.models import District

WEEK_43, WEEK_44 = IsoWeek.parse("2024-W43"), IsoWeek.parse("2024-W44")


def _district(name: str, **settings: object) -> District:
    values: dict[str, object] = {"tz": "Europe/Moscow", "schedule": None, "school_holidays": [],
                                 "holiday_calendar": None, **settings}  # fmt: skip
    return District(name=name, **values)


def test_districts_with_the_same_setting_share_one_calendar() -> None:
    assert calendar_of(_district("А")) is calendar_of(_district("Б"))


def test_a_changed_setting_gets_its_own_calendar() -> None:
    district = _district("А")
    before = calendar_of(district)
    district.school_holidays = [["2024-10-28", "2024-11-04"]]
    after = calendar_of(district)

    assert after is not before
    assert before.plan(WEEK_44) is not None
    assert after.plan(WEEK_44) is None  # a holiday week has no round
    assert calendar_of(_district("Б", tz="Asia/Yekaterinburg")) is not before


def test_a_weeks_plan_is_worked_out_once() -> None:
    calendar = calendar_of(_district("А", schedule=Schedule().to_dict()))
    assert calendar.plan(WEEK_43) is calendar.plan(WEEK_43)
