"""Who else is told when a school's answers are sent: its head, when they came from the
deputy or were entered by the district office."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.answers import format_answer
from bot.domain.questionnaire import Questionnaire
from bot.services.checkin.screens import RoundView
from bot.texts import corrections as texts
from bot.texts.people import person_name
from storage.models import Person
from storage.repos import people


@dataclass(frozen=True)
class Letter:
    """A message to someone other than the person in the dialog."""

    peer_id: int
    text: str
    # What the sender is told once it is sent, and if VK refuses it for good.
    delivered: str | None = None
    undelivered: str | None = None


@dataclass(frozen=True)
class Told:
    letters: list[Letter]
    author: str  # the author's name as reports show it


async def tell_head(
    session: AsyncSession,
    *,
    school_id: int,
    author_id: int,
    by_office: bool,
    view: RoundView,
    qn: Questionnaire,
    answers: Mapping[str, Any],
) -> Told:
    """The letter to the school's head about answers sent by someone else: the office
    (with what it entered) or the deputy. None when the head sent them or there is none."""
    author = await session.get(Person, author_id)
    assert author is not None
    name = person_name(author.first_name, author.last_name, author.vk_id)
    head = await _head(session, school_id)
    if head is None or head.id == author_id or head.vk_id is None:
        return Told([], name)
    if by_office:
        lines = [texts.HEAD_ENTERED.format(school=view.school, week=view.week, name=name)]
        lines.append(texts.HEAD_ENTERED_ANSWERS)
        for question in qn.applicable(answers):
            value = format_answer(question, answers.get(question.key))
            lines.append(texts.ANSWER_LINE.format(label=question.label, value=value))
        letter = Letter(head.vk_id, "\n".join(lines), texts.HEAD_TOLD, texts.HEAD_NOT_TOLD)
        return Told([letter], name)
    deputy = await people.school_staff(session, school_id, "deputy")
    if deputy is None or deputy.person_id != author_id:
        return Told([], name)
    text = texts.HEAD_SENT_BY_DEPUTY.format(school=view.school, week=view.week, name=name)
    return Told([Letter(head.vk_id, text)], name)


async def _head(session: AsyncSession, school_id: int) -> Person | None:
    staff = await people.school_staff(session, school_id, "head")
    return None if staff is None else await session.get(Person, staff.person_id)
