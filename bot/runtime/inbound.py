"""The road from a VK update to a handler: deduplicate, keep each person's steps in order,
bound the work in flight, and shed one person's flood without slowing anyone else.

vkbottle starts a task per update with no backpressure; with a database behind the
handlers that lets tens of thousands of tasks pile up (see shared/notes). Here the poller
waits in `submit` when the backlog is full, so latency and memory stay flat.

Long Poll updates come through `submit` (deduplicated here); Callback API events were
already persisted and deduplicated on receipt, so a worker passes them to `feed` with a
`done` callback that marks them processed once handled.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.clock import Clock
from storage.db import Database
from storage.repos import events

logger = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], Awaitable[None]]
FloodNotice = Callable[[int], Awaitable[None]]
Done = Callable[[dict[str, Any]], Awaitable[None]]
# Told how each update ended ("ok", "failed", "shed") and how long its handler took.
Observer = Callable[[str, float], None]


@dataclass
class EventContext:
    """What a handler may want to know about the update it serves."""

    event_id: str
    replies: int = 0


current_event: contextvars.ContextVar[EventContext | None] = contextvars.ContextVar(
    "current_event", default=None
)


@dataclass
class PipelineStats:
    received: int = 0
    duplicates: int = 0
    processed: int = 0
    failed: int = 0
    shed: int = 0
    max_backlog: int = 0


@dataclass
class _Item:
    update: dict[str, Any]
    done: Done | None = None


@dataclass
class _Person:
    queue: deque[_Item] = field(default_factory=deque)
    worker: asyncio.Task[None] | None = None
    warned: bool = False


def person_of(update: dict[str, Any]) -> int | None:
    obj = update.get("object") or {}
    if update.get("type") == "message_new":
        return (obj.get("message") or {}).get("from_id")
    return obj.get("user_id")


class InboundPipeline:
    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        handle: Handler,
        max_in_flight: int = 32,
        max_backlog: int = 2_000,
        per_person_limit: int = 20,
        on_flood: FloodNotice | None = None,
        observe: Observer | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._handle = handle
        self._slots = asyncio.Semaphore(max_in_flight)
        self._max_backlog = max_backlog
        self._per_person_limit = per_person_limit
        self._on_flood = on_flood
        self._observe = observe
        self._people: dict[int | str, _Person] = {}
        self._backlog = 0
        self._room = asyncio.Condition()
        self._idle = asyncio.Event()
        self._idle.set()
        self.stats = PipelineStats()

    async def submit(self, updates: Iterable[dict[str, Any]]) -> None:
        """Accept a batch from the poller; returns once it is queued (or deduplicated)."""
        batch = [u for u in updates if isinstance(u, dict)]
        if not batch:
            return
        fresh = await self._fresh(batch)
        for update in fresh:
            await self._enqueue(_Item(update))
        # Counted once queued, so that "received and idle" means "handled".
        self.stats.received += len(batch)
        self.stats.duplicates += len(batch) - len(fresh)

    async def feed(self, updates: Iterable[dict[str, Any]], *, done: Done) -> None:
        """Queue updates deduplicated elsewhere; `done(update)` runs after each is handled
        (or shed), so the caller can mark it processed."""
        for update in updates:
            await self._enqueue(_Item(update, done))
            self.stats.received += 1

    async def idle(self) -> None:
        """Wait until everything submitted so far has been handled."""
        await self._idle.wait()

    @property
    def backlog(self) -> int:
        return self._backlog

    async def close(self) -> None:
        workers = [p.worker for p in self._people.values() if p.worker]
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        self._people.clear()

    async def _fresh(self, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        ids = [str(u.get("event_id") or "") for u in batch]
        with_ids = [i for i in ids if i]
        async with self._db.sessions.begin() as session:
            new_ids = await events.claim_new(session, with_ids, self._clock.now())
        fresh, taken = [], set()
        for update, event_id in zip(batch, ids, strict=True):
            if not event_id:
                fresh.append(update)  # nothing to deduplicate by; VK always sends one
            elif event_id in new_ids and event_id not in taken:
                taken.add(event_id)
                fresh.append(update)
        return fresh

    async def _enqueue(self, item: _Item) -> None:
        update = item.update
        key: int | str = person_of(update) or str(update.get("event_id"))
        async with self._room:
            await self._room.wait_for(lambda: self._backlog < self._max_backlog)
        # No await from here on: the person's queue and worker change atomically.
        person = self._people.setdefault(key, _Person())
        if len(person.queue) >= self._per_person_limit:
            self.stats.shed += 1
            logger.warning("flood: dropped an update of one person (queue %d)", len(person.queue))
            if not person.warned and self._on_flood and isinstance(key, int):
                person.warned = True
                asyncio.create_task(self._on_flood(key))
            self._report("shed", 0.0)
            if item.done is not None:
                await self._finish(item)
            return
        self._backlog += 1
        self.stats.max_backlog = max(self.stats.max_backlog, self._backlog)
        self._idle.clear()
        person.queue.append(item)
        if person.worker is None:
            person.worker = asyncio.create_task(self._drain(key, person))

    async def _drain(self, key: int | str, person: _Person) -> None:
        try:
            while person.queue:
                item = person.queue.popleft()
                async with self._slots:
                    await self._run(item.update)
                if item.done is not None:
                    await self._finish(item)
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

    async def _run(self, update: dict[str, Any]) -> None:
        token = current_event.set(EventContext(str(update.get("event_id") or "")))
        started = time.perf_counter()
        try:
            await self._handle(update)
            self.stats.processed += 1
            self._report("ok", time.perf_counter() - started)
        except Exception:
            self.stats.failed += 1
            self._report("failed", time.perf_counter() - started)
            logger.exception("update %s (%s) failed", update.get("event_id"), update.get("type"))
        finally:
            current_event.reset(token)

    async def _finish(self, item: _Item) -> None:
        assert item.done is not None
        try:
            await item.done(item.update)
        except Exception:
            # Left unmarked, the event is retried once its claim expires; replies carry
            # random_ids derived from the event, so VK drops the repeats.
            logger.exception("update %s: could not mark it processed", item.update.get("event_id"))

    def _report(self, outcome: str, seconds: float) -> None:
        if self._observe is not None:
            self._observe(outcome, seconds)
