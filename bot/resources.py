"""The questionnaires and calendars shipped in the package (bot/questionnaires, bot/calendars)
and the questionnaire files admins give: read here, parsed by bot.domain, each packaged file
once per process."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from bot.domain.calendar_days import (
    DateRange,
    PublicHolidays,
    SchoolHolidayPeriod,
    parse_public_holidays,
    parse_school_periods,
)
from bot.domain.questionnaire import Questionnaire, parse_questionnaire

_PACKAGE = resources.files("bot")


@functools.cache
def default_questionnaire() -> Questionnaire:
    """The packaged federal weekly Sferum questionnaire."""
    text = _PACKAGE.joinpath("questionnaires", "sferum.toml").read_text("utf-8")
    return parse_questionnaire(text, "sferum.toml")


def load_questionnaire(path: str | Path) -> Questionnaire:
    path = Path(path)
    return parse_questionnaire(path.read_text(encoding="utf-8"), path.name)


@functools.lru_cache(maxsize=8)
def public_holidays(country: str = "RU") -> PublicHolidays:
    """From `bot/calendars/public_<country>.toml`; without that file, every year comes from
    the `holidays` package."""
    path = _PACKAGE.joinpath("calendars", f"public_{country.lower()}.toml")
    if not path.is_file():
        return PublicHolidays(country)
    return parse_public_holidays(country, path.read_text("utf-8"))


@functools.lru_cache(maxsize=8)
def load_school_periods(name: str = "ru_schools") -> tuple[SchoolHolidayPeriod, ...]:
    """Named school-holiday periods from `bot/calendars/<name>.toml`, in file order."""
    text = _PACKAGE.joinpath("calendars", f"{name}.toml").read_text("utf-8")
    return parse_school_periods(text, f"{name}.toml")


def load_school_calendar(name: str = "ru_schools") -> list[DateRange]:
    """The (start, end) ranges of a packaged school-holiday calendar, for `DayCalendar`."""
    return [(period.start, period.end) for period in load_school_periods(name)]
