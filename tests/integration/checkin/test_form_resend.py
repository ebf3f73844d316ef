"""Answers in one message that must not be lost or refused: a form sent to last week's open
dialog, a form without the optional comment, last week's review screen copied and edited."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.resources import default_questionnaire
from bot.texts import checkin as texts
from bot.texts import corrections
from storage.db import Database
from storage.models import Round
from tests.integration.checkin.helpers import (
    FORM,
    HEAD_VK,
    STORED,
    TYPED,
    button,
    one_head,
    stored_answers,
    stored_responses,
)
from tests.utils.harness import BotHarness, running_bot

FORM_WITHOUT_COMMENT = FORM.rsplit("\n", 1)[0]
# Week 2024-W44 as the head sees it.
NEXT_WEEK = "неделя 28 октября – 3 ноября"


async def _period_of(db: Database, round_id: int) -> str:
    async with db.reads() as session:
        return (await session.scalars(select(Round.period).where(Round.id == round_id))).one()


async def test_a_form_sent_to_last_weeks_open_dialog_counts_for_this_week(
    db: Database, clock: FakeClock
) -> None:
    await one_head(db, clock)
    async with running_bot(db, clock) as bot:
        bot.user(HEAD_VK)
        await bot.say(HEAD_VK, "Заполнить")
        await bot.say(HEAD_VK, TYPED[0])  # and the head leaves the dialog for a week
        clock.advance(timedelta(days=7))
        intro, review = await bot.say(HEAD_VK, FORM)
        assert intro["text"].startswith(
            texts.NEW_WEEK_FORM + "\nОтчёт за неделю 28 октября – 3 ноября"
        )
        assert review["text"].startswith(
            f"Принято ответов: 10.\n\nПроверьте ответы — Аймаумахи, {NEXT_WEEK}:"
        )
        thanks, missed = await bot.press(HEAD_VK, button(review, texts.SEND))
        assert thanks["text"].startswith(f"Спасибо! Отчёт принят: Аймаумахи, {NEXT_WEEK}.")
        # The week left unanswered may still be sent.
        assert missed["text"] == corrections.PAST_NOTE.format(week="21–27 октября")
    [response] = await stored_responses(db)
    assert await _period_of(db, response.round_id) == "2024-W44"
    assert await stored_answers(db, response.id) == {**STORED, "comment": "всё хорошо"}


async def test_a_form_without_the_optional_comment_goes_straight_to_review(
    sqlite_db: Database, clock: FakeClock
) -> None:
    await one_head(sqlite_db, clock)
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(HEAD_VK)
        _, review = await bot.say(HEAD_VK, FORM_WITHOUT_COMMENT)
        assert review["text"].startswith("Принято ответов: 9.\n\nПроверьте ответы")
        assert "\n10. Комментарий: —\n" in review["text"]
        [thanks] = await bot.press(HEAD_VK, button(review, texts.SEND))
        assert thanks["text"].startswith("Спасибо! Отчёт принят")
    [response] = await stored_responses(sqlite_db)
    assert await stored_answers(sqlite_db, response.id) == STORED


async def test_a_partial_form_still_asks_the_rest_and_then_the_comment(
    sqlite_db: Database, clock: FakeClock
) -> None:
    """Only a form that leaves nothing required unanswered skips the optional questions."""
    await one_head(sqlite_db, clock)
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(HEAD_VK)
        partial = "\n".join(FORM_WITHOUT_COMMENT.split("\n")[:-1])  # no foreign_messengers
        _, question = await bot.say(HEAD_VK, partial)
        assert "Осталось ответить: 2." in question["text"]
        assert "Вопрос 9 из 10. Используются ли иностранные мессенджеры" in question["text"]
        [question] = await bot.say(HEAD_VK, "Нет")
        assert question["text"].startswith("Вопрос 10 из 10. Комментарий")


async def _review_of_week_one(bot: BotHarness, how: str) -> dict[str, Any]:
    """The review screen as the bot sent it, answered by form or one question at a time."""
    if how == "form":
        _, review = await bot.say(HEAD_VK, FORM)
        return review
    screen = (await bot.say(HEAD_VK, "Заполнить"))[-1]
    for answer in TYPED:
        screen = (await bot.say(HEAD_VK, answer))[-1]
    [review] = await bot.press(HEAD_VK, button(screen, texts.SKIP))
    return review


def _edited(review: str, changes: dict[int, str]) -> str:
    """The review text with the values of some numbered lines replaced, as a head edits it."""
    lines = review.split("\n")
    for i, line in enumerate(lines):
        number = re.match(r"(\d+)\. ", line)
        if number and int(number[1]) in changes:
            lines[i] = line.rsplit(": ", 1)[0] + ": " + changes[int(number[1])]
    return "\n".join(lines)


@pytest.mark.parametrize("how", ["form", "step_by_step"])
async def test_last_weeks_review_copied_and_edited_is_read_line_by_line(
    db: Database, clock: FakeClock, how: str
) -> None:
    await one_head(db, clock)
    async with running_bot(db, clock) as bot:
        bot.user(HEAD_VK)
        review = await _review_of_week_one(bot, how)
        assert "\nПоказатели:\n• Педагогов в Сферуме: 88,89 %" in review["text"]
        await bot.press(HEAD_VK, button(review, texts.SEND))
        clock.advance(timedelta(days=7))
        copy = _edited(review["text"], {1: "46", 2: "41", 6: "160", 9: "Да"})
        intro, question = await bot.say(HEAD_VK, copy)
        # Every question line read; the header, the hint and the percentages ignored.
        assert intro["text"].startswith("Отчёт за неделю 28 октября – 3 ноября")
        assert question["text"].startswith("Принято ответов: 10.\n")
        assert texts.FORM_PROBLEMS not in question["text"]
        # «Да» opens the question that depends on it.
        assert "Какие иностранные мессенджеры" in question["text"]
        [review] = await bot.say(HEAD_VK, "Telegram")
        assert review["text"].startswith(f"Проверьте ответы — Аймаумахи, {NEXT_WEEK}:")
        [thanks] = await bot.press(HEAD_VK, button(review, texts.SEND))
        assert thanks["text"].startswith("Спасибо! Отчёт принят")
    this_week = (await stored_responses(db))[-1]
    expected = {
        **STORED,
        "staff_total": 46,
        "staff_registered": 41,
        "students_active": 160,
        "foreign_messengers": True,
        "foreign_messengers_which": "Telegram",
    }
    if how == "form":
        expected["comment"] = "всё хорошо"
    assert await stored_answers(db, this_week.id) == expected


async def test_a_line_the_bot_cannot_match_is_answered_with_the_question_names(
    sqlite_db: Database, clock: FakeClock
) -> None:
    await one_head(sqlite_db, clock)
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(HEAD_VK)
        _, review = await bot.say(HEAD_VK, FORM)
        copy = review["text"].replace("7. Классов всего: 11", "7. Классов в школе: 12")
        [reply] = await bot.say(HEAD_VK, copy)
    lines = reply["text"].split("\n")
    unknown = lines.index(texts.FORM_UNKNOWN_LINE.format(line_no=10))
    names = lines[unknown + 1]
    questions = default_questionnaire().questions
    labels = [q.label for q in questions if q.key != "foreign_messengers_which"]
    assert names == texts.FORM_NAMES.format(names="; ".join(f"«{label}»" for label in labels))
    assert len([line for line in lines if line.startswith("Строка")]) == 1, lines
