"""/request as an official sends it: every asked head gets the notice once, the heads who
have not answered get each reminder once, the district chat gets the summary once and the
district's address the workbook once."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook

from bot.clock import FakeClock
from bot.scheduler import Scheduler
from bot.texts import requests as texts
from storage.db import Database
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
ANSWERING = (0, 1, 2)
SILENT = tuple(range(3, 12))


def _button(value: str) -> dict[str, str]:
    return {"c": "rq", "v": value}


async def _send_request(bot: BotHarness) -> None:
    """The official's whole dialog, typed and pressed as in VK."""
    await bot.say(OFFICIAL_VK, "/request")
    await bot.say(OFFICIAL_VK, TITLE)
    await bot.say(OFFICIAL_VK, "24.10.2024 18:00")
    await bot.say(OFFICIAL_VK, "Чаты классов", payload=_button("class_chats"))
    await bot.say(OFFICIAL_VK, texts.ALL_SCHOOLS, payload=_button("all"))
    created = await bot.say(OFFICIAL_VK, texts.CONFIRM_YES, payload=_button("yes"))
    assert "создан" in created[-1]["text"]


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
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    port, inbox = free_port(), Inbox()
    async with running_bot(db, clock, tmp_path, **smtp_settings(port)) as bot:
        await seed(db, bot.emulator, clock.now())
        assert bot.app is not None
        scheduler = Scheduler(bot.app.context)
        await scheduler.run_due(clock.now())  # the weekly prompt of Monday 09:00 goes first
        await _send_request(bot)
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
