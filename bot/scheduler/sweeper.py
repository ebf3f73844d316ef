"""Tidy the outbox before claiming: answered, overdue and abandoned rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from storage.repos import outbox as repo


@dataclass(frozen=True)
class SweepReport:
    cancelled: int
    expired: int
    released: int


async def sweep(*, db: Database, now: datetime) -> SweepReport:
    # Checked on a read session first: most ticks have nothing to tidy, and a write
    # transaction every tick would hold SQLite's write lock for nothing.
    async with db.reads() as session:
        if not await repo.anything_to_sweep(session, now):
            return SweepReport(cancelled=0, expired=0, released=0)
    async with db.sessions.begin() as session:
        return SweepReport(
            cancelled=await repo.cancel_answered(session),
            expired=await repo.expire_overdue(session, now),
            released=await repo.release_stale_claims(session, now),
        )
