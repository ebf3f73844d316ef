"""Answers in one message written to break the form reader: the same question twice.
The first value stands."""

from __future__ import annotations

from pathlib import Path

from bot.clock import FakeClock
from bot.texts import checkin as texts
from storage.db import Database
from tests.integration.checkin.helpers import (
    FORM,
    HEAD_VK,
    STORED,
    button,
    one_head,
    stored_answers,
    stored_responses,
)
from tests.utils.harness import running_bot

# Every line of FORM but «Педагогов всего» and «Педагогов в Сферуме».
REST = "\n".join(FORM.split("\n")[2:])


async def test_a_repeated_question_keeps_its_first_value(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    await one_head(db, clock)
    async with running_bot(db, clock, tmp_path) as bot:
        bot.user(HEAD_VK)
        await bot.say(HEAD_VK, "Заполнить")
        [reply] = await bot.say(HEAD_VK, "staff_total=40\nstaff_total=20\nstaff_registered=42")
        lines = reply["text"].split("\n")
        assert lines[0] == "Принято ответов: 1."
        assert "Строка 2, «Педагогов всего»: «Педагогов всего» уже указано в строке 1." in lines
        # Judged against the value that stands (40), not against the refused one or none.
        assert (
            "Строка 3, «Педагогов в Сферуме»: Педагогов в Сферуме не может быть больше, "
            "чем педагогов всего (40)." in lines
        )
        assert "Вопрос 2 из 10. Педагогов в Сферуме" in reply["text"]
        [review] = await bot.say(HEAD_VK, f"staff_registered=40\n{REST}")
        assert "\n1. Педагогов всего: 40\n" in review["text"]
        await bot.press(HEAD_VK, button(review, texts.SEND))
    [response] = await stored_responses(db)
    assert await stored_answers(db, response.id) == {
        **STORED,
        "staff_total": 40,
        "comment": "всё хорошо",
    }
