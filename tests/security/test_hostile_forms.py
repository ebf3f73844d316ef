"""Answers in one message written to break the form reader: the same question twice, tens of
kilobytes of lines. The first value stands; whatever the message, it gets one reply."""

from __future__ import annotations

import pytest

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


async def test_a_repeated_question_keeps_its_first_value(db: Database, clock: FakeClock) -> None:
    await one_head(db, clock)
    async with running_bot(db, clock) as bot:
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


def _lines_to(size: int, lines: list[str]) -> str:
    text = "\n".join(lines)
    return "\n".join([text] * (size // len(text.encode()) + 1))


# Measured before the cap: 57 KB of one repeated line got 56 replies, 4 KB got 6.
FLOODS = {
    "repeated_4kb": _lines_to(4_000, ["Педагогов всего: 45"]),
    "repeated_57kb": _lines_to(57_000, ["Педагогов всего: 45"]),
    # The longest problem texts: a name that fits four questions, a value of the wrong
    # type, a line that names none (which brings the list of names).
    "mixed_57kb": _lines_to(
        57_000, ["Педагогов: 3", "Используются ли иностранные мессенджеры: может быть", "Погода"]
    ),
}


@pytest.mark.parametrize("name", sorted(FLOODS))
async def test_a_huge_form_gets_one_reply_with_the_first_ten_problems(
    sqlite_db: Database, clock: FakeClock, name: str
) -> None:
    await one_head(sqlite_db, clock)
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(HEAD_VK)
        await bot.say(HEAD_VK, "Заполнить")
        replies = await bot.say(HEAD_VK, FLOODS[name])
        assert len(replies) == 1, [len(r["text"]) for r in replies]
        lines = replies[0]["text"].split("\n")
        problems = lines[lines.index(texts.FORM_PROBLEMS) + 1 :]
        assert [line for line in problems if line.startswith("Строка ")] == problems[:10]
        assert problems[10].startswith("И ещё замечаний: ")
        # The step goes on as after any form: the question on screen is still asked.
        assert "Вопрос " in replies[0]["text"]
