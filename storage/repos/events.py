"""Inbound VK events by event_id: the deduplication record and the durable queue.

An update is stored with its payload when first seen and marked processed once handled,
so a crash between the two leaves it to be handled after the restart. Processed events are
deleted once older than the retention window (`bot.scheduler.retention`); unprocessed ones
never are.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, null, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboundEvent
from storage.upsert import insert_new

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


async def mark_processed(session: AsyncSession, event_ids: Sequence[str], now: datetime) -> None:
    """Done: keep the id for deduplication, drop the payload (it holds personal data)."""
    if event_ids:
        params = {"event_ids": list(event_ids), "now": now}
        await (await session.connection()).execute(_MARK_PROCESSED, params)


# Built once and run on the connection: every handled update passes here, and building the
# statement with each id in it was 1,6 % of the event loop's time under load (py-spy).
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
    if session.bind.dialect.name == "postgresql":
        oldest = oldest.with_for_update(skip_locked=True)
    result = await session.execute(
        delete(InboundEvent)
        .where(InboundEvent.event_id.in_(oldest))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
