"""Callback API delivery: POST each update to the bot's URL until it answers `ok`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import aiohttp

logger = logging.getLogger(__name__)


class CallbackDelivery:
    """One worker posts updates in order; each is retried a bounded number of times, as VK does."""

    def __init__(
        self, url: str, secret: str, *, attempts: int = 5, backoff_s: float = 0.05
    ) -> None:
        self.url = url
        self.secret = secret
        self.attempts = attempts
        self.backoff_s = backoff_s
        self.delivered = 0
        self.failed = 0  # updates dropped after the last attempt
        self.posts = 0  # every HTTP attempt, retries included
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._session: aiohttp.ClientSession | None = None
        self._worker: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def pending(self) -> int:
        return self._queue.qsize() + (0 if self._idle.is_set() else 1)

    async def confirm(self, group_id: int, expected: str) -> bool:
        """VK's handshake: the server must answer the confirmation string."""
        body = await self._post({"type": "confirmation", "group_id": group_id})
        return body == expected

    def push(self, update: dict[str, Any]) -> None:
        self._idle.clear()
        self._queue.put_nowait({**update, "secret": self.secret})
        if self._worker is None:
            self._worker = asyncio.create_task(self._run())

    async def drain(self, timeout: float) -> bool:
        """Wait until everything queued was delivered or given up on."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)
        return self._idle.is_set()

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        if self._session is not None:
            await self._session.close()

    async def _run(self) -> None:
        while True:
            update = await self._queue.get()
            for attempt in range(self.attempts):
                if await self._post(update) == "ok":
                    self.delivered += 1
                    break
                await asyncio.sleep(self.backoff_s * 2**attempt)  # VK backs off between retries
            else:
                self.failed += 1
                logger.warning(
                    "callback: gave up on %s after %d attempts", update["event_id"], self.attempts
                )
            if self._queue.empty():
                self._idle.set()

    async def _post(self, body: dict[str, Any]) -> str | None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
        self.posts += 1
        try:
            async with self._session.post(self.url, json=body) as response:
                return await response.text()
        except (aiohttp.ClientError, TimeoutError) as error:
            logger.info("callback: POST %s failed: %r", self.url, error)
            return None
