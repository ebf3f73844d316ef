"""Processing persisted events (Callback API) in any instance.

Each instance claims a batch of unprocessed `inbound_events` for `claim_ttl` and feeds them
to its pipeline, which marks each processed once handled; it renews its claims on the events
its pipeline still holds every quarter of `claim_ttl`. Claims of a killed instance expire
(20 s) and are taken over by another; the instance itself, restarted under the same name
(bot/runtime/identity.py), takes them back as it starts. A person's events are never split
between two live instances: claiming is one-at-a-time and skips people whose earlier events
someone else holds, so the pipeline's per-person ordering holds across instances. An event
stored unreadable is set aside as failed in the claiming transaction, and the claim goes on
with the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from datetime import timedelta

from bot.clock import Clock
from bot.runtime.inbound import InboundPipeline, read_stored
from storage.db import Database
from storage.repos import events

logger = logging.getLogger(__name__)

DEFAULT_CLAIM_TTL = timedelta(seconds=20)


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
        taken_back = await self._release()
        if taken_back:
            logger.info("events: %d claimed by this instance before it stopped", taken_back)
        keeper = asyncio.create_task(self._keep_claims())
        try:
            await self._claim_until(stop)
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper

    async def _claim_until(self, stop: asyncio.Event) -> None:
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
        """Claim and queue one batch; returns how many events were taken or set aside."""
        now = self._clock.now()
        async with self._db.sessions.begin() as session:
            await events.lock_claims(session)
            others, _ = read_stored(
                await events.claimed_by_others(session, holder=self._holder, now=now), log=False
            )
            busy = {update.queue_key for update in others}
            claimable = await events.claimable(session, now=now, limit=self._batch * 4)
            readable, unreadable = read_stored((row.event_id, row.payload) for row in claimable)
            taken = []
            for update in readable:
                if update.queue_key in busy:
                    continue
                taken.append(update)
                if len(taken) == self._batch:
                    break
            await events.set_aside(session, unreadable, now)
            await events.set_claim(
                session,
                event_ids=[update.event_id for update in taken],
                holder=self._holder,
                until=now + self._claim_ttl,
            )
        self._pipeline.count_unreadable(len(unreadable))
        if taken:
            await self._pipeline.feed(taken)
        return len(taken) + len(unreadable)

    async def renew_claims(self) -> None:
        """Extend the claims on the events the pipeline still holds."""
        held = self._pipeline.holding()
        if not held:
            return
        try:
            async with self._db.sessions.begin() as session:
                await events.renew_claims(
                    session,
                    holder=self._holder,
                    event_ids=held,
                    until=self._clock.now() + self._claim_ttl,
                )
        except Exception as exc:  # retried at the next turn; the claim covers a few
            logger.warning("events: claims not renewed (%s)", type(exc).__name__)

    async def _keep_claims(self) -> None:
        while True:
            await asyncio.sleep(self._claim_ttl.total_seconds() / 4)
            await self.renew_claims()

    async def release(self) -> None:
        """Hand back claimed but unfinished events so another instance takes them at once."""
        released = await self._release()
        if released:
            logger.info("events: handed back %d unfinished events", released)

    async def _release(self) -> int:
        try:
            async with self._db.sessions.begin() as session:
                return await events.release_claims(session, holder=self._holder)
        except Exception as exc:
            logger.warning("events: claims not released (%s); they expire", type(exc).__name__)
            return 0

    @staticmethod
    async def _first(awaitable: Awaitable[object], stop: asyncio.Event) -> None:
        """Wait for `awaitable` or for `stop`, whichever comes first."""
        waiters = [asyncio.ensure_future(awaitable), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
