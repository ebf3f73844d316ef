"""The road from a VK update to a handler: deduplicate, keep each person's steps in order,
bound the work in flight, and shed one person's flood without slowing anyone else.

vkbottle starts a task per update with no backpressure; with a database behind the
handlers that lets tens of thousands of tasks pile up (see shared/notes). Here the poller
waits in `submit` when the backlog is full, so latency and memory stay flat.

Long Poll updates come through `submit` (read, deduplicated and stored here); Callback API
events were read, stored and deduplicated on receipt, so the event worker passes them to
`feed`. An update that cannot be read (bot.vk.updates) is refused at the door, and one stored
unreadable (by an earlier release) is set aside as failed: neither ever reaches a handler or
holds up the updates beside it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.runtime.flood import FloodLog
from bot.vk.updates import MalformedUpdate, Update, parse_stored, parse_update
from storage.db import Database
from storage.repos import events

logger = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], Awaitable[None]]
FloodNotice = Callable[[int], Coroutine[Any, Any, None]]
# Told how each update ended ("ok", "failed", "shed") and how long its handler took.
Observer = Callable[[str, float], None]
AlsoWrite = Callable[[AsyncSession], Awaitable[None]]
# Told of each unreadable update and where it was met: "longpoll", "callback" or "stored".
Unreadable = Callable[[str], None]
# Handlers at once: enough for a burst's replies to meet in one `execute` (bot/vk/batcher.py)
# and to keep the database's connections busy; bounded, because vkbottle is not, so that
# memory and latency stay flat under a Friday burst. A handler waits for a connection.
MAX_IN_FLIGHT = 64


@dataclass
class PipelineStats:
    received: int = 0
    duplicates: int = 0
    processed: int = 0
    failed: int = 0
    shed: int = 0
    malformed: int = 0
    max_backlog: int = 0


@dataclass
class _Person:
    queue: deque[Update] = field(default_factory=deque)
    worker: asyncio.Task[None] | None = None
    warned: bool = False


def refuse(source: str, event_id: object, error: MalformedUpdate) -> None:
    """Log an unreadable update: where it was met, its id, why — never its content."""
    shown = event_id if isinstance(event_id, str) and len(event_id) <= 64 else "(no id)"
    logger.warning("inbound: unreadable %s update %r refused: %s", source, shown, error)


class InboundPipeline:
    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        handle: Handler,
        max_in_flight: int = MAX_IN_FLIGHT,
        max_backlog: int = 2_000,
        per_person_limit: int = 20,
        on_flood: FloodNotice | None = None,
        observe: Observer | None = None,
        on_unreadable: Unreadable | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._handle = handle
        self._slots = asyncio.Semaphore(max_in_flight)
        self._max_backlog = max_backlog
        self._per_person_limit = per_person_limit
        self._on_flood = on_flood
        self._observe = observe
        self._on_unreadable = on_unreadable
        self._floods = FloodLog(clock)
        self._people: dict[int | str, _Person] = {}
        self._backlog = 0
        self._room = asyncio.Condition()
        self._idle = asyncio.Event()
        self._idle.set()
        self._handled: list[str] = []
        # Accepted and not yet recorded as handled: what an instance's claims must cover.
        self._open: set[str] = set()
        self._marker: asyncio.Task[None] | None = None
        self.stats = PipelineStats()

    async def submit(self, updates: Iterable[object], *, also: AlsoWrite | None = None) -> None:
        """Accept a batch from the poller; returns once it is queued (or deduplicated).
        `also` writes more in the transaction that stores the batch (the poller's position:
        stored with the batch, never before it, at no extra transaction)."""
        batch = [update for raw in updates if (update := self._read("longpoll", raw))]
        if not batch:
            if also is not None:
                async with self._db.sessions.begin() as session:
                    await also(session)
            return
        fresh = await self._fresh(batch, also)
        for update in fresh:
            await self._enqueue(update)
        # Counted once queued, so that "received and idle" means "handled".
        self.stats.received += len(batch)
        self.stats.duplicates += len(batch) - len(fresh)

    async def resume(self) -> int:
        """Queue the updates a previous run stored but did not finish; returns how many.
        Those stored unreadable are set aside as failed."""
        async with self._db.reads() as session:
            stored = await events.unprocessed(session, self._max_backlog)
        pending, unreadable = read_stored(stored)
        if unreadable:
            async with self._db.sessions.begin() as session:
                await events.set_aside(session, unreadable, self._clock.now())
            self.count_unreadable(len(unreadable))
        for update in pending:
            await self._enqueue(update)
        if pending:
            logger.info("resumed %d updates left unhandled by the previous run", len(pending))
        return len(pending)

    async def feed(self, updates: Iterable[Update]) -> None:
        """Queue updates already stored and deduplicated (Callback API); each is marked
        processed once handled, like the ones that came through `submit`."""
        for update in updates:
            await self._enqueue(update)
            self.stats.received += 1

    async def wait_for_room(self, below: int) -> None:
        """Wait until fewer than `below` updates are queued or in flight."""
        async with self._room:
            await self._room.wait_for(lambda: self._backlog < below)

    async def idle(self) -> None:
        """Wait until everything submitted so far has been handled and recorded as such."""
        await self._idle.wait()
        while self._marker is not None:
            await asyncio.shield(self._marker)

    @property
    def backlog(self) -> int:
        return self._backlog

    def holding(self) -> list[str]:
        """Event ids queued, in a handler, or handled but not yet recorded as such."""
        return list(self._open)

    async def close(self) -> None:
        workers = [p.worker for p in self._people.values() if p.worker]
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        self._people.clear()
        self._open.clear()
        if self._marker is not None:
            await asyncio.gather(self._marker, return_exceptions=True)
        self._floods.close()

    def count_unreadable(self, count: int, source: str = "stored") -> None:
        self.stats.malformed += count
        if self._on_unreadable is not None:
            for _ in range(count):
                self._on_unreadable(source)

    def _read(self, source: str, raw: object) -> Update | None:
        try:
            return parse_update(raw)
        except MalformedUpdate as error:
            refuse(source, raw.get("event_id") if isinstance(raw, dict) else None, error)
            self.count_unreadable(1, source)
            return None

    async def _fresh(self, batch: list[Update], also: AlsoWrite | None) -> list[Update]:
        stored = [(update.event_id, update.raw) for update in batch]
        async with self._db.sessions.begin() as session:
            new_ids = await events.claim_new(session, stored, self._clock.now())
            if also is not None:
                await also(session)
        fresh, taken = [], set()
        for update in batch:
            if update.event_id in new_ids and update.event_id not in taken:
                taken.add(update.event_id)
                fresh.append(update)
        return fresh

    async def _enqueue(self, update: Update) -> None:
        key = update.queue_key
        self._floods.tick()
        self._open.add(update.event_id)
        async with self._room:
            await self._room.wait_for(lambda: self._backlog < self._max_backlog)
        # No await from here on: the person's queue and worker change atomically.
        person = self._people.setdefault(key, _Person())
        if len(person.queue) >= self._per_person_limit:
            self.stats.shed += 1
            self._floods.dropped(key, len(person.queue))
            if not person.warned and self._on_flood and isinstance(key, int):
                person.warned = True
                asyncio.create_task(self._on_flood(key))
            self._report("shed", 0.0)
            # Dropped for good (the person is told): not a queue to replay after a restart.
            self._mark_done(update)
            return
        self._backlog += 1
        self.stats.max_backlog = max(self.stats.max_backlog, self._backlog)
        self._idle.clear()
        person.queue.append(update)
        if person.worker is None:
            person.worker = asyncio.create_task(self._drain(key, person))

    async def _drain(self, key: int | str, person: _Person) -> None:
        try:
            while person.queue:
                update = person.queue.popleft()
                async with self._slots:
                    await self._run(update)
                self._mark_done(update)
                async with self._room:
                    self._backlog -= 1
                    self._room.notify_all()
        finally:
            person.worker = None
            person.warned = False
            if not person.queue and self._people.get(key) is person:
                del self._people[key]
            if self._backlog == 0:
                self._idle.set()

    def _mark_done(self, update: Update) -> None:
        self._handled.append(update.event_id)
        if self._marker is None:
            self._marker = asyncio.create_task(self._record_handled())

    async def _record_handled(self) -> None:
        """One write for every update handled meanwhile: under load the batches grow."""
        try:
            while self._handled:
                batch, self._handled = self._handled, []
                try:
                    await events.mark_processed(self._db, batch, self._clock.now())
                except Exception:
                    # Not fatal: the updates stay queued in the DB and are handled again
                    # after a restart, or once their claim expires (it is no longer
                    # renewed), which replies dedupe by random_id.
                    logger.exception("could not record %d handled updates", len(batch))
                self._open.difference_update(batch)
        finally:
            self._marker = None

    async def _run(self, update: Update) -> None:
        started = time.perf_counter()
        try:
            await self._handle(update.raw)
            self.stats.processed += 1
            self._report("ok", time.perf_counter() - started)
        except Exception:
            self.stats.failed += 1
            self._report("failed", time.perf_counter() - started)
            logger.exception("update %s (%s) failed", update.event_id, update.type)

    def _report(self, outcome: str, seconds: float) -> None:
        if self._observe is not None:
            self._observe(outcome, seconds)


def read_stored(
    rows: Iterable[tuple[str, object]], *, log: bool = True
) -> tuple[list[Update], list[tuple[str, str]]]:
    """Stored (event_id, payload) rows read through the one model: the readable updates,
    and (event_id, reason) of the rows to set aside (logged unless told otherwise)."""
    readable, unreadable = [], []
    for event_id, payload in rows:
        try:
            readable.append(parse_stored(event_id, payload))
        except MalformedUpdate as error:
            if log:
                refuse("stored", event_id, error)
            unreadable.append((event_id, str(error)))
    return readable, unreadable
