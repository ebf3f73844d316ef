"""A one-off request end to end: notice, file answers (one broken, then fixed), reminders to
non-responders only, the deadline summary in the chat, the merged workbook by e-mail."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from bot.clock import FakeClock
from bot.scheduler import Scheduler
from storage.db import Database
from storage.models import OutboxMessage
from tests.integration.requests.helpers import (
    ADDRESS,
    CHAT_PEER,
    SUBJECT,
    Inbox,
    class_rows,
    doc_attachment,
    filled_workbook,
    free_port,
    head_vk,
    new_request,
    seed,
    smtp_server,
)
from tests.utils.harness import BotHarness, running_bot

TITLE = "Чаты классов с классными руководителями"
# Thursday 24.10.2024 18:00 MSK: reminders Tue 22.10 and Thu 24.10 at 09:00.
DEADLINE = datetime(2024, 10, 24, 15, 0, tzinfo=UTC)
ANSWERING = range(7)  # heads 0..6 answer; 6 sends a broken file first


def _settings(port: int) -> dict[str, object]:
    return {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_tls": "none",
        "smtp_from": "svodka@example.ru",
        "smtp_password": "never-logged-secret",
    }


async def _answer(bot: BotHarness, vk_id: int, round_id: int, data: bytes) -> list[str]:
    opened = await bot.say(vk_id, "Заполнить", payload={"c": "start", "r": round_id})
    template = [a for item in opened for a in item["attachments"] if a.startswith("doc")]
    assert len(template) == 1, opened
    assert bot.emulator.file_bytes(template[0]), "the template is downloadable"
    return [item["text"] for item in await bot.say(vk_id, "", attachments=doc_attachment(data))]


async def test_request_for_twelve_schools(db: Database, clock: FakeClock) -> None:
    port = free_port()
    inbox = Inbox()
    async with running_bot(db, clock, **_settings(port)) as bot:
        seeded = await seed(db, bot.emulator, clock.now())
        assert bot.app is not None
        scheduler = Scheduler(bot.app.context)
        created = await new_request(db, clock, seeded, deadline=DEADLINE, title=TITLE)
        assert created.schools == 12
        await scheduler.run_due(clock.now())
        for index in range(12):
            notices = [t for t in bot.texts(head_vk(index)) if TITLE in t]
            assert len(notices) == 1 and "Срок — до 18:00 24 октября" in notices[0]

        for index in ANSWERING:
            vk_id = head_vk(index)
            if index == 6:
                broken = filled_workbook([["5А", "Иванова", "да", 25], ["6Б", "Петров", "да", 70]])
                opened = await bot.say(
                    vk_id, "Заполнить", payload={"c": "start", "r": created.round_id}
                )
                refused = await bot.say(vk_id, "", attachments=doc_attachment(broken))
                assert (
                    "Строка 3, столбец «Учеников в чате»: нужно целое число от 0 до 60."
                    in refused[-1]["text"]
                )
                assert not refused[-1]["attachments"], "no second template with the refusal"
                replies = [
                    item["text"]
                    for item in await bot.say(
                        vk_id, "", attachments=doc_attachment(filled_workbook(class_rows(3)))
                    )
                ]
                assert opened
            else:
                replies = await _answer(
                    bot, vk_id, created.round_id, filled_workbook(class_rows(index + 2))
                )
            assert "Файл принят" in replies[-1]
            thanks = await bot.press(vk_id, {"c": "send"})
            assert any("принят" in item["text"] and TITLE in item["text"] for item in thanks)

        mark = bot.last_sent_id()
        clock_tuesday = datetime(2024, 10, 22, 6, 1, tzinfo=UTC)  # 09:01 MSK
        await scheduler.run_due(clock_tuesday)
        reminded = {
            item["peer_id"]
            for item in bot.emulator.sent_items(None, mark)
            if "напоминаю: запрос" in item["text"]
        }
        assert reminded == {head_vk(i) for i in range(7, 12)}

        with smtp_server(port, inbox):
            mark = bot.last_sent_id()
            await scheduler.run_due(DEADLINE + timedelta(minutes=1))
        summary = [t for t in bot.texts(CHAT_PEER, mark) if "Итоги запроса" in t]
        assert len(summary) == 1
        assert "Ответили 7 из 12 школ." in summary[0]
        assert "Строк в таблицах: 30." in summary[0]
        assert "Показатели" not in summary[0]  # class chats have no indicators
        assert "Не ответили (5 школ):" in summary[0]

    assert len(inbox.messages) == 1
    letter = inbox.messages[0]
    assert letter["To"] == ADDRESS and letter["Subject"] == SUBJECT
    attachments = list(letter.iter_attachments())
    assert len(attachments) == 1
    workbook = load_workbook(io.BytesIO(attachments[0].get_content()))
    answers = workbook["Ответы"]
    assert answers.max_row == 13  # header + 12 schools
    tables = workbook["Чаты классов"]
    header = [cell.value for cell in tables[1]]
    assert header == [
        "Школа",
        "Класс",
        "Классный руководитель",
        "Чат создан (да/нет)",
        "Учеников в чате",
    ]
    expected_rows = sum(i + 2 for i in range(6)) + 3
    assert tables.max_row == 1 + expected_rows
    assert tables.cell(row=2, column=4).value == "да"

    async with db.reads() as session:
        rows = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "email"))
        )
    assert [row.status for row in rows] == ["sent"]
