"""Foreign messengers a school says it still uses for school work.

Banned for it by 149-ФЗ art. 10.8 from 01.03.2023: the district letters call this the point
of the whole move to Sferum, so reports name these schools first.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain.questionnaire import Questionnaire

USES = "foreign_messengers"
WHICH = "foreign_messengers_which"
# Enough for «WhatsApp — родительские чаты 2 классов» and more; a report line stays one line
# on a phone. The whole answer is in the export.
SHOWN_CHARS = 80


def answer_keys(questionnaire: Questionnaire) -> tuple[str, ...]:
    """The questionnaire's keys about foreign messengers (none for a one-off request's)."""
    return tuple(q.key for q in questionnaire.questions if q.key in (USES, WHICH))


def foreign_use(answers: Mapping[str, object]) -> str | None:
    """What the school wrote about the foreign messengers it uses, shortened for a report
    line ("" when it said «Да» and nothing more); None when it uses none."""
    if answers.get(USES) is not True:
        return None
    which = answers.get(WHICH)
    return shorten(" ".join(which.split())) if isinstance(which, str) else ""


def shorten(text: str, limit: int = SHOWN_CHARS) -> str:
    """Cut at a word boundary, with «…», when longer than `limit`."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:—-") + "…"
