"""Send claimed outbox rows through VK and settle each one: sent, retry later, or failed.

Every request takes a token from the API's limiter (SEND_RPS); up to `concurrency` requests
are in flight so that latency does not cap throughput below the limit.

One row never holds back the others: a row whose payload cannot be read is set aside before
anything is sent, and when VK refuses a whole request of several rows for a reason that
sending it again would not change, each row is sent again alone, so that only the row VK
objects to fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession
from vkbottle.exception_factory import VKAPIError

from bot.clock import Clock
from bot.domain.outbox import (
    FailReason,
    Payload,
    UnreadablePayload,
    VkMessage,
    missing_address,
    read,
)
from bot.scheduler import failures
from bot.scheduler.batching import Item, Request, Result, pack, split
from bot.scheduler.batching import read as read_results
from bot.scheduler.failures import Failure, OnFailed
from bot.vk.api import NETWORK_ERRORS, SvodkaAPI, describe, is_transient
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
    delay: timedelta = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1))
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


class Composer(Protocol):
    """Writes the message of a row whose text depends on the moment it is sent; None when
    there is nothing to say (the row is then cancelled)."""

    async def __call__(
        self, session: AsyncSession, *, row: OutboxMessage, payload: Payload
    ) -> VkMessage | None: ...


@dataclass
class _Rendered:
    items: list[Item] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    unknown: list[Result] = field(default_factory=list)  # not written this time: try later
    silent: list[int] = field(default_factory=list)  # nothing to say


def verdict(row: OutboxMessage, result: Result) -> Failure | None:
    """The failure for good a result means for its row, or None to try again later."""
    code = result.error_code
    detail = f"VK error {code}" if code else "VK did not confirm the message"
    if code in PERMANENT_CODES:
        return Failure(row.id, row.kind, FailReason.REFUSED, detail, code)
    if code in REJECTED_CODES:
        return Failure(row.id, row.kind, FailReason.REJECTED, detail, code)
    if row.attempts >= MAX_ATTEMPTS:
        return Failure(row.id, row.kind, FailReason.EXHAUSTED, detail, code)
    return None


def stored_item(row: OutboxMessage) -> Item:
    """What VK is sent for a row whose message is stored in it; UnreadablePayload if it
    holds none that this code can read."""
    payload = read(row.kind, row.payload)
    if not isinstance(payload, VkMessage):
        raise UnreadablePayload(f"{row.kind!r} rows are written when they are sent")
    return _item(row, payload)


def _item(row: OutboxMessage, message: VkMessage) -> Item:
    if missing := missing_address(row.kind, peer_id=row.peer_id, round_id=row.round_id):
        raise UnreadablePayload(missing)
    assert row.peer_id is not None  # as missing_address checked
    return Item(row.id, row.peer_id, row.random_id, message.texts, message.keyboard)


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
        composers: Mapping[str, Composer] | None = None,
        on_failed: OnFailed | None = None,
    ) -> None:
        self.api = api
        self.db = db
        self.clock = clock
        self.holder = holder
        self.others = dict(others or {})
        self.composers = dict(composers or {})
        self.on_failed = on_failed
        self._slots = asyncio.Semaphore(concurrency)

    async def send(self, rows: Sequence[OutboxMessage]) -> SendReport:
        total = SendReport()
        for kind, sender in self.others.items():
            if of_kind := [row for row in rows if row.kind == kind]:
                total.add(await sender.send(of_kind))
        claimed = {row.id: row for row in rows if row.kind not in self.others}
        rendered = await self._render(list(claimed.values()))
        if rendered.failures or rendered.unknown or rendered.silent:
            total.add(
                await self._settle(rendered.unknown, claimed, rendered.failures, rendered.silent)
            )
        requests = pack(rendered.items)
        for report in await asyncio.gather(*(self._send_one(r, claimed) for r in requests)):
            total.add(report)
        return total

    async def _render(self, rows: list[OutboxMessage]) -> _Rendered:
        rendered = _Rendered()
        async with contextlib.AsyncExitStack() as stack:
            session: AsyncSession | None = None  # opened for the first row to compose
            for row in rows:
                try:
                    if (compose := self.composers.get(row.kind)) is None:
                        rendered.items.append(stored_item(row))
                        continue
                    payload = read(row.kind, row.payload)
                    if session is None:
                        session = await stack.enter_async_context(self.db.reads())
                    message = await compose(session, row=row, payload=payload)
                    if message is None:
                        rendered.silent.append(row.id)
                    else:
                        rendered.items.append(_item(row, message))
                except UnreadablePayload as exc:
                    failure = Failure(row.id, row.kind, FailReason.UNREADABLE, str(exc))
                    rendered.failures.append(failure)
                except Exception:
                    # Not the payload's fault (the database, a bug): written again at the
                    # next attempt, which MAX_ATTEMPTS bounds like any send.
                    logger.exception("outbox row %d (%s) could not be written", row.id, row.kind)
                    rendered.unknown.append(Result(row.id, row.peer_id or 0))
        return rendered

    async def _send_one(self, request: Request, claimed: dict[int, OutboxMessage]) -> SendReport:
        results = await self._execute(request)
        if results is None:
            return await self._send_alone(split(request), claimed)
        report = await self._settle(results, claimed)
        report.requests = 1
        return report

    async def _execute(self, request: Request) -> list[Result] | None:
        """Each row's result; None when VK refused a request of several rows as a whole."""
        async with self._slots:
            try:
                body = await self.api.request("execute", {"code": request.code()})
                return read_results(request, body)
            except (VKAPIError, ValueError, *NETWORK_ERRORS) as exc:
                logger.warning("outbox request failed: %s", describe(exc))
                if len(split(request)) > 1 and not is_transient(exc):
                    return None
                code = exc.code if isinstance(exc, VKAPIError) else None
                return [
                    Result(item.row_id, item.peer_id, error_code=code)
                    for call in request.calls
                    for item in call.rows
                ]

    async def _send_alone(
        self, parts: list[Request], claimed: dict[int, OutboxMessage]
    ) -> SendReport:
        """VK refused a request of several rows as a whole, for a reason that sending it
        again would not change: each row alone finds the one it was about (a repeat of a
        row that did go out is dropped by VK, by its random_id)."""
        report = SendReport(requests=1)
        for part in await asyncio.gather(*(self._send_one(p, claimed) for p in parts)):
            report.add(part)
        return report

    async def _settle(
        self,
        results: Sequence[Result],
        claimed: dict[int, OutboxMessage],
        failed: Sequence[Failure] = (),
        silent: Sequence[int] = (),
    ) -> SendReport:
        now = self.clock.now()
        sent = [(r.row_id, r.message_id or 0) for r in results if r.ok]
        retries, failed = [], list(failed)
        for result in results:
            if not result.ok:
                failure = verdict(claimed[result.row_id], result)
                if failure is None:
                    retries.append(result)
                else:
                    failed.append(failure)
        unreachable = [claimed[f.row_id].peer_id for f in failed if f.error_code in (901, 902)]
        async with self.db.sessions.begin() as session:
            await repo.mark_sent(session, ids_and_message_ids=sent, holder=self.holder, now=now)
            for result in retries:
                await repo.mark_retry(
                    session,
                    row_id=result.row_id,
                    holder=self.holder,
                    not_before=now + backoff(claimed[result.row_id].attempts),
                    error_code=result.error_code,
                )
            marked = await failures.mark(session, failed, self.holder)
            await repo.mark_cancelled(session, row_ids=silent, holder=self.holder)
            await repo.mark_unreachable(session, [peer for peer in unreachable if peer])
        failures.announce(marked, self.on_failed)
        if retries:
            logger.info("outbox: %d to retry", len(retries))
        return SendReport(sent=len(sent), retried=len(retries), failed=len(marked))
