"""Counters in a time window with a block after too many hits (the `throttles` table)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Throttle


async def blocked_until(session: AsyncSession, key: str, now: datetime) -> datetime | None:
    row = await session.get(Throttle, key)
    if row is None or row.blocked_until is None or row.blocked_until <= now:
        return None
    return row.blocked_until


async def hit(
    session: AsyncSession,
    *,
    key: str,
    now: datetime,
    limit: int,
    window: timedelta,
    block: timedelta,
) -> datetime | None:
    """Count one hit; when it is the `limit`-th within `window`, block for `block`.

    Returns the end of the block the hit caused or fell into, else None.
    """
    row = await session.get(Throttle, key, with_for_update=True)
    if row is None:
        row = Throttle(key=key, count=0, window_start=now)
        session.add(row)
    if row.blocked_until is not None and row.blocked_until > now:
        return row.blocked_until
    if now - row.window_start >= window or row.blocked_until is not None:
        row.count, row.window_start, row.blocked_until = 0, now, None
    row.count += 1
    if row.count >= limit:
        row.blocked_until = now + block
    await session.flush()
    return row.blocked_until


async def reset(session: AsyncSession, key: str) -> None:
    await session.execute(delete(Throttle).where(Throttle.key == key))
