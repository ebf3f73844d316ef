"""An archived school through a real week: no prompts, out of «ответили N из M» and the
shares, its history kept in the export; restored, it is asked again. Contacts from the
office's list reach the officials' Monday escalation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from bot.services.admin import schools as admin
from bot.services.reports import data as reports
from bot.services.reports.export import export_table
from bot.services.rounds import calendar_of
from storage.models import District, OutboxMessage, School
from storage.repos import outbox
from tests.fixtures.sergokala import SCHOOLS
from tests.integration.scheduler.world import OFFICIAL_VK, World, head_vk, moscow

ANSWERED, ARCHIVED, QUIET = 0, 1, 11  # school indexes


async def archive(world: World, index: int, archive: bool = True) -> None:
    await admin.change_archive(
        db=world.db,
        school_text=SCHOOLS[index].name,
        archive=archive,
        now=world.clock.now(),
        actor_id=None,
    )


async def district_week(world: World, period: str):
    async with world.db.reads() as session:
        district = await session.get(District, world.district_id)
        week = calendar_of(district).week_of(moscow(period))
        return await reports.district_week(
            session=session, district=district, now=world.clock.now(), week=week
        )


async def test_an_archived_school_is_out_of_the_round_and_the_figures(world: World) -> None:
    await world.seed()
    async with world.db.sessions.begin() as session:
        await session.execute(
            update(School)
            .where(School.id == world.school_ids[QUIET - 1])
            .values(head_name="Ахмедова Джамиля Омаровна", phone="+7 900 000-01-10")
        )
    scheduler = world.scheduler()
    await scheduler.run_due(moscow("2024-10-21 12:00"))
    await world.answer(ANSWERED)
    await world.answer(ARCHIVED)
    await archive(world, ARCHIVED)
    await archive(world, QUIET)

    last_week = await district_week(world, "2024-10-21 12:00")
    assert (len(last_week.schools), len(last_week.answered)) == (10, 1)
    (share,) = [v for v in last_week.indicators if v.key == "students_active_pct"]
    assert (share.numerator, share.denominator) == (74, 152)  # the answered school's alone

    async with world.db.reads() as session:
        district = await session.get(District, world.district_id)
        table = await export_table(
            session=session, district=district, now=world.clock.now(), weeks=2
        )
    rows = {row["school"]: row for row in table.rows if not row.get("total")}
    assert rows[SCHOOLS[ARCHIVED].name]["students_active"] == SCHOOLS[ARCHIVED].students_active
    assert SCHOOLS[QUIET].name not in rows and len(rows) == 11
    # Like /status, the week's total is the roster's: the archived school is shown, not summed.
    assert rows[SCHOOLS[ARCHIVED].name]["state"] == "ответила, школа в архиве (не в итоге)"
    [total] = [row for row in table.rows if row.get("total")]
    assert total["state"] == "Ответили 1 из 10"
    assert total["students_active_pct"] == share.numerator / share.denominator

    await scheduler.run_due(moscow("2024-10-28 09:01"))
    escalation = world.texts(OFFICIAL_VK)[-1]
    assert "не ответили 9 школ из 10:" in escalation
    assert SCHOOLS[QUIET].name not in escalation
    assert (
        f"• {SCHOOLS[QUIET - 1].name} — Глава{QUIET - 1} Ф\n"
        "   Контакты: Ахмедова Джамиля Омаровна, +7 900 000-01-10"
    ) in escalation
    prompted = await world.delivered("2024-W44")
    prompt_peers = {peer for (kind, peer) in prompted if kind == "prompt"}
    assert head_vk(ANSWERED) in prompt_peers
    assert head_vk(ARCHIVED) not in prompt_peers and head_vk(QUIET) not in prompt_peers

    await archive(world, QUIET, archive=False)
    assert len((await district_week(world, "2024-10-28 09:01")).schools) == 11
    await scheduler.run_due(moscow("2024-10-28 10:00"))
    prompted = await world.delivered("2024-W44")
    assert ("prompt", head_vk(QUIET)) in prompted


async def test_archiving_cancels_what_still_waits_to_be_sent(world: World) -> None:
    await world.seed()
    now = world.clock.now()
    school_id = world.school_ids[QUIET]
    async with world.db.sessions.begin() as session:
        session.add(
            OutboxMessage(
                natural_key="test:prompt",
                kind="prompt",
                school_id=school_id,
                peer_id=head_vk(QUIET),
                payload={"v": 1, "type": "vk", "text": "…"},
                random_id=1,
                not_before=now + timedelta(minutes=5),
                created_at=now,
            )
        )
    await archive(world, QUIET)
    async with world.db.reads() as session:
        row = await session.get(OutboxMessage, 1)
        assert row is not None and row.status == outbox.CANCELLED
