from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.weeks import IsoWeek, iso_week_of, weeks_anywhere, weeks_in_year, weeks_to_plan

MSK = ZoneInfo("Europe/Moscow")
BERLIN = ZoneInfo("Europe/Berlin")
VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-W43", IsoWeek(2024, 43)),
        ("2024-w5", IsoWeek(2024, 5)),
        ("2024W05", IsoWeek(2024, 5)),
        ("  2020-W53 ", IsoWeek(2020, 53)),
    ],
)
def test_parse(text, expected):
    assert IsoWeek.parse(text) == expected


@pytest.mark.parametrize("text", ["", "2024", "2024-43", "24-W43", "2024-W", "2024-W123", "W43"])
def test_parse_rejects_malformed(text):
    with pytest.raises(ValueError, match="expected YYYY-Www"):
        IsoWeek.parse(text)


@pytest.mark.parametrize("text", ["2024-W00", "2024-W53", "2021-W53"])
def test_parse_rejects_missing_week(text):
    with pytest.raises(ValueError, match="has no ISO week"):
        IsoWeek.parse(text)


def test_str_pads():
    assert str(IsoWeek(2024, 5)) == "2024-W05"
    assert str(IsoWeek.parse("2024-w5")) == "2024-W05"


@pytest.mark.parametrize(
    ("week", "monday"),
    [
        (IsoWeek(2024, 43), date(2024, 10, 21)),
        (IsoWeek(2025, 1), date(2024, 12, 30)),
        (IsoWeek(2026, 1), date(2025, 12, 29)),
        (IsoWeek(2020, 53), date(2020, 12, 28)),
    ],
)
def test_monday(week, monday):
    assert week.monday() == monday
    assert week.days() == tuple(monday + timedelta(days=i) for i in range(7))


@pytest.mark.parametrize(
    ("week", "following"),
    [
        (IsoWeek(2024, 52), IsoWeek(2025, 1)),
        (IsoWeek(2020, 52), IsoWeek(2020, 53)),
        (IsoWeek(2020, 53), IsoWeek(2021, 1)),
        (IsoWeek(2025, 52), IsoWeek(2026, 1)),
    ],
)
def test_next_and_previous_cross_years(week, following):
    assert week.next() == following
    assert following.previous() == week
    assert week < following


def test_weeks_in_year():
    assert [weeks_in_year(y) for y in (2020, 2021, 2024, 2026)] == [53, 52, 52, 53]


def test_iso_week_depends_on_zone():
    # Sunday 23:30 in Moscow is already Monday in Vladivostok.
    moment = datetime(2024, 10, 27, 20, 30, tzinfo=UTC)
    assert iso_week_of(moment, MSK) == IsoWeek(2024, 43)
    assert iso_week_of(moment, VLADIVOSTOK) == IsoWeek(2024, 44)


def test_the_weeks_anywhere_hold_every_zone_s_week():
    zones = [ZoneInfo(name) for name in ("Etc/GMT+12", "America/Los_Angeles", "UTC",
             "Europe/Kaliningrad", "Europe/Moscow", "Asia/Kamchatka", "Pacific/Kiritimati")]  # fmt: skip
    sunday_evening_utc = datetime(2024, 10, 27, 8, 0, tzinfo=UTC)
    for hour in range(0, 40):
        moment = sunday_evening_utc + timedelta(hours=hour)
        anywhere = weeks_anywhere(moment)
        assert {iso_week_of(moment, zone) for zone in zones} <= set(anywhere)
        assert len(anywhere) in (1, 2)
    # Midweek every wall clock is in the same week.
    assert weeks_anywhere(datetime(2024, 10, 23, 12, tzinfo=UTC)) == [IsoWeek(2024, 43)]
    # Sunday 12:00 UTC is Monday already on Kiritimati (UTC+14).
    assert weeks_anywhere(datetime(2024, 10, 27, 12, tzinfo=UTC)) == [
        IsoWeek(2024, 43), IsoWeek(2024, 44)
    ]  # fmt: skip
    with pytest.raises(ValueError, match="aware"):
        weeks_anywhere(datetime(2024, 10, 21, 9))


def test_iso_week_of_rejects_naive():
    with pytest.raises(ValueError, match="aware"):
        iso_week_of(datetime(2024, 10, 21, 9), MSK)


def test_bounds_in_utc():
    week = IsoWeek(2024, 43)
    assert week.start_utc(MSK) == datetime(2024, 10, 20, 21, tzinfo=UTC)
    assert week.end_utc(MSK) == datetime(2024, 10, 27, 21, tzinfo=UTC)
    assert week.start_utc(VLADIVOSTOK) == datetime(2024, 10, 20, 14, tzinfo=UTC)


def test_bounds_across_dst():
    # Berlin moves to summer time on Sunday 31 March 2024: that week is an hour short.
    week = IsoWeek(2024, 13)
    assert week.start_utc(BERLIN) == datetime(2024, 3, 24, 23, tzinfo=UTC)
    assert week.end_utc(BERLIN) - week.start_utc(BERLIN) == timedelta(hours=167)


def test_weeks_to_plan_reach_back_three_weeks():
    now = datetime(2025, 1, 1, 12, tzinfo=UTC)
    assert weeks_to_plan(now, MSK) == [
        IsoWeek(2024, 50),
        IsoWeek(2024, 51),
        IsoWeek(2024, 52),
        IsoWeek(2025, 1),
    ]
