"""Take due rows for this instance, atomically, so no two instances send the same row."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.db import Database
from storage.models import OutboxMessage
from storage.repos import outbox as repo

# Short, and renewed every RENEW_EVERY_S while the holder is sending (bot/scheduler/ticker.py):
# the rows of an instance that died are taken over by another within ≈ 25 s (the lease, then
# the watch that looks for stale claims every WATCH_EVERY_S), and at once by the instance
# itself if it is restarted (it releases its own claims as it starts).
CLAIM_LEASE = timedelta(seconds=20)
RENEW_EVERY_S = 5.0
WATCH_EVERY_S = 5.0


async def claim(
    *, db: Database, now: datetime, holder: str, limit: int, lease: timedelta = CLAIM_LEASE
) -> list[OutboxMessage]:
    # Looked for on a read session first, like the sweep: no write transaction for nothing.
    async with db.reads() as session:
        if not await repo.anything_due(session, now):
            return []
    async with db.sessions.begin() as session:
        return await repo.claim(session, now=now, holder=holder, until=now + lease, limit=limit)


async def release_own(*, db: Database, holder: str) -> int:
    """Hand back what a previous run of this instance was sending when it died."""
    async with db.sessions.begin() as session:
        return await repo.release_claims_of(session, holder)


async def renew(*, db: Database, holder: str, now: datetime, lease: timedelta = CLAIM_LEASE) -> int:
    async with db.sessions.begin() as session:
        return await repo.renew_claims(session, holder=holder, until=now + lease)


async def stale_claims(*, db: Database, now: datetime) -> bool:
    async with db.reads() as session:
        return await repo.any_stale_claim(session, now)
