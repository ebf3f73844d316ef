"""Every update starts with one read of who wrote: their roles, the chat they wrote in and
their dialog state, on both engines."""

from __future__ import annotations

from bot.clock import FakeClock
from bot.domain.dialog_state import Seen
from bot.services.access import load_person
from storage.db import Database
from storage.models import Chat, District
from storage.repos import dialogs
from tests.utils.factories import make_district, make_staff
from tests.utils.report_factories import official

HEAD_VK, OFFICIAL_VK, STRANGER_VK = 100, 200, 300
CHAT = 2_000_000_001
SCHOOLS = (("МКОУ «Первая СОШ»", "Первая"), ("МКОУ «Вторая СОШ»", None))


async def test_roles_chat_and_dialog_of_who_wrote(db: Database, clock: FakeClock) -> None:
    district = await make_district(db, now=clock.now(), schools=SCHOOLS)
    await make_staff(db, vk_id=HEAD_VK, school_ids=district.school_ids, now=clock.now())
    payload = {"school_id": district.school_ids[1], "answers": {"staff_total": 45}, "note": "ё"}
    async with db.sessions.begin() as session:
        seeded = await session.get(District, district.id)
        assert seeded is not None
        await official(session, district=seeded, vk_id=HEAD_VK, now=clock.now())
        await official(session, district=seeded, vk_id=OFFICIAL_VK, now=clock.now())
        await dialogs.create(session, vk_id=HEAD_VK, state="checkin", payload=payload,
                             now=clock.now())  # fmt: skip
        await dialogs.create(session, vk_id=STRANGER_VK, state="onboarding", payload={},
                             now=clock.now())  # fmt: skip
        session.add(Chat(peer_id=CHAT, district_id=district.id, bound_at=clock.now()))

    async def person(vk_id: int, peer_id: int, admins: list[int]) -> tuple:
        return await load_person(db=db, vk_id=vk_id, peer_id=peer_id, admin_ids=admins)

    actor, dialog = await person(HEAD_VK, HEAD_VK, [])
    assert sorted(actor.school_ids) == sorted(district.school_ids)
    assert (actor.official_of, actor.chat, dialog) == (
        {district.id}, None, Seen("checkin", payload, 0)
    )  # fmt: skip
    actor, dialog = await person(OFFICIAL_VK, OFFICIAL_VK, [OFFICIAL_VK])
    assert (actor.is_admin, actor.is_staff, actor.official_of, dialog) == (
        True, False, {district.id}, None
    )  # fmt: skip
    actor, dialog = await person(STRANGER_VK, STRANGER_VK, [])
    assert (actor.person_id, actor.is_stranger, dialog) == (None, True, Seen("onboarding", {}, 0))
    # In a group chat: the chat's grant, and no dialog (dialogs are private).
    actor, dialog = await person(HEAD_VK, CHAT, [])
    assert actor.chat is not None and actor.chat.district_id == district.id
    assert dialog is None
    actor, dialog = await person(999, 999, [])
    assert (actor.person_id, actor.is_stranger, dialog) == (None, True, None)
