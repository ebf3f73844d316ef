"""The dashboard's sign-in links and sessions, found by the SHA-256 of what the browser holds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dml import rowcount
from storage.models import Person, WebSession, WebSigninToken


def add_token(
    session: AsyncSession, *, token_hash: str, person_id: int, now: datetime, expires_at: datetime
) -> None:
    session.add(
        WebSigninToken(
            token_hash=token_hash, person_id=person_id, created_at=now, expires_at=expires_at
        )
    )


async def use_token(session: AsyncSession, *, token_hash: str, now: datetime) -> int | None:
    """Mark the link used and return whose it is; None if unknown, used or expired.

    One conditional UPDATE: two browsers opening the same link at once cannot both win.
    """
    query = (
        update(WebSigninToken)
        .where(
            WebSigninToken.token_hash == token_hash,
            WebSigninToken.used_at.is_(None),
            WebSigninToken.expires_at > now,
        )
        .values(used_at=now)
        .returning(WebSigninToken.person_id)
    )
    return (await session.execute(query)).scalar_one_or_none()


def add_session(
    session: AsyncSession, *, id_hash: str, person_id: int, now: datetime, expires_at: datetime
) -> None:
    session.add(
        WebSession(id_hash=id_hash, person_id=person_id, created_at=now, expires_at=expires_at)
    )


async def session_vk_id(session: AsyncSession, *, id_hash: str, now: datetime) -> int | None:
    """The VK id of the person signed in by this session; None when it is unknown, expired,
    or the person was forgotten."""
    query = (
        select(Person.vk_id)
        .join(WebSession, WebSession.person_id == Person.id)
        .where(WebSession.id_hash == id_hash, WebSession.expires_at > now)
    )
    return await session.scalar(query)


async def end_all(session: AsyncSession, *, person_id: int) -> int:
    """Sign the person out everywhere: their sessions and unused links go; returns how many."""
    ended = 0
    for model in (WebSession, WebSigninToken):
        result = await session.execute(delete(model).where(model.person_id == person_id))
        ended += rowcount(result)
    return ended


async def purge_expired(session: AsyncSession, *, now: datetime) -> None:
    for model in (WebSession, WebSigninToken):
        await session.execute(delete(model).where(model.expires_at <= now))
