"""Send claimed `email` outbox rows: build the round's workbook now, mail it, settle the row.

Same promises as VK rows: a failure is retried with backoff, a success is marked once, and
a resend after a crash carries the same Message-ID (derived from the row).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.clock import Clock
from bot.scheduler.sender import MAX_ATTEMPTS, SendReport, backoff
from bot.services.mail import (
    Attachment,
    Mailer,
    MailRejected,
    MailTemporary,
    build_message,
    message_id_for,
)
from bot.services.request_export import RoundWorkbook, round_workbook
from bot.texts import requests as texts
from storage.db import Database
from storage.models import OutboxMessage
from storage.repos import outbox as repo

logger = logging.getLogger(__name__)

KIND = "email"


class MailSender:
    def __init__(self, *, db: Database, clock: Clock, holder: str, mailer: Mailer | None) -> None:
        self.db, self.clock, self.holder, self.mailer = db, clock, holder, mailer

    async def send(self, rows: Sequence[OutboxMessage]) -> SendReport:
        report = SendReport()
        for row in rows:
            error: str | None = None
            permanent = False
            try:
                await self._send_one(row)
            except MailRejected as exc:
                error, permanent = str(exc), True
            except MailTemporary as exc:
                error = str(exc)
            report.requests += 1
            await self._settle(row, error, permanent=permanent, report=report)
        return report

    async def _send_one(self, row: OutboxMessage) -> None:
        if self.mailer is None:
            raise MailRejected(texts.SMTP_NOT_CONFIGURED)
        assert row.round_id is not None
        async with self.db.reads() as session:
            workbook = await round_workbook(session=session, round_id=row.round_id)
        message = build_message(
            sender=self.mailer.sender,
            to=row.payload["to"],
            subject=row.payload["subject"],
            body=_body(workbook),
            attachment=Attachment(workbook.filename, workbook.data),
            message_id=message_id_for(row.id, row.random_id, self.mailer.sender),
            date=self.clock.now().timestamp(),
        )
        await self.mailer.send(message)

    async def _settle(
        self, row: OutboxMessage, error: str | None, *, permanent: bool, report: SendReport
    ) -> None:
        now = self.clock.now()
        async with self.db.sessions.begin() as session:
            if error is None:
                report.sent += 1
                await repo.mark_sent(
                    session, ids_and_message_ids=[(row.id, 0)], holder=self.holder, now=now
                )
            elif permanent or row.attempts >= MAX_ATTEMPTS:
                report.failed += 1
                logger.warning("e-mail %d failed for good: %s", row.id, error)
                await repo.mark_failed(
                    session, row_id=row.id, holder=self.holder, error_code=None, error_text=error
                )
            else:
                report.retried += 1
                logger.info("e-mail %d not sent (%s), will retry", row.id, error)
                await repo.mark_retry(
                    session,
                    row_id=row.id,
                    holder=self.holder,
                    not_before=now + backoff(row.attempts),
                    error_code=None,
                )


def _body(workbook: RoundWorkbook) -> str:
    template = texts.EMAIL_BODY_REQUEST if workbook.is_request else texts.EMAIL_BODY_WEEKLY
    return template.format(
        title=workbook.title,
        week=workbook.title,
        district=workbook.district,
        answered=workbook.answered,
        total=workbook.total,
    )
