"""Week-over-week change of district indicators, over the schools that answered both weeks.

Comparing this week's district share with last week's compares two different sets of
schools when one answered only one of the weeks: a big school missing last week moves the
district figure by itself. So the change is the weighted share over the schools that gave
both numbers of an indicator in both weeks, this week's against last week's — the same
formula as the district figure, over a set that is the same on both sides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.domain.indicators import IndicatorValue, change_pp, count_of, summed
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
    current: Mapping[int, Mapping[str, object]],
    previous: Mapping[int, Mapping[str, object]],
) -> WeekChange:
    """`current` and `previous`: each answering school's answers (counts by key) by school
    id. An indicator counts a school only when it has both numbers in both weeks, so its two
    sides always sum the same schools."""
    matched = [(current[school], previous[school]) for school in current.keys() & previous.keys()]
    now: list[IndicatorValue] = []
    before: list[IndicatorValue] = []
    for ind in questionnaire.indicators:
        n = d = n_before = d_before = count = 0
        for this_week, last_week in matched:
            this_n = count_of(this_week.get(ind.numerator))
            this_d = count_of(this_week.get(ind.denominator))
            last_n = count_of(last_week.get(ind.numerator))
            last_d = count_of(last_week.get(ind.denominator))
            if this_n is None or this_d is None or last_n is None or last_d is None:
                continue
            n, d, n_before, d_before = n + this_n, d + this_d, n_before + last_n, d_before + last_d
            count += 1
        now.append(summed(ind, n, d, count))
        before.append(summed(ind, n_before, d_before, count))
    return WeekChange(
        answered=len(current),
        matched=len(matched),
        same_schools=current.keys() == previous.keys(),
        current=tuple(now),
        previous=tuple(before),
    )
