"""Every private message starts with one read: the person's roles and dialog state together,
the same as reading them apart, on both engines."""

from __future__ import annotations

from bot.clock import FakeClock
from bot.services.access import load_actor, load_actors_and_dialogs
from storage.db import Database
from storage.models import District
from storage.repos import dialogs
from storage.repos.dialogs import Overwrite
from tests.utils.factories import make_district, make_staff
from tests.utils.report_factories import official

HEAD_VK, OFFICIAL_VK, STRANGER_VK = 100, 200, 300
SCHOOLS = (("МКОУ «Первая СОШ»", "Первая"), ("МКОУ «Вторая СОШ»", None))


async def _read_apart(db: Database, vk_id: int, admin_ids: list[int]) -> tuple:
    async with db.reads() as session:
        return await load_actor(session, vk_id, admin_ids), await dialogs.peek(session, vk_id)


async def _read_together(db: Database, vk_id: int, admin_ids: list[int]) -> tuple:
    async with db.read_connection() as connection:
        return (await load_actors_and_dialogs(connection, [vk_id], admin_ids))[vk_id]


async def test_roles_and_dialog_in_one_read_match_the_reads_apart(
    db: Database, clock: FakeClock
) -> None:
    district = await make_district(db, now=clock.now(), schools=SCHOOLS)
    await make_staff(db, vk_id=HEAD_VK, school_ids=district.school_ids, now=clock.now())
    async with db.sessions.begin() as session:
        seeded = await session.get(District, district.id)
        assert seeded is not None
        await official(session, district=seeded, vk_id=HEAD_VK, now=clock.now())
        await official(session, district=seeded, vk_id=OFFICIAL_VK, now=clock.now())
        payload = {"school_id": district.school_ids[1], "answers": {"staff_total": 45}, "note": "ё"}
        await dialogs.create(session, vk_id=HEAD_VK, state="checkin", payload=payload,
                             now=clock.now())  # fmt: skip
        await dialogs.create(session, vk_id=STRANGER_VK, state="onboarding", payload={},
                             now=clock.now())  # fmt: skip

    people = (HEAD_VK, OFFICIAL_VK, STRANGER_VK, 999)
    for vk_id in people:
        assert await _read_together(db, vk_id, [OFFICIAL_VK]) == await _read_apart(
            db, vk_id, [OFFICIAL_VK]
        )
    async with db.read_connection() as connection:
        everybody = await load_actors_and_dialogs(connection, people, [OFFICIAL_VK])
    assert everybody == {
        vk_id: await _read_apart(db, vk_id, [OFFICIAL_VK]) for vk_id in people
    }  # fmt: skip

    actor, dialog = await _read_together(db, HEAD_VK, [])
    assert sorted(actor.school_ids) == sorted(district.school_ids)
    assert actor.official_of == {district.id}
    assert dialog == dialogs.Seen("checkin", payload, 0)
    actor, dialog = await _read_together(db, OFFICIAL_VK, [OFFICIAL_VK])
    assert (actor.is_admin, actor.is_staff, actor.official_of, dialog) == (
        True, False, {district.id}, None
    )  # fmt: skip
    actor, dialog = await _read_together(db, STRANGER_VK, [])
    assert (actor.person_id, dialog) == (None, dialogs.Seen("onboarding", {}, 0))


async def test_drafts_written_together_each_only_over_the_version_read(
    db: Database, clock: FakeClock
) -> None:
    now = clock.now()
    async with db.sessions.begin() as session:
        for vk_id in (HEAD_VK, OFFICIAL_VK):
            await dialogs.create(session, vk_id=vk_id, state="s", payload={"n": 0}, now=now)
    async with db.sessions.begin() as session:
        stored = await dialogs.overwrite_all(
            session,
            [
                Overwrite(HEAD_VK, 0, "s", {"n": 1, "text": "Всё хорошо 👍"}, now),
                Overwrite(OFFICIAL_VK, 5, "s", {"n": 1}, now),  # changed since version 5
                Overwrite(STRANGER_VK, 0, "s", {"n": 1}, now),  # has no state
            ],
        )
    assert stored == [True, False, False]
    async with db.reads() as session:
        assert await dialogs.peek(session, HEAD_VK) == ("s", {"n": 1, "text": "Всё хорошо 👍"}, 1)
        assert await dialogs.peek(session, OFFICIAL_VK) == ("s", {"n": 0}, 0)
        assert await dialogs.peek(session, STRANGER_VK) is None


async def test_two_drafts_of_one_person_written_together_store_only_the_first(
    db: Database, clock: FakeClock
) -> None:
    now = clock.now()
    async with db.sessions.begin() as session:
        await dialogs.create(session, vk_id=HEAD_VK, state="s", payload={"n": 0}, now=now)
    async with db.sessions.begin() as session:
        stored = await dialogs.overwrite_all(
            session,
            [Overwrite(HEAD_VK, 0, "s", {"n": 1}, now), Overwrite(HEAD_VK, 0, "s", {"n": 2}, now)],
        )
    assert stored == [True, False]
    async with db.reads() as session:
        assert await dialogs.peek(session, HEAD_VK) == ("s", {"n": 1}, 1)
