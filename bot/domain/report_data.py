"""What a report shows, as plain data: built by the reports service, rendered by
`report_render`, written by exports and drawn by charts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.contacts import Contact
from bot.domain.indicators import IndicatorValue
from bot.domain.questionnaire import Indicator, Questionnaire
from bot.domain.week_change import WeekChange


# Slots: a district's /status holds one of each per school, a year's export per school
# and week.
@dataclass(frozen=True, slots=True)
class Head:
    vk_id: int | None
    name: str
    reachable: bool


@dataclass(frozen=True, slots=True)
class SchoolLine:
    school_id: int
    name: str
    head: Head | None
    answered: bool = False
    late: bool = False
    undelivered: bool = False  # a prompt VK refused, or the head blocked the bot
    values: tuple[IndicatorValue, ...] = ()
    contact: Contact | None = None  # from the office's list, to phone the school
    foreign: str | None = None  # the foreign messengers it still uses (`foreign_use`)

    def value(self, key: str) -> IndicatorValue | None:
        return next((v for v in self.values if v.key == key), None)


@dataclass(frozen=True)
class DistrictWeek:
    """One district in one week: who answered and where the district stands."""

    district: str
    period: str
    tz: str
    deadline_at: datetime | None
    schools: tuple[SchoolLine, ...]
    indicators: tuple[IndicatorValue, ...]
    change: WeekChange | None = None  # against the district's previous round
    foreign_asked: bool = False  # the questionnaire asks about foreign messengers
    holiday: bool = False  # the week has no round

    @property
    def answered(self) -> tuple[SchoolLine, ...]:
        return tuple(s for s in self.schools if s.answered)

    @property
    def missing(self) -> tuple[SchoolLine, ...]:
        return tuple(s for s in self.schools if not s.answered)

    @property
    def late(self) -> tuple[SchoolLine, ...]:
        return tuple(s for s in self.schools if s.late)

    @property
    def foreign(self) -> tuple[SchoolLine, ...]:
        """Answering schools that still use foreign messengers."""
        return tuple(s for s in self.schools if s.answered and s.foreign is not None)


@dataclass(frozen=True)
class WeekPoint:
    """District indicators of one past week (trends, charts, the export's summary sheet)."""

    period: str
    indicators: tuple[IndicatorValue, ...]
    answered: int = 0


@dataclass(frozen=True)
class Author:
    """Who sent a school's answers and when: a head, a deputy, or the office for them."""

    name: str
    role: str | None  # "head" or "deputy" of the school; None if neither (now)
    by_office: bool  # entered by the district office (`/correct`)
    at: datetime
    tz: str  # the district's, to show `at` in


@dataclass(frozen=True)
class SchoolWeek:
    period: str
    answers: Mapping[str, object] | None  # None: no answer that week
    values: tuple[IndicatorValue, ...] = ()
    late: bool = False
    author: Author | None = None


@dataclass(frozen=True)
class SchoolHistory:
    school: str
    district: str
    weeks: tuple[SchoolWeek, ...]  # newest first
    questionnaire: Questionnaire = field(repr=False)
    contact: Contact | None = None


@dataclass(frozen=True)
class RegionRow:
    district: str
    period: str | None
    schools: int
    answered: int
    indicators: tuple[IndicatorValue, ...]
    change: WeekChange | None = None
    foreign: tuple[tuple[str, str], ...] = ()  # (school, what it wrote) as in SchoolLine


def from_sums(
    indicators: Sequence[Indicator], sums: Sequence[tuple[float, float, int]] | None
) -> tuple[IndicatorValue, ...]:
    """IndicatorValues from SQL sums (Σ n, Σ d, count), the same shape aggregate_indicators
    gives, so the chat, the chart and the export agree."""
    result = []
    for index, ind in enumerate(indicators):
        n, d, count = sums[index] if sums else (0.0, 0.0, 0)
        known = count > 0
        result.append(
            IndicatorValue(
                key=ind.key,
                label=ind.label,
                numerator=int(n) if known else None,
                denominator=int(d) if known else None,
                ratio=n / d if known and d else None,
                goal=ind.goal,
                warn_below=ind.warn_below,
                count=count,
            )
        )
    return tuple(result)


def change_from_sums(
    indicators: Sequence[Indicator],
    *,
    answered: int,
    answered_before: int,
    matched: int,
    sums: Sequence[tuple[float, float, float, float, int]],
) -> WeekChange:
    """The week's change from SQL sums over the schools that answered both weeks (per
    indicator: Σ n and Σ d of this week, of the week before, schools that gave all four):
    the region's districts at once, by the rule `week_change` applies to one district."""
    return WeekChange(
        answered=answered,
        matched=matched,
        # The two sets are equal when their common part is as large as each of them.
        same_schools=matched == answered == answered_before,
        current=from_sums(indicators, [(n, d, count) for n, d, _, _, count in sums]),
        previous=from_sums(indicators, [(n, d, count) for _, _, n, d, count in sums]),
    )


def as_count(num: float | None) -> int | None:
    """`answers.num` back to the int count the indicator functions expect."""
    if num is None or not float(num).is_integer():
        return None
    return int(num)
