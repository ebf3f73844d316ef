"""`/status <запрос>` and `/export <запрос>` through VK (the emulator): an official of the
district sees the request's round and gets its merged workbook; a stranger and another
district's official get nothing; `/status дегва` still finds the school; without SMTP no
e-mail is planned."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from bot.clock import FakeClock
from bot.scheduler import Scheduler
from bot.texts import onboarding as onboarding_texts
from bot.texts import reports as report_texts
from storage.db import Database
from storage.models import AuditEvent, District, Official, OutboxMessage, Person
from tests.integration.requests.helpers import (
    CHAT_PEER,
    OFFICIAL_VK,
    class_rows,
    doc_attachment,
    filled_workbook,
    head_vk,
    new_request,
    seed,
)
from tests.utils.harness import BotHarness, running_bot

TITLE = "Чаты классов с классными руководителями"
HEADER = f"Запрос «{TITLE}» — Сергокалинский район"
DEADLINE = datetime(2024, 10, 24, 15, 0, tzinfo=UTC)  # Thursday 18:00 MSK
STRANGER, OTHER_OFFICIAL = 777, 3002


async def _other_district(db: Database, now: datetime) -> None:
    async with db.sessions.begin() as session:
        district = District(
            name="Хасавюртовский район", tz="Europe/Moscow", school_holidays=[], created_at=now
        )
        person = Person(vk_id=OTHER_OFFICIAL, first_name="Ирина", created_at=now)
        session.add_all([district, person])
        await session.flush()
        session.add(Official(person_id=person.id, district_id=district.id, created_at=now))


async def _answer(bot: BotHarness, vk_id: int, round_id: int, rows: int) -> None:
    await bot.say(vk_id, "Заполнить", payload={"c": "start", "r": round_id})
    data = filled_workbook(class_rows(rows))
    replies = await bot.say(vk_id, "", attachments=doc_attachment(data))
    assert "Файл принят" in replies[-1]["text"]
    await bot.press(vk_id, {"c": "send"})


async def test_request_status_and_export(db: Database, clock: FakeClock) -> None:
    async with running_bot(db, clock) as bot:
        seeded = await seed(db, bot.emulator, clock.now())
        await _other_district(db, clock.now())
        for vk_id in (STRANGER, OTHER_OFFICIAL):
            bot.user(vk_id)
        assert bot.app is not None
        scheduler = Scheduler(bot.app.context)
        created = await new_request(db, clock, seeded, deadline=DEADLINE, title=TITLE)
        await scheduler.run_due(clock.now())
        await _answer(bot, head_vk(0), created.round_id, 3)
        await _answer(bot, head_vk(1), created.round_id, 2)

        for text in ("/status чаты классов", "/status запрос чаты", "/статус ЧАТЫ КЛАССОВ"):
            [status] = await bot.say(OFFICIAL_VK, text)
            lines = status["text"].split("\n")
            assert lines[0] == HEADER, text
            assert "Ответили 2 из 12 школ." in lines
            assert "Срок — чт 24.10 в 18:00." in lines
            assert "Строк в таблицах: 5." in lines
            assert "Не ответили (10 школ):" in lines
            assert any(line.startswith("• ") and "Глава5" in line for line in lines)
        [chat] = await bot.say(OFFICIAL_VK, "/status чаты классов", peer_id=CHAT_PEER)
        assert chat["text"].startswith(HEADER)

        [school] = await bot.say(OFFICIAL_VK, "/status дегва")
        assert school["text"].startswith("МКОУ «Дегвинская СОШ»")
        [unknown] = await bot.say(OFFICIAL_VK, "/status запрос отопление")
        assert (
            unknown["text"]
            == "Не нашёл запрос «отопление» за последние 30 дней. Проверьте название."
        )

        [doc] = await bot.say(OFFICIAL_VK, "/export чаты классов")
        assert doc["text"] == f"{HEADER}: ответили 2 из 12."
        [attachment] = doc["attachments"]
        book = load_workbook(io.BytesIO(bot.emulator.file_bytes(attachment)))
        assert book.sheetnames[0] == "Ответы"
        merged = book.worksheets[1]
        assert merged.max_row == 1 + 5, "the header and both schools' rows"
        [explicit] = await bot.say(OFFICIAL_VK, "/export запрос чаты")
        assert len(explicit["attachments"]) == 1

        for text in ("/status чаты классов", "/export чаты классов"):
            [stranger] = await bot.say(STRANGER, text)
            assert stranger["text"] == onboarding_texts.REFUSED_OFFICE
            assert stranger["attachments"] == []
            [other] = await bot.say(OTHER_OFFICIAL, text)
            assert TITLE not in other["text"] and "Ответили" not in other["text"]
            assert other["attachments"] == []
        [named] = await bot.say(OTHER_OFFICIAL, "/status Сергокалинский район чаты классов")
        assert named["text"] == report_texts.NOT_ALLOWED_DISTRICT
        [named_export] = await bot.say(OTHER_OFFICIAL, "/export запрос Сергокалинский район чаты")
        assert named_export["text"] == report_texts.NOT_ALLOWED_DISTRICT
        assert named_export["attachments"] == []

        # Past the deadline and the summary: no SMTP, so no e-mail is planned.
        await scheduler.run_due(DEADLINE + timedelta(hours=1))

    async with db.reads() as session:
        exports = list(
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "export"))
        )
        emails = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "email"))
        )
    assert len(exports) == 2
    assert all(e.details.get("campaign_id") == created.campaign_id for e in exports)
    assert emails == []


async def test_a_title_with_dates_is_read_as_typed_after_the_word_request(
    db: Database, clock: FakeClock
) -> None:
    title = "Сверка контингента 11.11 и 18.11"
    async with running_bot(db, clock) as bot:
        seeded = await seed(db, bot.emulator, clock.now())
        await new_request(db, clock, seeded, deadline=DEADLINE, title=title)
        [status] = await bot.say(OFFICIAL_VK, f"/status запрос {title}")
        assert status["text"].split("\n")[0] == f"Запрос «{title}» — Сергокалинский район"
        # Before the word, a date is still the week of a district's /status.
        [week] = await bot.say(OFFICIAL_VK, "/status 2024-W42")
        assert "неделя 14.10–20.10.2024" in week["text"]
