"""Weeks as officials type them: «прошлая неделя», «18.11», «18.11.2024», «неделя 47»,
«2024-W47» — found in a command's words, then settled against the district's today.

Reading and settling are two steps because the words come before the district is known
(«/status Хасавюртовский район прошлая неделя»), and "today" is the district's own. What
cannot be read raises `WeekError` with a `Problem`; the caller words it for the person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from bot.domain.weeks import IsoWeek, weeks_in_year
from bot.texts import reports as t

# Each form is a whole phrase of the command, so a school named «СОШ № 2» or «Школа 47»
# keeps its number: a bare number is never a week, only «неделя 47».
_PREP = r"(?<!\S)(?:(?:за|на|по)\s+)?"
_RELATIVE = re.compile(
    _PREP + r"(?<!\S)(позапрошл|прошл|эт|текущ)\w*\s+недел\w*(?!\S)", re.IGNORECASE
)
_NUMBER = re.compile(_PREP + r"(?<!\S)недел[яюеи]\s*(?:№\s*)?(\d+)(?!\S)", re.IGNORECASE)
_DATE = re.compile(
    _PREP + r"(?<!\S)(\d{1,2})\.(\d{1,2})(?:\.(\d{4}|\d{2}))?\.?(?!\S)", re.IGNORECASE
)
_ISO = re.compile(_PREP + r"(?<!\S)(\d{4})-?w(\d{1,2})(?!\S)", re.IGNORECASE)
_WEEKS_BACK = {"позапрошл": 2, "прошл": 1, "эт": 0, "текущ": 0}


class Problem(Enum):
    BAD_ISO = "bad_iso"  # «2024-W99»
    BAD_DATE = "bad_date"  # «31.02»
    BAD_NUMBER = "bad_number"  # «неделя 60»
    NO_SUCH_WEEK = "no_such_week"  # «неделя 53» in years without one
    FUTURE = "future"  # a week after the current one
    TWO_WEEKS = "two_weeks"  # «18.11 неделя 47»
    BAD_RANGE = "bad_range"  # from after to


class WeekError(ValueError):
    """What was typed is not a week svodka can show; `text` is the part that failed."""

    def __init__(self, problem: Problem, text: str = "") -> None:
        super().__init__(f"{problem.value}: {text!r}")
        self.problem = problem
        self.text = text


@dataclass(frozen=True)
class WeekQuery:
    """A week as typed, not yet settled: exactly one of the fields says which form."""

    text: str
    back: int | None = None  # «прошлая неделя»: weeks before the current one
    day: tuple[int, int, int | None] | None = None  # «18.11[.2024]»: day, month, year
    number: int | None = None  # «неделя 47»
    iso: IsoWeek | None = None  # «2024-W47»

    def week(self, today: date) -> IsoWeek:
        """The week meant, on the district's `today`; never a week after the current one,
        except an ISO week, which is taken as written."""
        current = IsoWeek.containing(today)
        if self.iso is not None:
            return self.iso
        if self.back is not None:
            return IsoWeek.containing(today - timedelta(weeks=self.back))
        if self.number is not None:
            return self._numbered(current)
        assert self.day is not None
        day, month, year = self.day
        if year is None:
            found = _latest_date(day, month, today)
        else:
            found = _date(year, day, month, self.text)
        week = IsoWeek.containing(found)
        if week > current:
            raise WeekError(Problem.FUTURE, self.text)
        return week

    def _numbered(self, current: IsoWeek) -> IsoWeek:
        assert self.number is not None
        for year in (current.year, current.year - 1):
            if self.number <= weeks_in_year(year) and IsoWeek(year, self.number) <= current:
                return IsoWeek(year, self.number)
        raise WeekError(Problem.NO_SUCH_WEEK, self.text)


def take_week(text: str) -> tuple[WeekQuery | None, str]:
    """The week named in `text` (at most one) and the words left around it."""
    found: list[tuple[re.Match[str], WeekQuery]] = []
    for pattern, read in _FORMS:
        for match in pattern.finditer(text):
            if any(match.start() < m.end() and m.start() < match.end() for m, _ in found):
                continue
            found.append((match, read(match)))
    if not found:
        return None, text.strip()
    if len(found) > 1:
        raise WeekError(Problem.TWO_WEEKS, " ".join(m.group(0).strip() for m, _ in found))
    match, query = found[0]
    rest = " ".join((text[: match.start()] + " " + text[match.end() :]).split())
    return query, rest


def parse_day(text: str) -> date:
    """A full date: «2024-11-18» or «18.11.2024» (the `svodka export --from` forms)."""
    stripped = text.strip()
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", stripped)
    if iso is not None:
        return _date(int(iso[1]), int(iso[3]), int(iso[2]), stripped)
    dotted = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", stripped)
    if dotted is None:
        raise WeekError(Problem.BAD_DATE, stripped)
    return _date(int(dotted[3]), int(dotted[1]), int(dotted[2]), stripped)


@dataclass(frozen=True, order=True)
class WeekRange:
    """Consecutive weeks, both ends included."""

    first: IsoWeek
    last: IsoWeek

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise WeekError(Problem.BAD_RANGE, f"{self.first}–{self.last}")

    @classmethod
    def of_days(cls, start: date, end: date) -> WeekRange:
        """The weeks containing `start` to `end`."""
        return cls(IsoWeek.containing(start), IsoWeek.containing(end))

    @property
    def weeks(self) -> int:
        return (self.last.monday() - self.first.monday()).days // 7 + 1

    def label(self) -> str:
        """«11.11–24.11.2024»; «30.12.2024–12.01.2025» across a new year."""
        start, end = self.first.monday(), self.last.days()[-1]
        first = f"{start:%d.%m}" if start.year == end.year else f"{start:%d.%m.%Y}"
        return t.WEEK_RANGE.format(start=first, end=f"{end:%d.%m.%Y}")


def _relative(match: re.Match[str]) -> WeekQuery:
    return WeekQuery(match.group(0).strip(), back=_WEEKS_BACK[match[1].lower()])


def _number(match: re.Match[str]) -> WeekQuery:
    text = match.group(0).strip()
    number = int(match[1]) if len(match[1]) <= 2 else 0
    if not 1 <= number <= 53:
        raise WeekError(Problem.BAD_NUMBER, match[1][:10])
    return WeekQuery(text, number=number)


def _day(match: re.Match[str]) -> WeekQuery:
    text = match.group(0).strip()
    day, month = int(match[1]), int(match[2])
    year = None if match[3] is None else int(match[3]) + (2000 if len(match[3]) == 2 else 0)
    # Checked now, against a leap year when the year is not given: «29.02» can be meant.
    _date(2024 if year is None else year, day, month, text)
    return WeekQuery(text, day=(day, month, year))


def _iso(match: re.Match[str]) -> WeekQuery:
    text = match.group(0).strip()
    try:
        return WeekQuery(text, iso=IsoWeek(int(match[1]), int(match[2])))
    except ValueError:
        raise WeekError(Problem.BAD_ISO, text) from None


_FORMS = ((_ISO, _iso), (_DATE, _day), (_RELATIVE, _relative), (_NUMBER, _number))


def _date(year: int, day: int, month: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise WeekError(Problem.BAD_DATE, text) from None


def _latest_date(day: int, month: int, today: date) -> date:
    """The most recent `day`.`month` not after `today` (29.02: the last leap year's)."""
    for year in range(today.year, today.year - 8, -1):
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if found <= today:
            return found
    raise AssertionError("every valid day and month occur within eight years")
