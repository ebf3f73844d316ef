"""Invite codes, stored only as hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dml import rowcount
from storage.models import Invite


async def add(
    session: AsyncSession,
    *,
    school_id: int,
    role: str,
    code_hash: str,
    now: datetime,
    expires_at: datetime,
    replaces_holder: bool = False,
) -> Invite:
    invite = Invite(
        school_id=school_id,
        role=role,
        code_hash=code_hash,
        created_at=now,
        expires_at=expires_at,
        replaces_holder=replaces_holder,
    )
    session.add(invite)
    await session.flush()
    return invite


async def by_hash(session: AsyncSession, code_hash: str) -> Invite | None:
    return await session.scalar(select(Invite).where(Invite.code_hash == code_hash))


async def revoke_open(session: AsyncSession, *, school_id: int, role: str, now: datetime) -> int:
    result = await session.execute(
        update(Invite)
        .where(
            Invite.school_id == school_id,
            Invite.role == role,
            Invite.redeemed_at.is_(None),
            Invite.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    return rowcount(result)


async def claim(session: AsyncSession, *, invite_id: int, person_id: int, now: datetime) -> bool:
    """Mark an open invite redeemed; False if someone else got there first."""
    result = await session.execute(
        update(Invite)
        .where(
            Invite.id == invite_id,
            Invite.redeemed_at.is_(None),
            Invite.revoked_at.is_(None),
        )
        .values(redeemed_at=now, redeemed_by=person_id)
    )
    return rowcount(result) == 1
