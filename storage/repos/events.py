"""Inbound VK events seen so far, by event_id."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboundEvent


async def claim_new(session: AsyncSession, event_ids: Sequence[str], now: datetime) -> set[str]:
    """Record the ids; return those never seen before (the caller's transaction decides)."""
    if not event_ids:
        return set()
    unique = list(dict.fromkeys(event_ids))
    seen = set(
        await session.scalars(
            select(InboundEvent.event_id).where(InboundEvent.event_id.in_(unique))
        )
    )
    fresh = [event_id for event_id in unique if event_id not in seen]
    session.add_all(
        InboundEvent(event_id=event_id, received_at=now, processed_at=now) for event_id in fresh
    )
    await session.flush()
    return set(fresh)
