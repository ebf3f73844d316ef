"""Send claimed `email` outbox rows: build the round's workbook now, mail it, settle the row.

Same promises as VK rows: a failure is retried with backoff, a success is marked once, and
a resend after a crash carries the same Message-ID (derived from the row).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.clock import Clock
from bot.domain.formatting import plural
from bot.domain.outbox import Email, FailReason, UnreadablePayload, missing_address, read
from bot.scheduler import failures
from bot.scheduler.failures import Failure, OnFailed
from bot.scheduler.sender import MAX_ATTEMPTS, SendReport, backoff
from bot.services.outbox.mail import (
    Attachment,
    Mailer,
    MailRejected,
    MailTemporary,
    build_message,
    message_id_for,
)
from bot.services.requests.export import RoundWorkbook, round_workbook
from bot.texts import reports as report_texts
from bot.texts import requests as texts
from storage.db import Database
from storage.models import OutboxMessage
from storage.repos import outbox as repo

logger = logging.getLogger(__name__)

KIND = "email"


class MailSender:
    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        holder: str,
        mailer: Mailer | None,
        on_failed: OnFailed | None = None,
    ) -> None:
        self.db, self.clock, self.holder, self.mailer = db, clock, holder, mailer
        self.on_failed = on_failed

    async def send(self, rows: Sequence[OutboxMessage]) -> SendReport:
        report = SendReport()
        for row in rows:
            failure: Failure | None = None
            error: str | None = None
            try:
                await self._send_one(row, _email(row))
            except UnreadablePayload as exc:
                failure = Failure(row.id, row.kind, FailReason.UNREADABLE, str(exc))
            except MailRejected as exc:
                failure = Failure(row.id, row.kind, FailReason.MAIL_REJECTED, str(exc))
            except MailTemporary as exc:
                error = str(exc)
            except Exception as exc:
                # Building the workbook failed (the database, a bug): tried again later,
                # bounded by MAX_ATTEMPTS, and the next rows still go out.
                logger.exception("e-mail %d could not be built", row.id)
                error = type(exc).__name__
            report.requests += 1
            await self._settle(row, error, failure, report=report)
        return report

    async def _send_one(self, row: OutboxMessage, email: Email) -> None:
        if self.mailer is None:
            raise MailRejected(texts.SMTP_NOT_CONFIGURED)
        assert row.round_id is not None  # as _email checked
        async with self.db.reads() as session:
            workbook = await round_workbook(session=session, round_id=row.round_id)
        message = build_message(
            sender=self.mailer.sender,
            to=email.to,
            subject=email.subject,
            body=_body(workbook),
            attachment=Attachment(workbook.filename, workbook.data),
            message_id=message_id_for(row.id, row.random_id, self.mailer.sender),
            date=self.clock.now().timestamp(),
        )
        await self.mailer.send(message)

    async def _settle(
        self, row: OutboxMessage, error: str | None, failure: Failure | None, *, report: SendReport
    ) -> None:
        now = self.clock.now()
        if error is not None and row.attempts >= MAX_ATTEMPTS:
            failure = Failure(row.id, row.kind, FailReason.EXHAUSTED, error)
        async with self.db.sessions.begin() as session:
            if failure is not None:
                marked = await failures.mark(session, [failure], self.holder)
            elif error is None:
                report.sent += 1
                await repo.mark_sent(
                    session, ids_and_message_ids=[(row.id, 0)], holder=self.holder, now=now
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
        if failure is not None:
            report.failed += len(marked)
            failures.announce(marked, self.on_failed)


def _email(row: OutboxMessage) -> Email:
    payload = read(row.kind, row.payload)
    if not isinstance(payload, Email):
        raise UnreadablePayload(f"{row.kind!r} rows are not e-mails")
    if missing := missing_address(row.kind, peer_id=row.peer_id, round_id=row.round_id):
        raise UnreadablePayload(missing)
    return payload


def _body(workbook: RoundWorkbook) -> str:
    template = texts.EMAIL_BODY_REQUEST if workbook.is_request else texts.EMAIL_BODY_WEEKLY
    return template.format(
        title=workbook.title,
        week=workbook.title,
        district=workbook.district,
        answered=workbook.answered,
        total=workbook.total,
        schools=plural(workbook.total, report_texts.SCHOOLS_GEN),
    )
