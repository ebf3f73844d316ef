"""All answers in one message: valid lines kept, the rest explained line by line."""

from bot.clock import FakeClock
from bot.texts import checkin as texts
from storage.db import Database
from tests.integration.checkin.helpers import (
    FORM,
    HEAD_VK,
    STORED,
    one_head,
    stored_answers,
    stored_responses,
)
from tests.utils.harness import running_bot


async def test_whole_form_in_one_message_goes_to_review(db: Database, clock: FakeClock) -> None:
    await one_head(db, clock)
    async with running_bot(db, clock) as bot:
        bot.user(HEAD_VK)
        # No «Заполнить» first: a pasted form starts the check-in by itself.
        intro, review = await bot.say(HEAD_VK, FORM)
        assert intro["text"].startswith("Отчёт за неделю 21–27 октября — Аймаумахи.")
        assert review["text"].startswith("Принято ответов: 10.\n\nПроверьте ответы")
        await bot.press(HEAD_VK, {"c": "send"})
    [response] = await stored_responses(db)
    assert await stored_answers(db, response.id) == {**STORED, "comment": "всё хорошо"}


async def test_bad_lines_are_explained_and_good_ones_kept(
    sqlite_db: Database, clock: FakeClock
) -> None:
    await one_head(sqlite_db, clock)
    form = "\n".join(
        [
            "Педагогов всего: 45",
            "Педагогов в Сферуме: 50",
            "Обучающихся всего: триста",
            "classes_total = 11",
            "Классов с чатом в Сферуме: 9,5",
            "Погода: хорошая",
            "Педагогов: 3",
        ]
    )
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(HEAD_VK)
        await bot.say(HEAD_VK, "Заполнить")
        [item] = await bot.say(HEAD_VK, form)
        lines = item["text"].split("\n")
        assert lines[:2] == ["Принято ответов: 2.", texts.FORM_PROBLEMS]
        assert (
            "Строка 2, «Педагогов в Сферуме»: Педагогов в Сферуме не может быть больше, "
            "чем педагогов всего (45)." in lines
        )
        assert "Строка 3, «Обучающихся всего»: Введите целое число от 0 до 10 000." in lines
        assert any(
            line.startswith("Строка 5, «Классов с чатом в Сферуме»: Нужно целое") for line in lines
        )
        assert "Строка 6: не понял, к какому вопросу она относится." in lines
        assert any(line.startswith("Строка 7: Непонятно, о каком вопросе речь") for line in lines)
        assert "Осталось ответить: 8." in lines
        assert "Вопрос 2 из 10. Педагогов в Сферуме" in item["text"]
        # The rest one by one; then a correcting form replaces nothing already given.
        [item] = await bot.say(HEAD_VK, "40")
        assert item["text"].startswith("Вопрос 3 из 10")
        [item] = await bot.say(HEAD_VK, FORM)
        assert item["text"].startswith("Принято ответов: 10.\n\nПроверьте ответы")


async def test_a_refused_line_can_be_resent_on_its_own(
    sqlite_db: Database, clock: FakeClock
) -> None:
    """The bot asks to resend refused lines: one «label: value» line must be taken as such."""
    await one_head(sqlite_db, clock)
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(HEAD_VK)
        await bot.say(HEAD_VK, "Заполнить")
        [item] = await bot.say(HEAD_VK, "Педагогов всего: 45\nПедагогов в Сферуме: 50")
        assert "Вопрос 2 из 10. Педагогов в Сферуме" in item["text"]
        [item] = await bot.say(HEAD_VK, "Педагогов в Сферуме: 40")
        assert item["text"].startswith("Принято ответов: 1.")
        assert "Вопрос 3 из 10" in item["text"]


async def test_a_long_message_with_emoji_is_not_a_form(
    sqlite_db: Database, clock: FakeClock
) -> None:
    await one_head(sqlite_db, clock)
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(HEAD_VK)
        await bot.say(HEAD_VK, "Заполнить")
        [item] = await bot.say(HEAD_VK, "🙂 " * 5000)
        assert item["text"].startswith("Введите целое число от 0 до 1000.")
    assert await stored_responses(sqlite_db) == []
