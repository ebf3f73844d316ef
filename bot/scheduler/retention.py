"""Forget processed inbound events once no redelivery can bring them back.

`inbound_events` keeps every VK update's id so that a redelivery is recognised; once VK can
no longer send an event again, its row only slows lookups and backups down. VK redelivers for
hours, not days: the Callback API retries an unacknowledged event for a few hours at most,
and Long Poll replays after a restart only what followed the stored `ts`, from a history VK
keeps for a limited time (an outdated `ts` gets `failed: 1`). The window,
`INBOUND_RETENTION_DAYS` (7 by default), leaves a wide margin. Unprocessed events are the
queue and are never deleted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.db import Database
from storage.repos import events

# Rows per write transaction: a few milliseconds of SQLite's write lock, so check-ins
# wait no longer behind a purge than behind one of their own.
BATCH = 1_000
# Rows per tick at most, so that a first purge of a long history does not hold up the tick
# (which sends after it): 20 000 every 30 s is ≈ 2,4 million an hour, far above any inflow.
MAX_BATCHES = 20


async def purge_events(
    *,
    db: Database,
    now: datetime,
    keep: timedelta,
    batch: int = BATCH,
    max_batches: int = MAX_BATCHES,
) -> int:
    """Delete events processed more than `keep` ago; returns how many rows went.

    Asked on a read session first, so that a tick with nothing to purge opens no write
    transaction. Safe with several instances: each batch deletes what is still there.
    """
    cutoff = now - keep
    async with db.reads() as session:
        if not await events.any_processed_before(session, cutoff):
            return 0
    purged = 0
    for _ in range(max_batches):
        async with db.sessions.begin() as session:
            deleted = await events.delete_processed_before(session, cutoff, batch)
        purged += deleted
        if deleted < batch:
            break
    return purged
