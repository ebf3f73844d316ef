"""Forgetting a person (152-ФЗ): their VK id, name, dialog, throttles and roles go, and so
do their id and name in every stored text — messages sent to others included; the school's
numbers stay, still attributed to the (now anonymous) person row."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, cast, delete, null, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.redaction import Redaction
from storage.dml import rowcount
from storage.models import (
    DialogState,
    InboundEvent,
    Lease,
    Official,
    OutboxMessage,
    SchoolStaff,
    Throttle,
)
from storage.repos import audit, outbox, people
from storage.repos import redaction as redaction_repo


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
    names: tuple[str | None, str | None] = (None, None)
    if person is not None:
        names = (person.first_name, person.last_name)
        for model in (Official, SchoolStaff):
            result = await session.execute(delete(model).where(model.person_id == person.id))
            roles += rowcount(result)
        person.vk_id = None
        person.first_name = person.last_name = None
        person.reachable = False
        person.forgotten_at = now
    dialogs = await session.execute(delete(DialogState).where(DialogState.vk_id == vk_id))
    throttles = await _drop_throttles(session, vk_id)
    scrubbed = await _scrub_traces(session, vk_id, *names)
    outcome = Forgotten(person is not None, roles, rowcount(dialogs), throttles, scrubbed)
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


async def _scrub_traces(
    session: AsyncSession, vk_id: int, first_name: str | None, last_name: str | None
) -> int:
    """The person wherever other features left them: messages to them and about them (a
    summary's mention, an official's escalation), audit details, others' dialog drafts,
    handled updates. Returns the rows changed."""
    about = Redaction.of_person(vk_id, first_name, last_name)
    # Messages to the person: the row stays (it proves delivery), the address goes, and
    # what was not sent yet never will be. All of it was written to the person, so a lone
    # first name there is theirs («Здравствуйте, Патимат!»).
    to_them = Redaction(vk_id, [*about.names, *filter(None, (first_name, last_name))])
    messages = list(
        await session.scalars(select(OutboxMessage).where(OutboxMessage.peer_id == vk_id))
    )
    for message in messages:
        message.peer_id = None
        message.payload = to_them.value(message.payload)
        if message.status == outbox.PENDING:
            message.status = outbox.CANCELLED
    # Handled updates keep their id for deduplication; their body is not needed. Updates
    # not handled yet are the queue: left as they are, or the message would be lost.
    handled = await session.execute(
        update(InboundEvent)
        .where(InboundEvent.processed_at.is_not(None), InboundEvent.payload.is_not(None))
        .where(cast(InboundEvent.payload, String).contains(str(vk_id)))
        .values(payload=null())
    )
    rewritten = await redaction_repo.rewrite(
        session,
        needles=about.needles(),
        change=about.value,
        # Who holds a claim or a lease: instance names, live coordination state. The table's
        # columns, not the mapped attributes: `rewrite` compares them by identity.
        skip=(
            InboundEvent.__table__.c.payload,
            InboundEvent.__table__.c.claimed_by,
            OutboxMessage.__table__.c.claimed_by,
            Lease.__table__.c.holder,
        ),
    )
    return len(messages) + rowcount(handled) + rewritten
