"""Which days count: public holidays (the `holidays` package) and school holidays (каникулы).

What `holidays.country_holidays("RU")` gives (checked with holidays 0.109):
- every non-working day of the official production calendar, including the days off moved by
  government decree ("Day off (substituted from 04/27/2024)" on 2024-04-29, 2024-12-31,
  2025-05-02, 2025-11-03, ...) and the weekday that replaces a holiday falling on a weekend
  (2026-03-09 for Sunday 8 March);
- the Saturdays that became working days (2024-04-27, 2024-11-02, 2024-12-28, 2025-11-01) only
  as the separate `weekend_workdays` set. We deliberately ignore it: the bot never writes on a
  weekend, whatever the production calendar says;
- no regional days off (Russia has no subdivisions there): e.g. Dagestan's Uraza Bayram and
  Kurban Bayram must be added by an admin as school-holiday ranges.
Years the decrees have not covered yet get only the fixed holidays and their weekend rules.

The bot takes those days from a packaged copy (`bot/calendars/public_ru.toml`, read by
bot.resources and checked against the installed package by the calendar tests) and imports the
package only for a year or a country the copy lacks: the package loads all of its ~250
countries to answer for one, ≈ 12 MiB that would stay in the bot process (bench/README.md,
"Design decisions").
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import NamedTuple

# User-facing messages (Russian); {item} is the admin's text.
MSG_BAD_RANGE = (
    "Не понимаю «{item}». Пишите период так: 28.10.2024-04.11.2024 или 2024-10-28..2024-11-04; "
    "несколько периодов — через запятую."
)
MSG_BAD_DATE = "Такой даты нет: «{item}»."
MSG_REVERSED = "Период «{item}» заканчивается раньше, чем начинается."

_DATE = r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\.\d{1,2}\.\d{4}"
_RANGE_RE = re.compile(
    rf"(?:с\s+)?(?P<start>{_DATE})(?:\s*(?:\.\.|-|–|—|по)\s*(?P<end>{_DATE}))?",
    re.IGNORECASE,
)

DateRange = tuple[date, date]


class SchoolHolidayPeriod(NamedTuple):
    """A named break from a packaged calendar; `estimate` means the dates are not official."""

    name: str
    start: date
    end: date
    estimate: bool = False


class RangesError(ValueError):
    """An admin's list of date ranges cannot be read; the message is Russian, for them."""


# The years the packaged public-holiday calendars cover.
PUBLIC_HOLIDAY_YEARS = range(2020, 2036)


@dataclass(frozen=True)
class PublicHolidays:
    """A country's public holidays: the days of a packaged copy for the years it covers, the
    `holidays` package for any other year (or a country without a copy)."""

    country: str
    days: frozenset[date] = frozenset()
    years: frozenset[int] = frozenset()

    def __contains__(self, day: date) -> bool:
        if day.year in self.years:
            return day in self.days
        return day in _from_package(self.country, day.year)


@lru_cache(maxsize=64)
def _from_package(country: str, year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays(country, years=year))


def parse_public_holidays(country: str, text: str) -> PublicHolidays:
    """The text of `bot/calendars/public_<country>.toml`: a list of days for each year."""
    years = tomllib.loads(text)["year"]
    return PublicHolidays(
        country,
        frozenset(day for days in years.values() for day in days),
        frozenset(int(year) for year in years),
    )


def public_holidays_toml(country: str, years: Iterable[int] = PUBLIC_HOLIDAY_YEARS) -> str:
    """The text of `bot/calendars/public_<country>.toml`, from the installed `holidays`."""
    import holidays

    # `holidays` sets __version__ without listing it among its exports.
    version = holidays.__version__  # type: ignore[attr-defined]
    regenerate = (
        "python -c 'from bot.domain.calendar_days import public_holidays_toml as t; "
        f'print(t("{country}"), end="")\' > bot/calendars/public_{country.lower()}.toml'
    )
    lines = [
        f"# Public holidays (non-working days) of {country}, as `holidays` {version}",
        "# gives them (see bot/domain/calendar_days.py). Generated; after upgrading `holidays`",
        "# the calendar tests fail until it is regenerated with",
        f"#   {regenerate}",
        "",
        "[year]",
    ]
    for year in years:
        days = [day.isoformat() for day in sorted(holidays.country_holidays(country, years=year))]
        lines.append(f"{year} = [")
        lines += [f"  {', '.join(days[i : i + 6])}," for i in range(0, len(days), 6)]
        lines.append("]")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class DayCalendar:
    """A country's public holidays plus inclusive school-holiday ranges of one district."""

    public_holidays: PublicHolidays
    school_holidays: Sequence[DateRange] = ()

    def __post_init__(self) -> None:
        ranges = tuple((start, end) for start, end in self.school_holidays)
        for start, end in ranges:
            if end < start:
                raise ValueError(f"school-holiday range ends before it starts: {start}..{end}")
        # Accept a list (as parsed or loaded) but store a tuple: the calendar stays hashable.
        object.__setattr__(self, "school_holidays", ranges)

    def is_public_holiday(self, day: date) -> bool:
        return day in self.public_holidays

    def is_working_day(self, day: date) -> bool:
        """Mon–Fri and not a public holiday (what the district office works by)."""
        return day.weekday() < 5 and not self.is_public_holiday(day)

    def is_school_holiday(self, day: date) -> bool:
        return any(start <= day <= end for start, end in self.school_holidays)

    def is_school_day(self, day: date) -> bool:
        """A working day outside school holidays: the only days school heads are written to."""
        return self.is_working_day(day) and not self.is_school_holiday(day)


def _parse_date(text: str) -> date:
    try:
        if "." in text:
            day, month, year = (int(part) for part in text.split("."))
        else:
            year, month, day = (int(part) for part in text.split("-"))
        return date(year, month, day)
    except ValueError:
        raise RangesError(MSG_BAD_DATE.format(item=text)) from None


def parse_ranges_ru(text: str) -> list[DateRange]:
    """Parse "2024-10-28..2024-11-04, 28.12.2024-08.01.2025"; a lone date is a one-day range."""
    ranges: list[DateRange] = []
    for raw in re.split(r"[,;\n]", text):
        item = raw.strip()
        if not item:
            continue
        match = _RANGE_RE.fullmatch(item)
        if match is None:
            raise RangesError(MSG_BAD_RANGE.format(item=item))
        start = _parse_date(match["start"])
        end = _parse_date(match["end"]) if match["end"] else start
        if end < start:
            raise RangesError(MSG_REVERSED.format(item=item))
        ranges.append((start, end))
    return ranges


def format_ranges_ru(ranges: Sequence[DateRange]) -> str:
    """The inverse of `parse_ranges_ru`, in the Russian date style admins type."""
    return ", ".join(
        f"{start:%d.%m.%Y}" if start == end else f"{start:%d.%m.%Y}-{end:%d.%m.%Y}"
        for start, end in ranges
    )


def parse_school_periods(text: str, source: str) -> tuple[SchoolHolidayPeriod, ...]:
    """Named school-holiday periods from the text of a `bot/calendars/<name>.toml`, in file
    order; `source` (the file's name) starts the error of a period that ends too early."""
    periods = tuple(
        SchoolHolidayPeriod(p["name"], p["start"], p["end"], p.get("estimate", False))
        for p in tomllib.loads(text)["period"]
    )
    for period in periods:
        if period.end < period.start:
            raise ValueError(f"{source}: {period.name} ends before it starts")
    return periods
