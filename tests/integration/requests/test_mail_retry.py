"""E-mail through the outbox: SMTP down at the deadline means the letter waits, is retried
with backoff and is delivered exactly once when the server is back (the password never
reaches the log); the weekly Friday summary's workbook is e-mailed too."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.clock import FakeClock
from bot.scheduler import Scheduler
from storage.db import Database
from storage.models import OutboxMessage
from tests.integration.requests.helpers import (
    SUBJECT,
    Inbox,
    free_port,
    friday_letters,
    new_request,
    seed,
    smtp_server,
)
from tests.utils.harness import running_bot

PASSWORD = "never-logged-secret"


async def _email_rows(db: Database) -> list[OutboxMessage]:
    async with db.reads() as session:
        query = select(OutboxMessage).where(OutboxMessage.kind == "email")
        return list(await session.scalars(query))


async def test_smtp_down_then_back(
    db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    port = free_port()
    inbox = Inbox()
    settings = {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_tls": "none",
        "smtp_from": "svodka@example.ru",
        "smtp_password": PASSWORD,
    }
    async with running_bot(db, clock, **settings) as bot:
        seeded = await seed(db, bot.emulator, clock.now())
        assert bot.app is not None
        scheduler = Scheduler(bot.app.context)
        deadline = clock.now() + timedelta(hours=3)
        created = await new_request(db, clock, seeded, deadline=deadline, title="Форма")
        assert created.schools == 12

        await scheduler.run_due(deadline + timedelta(seconds=1))  # nobody listens on the port
        [row] = await _email_rows(db)
        assert row.status == "pending" and row.attempts >= 1 and row.sent_at is None

        with smtp_server(port, inbox):
            await scheduler.run_due(clock.now() + timedelta(hours=1))
            await scheduler.run_due(clock.now() + timedelta(hours=2))

    [row] = await _email_rows(db)
    assert row.status == "sent"
    assert len(inbox.messages) == 1
    assert inbox.messages[0]["Message-ID"] == f"<svodka.{row.id}.{row.random_id:x}@example.ru>"
    assert PASSWORD not in caplog.text


async def test_friday_summary_workbook_is_emailed(db: Database, clock: FakeClock) -> None:
    [letter] = await friday_letters(db, clock)
    assert letter["Subject"] == SUBJECT and "21.10–27.10.2024" in letter.get_body().get_content()
    [attachment] = list(letter.iter_attachments())
    assert attachment.get_filename() == "svodka-2024-W43.xlsx"
    workbook = load_workbook(io.BytesIO(attachment.get_content()))
    data = workbook.worksheets[0]
    assert data.max_row == 14  # the reports' export of the week: header, 12 schools, total
