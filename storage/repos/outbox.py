"""The outbox: messages planned for sending, and who they go to. Never commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, bindparam, cast, exists, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dml import rowcount
from storage.models import (
    Chat,
    Official,
    OutboxMessage,
    Person,
    Response,
    School,
    SchoolStaff,
)
from storage.upsert import insert_ignore

PENDING, SENDING, SENT = "pending", "sending", "sent"
FAILED, CANCELLED, EXPIRED = "failed", "cancelled", "expired"
# Kinds addressed to a school's staff: pointless once the school has answered.
SCHOOL_KINDS = ("prompt", "reminder")
INSERT_CHUNK = 500
KEYS_CHUNK = 10_000


# The first key of PostgreSQL's two-key advisory locks, naming "planning a district".
_PLANNING_LOCK = 7001


async def lock_planning(session: AsyncSession, district_id: int) -> None:
    """Serialise planning of one district across instances until the transaction ends.

    Rounds and campaigns are get-or-create without a unique key on the campaign, so two
    planners racing on PostgreSQL could each create one; SQLite's BEGIN IMMEDIATE already
    serialises writers.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(func.pg_advisory_xact_lock(_PLANNING_LOCK, district_id)))


async def existing_keys(session: AsyncSession, keys: Sequence[str]) -> set[str]:
    """Which of `keys` are planned already (an index lookup per key, whatever the table size)."""
    found: set[str] = set()
    # Chunked: asyncpg refuses a statement with more than 32 767 parameters.
    for start in range(0, len(keys), KEYS_CHUNK):
        chunk = list(keys[start : start + KEYS_CHUNK])
        query = select(OutboxMessage.natural_key).where(OutboxMessage.natural_key.in_(chunk))
        found.update(await session.scalars(query))
    return found


async def insert(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> int:
    """Insert the rows whose natural key is new; a concurrent planner's rows win silently."""
    inserted = 0
    # Chunked: one statement with tens of thousands of VALUES is slow to compile and send.
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[start : start + INSERT_CHUNK]
        inserted += await insert_ignore(session, OutboxMessage, chunk, ["natural_key"])
    return inserted


def staff_key(round_id: int, tag: str, school_id: int, person_id: int) -> str:
    """The natural key of a head's or deputy's row; `unplanned_staff` builds it in SQL."""
    return f"r{round_id}:{tag}:s{school_id}:p{person_id}"


async def unplanned_staff(
    session: AsyncSession, *, district_id: int, round_id: int, tag: str
) -> list[tuple[Any, ...]]:
    """(school, staff role, person) for every reachable-by-id head and deputy in the district
    whose school has not answered the round and whose row `r{round}:{tag}:s{school}:p{person}`
    is not in the outbox yet: on a tick with everything planned, none (the database, not
    Python, compares 40 000 keys)."""
    key = (
        literal(f"r{round_id}:{tag}:s")
        + cast(School.id, String)
        + literal(":p")
        + cast(Person.id, String)
    )
    answered = exists().where(Response.round_id == round_id, Response.school_id == School.id)
    planned = exists().where(OutboxMessage.natural_key == key)
    query = (
        select(School, SchoolStaff.role, Person)
        .join(SchoolStaff, SchoolStaff.school_id == School.id)
        .join(Person, Person.id == SchoolStaff.person_id)
        .where(
            School.district_id == district_id,
            School.archived_at.is_(None),
            Person.vk_id.is_not(None),
            ~answered,
            ~planned,
        )
        .order_by(School.id, SchoolStaff.role)
    )
    return [tuple(row) for row in await session.execute(query)]


async def district_chats(session: AsyncSession, district_id: int) -> list[int]:
    query = select(Chat.peer_id).where(Chat.district_id == district_id).order_by(Chat.peer_id)
    return list(await session.scalars(query))


async def district_officials(session: AsyncSession, district_id: int) -> list[Person]:
    query = (
        select(Person)
        .join(Official, Official.person_id == Person.id)
        .where(Official.district_id == district_id, Person.vk_id.is_not(None))
        .order_by(Person.id)
    )
    return list(await session.scalars(query))


async def cancel_school(session: AsyncSession, school_id: int) -> int:
    """Pending prompts and reminders of one school go nowhere (it was archived)."""
    of_school = and_(
        OutboxMessage.status == PENDING,
        OutboxMessage.kind.in_(SCHOOL_KINDS),
        OutboxMessage.school_id == school_id,
    )
    return await _set_status(session, of_school, status=CANCELLED)


async def cancel_answered(session: AsyncSession) -> int:
    """Pending prompts and reminders of schools that have answered the round go nowhere."""
    return await _set_status(session, _answered_pending(), status=CANCELLED)


async def expire_overdue(session: AsyncSession, now: datetime) -> int:
    return await _set_status(session, _overdue(now), status=EXPIRED)


async def release_stale_claims(session: AsyncSession, now: datetime) -> int:
    """Rows whose sender vanished (crash, kill) go back to pending for anyone to send."""
    return await _set_status(
        session, _stale_claims(now), status=PENDING, claimed_by=None, claimed_until=None
    )


async def release_claims_of(session: AsyncSession, holder: str) -> int:
    """Everything `holder` left `sending` goes back to pending: called by that instance as it
    starts, so its rows need not wait for their claims to expire."""
    owned = and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_by == holder)
    return await _set_status(session, owned, status=PENDING, claimed_by=None, claimed_until=None)


