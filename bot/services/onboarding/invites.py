"""Issuing invite codes for school heads and deputies."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import invite_codes
from bot.domain.invite_codes import IssuedInvite
from bot.services.admin.districts import require_district
from storage.models import School
from storage.repos import audit, districts, invites, people


def deep_link(group_id: int | None, code: str) -> str | None:
    if group_id is None:
        return None
    return f"https://vk.me/club{group_id}?ref={code}"


async def issue_for_district(
    *,
    session: AsyncSession,
    district_name: str,
    now: datetime,
    ttl: timedelta,
    group_id: int | None,
    missing_only: bool = False,
) -> list[IssuedInvite]:
    """One fresh head code per school; the school's earlier unused head codes are revoked,
    so only the latest list works — a list sent twice, or a lost one, cannot be used."""
    district = await require_district(session, district_name)
    issued = []
    for school in await districts.schools(session, district.id):
        if missing_only and await people.school_staff(session, school.id, "head") is not None:
            continue
        revoked = await invites.revoke_open(session, school_id=school.id, role="head", now=now)
        code = await issue(session=session, school=school, now=now, ttl=ttl)
        issued.append(IssuedInvite(school.name, code, deep_link(group_id, code), revoked))
    audit.record(
        session,
        action="invites.issue",
        at=now,
        district_id=district.id,
        count=len(issued),
        revoked=sum(item.revoked for item in issued),
    )
    return issued


async def issue(
    *,
    session: AsyncSession,
    school: School,
    now: datetime,
    ttl: timedelta,
    role: str = "head",
    replaces_holder: bool = False,
) -> str:
    code = invite_codes.new_code()
    await invites.add(
        session,
        school_id=school.id,
        role=role,
        code_hash=invite_codes.code_hash(code),
        now=now,
        expires_at=now + ttl,
        replaces_holder=replaces_holder,
    )
    return code
