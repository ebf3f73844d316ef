"""Inbound VK events by event_id: the deduplication record and the durable queue.

An update is stored with its payload when first seen and marked processed once handled,
so a crash between the two leaves it to be handled after the restart. Processed events are
deleted once older than the retention window (`bot.scheduler.retention`); unprocessed ones
never are.

Events persisted before acknowledgement (Callback API) wait with `processed_at` NULL for a
worker of any instance; a worker holds the rows it took until `claimed_until`, after which
another instance may take them over.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, null, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.dml import rowcount
from storage.models import InboundEvent
from storage.upsert import insert_ignore, insert_new

REASON_LENGTH = 200


async def claim_new(
    session: AsyncSession, updates: Sequence[tuple[str, dict[str, Any]]], now: datetime
) -> set[str]:
    """Record (event_id, payload) pairs; return the ids never seen before."""
    if not updates:
        return set()
    rows = [{"event_id": event_id, "received_at": now, "payload": payload}
            for event_id, payload in dict(updates).items()]  # fmt: skip
    return set(await insert_new(session, InboundEvent, rows, ["event_id"], InboundEvent.event_id))


async def mark_processed(db: Database, event_ids: Sequence[str], now: datetime) -> None:
    """Done: keep the id for deduplication, drop the payload (it holds personal data). One
    statement, committed by itself."""
    if event_ids:
        await db.write_alone(_MARK_PROCESSED, {"event_ids": list(event_ids), "now": now})


# Built once: every handled update passes here, and building the statement with each id in
# it was 1,6 % of the event loop's time under load (py-spy).
_MARK_PROCESSED = (
    update(InboundEvent)
    .where(InboundEvent.event_id.in_(bindparam("event_ids", expanding=True)))
    .values(processed_at=bindparam("now", type_=InboundEvent.processed_at.type), payload=null())
)


async def unprocessed(session: AsyncSession, limit: int) -> list[tuple[str, Any]]:
    """(event_id, payload) of updates stored but never handled (the process died first),
    oldest first; the payload as stored, to be read through bot.vk.updates."""
    query = (
        select(InboundEvent.event_id, InboundEvent.payload)
        .where(InboundEvent.processed_at.is_(None))
        .order_by(InboundEvent.received_at, InboundEvent.event_id)
        .limit(limit)
    )
    return [(event_id, payload) for event_id, payload in await session.execute(query)]


async def set_aside(
    session: AsyncSession, failures: Sequence[tuple[str, str]], now: datetime
) -> None:
    """Take unreadable events out of the queue for good, each with its reason. The payload
    stays for an operator to look at until the retention sweep deletes the row."""
    if failures:
        table = InboundEvent.__table__
        statement = (
            update(table)
            .where(table.c.event_id == bindparam("row_id"), table.c.processed_at.is_(None))
            .values(
                processed_at=now,
                failed_reason=bindparam("reason"),
                claimed_by=None,
                claimed_until=None,
            )
        )
        rows = [{"row_id": event_id, "reason": reason[:REASON_LENGTH]}
                for event_id, reason in failures]  # fmt: skip
        await session.execute(statement, rows)


async def any_processed_before(session: AsyncSession, cutoff: datetime) -> bool:
    """Whether some event was processed before `cutoff` (one probe of the processed_at index)."""
    # Ordered: with a bare LIMIT 1 PostgreSQL may scan the table hoping for an early match,
    # which on an idle tick (no match) reads every row.
    query = (
        select(InboundEvent.event_id)
        .where(InboundEvent.processed_at < cutoff)
        .order_by(InboundEvent.processed_at)
        .limit(1)
    )
    return await session.scalar(query) is not None


async def delete_processed_before(session: AsyncSession, cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` of the oldest events processed before `cutoff`; returns how many.

    An unprocessed event (processed_at NULL) never matches. On PostgreSQL rows another
    instance is deleting are skipped rather than waited for.
    """
    oldest = (
        select(InboundEvent.event_id)
        .where(InboundEvent.processed_at < cutoff)
        .order_by(InboundEvent.processed_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        oldest = oldest.with_for_update(skip_locked=True)
    result = await session.execute(
        delete(InboundEvent)
        .where(InboundEvent.event_id.in_(oldest))
        .execution_options(synchronize_session=False)
    )
    return rowcount(result)


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
    if session.get_bind().dialect.name == "postgresql":
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
    if session.get_bind().dialect.name == "postgresql":
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
    return rowcount(result)


async def pending_count(session: AsyncSession) -> int:
    query = (
        select(func.count()).select_from(InboundEvent).where(InboundEvent.processed_at.is_(None))
    )
    return int(await session.scalar(query) or 0)


async def oldest_unprocessed(session: AsyncSession) -> datetime | None:
    """When the oldest event still waiting to be handled arrived (None: none waits)."""
    query = select(func.min(InboundEvent.received_at)).where(InboundEvent.processed_at.is_(None))
    return await session.scalar(query)
