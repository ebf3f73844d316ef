"""Redeeming invite codes: a school head or deputy binds their VK account to a school.

Codes are single-use, expire, and cannot be guessed: every failed attempt of a VK id is
counted in `throttles`, and after `ATTEMPTS` within `WINDOW` that id is blocked for `BLOCK`
without the code even being looked at.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import invite_codes
from bot.domain.onboarding import FAILURES, HeldSchool, Outcome, RedeemResult
from bot.services.rounds import calendar_of
from storage.db import Database
from storage.models import Invite, School, SchoolStaff
from storage.repos import audit, districts, invites, people, throttles

ATTEMPTS = 5
WINDOW = timedelta(minutes=15)
BLOCK = timedelta(minutes=15)


def throttle_key(vk_id: int) -> str:
    return f"invite:{vk_id}"


async def redeem(*, db: Database, vk_id: int, code: str | None, now: datetime) -> RedeemResult:
    """Bind `vk_id` to the invite's school; `code` None means "looked like a code, is not"."""
    async with db.sessions.begin() as session:
        return await _redeem(session, vk_id=vk_id, code=code, now=now)


async def _redeem(
    session: AsyncSession, *, vk_id: int, code: str | None, now: datetime
) -> RedeemResult:
    key = throttle_key(vk_id)
    until = await throttles.blocked_until(session, key, now)
    if until is not None:
        return RedeemResult(Outcome.BLOCKED, blocked_until=until)
    invite = await invites.by_hash(session, invite_codes.code_hash(code)) if code else None
    person = await people.by_vk_id(session, vk_id)
    outcome = _check(invite, person_id=person.id if person else None, now=now)
    if outcome is Outcome.ALREADY_YOURS:
        assert invite is not None
        holder = await people.school_staff(session, invite.school_id, invite.role)
        if holder is not None and person is not None and holder.person_id == person.id:
            return RedeemResult(outcome)
        outcome = Outcome.USED  # theirs once, but given up or taken away since
    if outcome in FAILURES:
        return await _fail(session, key=key, outcome=outcome, invite=invite, vk_id=vk_id, now=now)
    assert invite is not None
    person = await people.get_or_add(session, vk_id=vk_id, now=now)
    person.reachable = True
    holder = await people.school_staff(session, invite.school_id, invite.role)
    if holder is not None and holder.person_id == person.id:
        return RedeemResult(Outcome.ALREADY_YOURS)
    school = await districts.school(session, invite.school_id)
    assert school is not None
    if holder is not None and not invite.replaces_holder:
        _refused(session, school, vk_id=vk_id, now=now, reason="holder_exists")
        return RedeemResult(Outcome.HOLDER_EXISTS, school=school.name, role=invite.role)
    if not await invites.claim(session, invite_id=invite.id, person_id=person.id, now=now):
        return await _fail(
            session, key=key, outcome=Outcome.USED, invite=invite, vk_id=vk_id, now=now
        )
    replaced_vk_id = None
    if holder is not None:
        former = await people.get(session, holder.person_id)
        replaced_vk_id = former.vk_id if former else None
        await _drop_role(session, holder, now=now, reason="replaced", actor_id=person.id)
    for own in await people.staff_roles(session, person.id):
        if own.school_id == school.id:  # a deputy becoming the head: one role per school
            await _drop_role(session, own, now=now, reason="role_changed", actor_id=person.id)
    session.add(
        SchoolStaff(
            person_id=person.id,
            school_id=school.id,
            role=invite.role,
            confirmed=False,
            created_at=now,
        )
    )
    audit.record(
        session,
        action="invite.redeem",
        at=now,
        actor_id=person.id,
        school_id=school.id,
        district_id=school.district_id,
        role=invite.role,
        replaced=replaced_vk_id is not None,
    )
    await throttles.reset(session, key)
    await session.flush()
    district = await districts.get(session, school.district_id)
    assert district is not None
    calendar = calendar_of(district)
    held = await people.staff_with_schools(session, person.id)
    return RedeemResult(
        Outcome.REDEEMED,
        school=school.name,
        role=invite.role,
        person_id=person.id,
        first_name=person.first_name,
        held=tuple(HeldSchool(s.name, staff.role) for staff, s in held),
        schedule=calendar.schedule,
        tz=calendar.tz,
        replaced_vk_id=replaced_vk_id,
    )


