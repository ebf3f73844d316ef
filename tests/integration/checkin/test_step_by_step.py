"""The step-by-step check-in through VK: questions, validation, back/skip/prefill, review."""

from datetime import timedelta

from bot.clock import FakeClock
from bot.texts import checkin as texts
from bot.texts import onboarding as onboarding_texts
from storage.db import Database
from tests.integration.checkin.helpers import (
    HEAD_VK,
    STORED,
    TYPED,
    answered_last_week,
    button,
    labels,
    one_head,
    stored_answers,
    stored_responses,
)
from tests.utils.harness import BotHarness, running_bot


async def answer_all(bot: BotHarness, answers: list[str]) -> list[dict]:
    items: list[dict] = []
    for text in answers:
        items = await bot.say(HEAD_VK, text)
    return items


async def test_head_answers_step_by_step_and_sends(db: Database, clock: FakeClock) -> None:
    setup = await one_head(db, clock)
    async with running_bot(db, clock) as bot:
        bot.user(HEAD_VK)
        intro, first = await bot.say(HEAD_VK, "Заполнить")
        assert "21–27 октября" in intro["text"] and "пятница, 25 октября, 16:00" in intro["text"]
        assert first["text"].startswith("Вопрос 1 из 10. Педагогов всего")
        [last] = await answer_all(bot, TYPED)
        assert last["text"].startswith("Вопрос 10 из 10. Комментарий")
        [review] = await bot.say(HEAD_VK, texts.SKIP, payload=button(last, texts.SKIP))
        assert "1. Педагогов всего: 45" in review["text"]
        assert "10. Комментарий: —" in review["text"]
        assert "• Обучающихся, активных в Сферуме: 50,00 %" in review["text"]
        assert labels(review) == [texts.SEND, texts.FIX]
        [thanks] = await bot.press(HEAD_VK, button(review, texts.SEND))
        assert thanks["text"].startswith("Спасибо! Отчёт принят: Аймаумахи")
        assert "• Педагогов в Сферуме: 88,89 %" in thanks["text"]
    [response] = await stored_responses(db)
    assert (response.school_id, response.author_id, response.late) == (
        setup.school_id,
        setup.head_id,
        False,
    )
    assert await stored_answers(db, response.id) == STORED


async def test_wrong_answers_are_explained_and_earlier_ones_kept(
    sqlite_db: Database, clock: FakeClock
) -> None:
    await one_head(sqlite_db, clock)
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(HEAD_VK)
        await bot.say(HEAD_VK, "/report")
        cases = [
            ("", "Ответ пустой. Введите целое число от 0 до 1000."),
            ("сорок пять", "Введите целое число от 0 до 1000."),
            ("4,5", "Нужно целое число, без дробной части. Введите целое число от 0 до 1000."),
            ("-3", "Число не может быть отрицательным."),
            ("5000", "Слишком большое число. Введите целое число от 0 до 1000."),
            ("45 %", "Здесь нужно количество, а не процент."),
            ("👍🏽", "Введите целое число от 0 до 1000."),
            ("9" * 10_000, "Введите целое число от 0 до 1000."),
        ]
        for text, error in cases:
            [item] = await bot.say(HEAD_VK, text)
            assert item["text"].startswith(error), text[:20]
            assert "Вопрос 1 из 10. Педагогов всего" in item["text"]
            assert item["text"].count("Введите целое число от 0 до 1000.") == 1, text[:20]
        await bot.say(HEAD_VK, "45")
        [item] = await bot.say(HEAD_VK, "50")
        assert item["text"].startswith(
            "Педагогов в Сферуме не может быть больше, чем педагогов всего (45)."
        )
        assert "Вопрос 2 из 10" in item["text"]
        await answer_all(bot, TYPED[1:8])
        [item] = await bot.say(HEAD_VK, "может быть")
        assert item["text"].startswith("Ответьте «Да» или «Нет».\n\nВопрос 9 из 10")
        [item] = await bot.say(HEAD_VK, "Да")
        assert item["text"].startswith("Вопрос 10 из 11. Какие иностранные мессенджеры")
        [item] = await bot.say(HEAD_VK, "Ж" * 10_000)
        assert item["text"].startswith("Слишком длинный ответ: 10 000 символов. Сократите до 300")
        await bot.say(HEAD_VK, "WhatsApp 👍")
        [review] = await bot.say(HEAD_VK, "Всё хорошо 🙂")
        assert "1. Педагогов всего: 45" in review["text"]
        assert "10. Какие иностранные мессенджеры: WhatsApp 👍" in review["text"]
        assert "11. Комментарий: Всё хорошо 🙂" in review["text"]


