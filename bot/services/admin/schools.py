"""What admins do with schools and invites: re-issue or revoke a school's codes, archive it,
list the schools nobody has joined for yet."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.districts import ArchiveChange
from bot.domain.invite_codes import Reissued
from bot.domain.textnorm import fold
from bot.services.admin.district_settings import find_district
from bot.services.onboarding import invites as invite_service
from bot.services.school_lookup import find_school
from storage.db import Database
from storage.models import District, School
from storage.repos import audit, districts, invites, outbox, people

DEPUTY_WORDS = frozenset({"deputy", "зам", "заместитель", "заместителя", "заместителю"})


def split_role(text: str) -> tuple[str, str]:
    """ "Дегвинская deputy" → ("Дегвинская", "deputy"); no role word → head."""
    words = text.split()
    if len(words) > 1 and fold(words[-1]) in DEPUTY_WORDS:
        return " ".join(words[:-1]), "deputy"
    return text.strip(), "head"


async def reissue(
    *,
    session: AsyncSession,
    school: School,
    role: str,
    now: datetime,
    ttl: timedelta,
    group_id: int | None,
    actor_id: int | None,
) -> Reissued:
    """Revoke the school's open codes for `role` and issue one that replaces the holder."""
    revoked = await revoke(session=session, school=school, role=role, now=now, actor_id=actor_id)
    code = await invite_service.issue(
        session=session, school=school, now=now, ttl=ttl, role=role, replaces_holder=True
    )
    holder = await people.school_staff(session, school.id, role)
    district = await districts.get(session, school.district_id)
    assert district is not None
    audit.record(
        session,
        action="invite.reissue",
        at=now,
        actor_id=actor_id,
        district_id=school.district_id,
        school_id=school.id,
        role=role,
    )
    link = invite_service.deep_link(group_id, code)
    return Reissued(school.name, district.name, role, code, link, revoked, holder is not None)


async def revoke(
    *, session: AsyncSession, school: School, role: str, now: datetime, actor_id: int | None
) -> int:
    revoked = await invites.revoke_open(session, school_id=school.id, role=role, now=now)
    audit.record(
        session,
        action="invite.revoke",
        at=now,
        actor_id=actor_id,
        district_id=school.district_id,
        school_id=school.id,
        role=role,
        revoked=revoked,
    )
    return revoked


async def unbound_schools(session: AsyncSession, district: District) -> list[School]:
    """The district's schools without a head in the bot."""
    return await people.schools_without(session, district_id=district.id, role="head")


async def unbound_report(*, db: Database, district_text: str) -> list[tuple[str, list[School]]]:
    """`/unbound [район]`: each district (the one named, or all) with its unbound schools."""
    async with db.reads() as session:
        chosen = (
            [await find_district(session, district_text)]
            if district_text
            else await districts.list_all(session)
        )
        return [(d.name, await unbound_schools(session, d)) for d in chosen]


async def reissue_invite(
    *,
    db: Database,
    school_text: str,
    role: str,
    now: datetime,
    ttl: timedelta,
    group_id: int | None,
    actor_id: int | None,
) -> Reissued:
    """`/reissue`: the school by its name, in any district (SchoolNotFound if none or several)."""
    async with db.sessions.begin() as session:
        school = await find_school(session, school_text, district_ids=None)
        return await reissue(
            session=session,
            school=school,
            role=role,
            now=now,
            ttl=ttl,
            group_id=group_id,
            actor_id=actor_id,
        )


async def revoke_invites(
    *, db: Database, school_text: str, role: str, now: datetime, actor_id: int | None
) -> tuple[str, int]:
    """`/revoke`: the school's name and how many open codes were revoked."""
    async with db.sessions.begin() as session:
        school = await find_school(session, school_text, district_ids=None)
        count = await revoke(session=session, school=school, role=role, now=now, actor_id=actor_id)
        return school.name, count


async def change_archive(
    *, db: Database, school_text: str, archive: bool, now: datetime, actor_id: int | None
) -> ArchiveChange:
    """`/archive`, `/restore`: the school by its name, in any district."""
    async with db.sessions.begin() as session:
        return await archive_by_name(
            session=session,
            school_text=school_text,
            district_id=None,
            archive=archive,
            now=now,
            actor_id=actor_id,
        )


async def archive_by_name(
    *,
    session: AsyncSession,
    school_text: str,
    district_id: int | None,
    archive: bool,
    now: datetime,
    actor_id: int | None,
) -> ArchiveChange:
    """Archive or restore the school its name finds (SchoolNotFound if none or several; of
    an active school and its archived namesake, the one to change); one already where it
    was asked to be is reported, not refused."""
    school = await find_school(
        session,
        school_text,
        district_ids=None if district_id is None else [district_id],
        archived=None,
        prefer=lambda found: (found.archived_at is None) == archive,
    )
    if (school.archived_at is not None) == archive:
        return await _archive_change(session, school, changed=False)
    return await set_archived(
        session=session, school=school, archive=archive, now=now, actor_id=actor_id
    )


async def set_archived(
    *, session: AsyncSession, school: School, archive: bool, now: datetime, actor_id: int | None
) -> ArchiveChange:
    """Archived: no prompts from now on (those waiting are cancelled), no codes left to
    redeem, not counted in the district's figures; its answers stay for past weeks."""
    school.archived_at = now if archive else None
    revoked = 0
    if archive:
        for role in ("head", "deputy"):
            revoked += await invites.revoke_open(session, school_id=school.id, role=role, now=now)
        await outbox.cancel_school(session, school.id)
    audit.record(
        session,
        action="school.archive" if archive else "school.restore",
        at=now,
        actor_id=actor_id,
        district_id=school.district_id,
        school_id=school.id,
        revoked=revoked,
    )
    return await _archive_change(session, school, changed=True, revoked=revoked)


async def _archive_change(
    session: AsyncSession, school: School, *, changed: bool, revoked: int = 0
) -> ArchiveChange:
    district = await districts.get(session, school.district_id)
    assert district is not None
    head = await people.school_staff(session, school.id, "head")
    return ArchiveChange(
        school=school.name,
        district=district.name,
        archived=school.archived_at is not None,
        changed=changed,
        revoked=revoked,
        has_head=head is not None,
    )


async def archived_report(*, db: Database) -> list[tuple[str, list[str]]]:
    """Each district with its archived schools (for `/archive` without a school)."""
    async with db.reads() as session:
        return [
            (
                district.name,
                [s.name for s in await districts.schools(session, district.id, archived=True)],
            )
            for district in await districts.list_all(session)
        ]