def _check(invite: Invite | None, *, person_id: int | None, now: datetime) -> Outcome:
    if invite is None:
        return Outcome.UNKNOWN
    if invite.redeemed_at is not None:
        mine = person_id is not None and invite.redeemed_by == person_id
        return Outcome.ALREADY_YOURS if mine else Outcome.USED
    if invite.revoked_at is not None:
        return Outcome.REVOKED
    if invite.expires_at <= now:
        return Outcome.EXPIRED
    return Outcome.REDEEMED


async def _fail(
    session: AsyncSession,
    *,
    key: str,
    outcome: Outcome,
    invite: Invite | None,
    vk_id: int,
    now: datetime,
) -> RedeemResult:
    until = await throttles.hit(
        session, key=key, now=now, limit=ATTEMPTS, window=WINDOW, block=BLOCK
    )
    school = await districts.school(session, invite.school_id) if invite else None
    if outcome is Outcome.USED and school is not None:
        _refused(session, school, vk_id=vk_id, now=now, reason="used")
    return RedeemResult(outcome, school=school.name if school else None, blocked_until=until)


def _refused(
    session: AsyncSession, school: School, *, vk_id: int, now: datetime, reason: str
) -> None:
    audit.record(
        session,
        action="invite.refused",
        at=now,
        school_id=school.id,
        district_id=school.district_id,
        vk_id=vk_id,
        reason=reason,
    )


async def _drop_role(
    session: AsyncSession, staff: SchoolStaff, *, now: datetime, reason: str, actor_id: int | None
) -> None:
    school = await districts.school(session, staff.school_id)
    audit.record(
        session,
        action="role.lost",
        at=now,
        actor_id=actor_id,
        school_id=staff.school_id,
        district_id=school.district_id if school else None,
        person_id=staff.person_id,
        role=staff.role,
        reason=reason,
    )
    await session.delete(staff)
    await session.flush()


async def remember_name(*, db: Database, person_id: int, first_name: str, last_name: str) -> None:
    async with db.sessions.begin() as session:
        person = await people.get(session, person_id)
        if person is not None:
            person.first_name, person.last_name = first_name[:100], last_name[:100]


async def confirm(*, db: Database, vk_id: int, now: datetime) -> list[str]:
    """The person says the new school(s) are indeed theirs; returns those school names."""
    async with db.sessions.begin() as session:
        return [school.name for school in await _unconfirmed(session, vk_id, now, keep=True)]


async def reject(*, db: Database, vk_id: int, now: datetime) -> list[str]:
    """ "Нет, это ошибка": undo the unconfirmed bindings; the used code stays used."""
    async with db.sessions.begin() as session:
        return [school.name for school in await _unconfirmed(session, vk_id, now, keep=False)]


async def _unconfirmed(
    session: AsyncSession, vk_id: int, now: datetime, *, keep: bool
) -> list[School]:
    person = await people.by_vk_id(session, vk_id)
    if person is None:
        return []
    touched = []
    for staff, school in await people.staff_with_schools(session, person.id):
        if staff.confirmed:
            continue
        touched.append(school)
        if keep:
            staff.confirmed = True
            audit.record(
                session,
                action="role.confirm",
                at=now,
                actor_id=person.id,
                school_id=school.id,
                district_id=school.district_id,
                role=staff.role,
            )
        else:
            await _drop_role(
                session, staff, now=now, reason="rejected_by_person", actor_id=person.id
            )
    return touched