async def renew_claims(session: AsyncSession, *, holder: str, until: datetime) -> int:
    """Extend `holder`'s claims: it is alive and still sending them."""
    owned = and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_by == holder)
    return await _set_status(session, owned, claimed_until=until)


async def any_stale_claim(session: AsyncSession, now: datetime) -> bool:
    """Whether some instance died holding rows (their claims expired, nobody renewed them)."""
    return bool(await session.scalar(select(exists().where(_stale_claims(now)))))


async def anything_to_sweep(session: AsyncSession, now: datetime) -> bool:
    """Whether any of the three above would change a row (read first: it usually would not)."""
    conditions = (_answered_pending(), _overdue(now), _stale_claims(now))
    query = select(or_(*(exists().where(condition) for condition in conditions)))
    return bool(await session.scalar(query))


async def _set_status(session: AsyncSession, condition: Any, **values: Any) -> int:
    statement = (
        update(OutboxMessage)
        .where(condition)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.execute(statement))


def _answered_pending() -> Any:
    answered = exists().where(
        Response.round_id == OutboxMessage.round_id,
        Response.school_id == OutboxMessage.school_id,
    )
    return and_(OutboxMessage.status == PENDING, OutboxMessage.kind.in_(SCHOOL_KINDS), answered)


def _overdue(now: datetime) -> Any:
    return and_(OutboxMessage.status == PENDING, OutboxMessage.not_after <= now)


def _stale_claims(now: datetime) -> Any:
    return and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_until <= now)


async def anything_due(session: AsyncSession, now: datetime) -> bool:
    """Whether `claim` would find a row (read first: between fan-outs it would not)."""
    return bool(await session.scalar(select(exists().where(_due(now)))))


def _due(now: datetime) -> Any:
    return and_(
        OutboxMessage.status == PENDING,
        OutboxMessage.not_before <= now,
        or_(OutboxMessage.not_after.is_(None), OutboxMessage.not_after > now),
    )


async def claim(
    session: AsyncSession, *, now: datetime, holder: str, until: datetime, limit: int
) -> list[OutboxMessage]:
    """Move up to `limit` due rows to `sending` for `holder`.

    PostgreSQL: SKIP LOCKED lets concurrent claimers take disjoint rows without waiting.
    SQLite: the write transaction (BEGIN IMMEDIATE) already excludes other claimers.
    """
    chosen = (
        select(OutboxMessage.id)
        .where(_due(now))
        .order_by(OutboxMessage.not_before, OutboxMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        chosen = chosen.with_for_update(skip_locked=True)
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(chosen.scalar_subquery()))
        .values(
            status=SENDING,
            claimed_by=holder,
            claimed_until=until,
            attempts=OutboxMessage.attempts + 1,
        )
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False)
    )
    rows = list(await session.scalars(statement))
    return sorted(rows, key=lambda row: (row.not_before, row.id))


