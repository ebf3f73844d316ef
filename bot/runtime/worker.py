"""Processing persisted events (Callback API) in any instance.

Each instance claims a batch of unprocessed `inbound_events` for `claim_ttl` and feeds them
to its pipeline, which marks each processed once handled. Claims of a killed instance expire and
are taken over by another. A person's events are never split between two live instances:
claiming is one-at-a-time and skips people whose earlier events someone else holds, so the
pipeline's per-person ordering holds across instances.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

from bot.clock import Clock
from bot.runtime.inbound import InboundPipeline, person_of
from storage.db import Database
from storage.repos import inbox

logger = logging.getLogger(__name__)

DEFAULT_CLAIM_TTL = timedelta(seconds=60)


def _person_key(update: dict[str, Any]) -> int | str:
    return person_of(update) or str(update.get("event_id"))


class EventWorker:
    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        pipeline: InboundPipeline,
        holder: str,
        claim_ttl: timedelta = DEFAULT_CLAIM_TTL,
        batch: int = 32,
        idle_poll_s: float = 1.0,
    ) -> None:
        self._db = db
        self._clock = clock
        self._pipeline = pipeline
        self._holder = holder
        self._claim_ttl = claim_ttl
        self._batch = batch
        self._idle_poll_s = idle_poll_s
        self._wake = asyncio.Event()

    def notify(self) -> None:
        """A new event was persisted: look for work now, not at the next poll."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self._wake.clear()
            # Claim only what can start soon: a claim waiting behind a long local queue
            # could expire and be taken (and handled twice) by another instance.
            await self._first(self._pipeline.wait_for_room(self._batch), stop)
            if stop.is_set():
                return
            try:
                claimed = await self.claim_once()
            except Exception as exc:
                logger.warning("events: claim failed (%s)", type(exc).__name__)
                claimed = 0
            if not claimed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._first(self._wake.wait(), stop), self._idle_poll_s)

    async def claim_once(self) -> int:
        """Claim and queue one batch; returns how many events were taken."""
        now = self._clock.now()
        async with self._db.sessions.begin() as session:
            await inbox.lock_claims(session)
            others = await inbox.claimed_by_others(session, holder=self._holder, now=now)
            busy = {_person_key(payload) for payload in others}
            taken = []
            for row in await inbox.claimable(session, now=now, limit=self._batch * 4):
                if row.payload is None:
                    continue
                key = _person_key(row.payload)
                if key in busy:
                    continue
                taken.append(row)
                if len(taken) == self._batch:
                    break
            await inbox.set_claim(
                session,
                event_ids=[row.event_id for row in taken],
                holder=self._holder,
                until=now + self._claim_ttl,
            )
        if taken:
            await self._pipeline.feed([row.payload for row in taken])
        return len(taken)

    async def release(self) -> None:
        """Hand back claimed but unfinished events so another instance takes them at once."""
        try:
            async with self._db.sessions.begin() as session:
                released = await inbox.release_claims(session, holder=self._holder)
        except Exception as exc:
            logger.warning("events: claims not released (%s); they expire", type(exc).__name__)
            return
        if released:
            logger.info("events: handed back %d unfinished events", released)

    @staticmethod
    async def _first(awaitable: Awaitable[object], stop: asyncio.Event) -> None:
        """Wait for `awaitable` or for `stop`, whichever comes first."""
        waiters = [asyncio.ensure_future(awaitable), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
