"""Resending before the deadline, late answers, holiday weeks, a new week, double taps."""

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from bot.clock import FakeClock
from bot.texts import checkin as texts
from storage.db import Database
from storage.models import District
from tests.integration.checkin.helpers import (
    FORM,
    HEAD_VK,
    TYPED,
    button,
    one_head,
    stored_answers,
    stored_responses,
    stored_revisions,
)
from tests.utils.harness import running_bot

FRIDAY_AFTER_DEADLINE = datetime(2024, 10, 25, 14, 0, tzinfo=UTC)  # 17:00 MSK


async def test_resending_before_the_deadline_keeps_history(
    sqlite_db: Database, clock: FakeClock
) -> None:
    await one_head(sqlite_db, clock)
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(HEAD_VK)
        await bot.say(HEAD_VK, FORM)
        await bot.press(HEAD_VK, {"c": "send"})
        clock.advance(timedelta(days=1))
        _, review = await bot.say(HEAD_VK, "Заполнить")
        assert review["text"].startswith(texts.RESUBMIT + "\n\nПроверьте ответы")
        await bot.say(HEAD_VK, "1")
        await bot.say(HEAD_VK, "46")
        [thanks] = await bot.press(HEAD_VK, {"c": "send"})
        assert thanks["text"].startswith("Спасибо! Ответы обновлены: Аймаумахи")
    [response] = await stored_responses(sqlite_db)
    assert response.revision == 2
    assert (await stored_answers(sqlite_db, response.id))["staff_total"] == 46
    assert [r.answers["staff_total"] for r in await stored_revisions(sqlite_db)] == [45, 46]


async def test_late_answer_is_accepted_and_marked(db: Database, clock: FakeClock) -> None:
    await one_head(db, clock)
    clock.set(FRIDAY_AFTER_DEADLINE)
    async with running_bot(db, clock) as bot:
        bot.user(HEAD_VK)
        intro, _ = await bot.say(HEAD_VK, "Заполнить")
        assert "Срок сдачи (пятница, 25 октября, 16:00) уже прошёл" in intro["text"]
        await bot.say(HEAD_VK, FORM)
        [thanks] = await bot.press(HEAD_VK, {"c": "send"})
        assert texts.THANKS_LATE in thanks["text"]
        assert "Исправить ответы можно" not in thanks["text"]
    [response] = await stored_responses(db)
    assert response.late


async def test_holiday_week_has_no_report(sqlite_db: Database, clock: FakeClock) -> None:
    setup = await one_head(sqlite_db, clock)
    async with sqlite_db.sessions.begin() as session:
        await session.execute(
            update(District)
            .where(District.id == setup.district.id)
            .values(school_holidays=[["2024-10-21", "2024-10-27"]])
        )
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(HEAD_VK)
        assert bot.texts(HEAD_VK) == []
        assert [i["text"] for i in await bot.say(HEAD_VK, "Заполнить")] == [texts.NO_ROUND]
        assert [i["text"] for i in await bot.say(HEAD_VK, FORM)] == [texts.NO_ROUND]
    assert await stored_responses(sqlite_db) == []


async def test_a_draft_from_last_week_starts_over_for_the_new_week(
    sqlite_db: Database, clock: FakeClock
) -> None:
    await one_head(sqlite_db, clock)
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(HEAD_VK)
        await bot.say(HEAD_VK, "Заполнить")
        await bot.say(HEAD_VK, TYPED[0])
        clock.advance(timedelta(days=7))
        intro, question = await bot.say(HEAD_VK, TYPED[1])
        assert intro["text"].startswith(texts.NEW_WEEK + "\nОтчёт за неделю 28 октября – 3 ноября")
        assert question["text"].startswith("Вопрос 1 из 10")


async def test_two_quick_taps_on_send_store_one_revision(db: Database, clock: FakeClock) -> None:
    await one_head(db, clock)
    async with running_bot(db, clock) as bot:
        bot.user(HEAD_VK)
        [_, review] = await bot.say(HEAD_VK, FORM)
        send = button(review, texts.SEND)
        mark = bot.last_sent_id()
        await bot.emulator.press_button(HEAD_VK, HEAD_VK, send, 0)
        await bot.emulator.press_button(HEAD_VK, HEAD_VK, send, 0)
        await bot.settle()
        sent = bot.texts(HEAD_VK, mark)
        answers = bot.emulator.calls_log("messages.sendMessageEventAnswer")
    assert len(sent) == 1 and sent[0].startswith("Спасибо!")
    snackbars = [json.loads(c["params"].get("event_data") or "{}") for c in answers]
    assert {"type": "show_snackbar", "text": texts.ALREADY_SENT} in snackbars
    [response] = await stored_responses(db)
    assert response.revision == 1
    assert len(await stored_revisions(db)) == 1
