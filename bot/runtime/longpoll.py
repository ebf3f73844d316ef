"""The one Long Poll reader among several instances; the demo, the sandbox and the tests
read Long Poll through it too.

Only the holder of the `longpoll` lease polls; the others wait and take over when it
expires. The position (`ts`) lives in the database, so the successor resumes where the
last reader stopped and nothing sent in between is skipped (repeats are deduplicated).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from vkbottle.polling import BotPolling

from bot.context import App
from bot.runtime.leases import DEFAULT_TTL, LeaseKeeper
from bot.vk.api import describe
from storage.repos import app_state

logger = logging.getLogger(__name__)

LEASE_NAME = "longpoll"


async def read_long_poll(app: App, stop: asyncio.Event) -> None:
    """Read Long Poll for `app` until `stop`, holding the lease under its instance id."""
    context = app.context
    lease = LeaseKeeper(
        db=context.db,
        clock=context.clock,
        name=LEASE_NAME,
        holder=context.instance_id,
        ttl=DEFAULT_TTL,
    )
    await LongPollReader(app, lease).run(stop)


class LongPollBusy(Exception):
    """Another instance reads Long Poll and this one was told not to wait."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder


class SharedPositionPolling(BotPolling):
    """vkbottle's poller, resuming from a position given by the caller, saving none itself."""

    def __init__(self, resume_ts: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.resume_ts = resume_ts

    def restore_server_ts(self, server: dict[str, Any]) -> dict[str, Any]:
        if self.resume_ts:
            server["ts"] = self.resume_ts
        return server

    def save_server_ts(self, server: dict[str, Any]) -> None:
        """The reader stores the position in the database once a batch is queued."""


class LongPollReader:
    def __init__(self, app: App, lease: LeaseKeeper, *, retry_s: float = 5.0) -> None:
        self._app = app
        self._lease = lease
        self._retry_s = retry_s
        self._position_key = f"longpoll:{app.context.settings.vk_group_id or 'group'}"

    async def acquire_or_raise(self) -> None:
        holder = await self._lease.try_acquire()
        if holder != self._lease.holder:
            raise LongPollBusy(holder)

    async def run(self, stop: asyncio.Event) -> None:
        """Read while holding the lease, wait while another instance does, until `stop`."""
        announced: str | None = None
        while not stop.is_set():
            holder = await self._lease.try_acquire()
            if holder != self._lease.holder:
                if holder != announced:
                    logger.warning("Long Poll уже читает другой экземпляр (%s); жду", holder)
                    announced = holder
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._retry_s)
                continue
            announced = None
            logger.info("Long Poll: читает этот экземпляр (%s)", holder)
            if not self._app.resumed.is_set():
                # Updates the previous reader stored but did not finish (it may have been
                # another instance that died): handle them before reading on.
                await self._app.pipeline.resume()
                self._app.resumed.set()
            keeper = asyncio.create_task(self._lease.keep())
            try:
                await self._read(stop, keeper)
            except Exception as exc:  # VK unreachable at connect: keep the lease, retry
                logger.error("Long Poll: %s; retry in %.0f s", describe(exc), self._retry_s)
                logger.debug("Long Poll failure", exc_info=True)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._retry_s)
            finally:
                keeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await keeper
        await self._lease.release()

    async def _read(self, stop: asyncio.Event, keeper: asyncio.Task[None]) -> None:
        """Poll until stopped or the lease is lost; never interrupts a batch being queued,
        because a batch recorded as seen but not queued would be lost."""
        context = self._app.context
        polling = SharedPositionPolling(
            await self._position(),
            api=context.api,
            group_id=context.settings.vk_group_id,
            skip_old_events=False,
        )
        listener = polling.listen()
        stopped = asyncio.create_task(stop.wait())
        fetch: asyncio.Future[dict[str, Any]] | None = None
        try:
            while True:
                fetch = asyncio.ensure_future(anext(listener))
                await asyncio.wait({fetch, stopped, keeper}, return_when=asyncio.FIRST_COMPLETED)
                if not fetch.done():
                    return
                await self._queue(fetch.result())
        finally:
            stopped.cancel()
            if fetch is not None and not fetch.done():
                fetch.cancel()
                with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                    await fetch
            await listener.aclose()

    async def _queue(self, event: dict[str, Any]) -> None:
        updates = event.get("updates") or []
        stats = self._app.pipeline.stats
        before = stats.duplicates

        async def store_position(session: AsyncSession) -> None:
            await app_state.put(session, self._position_key, {"ts": str(event["ts"])})

        await self._app.pipeline.submit(updates, also=store_position)
        self._app.metrics.received("longpoll", len(updates), stats.duplicates - before)

    async def _position(self) -> str | None:
        async with self._app.context.db.reads() as session:
            stored = await app_state.get(session, self._position_key)
        return (stored or {}).get("ts")