async def mark_sent(
    session: AsyncSession,
    *,
    ids_and_message_ids: Sequence[tuple[int, int]],
    holder: str,
    now: datetime,
) -> None:
    """One executemany for a whole request's rows: fan-out marks thousands of rows."""
    if not ids_and_message_ids:
        return
    table = OutboxMessage.__table__
    statement = (
        update(table)
        .where(
            table.c.id == bindparam("row_id"),
            table.c.status == SENDING,
            table.c.claimed_by == holder,
        )
        .values(status=SENT, sent_at=now, vk_message_id=bindparam("message_id"), claimed_until=None)
    )
    await session.execute(
        statement,
        [
            {"row_id": row_id, "message_id": message_id}
            for row_id, message_id in ids_and_message_ids
        ],
    )


async def mark_retry(
    session: AsyncSession, *, row_id: int, holder: str, not_before: datetime, error_code: int | None
) -> None:
    await session.execute(
        _owned(row_id, holder).values(
            status=PENDING,
            not_before=not_before,
            claimed_by=None,
            claimed_until=None,
            error_code=error_code,
        )
    )


async def mark_failed(
    session: AsyncSession, *, row_id: int, holder: str, error_code: int | None, error_text: str
) -> bool:
    """Whether the row was still this holder's to settle (and is failed now)."""
    result = await session.execute(
        _owned(row_id, holder).values(
            status=FAILED, claimed_until=None, error_code=error_code, error_text=error_text
        )
    )
    return bool(rowcount(result))


async def mark_cancelled(session: AsyncSession, *, row_ids: Sequence[int], holder: str) -> None:
    """Rows that turned out to have nothing to say when their time came."""
    for row_id in row_ids:
        await session.execute(_owned(row_id, holder).values(status=CANCELLED, claimed_until=None))


def _owned(row_id: int, holder: str) -> Any:
    # Only the claim's holder may settle it: a claim released as stale and taken by another
    # instance belongs to that instance now.
    return (
        update(OutboxMessage)
        .where(
            OutboxMessage.id == row_id,
            OutboxMessage.status == SENDING,
            OutboxMessage.claimed_by == holder,
        )
        .execution_options(synchronize_session=False)
    )


async def mark_unreachable(session: AsyncSession, vk_ids: Iterable[int]) -> None:
    ids = list(vk_ids)
    if ids:
        await session.execute(
            update(Person)
            .where(Person.vk_id.in_(ids), Person.reachable.is_(True))
            .values(reachable=False)
            .execution_options(synchronize_session=False)
        )


async def next_not_before(session: AsyncSession, after: datetime) -> datetime | None:
    """The earliest moment after `after` at which a pending row becomes due (retries)."""
    query = select(func.min(OutboxMessage.not_before)).where(
        OutboxMessage.status == PENDING, OutboxMessage.not_before > after
    )
    return await session.scalar(query)


async def next_claim_expiry(session: AsyncSession, after: datetime) -> datetime | None:
    """The earliest moment after `after` at which an abandoned claim may be taken over."""
    query = select(func.min(OutboxMessage.claimed_until)).where(
        OutboxMessage.status == SENDING, OutboxMessage.claimed_until > after
    )
    return await session.scalar(query)


async def has_due(session: AsyncSession, now: datetime) -> bool:
    return bool(await session.scalar(select(exists().where(_due(now)))))


async def fates(
    session: AsyncSession, *, round_id: int, key_prefix: str
) -> list[tuple[str, str, int | None]]:
    """(school name, status, VK error code) of the round's rows addressed to a school whose
    natural key starts with `key_prefix` (the round's index narrows them first)."""
    query = (
        select(School.name, OutboxMessage.status, OutboxMessage.error_code)
        .join(School, School.id == OutboxMessage.school_id)
        .where(
            OutboxMessage.round_id == round_id,
            OutboxMessage.natural_key.startswith(key_prefix, autoescape=True),
        )
        .order_by(School.name, OutboxMessage.id)
    )
    return [(name, status, code) for name, status, code in await session.execute(query)]


async def failed_schools(session: AsyncSession, round_id: int) -> set[int]:
    """Schools none of whose prompts could be delivered in the round."""
    query = select(OutboxMessage.school_id, OutboxMessage.status).where(
        OutboxMessage.round_id == round_id, OutboxMessage.kind == "prompt"
    )
    statuses: dict[int, set[str]] = {}
    for school_id, status in await session.execute(query):
        if school_id is not None:  # the planner's prompts all have one
            statuses.setdefault(school_id, set()).add(status)
    return {school for school, seen in statuses.items() if seen == {FAILED}}
