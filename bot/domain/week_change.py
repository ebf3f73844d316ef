"""Week-over-week change of district indicators, over the schools that answered both weeks.

Comparing this week's district share with last week's compares two different sets of
schools when one answered only one of the weeks: a big school missing last week moves the
district figure by itself. So the change is the weighted share over the schools that gave
both numbers of an indicator in both weeks, this week's against last week's — the same
formula as the district figure, over a set that is the same on both sides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.domain.indicators import IndicatorValue, change_pp, sum_indicators
from bot.domain.questionnaire import Questionnaire


@dataclass(frozen=True)
class WeekChange:
    """The change of each indicator over the schools comparable between two weeks."""

    answered: int  # schools that answered this week
    matched: int  # of them, those that also answered last week
    same_schools: bool  # both weeks were answered by the same schools: no note needed
    current: tuple[IndicatorValue, ...]  # this week, over the matched schools
    previous: tuple[IndicatorValue, ...]  # last week, over the same schools

    def pp(self, key: str) -> float | None:
        """The change in percentage points; None when no school is comparable."""
        now = next((v for v in self.current if v.key == key), None)
        before = next((v for v in self.previous if v.key == key), None)
        if now is None or before is None or not now.count:
            return None
        return change_pp(now.ratio, before.ratio)


def week_change(
    questionnaire: Questionnaire,
    current: Mapping[int, Sequence[IndicatorValue]],
    previous: Mapping[int, Sequence[IndicatorValue]],
) -> WeekChange:
    """`current` and `previous`: each answering school's own values (as `compute_indicators`
    gives them) by school id. An indicator counts a school only when it has both numbers in
    both weeks, so its two sides always sum the same schools."""
    matched = sorted(current.keys() & previous.keys())
    now: list[list[IndicatorValue]] = []
    before: list[list[IndicatorValue]] = []
    for school in matched:
        pairs = zip(current[school], previous[school], strict=True)
        kept = [(a, b) if a.count and b.count else (_blank(a), _blank(b)) for a, b in pairs]
        now.append([a for a, _ in kept])
        before.append([b for _, b in kept])
    return WeekChange(
        answered=len(current),
        matched=len(matched),
        same_schools=current.keys() == previous.keys(),
        current=tuple(sum_indicators(questionnaire, now)),
        previous=tuple(sum_indicators(questionnaire, before)),
    )


def _blank(value: IndicatorValue) -> IndicatorValue:
    # Left out of the sums: `sum_indicators` adds only values that count.
    return value._replace(numerator=None, denominator=None, ratio=None, count=0)
