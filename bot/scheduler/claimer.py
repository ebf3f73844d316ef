"""Take due rows for this instance, atomically, so no two instances send the same row."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.db import Database
from storage.models import OutboxMessage
from storage.repos import outbox as repo

# Long enough for a claimed batch to go out at 20 requests/s; a crashed sender's rows are
# taken over by anyone once it passes.
CLAIM_LEASE = timedelta(minutes=5)


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