async def test_back_skip_and_last_weeks_values(sqlite_db: Database, clock: FakeClock) -> None:
    setup = await one_head(sqlite_db, clock)
    await answered_last_week(sqlite_db, clock, setup, students_active=120)
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(HEAD_VK)
        _, first = await bot.say(HEAD_VK, "Отчёт")
        assert "На прошлой неделе: 45." in first["text"]
        assert labels(first) == ["Как на прошлой неделе (45)"]
        [second] = await bot.say(
            HEAD_VK, "Как на прошлой неделе (45)", payload=button(first, "Как на прошлой")
        )
        assert second["text"].startswith("Вопрос 2 из 10")
        assert labels(second) == ["Как на прошлой неделе (40)", texts.BACK]
        [again] = await bot.say(HEAD_VK, texts.BACK, payload=button(second, texts.BACK))
        assert again["text"].startswith("Вопрос 1 из 10")
        # A stale tap on the keyboard of question 2 does not answer question 1.
        [same] = await bot.say(HEAD_VK, "x", payload=button(second, "Как на прошлой"))
        assert same["text"].startswith("Вопрос 1 из 10")
        for number in range(1, 9):
            if number == 6:  # students active: last week 120, now 150
                [same] = await bot.say(HEAD_VK, "150")
            else:
                [same] = await bot.say(HEAD_VK, "x", payload=button(same, "Как на прошлой"))
        assert same["text"].startswith("Вопрос 9 из 10")
        assert labels(same)[:3] == ["Да", "Нет", "Как на прошлой неделе (Нет)"]
        [comment] = await bot.say(HEAD_VK, "нет")
        [skipped] = await bot.say(HEAD_VK, "пропустить")
        assert skipped["text"].startswith("Проверьте ответы")
        [thanks] = await bot.press(HEAD_VK, {"c": "send"})
        assert "Показатели этой недели (изменение к прошлой):" in thanks["text"]
        assert "• Обучающихся, активных в Сферуме: 50,00 % (▲ 10,00 п. п.)" in thanks["text"]
        assert "• Педагогов в Сферуме: 88,89 % (= 0,00 п. п.)" in thanks["text"]
    responses = await stored_responses(sqlite_db)
    assert await stored_answers(sqlite_db, responses[-1].id) == STORED
    assert comment["text"].startswith("Вопрос 10 из 10. Комментарий")


async def test_review_fix_by_button_and_by_number(sqlite_db: Database, clock: FakeClock) -> None:
    await one_head(sqlite_db, clock)
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(HEAD_VK)
        await bot.say(HEAD_VK, "Заполнить")
        await answer_all(bot, TYPED)
        [review] = await bot.say(HEAD_VK, "Пропустить")
        [pick] = await bot.press(HEAD_VK, button(review, texts.FIX))
        assert pick["text"] == texts.PICK
        assert labels(pick)[:4] == ["1", "2", "3", "4"] and labels(pick)[-1] == texts.TO_REVIEW
        [question] = await bot.press(HEAD_VK, button(pick, "5"))
        assert question["text"].startswith("Вопрос 5 из 10. Обучающихся всего")
        assert labels(question) == [texts.TO_REVIEW]
        [item] = await bot.say(HEAD_VK, "100")
        assert item["text"].startswith(
            "Обучающихся всего не может быть меньше, чем обучающихся, активных в Сферуме (150)."
        )
        [review] = await bot.say(HEAD_VK, "310")
        assert "5. Обучающихся всего: 310" in review["text"]
        [question] = await bot.say(HEAD_VK, "9")
        assert question["text"].startswith("Вопрос 9 из 10. Используются")
        [child] = await bot.say(HEAD_VK, "да")
        assert child["text"].startswith("Вопрос 10 из 11. Какие иностранные мессенджеры")
        [review] = await bot.say(HEAD_VK, "Telegram")
        assert "10. Какие иностранные мессенджеры: Telegram" in review["text"]
        [item] = await bot.say(HEAD_VK, "42")
        assert item["text"].startswith("Нет ответа с таким номером. Напишите число от 1 до 11.")
        await bot.press(HEAD_VK, {"c": "send"})
    [response] = await stored_responses(sqlite_db)
    answers = await stored_answers(sqlite_db, response.id)
    assert answers["students_total"] == 310
    assert answers["foreign_messengers_which"] == "Telegram"


async def test_restart_mid_dialog_resumes_at_the_same_question(
    db: Database, clock: FakeClock
) -> None:
    await one_head(db, clock)
    async with running_bot(db, clock) as bot:
        bot.user(HEAD_VK)
        await bot.say(HEAD_VK, "Заполнить")
        await answer_all(bot, TYPED[:4])
        await bot.restart()
        [item] = await bot.say(HEAD_VK, TYPED[4])
        assert item["text"].startswith("Вопрос 6 из 10")
        clock.advance(timedelta(days=2))
        [item] = await bot.say(HEAD_VK, "Заполнить")
        assert item["text"].startswith(texts.RESUME + "\n\nВопрос 6 из 10")
        await answer_all(bot, TYPED[5:])
        await bot.say(HEAD_VK, "Пропустить")
        await bot.press(HEAD_VK, {"c": "send"})
    [response] = await stored_responses(db)
    assert await stored_answers(db, response.id) == STORED


async def test_commands_mid_questionnaire_reach_their_features_and_the_answers_go_on(
    db: Database, clock: FakeClock
) -> None:
    await one_head(db, clock)
    async with running_bot(db, clock) as bot:
        bot.user(HEAD_VK)
        await bot.say(HEAD_VK, "Заполнить")
        [second] = await bot.say(HEAD_VK, "45")
        assert "Вопрос 2 из 10" in second["text"]
        [my] = await bot.say(HEAD_VK, "/my")
        assert my["text"].startswith("МКОУ «Аймаумахинская СОШ»") and "Вопрос" not in my["text"]
        [status] = await bot.say(HEAD_VK, "[club1|@svodka] /status")  # a mention first
        assert status["text"] == onboarding_texts.REFUSED_OFFICE
        [other_button] = await bot.say(HEAD_VK, "45", payload={"c": ["forged"]})
        assert "Вопрос 3 из 10" in other_button["text"]  # not ours: typed, after the features
        [third] = await bot.say(HEAD_VK, "40")
        assert third["text"].startswith("Вопрос 4 из 10")
