"""A token bucket that keeps every VK call of this process within SEND_RPS."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class RateLimiter:
    """Allows `rate` acquisitions per second with bursts up to `burst`.

    Rate limits are about real throughput, so this uses the monotonic clock, never the
    application clock that tests and the sandbox move by hand.
    """

    def __init__(
        self,
        rate: float,
        burst: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        # No burst by default: VK counts requests per second window, and a full bucket
        # spent at a window's end plus a second's refill would reach twice the limit.
        self.burst = burst if burst is not None else 1.0
        self._monotonic = monotonic
        self._tokens = self.burst
        self._updated = monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._monotonic()
                self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
                self._updated = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await asyncio.sleep((1 - self._tokens) / self.rate)
