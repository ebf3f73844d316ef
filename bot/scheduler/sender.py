"""Send claimed outbox rows through VK and settle each one: sent, retry later, or failed.

Every request takes a token from the API's limiter (SEND_RPS); up to `concurrency` requests
are in flight so that latency does not cap throughput below the limit.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from vkbottle.exception_factory import VKAPIError

from bot.clock import Clock
from bot.scheduler.batching import Item, Request, Result, pack, read
from bot.texts import schedule as texts
from bot.vk.api import NETWORK_ERRORS, SvodkaAPI, describe
from storage.db import Database
from storage.models import OutboxMessage
from storage.repos import outbox as repo

logger = logging.getLogger(__name__)

# VK will not deliver these whatever we do: the person has not allowed messages (901, 902),
# the chat is gone or the bot has no rights there (7, 917).
PERMANENT_CODES = frozenset({7, 901, 902, 917})
# Our request was wrong (bad params, too long, bad keyboard, bad VKScript): retrying repeats it.
REJECTED_CODES = frozenset({12, 13, 100, 911, 914})
MAX_ATTEMPTS = 10
BACKOFF_BASE = timedelta(seconds=5)
BACKOFF_CAP = timedelta(minutes=10)


def backoff(attempts: int) -> timedelta:
    """Exponential in the attempts so far, capped, with ±50 % jitter so instances spread out."""
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1))
    return delay * (0.5 + random.random())


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    requests: int = 0

    def add(self, other: SendReport) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.requests += other.requests


class KindSender(Protocol):
    """Sends the rows of a kind that does not go through VK (e-mail)."""

    async def send(self, rows: Sequence[OutboxMessage]) -> SendReport: ...


class Sender:
    def __init__(
        self,
        *,
        api: SvodkaAPI,
        db: Database,
        clock: Clock,
        holder: str,
        concurrency: int = 8,
        others: Mapping[str, KindSender] | None = None,
    ) -> None:
        self.api = api
        self.db = db
        self.clock = clock
        self.holder = holder
        self.others = dict(others or {})
        self._slots = asyncio.Semaphore(concurrency)

    async def send(self, rows: Sequence[OutboxMessage]) -> SendReport:
        total = SendReport()
        for kind, sender in self.others.items():
            if of_kind := [row for row in rows if row.kind == kind]:
                total.add(await sender.send(of_kind))
        rows = [row for row in rows if row.kind not in self.others]
        attempts = {row.id: row.attempts for row in rows}
        requests = pack([_item(row) for row in rows])
        reports = await asyncio.gather(*(self._send_one(r, attempts) for r in requests))
        for report in reports:
            total.add(report)
        return total

    async def _send_one(self, request: Request, attempts: dict[int, int]) -> SendReport:
        async with self._slots:
            try:
                body = await self.api.request("execute", {"code": request.code()})
                results = read(request, body)
            except (VKAPIError, ValueError, *NETWORK_ERRORS) as exc:
                code = exc.code if isinstance(exc, VKAPIError) else None
                logger.warning("outbox request failed: %s", describe(exc))
                results = [
                    Result(item.row_id, item.peer_id, error_code=code)
                    for call in request.calls
                    for item in call.rows
                ]
        report = await self._settle(results, attempts)
        report.requests = 1
        return report

    async def _settle(self, results: list[Result], attempts: dict[int, int]) -> SendReport:
        now = self.clock.now()
        report = SendReport()
        sent = [(r.row_id, r.message_id or 0) for r in results if r.ok]
        unreachable = [r.peer_id for r in results if r.error_code in (901, 902)]
        async with self.db.sessions.begin() as session:
            await repo.mark_sent(session, ids_and_message_ids=sent, holder=self.holder, now=now)
            report.sent = len(sent)
            for result in results:
                if result.ok:
                    continue
                code = result.error_code
                tries = attempts[result.row_id]
                if code in PERMANENT_CODES or code in REJECTED_CODES or tries >= MAX_ATTEMPTS:
                    report.failed += 1
                    await repo.mark_failed(
                        session,
                        row_id=result.row_id,
                        holder=self.holder,
                        error_code=code,
                        error_text=texts.undelivered(code),
                    )
                else:
                    report.retried += 1
                    await repo.mark_retry(
                        session,
                        row_id=result.row_id,
                        holder=self.holder,
                        not_before=now + backoff(tries),
                        error_code=code,
                    )
            await repo.mark_unreachable(session, unreachable)
        if report.failed or report.retried:
            logger.info("outbox: %d failed, %d to retry", report.failed, report.retried)
        return report


def _item(row: OutboxMessage) -> Item:
    assert row.peer_id is not None
    return Item(
        row_id=row.id,
        peer_id=row.peer_id,
        random_id=row.random_id,
        texts=tuple(row.payload["texts"]),
        keyboard=row.payload.get("keyboard"),
    )
