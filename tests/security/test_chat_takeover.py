"""An official of one district cannot take over another district's chat with /bind.

District A's official sits in district B's chat and writes /bind there. Were it accepted, B's
summaries would have nowhere to go and A's, with mentions of A's heads, would be posted to
B's chat. The attempt is refused with a clear text, audited, and B's officials are told; an
admin may still move the chat, and B's own official may /unbind it.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.clock import FakeClock
from bot.scheduler import Scheduler
from bot.services.admin import officials as roles
from bot.texts import admin as texts
from storage.db import Database
from storage.models import AuditEvent, Chat, District
from tests.integration.delivery.helpers import ADMIN, FRIDAY_1701, once, received
from tests.integration.requests.helpers import CHAT_PEER, DISTRICT, OFFICIAL_VK, head_vk, seed
from tests.utils.factories import make_district, make_staff
from tests.utils.harness import BotHarness, running_bot

OTHER = "Ахвахский район"
OTHER_HEAD, OTHER_OFFICIAL = 4001, 4101
OTHER_CHAT = 2_000_000_009
SUMMARY = "Итоги за 21.10–27.10.2024 — {district}"


async def _seed_other(db: Database, bot: BotHarness, clock: FakeClock) -> int:
    """District B: one school with its head, an official, and its chat with A's official in."""
    now = clock.now()
    other = await make_district(
        db, now=now, name=OTHER, schools=[("МКОУ «Тадмагитлинская СОШ»", None)]
    )
    await make_staff(db, vk_id=OTHER_HEAD, school_ids=other.school_ids, now=now)
    async with db.sessions.begin() as session:
        await roles.add_official(
            session=session, vk_id=OTHER_OFFICIAL, district_name=OTHER, now=now
        )
        session.add(Chat(peer_id=OTHER_CHAT, district_id=other.id, title="Ахвах", bound_at=now))
    for vk_id in (OTHER_HEAD, OTHER_OFFICIAL):
        bot.user(vk_id)
    bot.emulator.add_chat(OTHER_CHAT - 2_000_000_000, "Ахвах", [OTHER_OFFICIAL, OFFICIAL_VK])
    return other.id


async def _owner(db: Database, peer_id: int) -> str | None:
    async with db.reads() as session:
        query = select(District.name).join(Chat, Chat.district_id == District.id)
        return await session.scalar(query.where(Chat.peer_id == peer_id))


async def test_another_districts_official_cannot_rebind_a_chat(
    db: Database, clock: FakeClock
) -> None:
    async with running_bot(db, clock, admin_ids=[ADMIN]) as bot:
        await seed(db, bot.emulator, clock.now())
        other_id = await _seed_other(db, bot, clock)
        assert bot.app is not None
        mark = bot.last_sent_id()
        for attempt in ("/bind", f"/bind {DISTRICT} сводки"):
            refused = await bot.say(OFFICIAL_VK, attempt, peer_id=OTHER_CHAT)
            assert [item["text"] for item in refused] == [texts.BIND_TAKEN.format(district=OTHER)]
        assert await _owner(db, OTHER_CHAT) == OTHER
        warnings = received(bot, OTHER_OFFICIAL, "пытался привязать", mark)
        assert (
            warnings
            == [
                texts.BIND_TAKEN_WARNING.format(
                    person=f"Анна Ч (id{OFFICIAL_VK})", district=DISTRICT, own=OTHER
                )
            ]
            * 2
        )
        assert bot.texts(OFFICIAL_VK, mark) == []  # A's official is answered in the chat only
        async with db.reads() as session:
            audited = list(
                await session.scalars(
                    select(AuditEvent).where(AuditEvent.action == "chat.bind_refused")
                )
            )
        assert len(audited) == 2
        assert {(row.district_id, row.details["peer_id"]) for row in audited} == {
            (other_id, OTHER_CHAT)
        }

        scheduler = Scheduler(bot.app.context)
        await scheduler.run_due(FRIDAY_1701)
        await scheduler.run_due(FRIDAY_1701 + timedelta(hours=6))
        once(bot, OTHER_CHAT, SUMMARY.format(district=OTHER))
        assert not received(bot, OTHER_CHAT, SUMMARY.format(district=DISTRICT))
        assert not received(bot, OTHER_CHAT, f"[id{head_vk(0)}|")
        once(bot, CHAT_PEER, SUMMARY.format(district=DISTRICT))

        unbound = await bot.say(OTHER_OFFICIAL, "/unbind", peer_id=OTHER_CHAT)
        assert unbound[0]["text"] == texts.UNBOUND_CHAT.format(district=OTHER)
        assert await _owner(db, OTHER_CHAT) is None


async def test_an_admin_may_move_a_chat_and_a_freed_chat_may_be_bound(
    sqlite_db: Database, clock: FakeClock
) -> None:
    db = sqlite_db
    async with running_bot(db, clock, admin_ids=[ADMIN]) as bot:
        await seed(db, bot.emulator, clock.now())
        await _seed_other(db, bot, clock)
        bot.user(ADMIN)
        bot.emulator.add_chat(
            OTHER_CHAT - 2_000_000_000, "Ахвах", [OTHER_OFFICIAL, OFFICIAL_VK, ADMIN]
        )
        moved = await bot.say(ADMIN, f"/bind {DISTRICT}", peer_id=OTHER_CHAT)
        assert moved[0]["text"] == texts.BOUND_WITH_STATUS.format(district=DISTRICT)
        assert await _owner(db, OTHER_CHAT) == DISTRICT
        await bot.say(ADMIN, "/unbind", peer_id=OTHER_CHAT)
        bound = await bot.say(OFFICIAL_VK, "/bind", peer_id=OTHER_CHAT)
        assert bound[0]["text"] == texts.BOUND_WITH_STATUS.format(district=DISTRICT)
        assert await _owner(db, OTHER_CHAT) == DISTRICT
        own = await bot.say(OFFICIAL_VK, "/bind сводки", peer_id=OTHER_CHAT)
        assert own[0]["text"] == texts.BOUND_SUMMARIES.format(district=DISTRICT)
