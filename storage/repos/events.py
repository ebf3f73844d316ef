"""Inbound VK events by event_id: the deduplication record and the durable queue.

An update is stored with its payload when first seen and marked processed once handled,
so a crash between the two leaves it to be handled after the restart.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import null, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboundEvent


async def claim_new(
    session: AsyncSession, updates: Sequence[tuple[str, dict[str, Any]]], now: datetime
) -> set[str]:
    """Record (event_id, payload) pairs; return the ids never seen before."""
    if not updates:
        return set()
    unique = dict(updates)
    seen = set(
        await session.scalars(
            select(InboundEvent.event_id).where(InboundEvent.event_id.in_(list(unique)))
        )
    )
    fresh = [event_id for event_id in unique if event_id not in seen]
    session.add_all(
        InboundEvent(event_id=event_id, received_at=now, payload=unique[event_id])
        for event_id in fresh
    )
    await session.flush()
    return set(fresh)


async def mark_processed(session: AsyncSession, event_ids: Sequence[str], now: datetime) -> None:
    """Done: keep the id for deduplication, drop the payload (it holds personal data)."""
    if event_ids:
        await session.execute(
            update(InboundEvent)
            .where(InboundEvent.event_id.in_(list(event_ids)))
            .values(processed_at=now, payload=null())
        )


async def unprocessed(session: AsyncSession, limit: int) -> list[dict[str, Any]]:
    """Updates stored but never handled (the process died first), oldest first."""
    query = (
        select(InboundEvent.payload)
        .where(InboundEvent.processed_at.is_(None), InboundEvent.payload.is_not(None))
        .order_by(InboundEvent.received_at, InboundEvent.event_id)
        .limit(limit)
    )
    return [payload for payload in await session.scalars(query) if payload]
