"""Forgetting a person (152-ФЗ): their VK id, name, dialog, throttles and roles go, and so
do their id and name in every stored text — messages sent to others included; the school's
numbers stay, still attributed to the (now anonymous) person row.

A head is also in the office's list of schools: their name, phone and e-mail there (the
school's contacts) go with them, from the school and from every stored text. A head who
never joined the bot is forgotten by their school (`forget_contact`)."""

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
    School,
    SchoolStaff,
    Throttle,
)
from storage.repos import audit, outbox, people, web
from storage.repos import redaction as redaction_repo


@dataclass(frozen=True)
class Forgotten:
    """What `forget` removed; all zeros/False means there was nothing left to forget."""

    person: bool
    roles: int
    dialogs: int
    throttles: int
    scrubbed: int
    contacts: int = 0  # schools whose head's name, phone and e-mail were cleared

    @property
    def changed(self) -> bool:
        return bool(
            self.person
            or self.roles
            or self.dialogs
            or self.throttles
            or self.scrubbed
            or self.contacts
        )


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
    cleared, contacts = 0, list[str]()
    if person is not None:
        names = (person.first_name, person.last_name)
        headed = list(
            await session.scalars(
                select(School)
                .join(SchoolStaff, SchoolStaff.school_id == School.id)
                .where(SchoolStaff.person_id == person.id, SchoolStaff.role == "head")
            )
        )
        cleared, contacts = _clear_contacts(headed)
        for model in (Official, SchoolStaff):
            result = await session.execute(delete(model).where(model.person_id == person.id))
            roles += rowcount(result)
        await web.end_all(session, person_id=person.id)  # signed out of the dashboard
        person.vk_id = None
        person.first_name = person.last_name = None
        person.reachable = False
        person.forgotten_at = now
    dialogs = await session.execute(delete(DialogState).where(DialogState.vk_id == vk_id))
    throttles = await _drop_throttles(session, vk_id)
    scrubbed = await _scrub_traces(session, vk_id, *names, contacts)
    outcome = Forgotten(
        person is not None,
        roles,
        rowcount(dialogs),
        throttles,
        scrubbed,
        cleared,
    )
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


async def forget_contact(
    *, session: AsyncSession, school: School, now: datetime, actor_id: int | None = None
) -> Forgotten:
    """The head's name, phone and e-mail of one school (a head who never joined the bot),
    from the school and from every stored text. Idempotent."""
    cleared, terms = _clear_contacts([school])
    scrubbed = await _rewrite(session, Redaction(None, terms)) if terms else 0
    outcome = Forgotten(False, 0, 0, 0, scrubbed, cleared)
    if outcome.changed:
        audit.record(
            session,
            action="contact.forget",
            at=now,
            actor_id=actor_id,
            district_id=school.district_id,
            school_id=school.id,
        )
    await session.flush()
    return outcome


def _clear_contacts(schools: list[School]) -> tuple[int, list[str]]:
    """Clear the schools' contacts: how many schools had any, and what stood there (stored
    texts may quote it)."""
    cleared, terms = 0, list[str]()
    for school in schools:
        if not (school.head_name or school.phone or school.email):
            continue
        cleared += 1
        for value in (school.phone, school.email):
            if value:
                terms += [value, *value.split(", ")]
        # A lone surname may be anyone's («Иванов»): only a full name is searched for.
        if school.head_name and len(school.head_name.split()) > 1:
            terms.append(school.head_name)
        school.head_name = school.phone = school.email = None
    return cleared, terms


async def _scrub_traces(
    session: AsyncSession,
    vk_id: int,
    first_name: str | None,
    last_name: str | None,
    contacts: list[str],
) -> int:
    """The person wherever other features left them: messages to them and about them (a
    summary's mention, an official's escalation), audit details, others' dialog drafts,
    handled updates. Returns the rows changed."""
    about = Redaction(vk_id, [*Redaction.of_person(vk_id, first_name, last_name).names, *contacts])
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
    rewritten = await _rewrite(session, about)
    return len(messages) + rowcount(handled) + rewritten


async def _rewrite(session: AsyncSession, about: Redaction) -> int:
    return await redaction_repo.rewrite(
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
