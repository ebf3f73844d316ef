"""Which week an answer is for, when it is not this one: a head's missed week (up to
`PAST_WEEKS` back, marked late) or a week the district office enters for a school.

Pure: reads the week out of what was typed («2024-W47», «прошлая неделя») and measures how
far back it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.textnorm import fold
from bot.domain.weeks import IsoWeek

# How many weeks back a head may still send a missed report; older ones only the office.
PAST_WEEKS = 4
_ISO = re.compile(r"(?<!\S)\d{4}-?w\d{1,2}(?!\S)", re.IGNORECASE)
_LAST = re.compile(r"(?<!\S)(?:за\s+)?прошл\w*\s+недел\w*(?!\S)", re.IGNORECASE)
# «неделя» left over once the week is read: a week that could not be read.
_WEEK_WORD = re.compile(r"(?<!\S)недел\w*(?!\S)", re.IGNORECASE)
# «хочу сдать отчёт за прошлую неделю», «заполнить за прошлую неделю», «отчёт за прошлую неделю»
_ASKS_FOR_PAST = re.compile(
    r"(?:сда|запол|отчет|отправ)\w*.*прошл\w*\s+недел|^(?:за\s+)?прошл\w*\s+недел"
)
# Longer than a request; a free-text answer that happens to mention last week.
_REQUEST_MAX = 80


class WeekUnreadable(ValueError):
    """Something that looks like a week but is none (2024-W60, «неделя абв»)."""


@dataclass(frozen=True)
class WeekAsked:
    """A week as typed: named (2024-W47) or counted back from the current one."""

    named: IsoWeek | None = None
    back: int = 0

    def resolve(self, current: IsoWeek) -> IsoWeek:
        week = current
        for _ in range(self.back):
            week = week.previous()
        return self.named or week


def take_week(text: str) -> tuple[WeekAsked | None, str]:
    """The week named in `text` and the rest of it; (None, text) when no week is named."""
    asked: WeekAsked | None = None
    found = _ISO.search(text)
    last = _LAST.search(text)
    if found is not None:
        try:
            asked = WeekAsked(named=IsoWeek.parse(found.group(0)))
        except ValueError:
            raise WeekUnreadable(found.group(0)) from None
        text = _without(text, found.start(), found.end())
    elif last is not None:
        asked, text = WeekAsked(back=1), _without(text, last.start(), last.end())
    if _WEEK_WORD.search(text):
        raise WeekUnreadable(text)
    return asked, text.strip()


def asks_for_past_week(text: str) -> bool:
    """A head asks, in words, to send the report of a week that has passed."""
    folded = fold(text)
    return len(folded) <= _REQUEST_MAX and _ASKS_FOR_PAST.search(folded) is not None


def weeks_back(week: IsoWeek, current: IsoWeek) -> int:
    """0 for the current week, 1 for the one before…; negative for a week to come."""
    return (current.monday() - week.monday()).days // 7


def _without(text: str, start: int, end: int) -> str:
    return " ".join((text[:start] + " " + text[end:]).split())
