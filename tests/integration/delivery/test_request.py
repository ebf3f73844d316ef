"""/request as an official sends it: every asked head gets the notice once, the heads who
have not answered get each reminder once, the district chat gets the summary once and the
district's address the workbook once."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import delete

from bot.clock import FakeClock
from bot.scheduler import Scheduler
from bot.texts import requests as texts
from storage.db import Database
from storage.models import SchoolStaff
from tests.integration.delivery.helpers import (
    THURSDAY_0901,
    TUESDAY_0901,
    once,
    received,
    smtp_settings,
)
from tests.integration.requests.helpers import (
    ADDRESS,
    CHAT_PEER,
    OFFICIAL_VK,
    SUBJECT,
    Inbox,
    class_rows,
    doc_attachment,
    filled_workbook,
    free_port,
    head_vk,
    seed,
    smtp_server,
)
from tests.utils.harness import BotHarness, running_bot

TITLE = "Классные чаты к ноябрю"
DEADLINE = datetime(2024, 10, 24, 15, 0, tzinfo=UTC)  # Thursday 18:00 in Moscow
SAME_DAY_DEADLINE = datetime(2024, 10, 21, 15, 0, tzinfo=UTC)  # Monday 18:00 in Moscow
ANSWERING = (0, 1, 2)
SILENT = tuple(range(3, 12))


def _button(value: str) -> dict[str, str]:
    return {"c": "rq", "v": value}


async def _send_request(bot: BotHarness, deadline: str, schools: str | None = None) -> str:
    """The official's whole dialog, typed and pressed as in VK; returns the last reply."""
    await bot.say(OFFICIAL_VK, "/request")
    await bot.say(OFFICIAL_VK, TITLE)
    await bot.say(OFFICIAL_VK, deadline)
    await bot.say(OFFICIAL_VK, "Чаты классов", payload=_button("class_chats"))
    if schools is None:
        await bot.say(OFFICIAL_VK, texts.ALL_SCHOOLS, payload=_button("all"))
    else:
        await bot.say(OFFICIAL_VK, texts.CHOSEN_SCHOOLS, payload=_button("chosen"))
        await bot.say(OFFICIAL_VK, schools)
    created = await bot.say(OFFICIAL_VK, texts.CONFIRM_YES, payload=_button("yes"))
    return str(created[-1]["text"])


def _round_of(notice: dict) -> int:
    [[button]] = notice["keyboard"]["buttons"]
    return int(json.loads(button["action"]["payload"])["r"])


async def _answer(bot: BotHarness, vk_id: int, round_id: int) -> None:
    await bot.say(vk_id, "Заполнить", payload={"c": "start", "r": round_id})
    data = filled_workbook(class_rows(2))
    accepted = await bot.say(vk_id, "", attachments=doc_attachment(data))
    assert "Файл принят" in accepted[-1]["text"]
    await bot.press(vk_id, {"c": "send"})


async def test_request_notice_reminders_summary_and_letter_arrive_once(
    db: Database, clock: FakeClock
) -> None:
    port, inbox = free_port(), Inbox()
    async with running_bot(db, clock, **smtp_settings(port)) as bot:
        await seed(db, bot.emulator, clock.now())
        assert bot.app is not None
        scheduler = Scheduler(bot.app.context)
        await scheduler.run_due(clock.now())  # the weekly prompt of Monday 09:00 goes first
        created = await _send_request(bot, "24.10.2024 18:00")
        assert "Тем, кто не ответит, напомню 22.10 в 09:00 и 24.10 в 09:00." in created
        await scheduler.run_due(clock.now() + timedelta(minutes=1))

        notices = {}
        for index in range(12):
            once(bot, head_vk(index), f"просит заполнить запрос «{TITLE}»")
            [notices[index]] = [
                item for item in bot.emulator.sent_items(head_vk(index)) if TITLE in item["text"]
            ]
        assert not received(bot, OFFICIAL_VK, "просит заполнить")
        round_id = _round_of(notices[0])
        for index in ANSWERING:
            await _answer(bot, head_vk(index), round_id)

        for moment in (TUESDAY_0901, THURSDAY_0901):
            mark = bot.last_sent_id()
            await scheduler.run_due(moment - timedelta(minutes=2))  # 08:59: not yet
            assert not received(bot, head_vk(SILENT[0]), "напоминаю: запрос", mark)
            await scheduler.run_due(moment)
            for index in SILENT:
                once(bot, head_vk(index), f"напоминаю: запрос «{TITLE}»", mark)
            for index in ANSWERING:
                assert not received(bot, head_vk(index), TITLE, mark)

        with smtp_server(port, inbox):
            await scheduler.run_due(DEADLINE + timedelta(minutes=1))
            # Later ticks send neither the summary nor the letter again.
            await scheduler.run_due(DEADLINE + timedelta(hours=12))

        summary = once(bot, CHAT_PEER, f"Итоги запроса «{TITLE}»")
        assert "Ответили 3 из 12 школ." in summary
    [letter] = [m for m in inbox.messages if TITLE in m.get_body().get_content()]
    assert (letter["To"], letter["Subject"]) == (ADDRESS, SUBJECT)
    [attachment] = list(letter.iter_attachments())
    workbook = load_workbook(io.BytesIO(attachment.get_content()))
    assert workbook["Ответы"].max_row == 13  # header + 12 schools


async def test_a_request_promises_only_what_reaches_the_heads(
    db: Database, clock: FakeClock
) -> None:
    """Due the same evening: no reminder can go, and a school whose head has not joined the
    bot cannot be told; the official's confirmation says both, and the heads get just that."""
    async with running_bot(db, clock) as bot:
        seeded = await seed(db, bot.emulator, clock.now())
        assert bot.app is not None
        async with db.sessions.begin() as session:
            await session.execute(
                delete(SchoolStaff).where(SchoolStaff.school_id == seeded.school_ids[1])
            )
        created = await _send_request(bot, "21.10.2024 18:00", "Дегвинская; Мургукская")
        assert "школ — 2" in created
        assert texts.CREATED_NO_REMINDERS in created
        assert texts.CREATED_UNREACHED.format(schools="МКОУ «Мургукская СОШ»") in created
        scheduler = Scheduler(bot.app.context)
        await scheduler.run_due(SAME_DAY_DEADLINE + timedelta(hours=1))

        once(bot, head_vk(0), f"просит заполнить запрос «{TITLE}»")
        for index in range(1, 12):
            assert not received(bot, head_vk(index), TITLE)
        assert not received(bot, head_vk(0), "напоминаю: запрос")
        once(bot, CHAT_PEER, f"Итоги запроса «{TITLE}»")
