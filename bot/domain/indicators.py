"""Declared indicators (numerator / denominator) for one school and for a district."""

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from bot.domain.questionnaire import Indicator, Questionnaire


class IndicatorValue(NamedTuple):
    """One indicator's value. A named tuple, not a frozen dataclass: a district's /status
    makes one per school and indicator, a year's export one per school, week and indicator,
    and a frozen dataclass costs three to four times as much to build."""

    key: str
    label: str
    numerator: int | None
    denominator: int | None
    ratio: float | None  # None when the denominator is missing or 0
    goal: float | None
    warn_below: float | None
    # Answer sets that gave both numbers (schools, for a district). The field takes the place
    # of tuple.count(), which nothing calls; mypy holds it to the method's type.
    count: int = 1  # type: ignore[assignment]

    @property
    def is_below_warn(self) -> bool:
        return (
            self.ratio is not None and self.warn_below is not None and self.ratio < self.warn_below
        )


def compute_indicators(
    questionnaire: Questionnaire, answers: Mapping[str, object]
) -> list[IndicatorValue]:
    """The indicators of one answer set."""
    result = []
    get = answers.get
    for ind in questionnaire.indicators:
        n, d = get(ind.numerator), get(ind.denominator)
        # `type() is int` keeps bools out, like count_of: a year's export runs this for each
        # school and week, so the common case skips the calls.
        if type(n) is int and type(d) is int:
            ratio = n / d if d else None
            value = IndicatorValue(ind.key, ind.label, n, d, ratio, ind.goal, ind.warn_below)
        else:
            n, d = count_of(n), count_of(d)
            value = _value(ind, n, d, 1 if n is not None and d is not None else 0)
        result.append(value)
    return result


def aggregate_indicators(
    questionnaire: Questionnaire, answer_sets: Iterable[Mapping[str, object]]
) -> list[IndicatorValue]:
    """District indicators: Σ numerators ÷ Σ denominators over the sets that gave both.

    Weighted on purpose: the district share of active students is active students over all
    students, so a school of 500 weighs more than a school of 20. A mean of school shares
    would overstate the small schools.
    """
    return sum_indicators(
        questionnaire, (compute_indicators(questionnaire, a) for a in answer_sets)
    )


def sum_indicators(
    questionnaire: Questionnaire, values: Iterable[Sequence[IndicatorValue]]
) -> list[IndicatorValue]:
    """The weighted indicators of several answer sets from each set's own values (as
    `compute_indicators` gives them): reports that show every school's values sum those
    instead of reading the answers again."""
    totals = [[0, 0, 0] for _ in questionnaire.indicators]
    for of_one in values:
        for total, value in zip(totals, of_one, strict=True):
            if value.count:
                assert value.numerator is not None and value.denominator is not None
                total[0] += value.numerator
                total[1] += value.denominator
                total[2] += value.count
    return [
        summed(ind, n, d, count)
        for ind, (n, d, count) in zip(questionnaire.indicators, totals, strict=True)
    ]


def summed(ind: Indicator, n: int, d: int, count: int) -> IndicatorValue:
    """An indicator summed over `count` answer sets (Σ n, Σ d); no numbers when none
    gave both."""
    return _value(ind, n, d, count) if count else _value(ind, None, None, 0)


def change_pp(current: float | None, previous: float | None) -> float | None:
    """Change of a ratio in percentage points (0.50 -> 0.52 is +2.0); None if either is unknown."""
    if current is None or previous is None:
        return None
    return (current - previous) * 100


def _value(ind: Indicator, n: int | None, d: int | None, count: int) -> IndicatorValue:
    ratio = n / d if n is not None and d else None
    return IndicatorValue(ind.key, ind.label, n, d, ratio, ind.goal, ind.warn_below, count)


def count_of(value: object) -> int | None:
    """The answer as a count; None when it is not one."""
    # Stored answers are JSON: a count is an int, never a bool.
    return value if isinstance(value, int) and not isinstance(value, bool) else None
