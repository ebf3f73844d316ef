"""What a district export holds: a row per school and week and a total per week, and its
columns; the CSV and the XLSX writers both read it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from bot.domain.answers import format_answer
from bot.domain.indicators import IndicatorValue
from bot.domain.questionnaire import NUMERIC_TYPES, Indicator, Question, Questionnaire
from bot.domain.report_render import week_label
from bot.domain.week_query import WeekRange
from bot.domain.weeks import IsoWeek
from bot.texts import reports as t


@dataclass(frozen=True)
class WeekTotal:
    """The district in one exported week, as /status shows it."""

    period: str
    answered: int
    schools: int  # on the roster
    indicators: tuple[IndicatorValue, ...]


@dataclass(frozen=True)
class ExportTable:
    questionnaire: Questionnaire
    # "week", "school", "state", "author", answer keys, indicator keys; a week's total has
    # "total".
    rows: list[dict[str, Any]]
    weeks: list[WeekTotal]  # oldest first

    @property
    def span(self) -> WeekRange | None:
        """The weeks the file covers: those it has rounds of, not those asked for."""
        if not self.weeks:
            return None
        return WeekRange(IsoWeek.parse(self.weeks[0].period), IsoWeek.parse(self.weeks[-1].period))


class Column(NamedTuple):
    key: str
    title: str
    kind: str  # "count", "number", "percent" or "text"
    question: Question | None = None  # a text column's, to show its answers as the bot does


def columns_of(qn: Questionnaire) -> list[Column]:
    answers = [
        Column(q.key, q.label, "count" if q.type == "int" else "number")
        if q.type in NUMERIC_TYPES
        else Column(q.key, q.label, "text", q)
        for q in qn.questions
    ]
    shares = [Column(ind.key, percent_title(ind), "percent") for ind in qn.indicators]
    return answers + shares


def percent_title(ind: Indicator) -> str:
    return t.EXPORT_PERCENT_COLUMN.format(label=ind.label)


def leading(row: dict[str, Any]) -> list[Any]:
    return [week_label(row["week"]), row["week"], row["school"], row["state"], row.get("author")]


def text_cell(column: Column, value: Any) -> Any:
    """A stored answer as the bot shows it («Да» / «Нет», text)."""
    assert column.question is not None
    return None if value is None else format_answer(column.question, value)
