"""Bots Long Poll: an ordered update log that several pollers read by `ts`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from typing import Any

from .faults import Faults

logger = logging.getLogger(__name__)

MAX_WAIT_S = 90  # VK caps `wait` at 90 seconds


class LongPoll:
    def __init__(self, *, batch: int = 100, history: int = 100_000) -> None:
        self.batch = batch
        self.history = history  # updates kept for slow pollers before `failed: 1`
        self.key = secrets.token_hex(20)
        self._updates: list[dict[str, Any]] = []
        self._base = 0  # ts of _updates[0]
        self._delivered = 0  # highest ts handed to any poller
        self._asked = 0  # highest ts a poller asked from: it has taken everything before it
        self._waiting = 0
        self._closing = False
        # One condition covers both "new updates" and "a poller started waiting".
        self._changed = asyncio.Condition()

    @property
    def ts(self) -> int:
        return self._base + len(self._updates)

    @property
    def waiting(self) -> int:
        return self._waiting

    @property
    def pending(self) -> int:
        return max(0, self.ts - max(self._delivered, self._base))

    @property
    def unconfirmed(self) -> int:
        """Updates no poller has confirmed taking yet (by asking for what comes after them).

        A bot asks for the next batch only after handling the previous one, so 0 here means
        every update reached the bot, not just left the emulator.
        """
        return max(0, self.ts - max(self._asked, self._base))

    def rotate_key(self) -> str:
        self.key = secrets.token_hex(20)
        return self.key

    def server(self, base_url: str, group_id: int) -> dict[str, Any]:
        return {"server": f"{base_url}/lp/{group_id}", "key": self.key, "ts": str(self.ts)}

    async def push(self, update: dict[str, Any]) -> None:
        self._updates.append(update)
        if len(self._updates) > 2 * self.history:
            # Trim in bulk so appends stay amortised O(1).
            drop = len(self._updates) - self.history
            del self._updates[:drop]
            self._base += drop
        async with self._changed:
            self._changed.notify_all()

    def clear(self) -> None:
        """Forget queued updates but keep `ts` growing, so live pollers stay valid."""
        self._base = self.ts
        self._updates.clear()

    async def close(self) -> None:
        """Release parked pollers at once so the server can shut down without waiting `wait`."""
        self._closing = True
        async with self._changed:
            self._changed.notify_all()

    async def wait_for_pollers(self, count: int, timeout: float) -> int:
        with contextlib.suppress(TimeoutError):
            async with self._changed:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: self._waiting >= count), timeout
                )
        return self._waiting

    async def check(self, params: dict[str, str], faults: Faults) -> dict[str, Any]:
        """Answer one `act=a_check` request."""
        if faults.longpoll_hang_s:
            hang, faults.longpoll_hang_s = faults.longpoll_hang_s, 0.0
            logger.info("fault: long poll hangs %.1f s", hang)
            await asyncio.sleep(hang)  # the injected fault *is* a hung server
        if faults.longpoll_failed:
            failed, faults.longpoll_failed = faults.longpoll_failed, 0
            logger.info("fault: long poll answers failed %d", failed)
            if failed == 1:
                return {"failed": 1, "ts": str(self.ts)}
            self.rotate_key()
            return {"failed": failed}
        if params.get("act") != "a_check" or params.get("key") != self.key:
            return {"failed": 2}
        try:
            ts = int(params.get("ts", ""))
        except ValueError:
            return {"failed": 1, "ts": str(self.ts)}
        if ts > self.ts:
            return {"failed": 1, "ts": str(self.ts)}
        if ts < self._base:
            # Older updates were trimmed: resume from the oldest one still kept.
            return {"failed": 1, "ts": str(self._base)}
        self._asked = max(self._asked, ts)
        if ts == self.ts:
            wait = min(_number(params.get("wait"), 25.0), MAX_WAIT_S)
            await self._wait_beyond(ts, wait)
        if ts < self._base:  # trimmed while we waited
            return {"failed": 1, "ts": str(self._base)}
        start = ts - self._base
        updates = self._updates[start : start + self.batch]
        self._delivered = max(self._delivered, ts + len(updates))
        return {"ts": str(ts + len(updates)), "updates": updates}

    async def _wait_beyond(self, ts: int, wait: float) -> None:
        async with self._changed:
            self._waiting += 1
            self._changed.notify_all()
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: self.ts > ts or self._closing), wait
                )
            except TimeoutError:
                pass
            finally:
                self._waiting -= 1


def _number(value: str | None, default: float) -> float:
    try:
        return float(value) if value is not None else default
    except ValueError:
        return default
