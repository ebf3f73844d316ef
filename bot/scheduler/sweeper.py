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
    async with db.sessions.begin() as session:
        return SweepReport(
            cancelled=await repo.cancel_answered(session),
            expired=await repo.expire_overdue(session, now),
            released=await repo.release_stale_claims(session, now),
        )
