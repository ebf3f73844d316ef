"""Leases: "holder may do job `name` until `expires_at`", taken and renewed atomically."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dml import rowcount
from storage.models import Lease
from storage.upsert import insert_ignore


async def acquire(
    session: AsyncSession, *, name: str, holder: str, now: datetime, expires_at: datetime
) -> str:
    """Take or renew the lease if it is free, expired or already ours; return its holder.

    The conditional UPDATE is the arbiter: on PostgreSQL a concurrent taker re-checks the
    condition after the first commit, on SQLite BEGIN IMMEDIATE serialises the writers.
    """
    row = {"name": name, "holder": holder, "expires_at": expires_at}
    if await insert_ignore(session, Lease, [row], ["name"]):
        return holder
    taken = await session.execute(
        update(Lease)
        .where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at <= now))
        .values(holder=holder, expires_at=expires_at)
    )
    if rowcount(taken):
        return holder
    current = await session.scalar(select(Lease.holder).where(Lease.name == name))
    return current or ""


async def release(session: AsyncSession, *, name: str, holder: str) -> None:
    await session.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))


async def holder_of(session: AsyncSession, *, name: str, now: datetime) -> str | None:
    """Who holds a live lease now, if anyone."""
    query = select(Lease.holder).where(Lease.name == name, Lease.expires_at > now)
    return await session.scalar(query)
