"""/emails as an admin sets it: the Friday summary's workbook reaches each new address once,
with the district's subject and an attachment that opens; the old address gets nothing."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from bot.clock import FakeClock
from bot.scheduler import Scheduler
from bot.texts import requests as texts
from storage.db import Database
from storage.models import OutboxMessage
from tests.integration.delivery.helpers import (
    ADMIN,
    FRIDAY_1701,
    NEXT_MONDAY_0901,
    Mailbox,
    smtp_settings,
)
from tests.integration.requests.helpers import (
    ADDRESS,
    DISTRICT,
    SUBJECT,
    free_port,
    seed,
    smtp_server,
)
from tests.utils.harness import running_bot

NEW = ["uo@example.ru", "metodist@example.ru"]


async def test_addresses_set_by_emails_get_the_weekly_workbook_once(
    db: Database, clock: FakeClock
) -> None:
    port, inbox = free_port(), Mailbox()
    async with running_bot(db, clock, admin_ids=[ADMIN], **smtp_settings(port)) as bot:
        await seed(db, bot.emulator, clock.now())
        assert bot.app is not None
        bot.user(ADMIN, "Админ", "А")
        said = await bot.say(ADMIN, f"/emails {DISTRICT} {NEW[0]}, {NEW[1]}")
        assert f"{NEW[0]}, {NEW[1]}" in said[-1]["text"]
        with smtp_server(port, inbox):
            await Scheduler(bot.app.context).run_due(FRIDAY_1701)
            await Scheduler(bot.app.context).run_due(NEXT_MONDAY_0901)

    assert sorted(inbox.envelopes) == sorted([[address] for address in NEW])
    assert ADDRESS not in {letter["To"] for letter in inbox.messages}
    for letter in inbox.messages:
        assert letter["Subject"] == SUBJECT
        assert "21.10–27.10.2024" in letter.get_body().get_content()
        [attachment] = list(letter.iter_attachments())
        assert attachment.get_filename() == "svodka-2024-W43.xlsx"
        sheet = load_workbook(io.BytesIO(attachment.get_content())).worksheets[0]
        assert sheet.max_row == 14  # header + 12 schools + the district total


async def test_emails_without_smtp_says_no_letter_will_go(db: Database, clock: FakeClock) -> None:
    """With SMTP_HOST unset the bot plans no letter at all: the admin is told so, instead of
    «сводки будут уходить на …»."""
    async with running_bot(db, clock, admin_ids=[ADMIN]) as bot:
        await seed(db, bot.emulator, clock.now())
        assert bot.app is not None
        bot.user(ADMIN, "Админ", "А")
        said = await bot.say(ADMIN, f"/emails {DISTRICT} {NEW[0]}")
        assert [item["text"] for item in said] == [
            texts.EMAILS_SET.format(district=DISTRICT, emails=NEW[0], subject=SUBJECT)
            + " "
            + texts.EMAILS_NO_SMTP
        ]
        await Scheduler(bot.app.context).run_due(FRIDAY_1701)
    async with db.reads() as session:
        kinds = set(await session.scalars(select(OutboxMessage.kind)))
    assert "summary" in kinds and "email" not in kinds
