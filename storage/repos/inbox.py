"""Inbound events persisted before acknowledgement (Callback API): the queue side of
`inbound_events`. Rows with `processed_at` NULL wait for a worker; a worker holds the rows
it took until `claimed_until`, after which any other instance may take them over. Handled
events are marked processed by the pipeline (`storage.repos.events.mark_processed`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboundEvent
from storage.upsert import insert_ignore

# Any fixed number: the PostgreSQL advisory lock that makes claiming one-at-a-time.
CLAIM_LOCK = 0x5356_4B41


async def persist(
    session: AsyncSession, *, event_id: str, payload: dict[str, Any], now: datetime
) -> bool:
    """Store an event for processing; False when this event_id was seen before."""
    row = {"event_id": event_id, "received_at": now, "payload": payload}
    return bool(await insert_ignore(session, InboundEvent, [row], ["event_id"]))


async def lock_claims(session: AsyncSession) -> None:
    """Serialise claimers for the rest of the transaction (SQLite: BEGIN IMMEDIATE already
    does), so two instances never split one person's events between them."""
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CLAIM_LOCK})


async def claimed_by_others(
    session: AsyncSession, *, holder: str, now: datetime
) -> list[tuple[str, Any]]:
    """(event_id, payload) of unprocessed events another instance holds a live claim on."""
    query = select(InboundEvent.event_id, InboundEvent.payload).where(
        InboundEvent.processed_at.is_(None),
        InboundEvent.claimed_until > now,
        InboundEvent.claimed_by != holder,
    )
    return [(event_id, payload) for event_id, payload in await session.execute(query)]


async def claimable(session: AsyncSession, *, now: datetime, limit: int) -> list[InboundEvent]:
    """Oldest unprocessed events nobody holds, locked for this transaction."""
    query = (
        select(InboundEvent)
        .where(
            InboundEvent.processed_at.is_(None),
            or_(InboundEvent.claimed_until.is_(None), InboundEvent.claimed_until <= now),
        )
        .order_by(InboundEvent.received_at, InboundEvent.event_id)
        .limit(limit)
    )
    if session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(await session.scalars(query))


async def set_claim(
    session: AsyncSession, *, event_ids: Sequence[str], holder: str, until: datetime
) -> None:
    if event_ids:
        await session.execute(
            update(InboundEvent)
            .where(InboundEvent.event_id.in_(list(event_ids)))
            .values(claimed_by=holder, claimed_until=until)
        )


async def renew_claims(
    session: AsyncSession, *, holder: str, event_ids: Sequence[str], until: datetime
) -> None:
    """Extend `holder`'s claims on the events it still has queued or in hand."""
    if event_ids:
        await session.execute(
            update(InboundEvent)
            .where(
                InboundEvent.event_id.in_(list(event_ids)),
                InboundEvent.claimed_by == holder,
                InboundEvent.processed_at.is_(None),
            )
            .values(claimed_until=until)
        )


async def release_claims(session: AsyncSession, *, holder: str) -> int:
    """Hand back what this instance took but did not finish; returns how many rows."""
    result = await session.execute(
        update(InboundEvent)
        .where(InboundEvent.claimed_by == holder, InboundEvent.processed_at.is_(None))
        .values(claimed_by=None, claimed_until=None)
    )
    return result.rowcount or 0


async def pending_count(session: AsyncSession) -> int:
    query = (
        select(func.count()).select_from(InboundEvent).where(InboundEvent.processed_at.is_(None))
    )
    return int(await session.scalar(query) or 0)


async def oldest_unprocessed(session: AsyncSession) -> datetime | None:
    """When the oldest event still waiting to be handled arrived (None: none waits)."""
    query = select(func.min(InboundEvent.received_at)).where(InboundEvent.processed_at.is_(None))
    return await session.scalar(query)
