"""A head's missed week (up to `PAST_WEEKS` back, marked late): whether a message asks
for one, and how far back a week is. The week itself is read by `bot.domain.week_query`."""

from __future__ import annotations

import re

from bot.domain.textnorm import fold
from bot.domain.weeks import IsoWeek

# How many weeks back a head may still send a missed report; older ones only the office.
PAST_WEEKS = 4
# «хочу сдать отчёт за прошлую неделю», «заполнить за прошлую неделю», «отчёт за прошлую неделю»
_ASKS_FOR_PAST = re.compile(
    r"(?:сда|запол|отчет|отправ)\w*.*прошл\w*\s+недел|^(?:за\s+)?прошл\w*\s+недел"
)
# «неделя» left in the words once the week was read: a week meant, but none readable.
_WEEK_WORD = re.compile(r"(?<!\S)недел\w*(?!\S)", re.IGNORECASE)
# Longer than a request; a free-text answer that happens to mention last week.
_REQUEST_MAX = 80


def asks_for_past_week(text: str) -> bool:
    """A head asks, in words, to send the report of a week that has passed."""
    folded = fold(text)
    return len(folded) <= _REQUEST_MAX and _ASKS_FOR_PAST.search(folded) is not None


def unread_week(rest: str) -> bool:
    """The words left by `week_query.take_week` still speak of a week («неделя абв»)."""
    return _WEEK_WORD.search(rest) is not None


def weeks_back(week: IsoWeek, current: IsoWeek) -> int:
    """0 for the current week, 1 for the one before…; negative for a week to come."""
    return (current.monday() - week.monday()).days // 7
