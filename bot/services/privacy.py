"""Forgetting a person (152-ФЗ): their VK id, name, dialog, throttles and roles go; the
school's numbers stay, still attributed to the (now anonymous) person row."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AuditEvent,
    DialogState,
    InboundEvent,
    Official,
    OutboxMessage,
    SchoolStaff,
    Throttle,
)
from storage.repos import audit, people

FORGOTTEN = "[удалено]"


@dataclass(frozen=True)
class Forgotten:
    """What `forget` removed; all zeros/False means there was nothing left to forget."""

    person: bool
    roles: int
    dialogs: int
    throttles: int
    scrubbed: int

    @property
    def changed(self) -> bool:
        return bool(self.person or self.roles or self.dialogs or self.throttles or self.scrubbed)


def vk_id_digest(vk_id: int) -> str:
    """A stable pseudonym for the audit log: lets an operator confirm "this id was forgotten"
    without the log holding the id itself."""
    return hashlib.sha256(f"svodka-forget:{vk_id}".encode()).hexdigest()


async def forget(
    *, session: AsyncSession, vk_id: int, now: datetime, actor_id: int | None = None
) -> Forgotten:
    """Idempotent: a second call finds nothing and changes nothing."""
    person = await people.by_vk_id(session, vk_id)
    roles = 0
    if person is not None:
        for model in (Official, SchoolStaff):
            result = await session.execute(delete(model).where(model.person_id == person.id))
            roles += result.rowcount or 0
        person.vk_id = None
        person.first_name = person.last_name = None
        person.reachable = False
        person.forgotten_at = now
    dialogs = await session.execute(delete(DialogState).where(DialogState.vk_id == vk_id))
    throttles = await _drop_throttles(session, vk_id)
    scrubbed = await _scrub_traces(session, vk_id)
    outcome = Forgotten(person is not None, roles, dialogs.rowcount or 0, throttles, scrubbed)
    if outcome.changed:
        audit.record(
            session,
            action="person.forget",
            at=now,
            actor_id=actor_id,
            vk_id_sha256=vk_id_digest(vk_id),
            person_id=person.id if person is not None else None,
            roles_removed=roles,
        )
    await session.flush()
    return outcome


async def _drop_throttles(session: AsyncSession, vk_id: int) -> int:
    """Throttle keys name the person as one `:`-separated part (`invite:123`, `flood:123:…`)."""
    rows = await session.scalars(select(Throttle.key).where(Throttle.key.contains(str(vk_id))))
    keys = [key for key in rows if str(vk_id) in key.split(":")]
    if keys:
        await session.execute(delete(Throttle).where(Throttle.key.in_(keys)))
    return len(keys)


async def _scrub_traces(session: AsyncSession, vk_id: int) -> int:
    """The id where other features left it: audit details, handled updates, sent messages."""
    needle = str(vk_id)
    count = 0
    entries = await session.scalars(
        select(AuditEvent).where(cast(AuditEvent.details, String).contains(needle))
    )
    for entry in entries:
        details = _replace_id(entry.details, vk_id)
        if details != entry.details:
            entry.details = details
            count += 1
    # Handled updates keep their id for deduplication; their body (texts, ids) is not needed.
    handled = await session.execute(
        update(InboundEvent)
        .where(InboundEvent.processed_at.is_not(None), InboundEvent.payload.is_not(None))
        .where(cast(InboundEvent.payload, String).contains(needle))
        .values(payload=None)
    )
    count += handled.rowcount or 0
    # Messages already sent to the person: the row stays (it proves delivery), the address goes.
    sent = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.peer_id == vk_id, OutboxMessage.sent_at.is_not(None))
        .values(peer_id=None, payload={})
    )
    return count + (sent.rowcount or 0)


def _replace_id(value: Any, vk_id: int) -> Any:
    if isinstance(value, dict):
        return {key: _replace_id(item, vk_id) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_id(item, vk_id) for item in value]
    if value == vk_id or value == str(vk_id):
        return FORGOTTEN
    return value
