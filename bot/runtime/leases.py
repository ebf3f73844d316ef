"""A named database lease held by this instance: one Long Poll reader, one planner.

The lease expires `ttl` after its last renewal (by the clock every instance shares), so
a killed holder is replaced within `ttl`; a live holder renews every `renew_every_s`. The
holder restarted under its name (bot/runtime/identity.py) has the lease back at once.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.clock import Clock
from storage.db import Database
from storage.repos import leases

logger = logging.getLogger(__name__)

DEFAULT_TTL = timedelta(seconds=20)


class LeaseKeeper:
    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        name: str,
        holder: str,
        ttl: timedelta = DEFAULT_TTL,
        renew_every_s: float | None = None,
    ) -> None:
        self.name = name
        self.holder = holder
        self.ttl = ttl
        self.renew_every_s = renew_every_s or ttl.total_seconds() / 3
        self._db = db
        self._clock = clock

    async def try_acquire(self) -> str:
        """Take or renew the lease if possible; return who holds it now (us or another)."""
        now = self._clock.now()
        async with self._db.sessions.begin() as session:
            return await leases.acquire(
                session, name=self.name, holder=self.holder, now=now, expires_at=now + self.ttl
            )

    async def keep(self) -> None:
        """Renew until cancelled; return as soon as the lease is lost to another instance.

        A failed renewal (database unreachable) is retried: the lease is lost only when
        someone else holds it, which needs `ttl` to pass first.
        """
        while True:
            await asyncio.sleep(self.renew_every_s)
            try:
                holder = await self.try_acquire()
            except Exception as exc:
                logger.warning("lease %s: renewal failed (%s)", self.name, type(exc).__name__)
                continue
            if holder != self.holder:
                logger.warning("lease %s: lost to %s", self.name, holder)
                return

    async def release(self) -> None:
        """Give the lease up at shutdown; if that fails it simply expires after `ttl`."""
        try:
            async with self._db.sessions.begin() as session:
                await leases.release(session, name=self.name, holder=self.holder)
        except Exception as exc:
            logger.warning("lease %s: not released (%s)", self.name, type(exc).__name__)
