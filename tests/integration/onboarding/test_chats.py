"""Binding a district chat with /bind, and knowing who blocked the bot."""

from __future__ import annotations

from sqlalchemy import select

from bot.clock import FakeClock
from bot.services.admin import officials as roles
from bot.services.onboarding import reachability
from bot.services.onboarding import redeem as onboarding
from bot.texts import admin as texts
from bot.texts import onboarding as onboarding_texts
from bot.texts import reports as report_texts
from storage.db import Database
from storage.models import AuditEvent, Chat, District
from tests.integration.onboarding.conftest import ADMIN, seed_district
from tests.utils.harness import running_bot
from tests.utils.sergokala import DISTRICT

OFFICIAL = 700
DEGVA = "МКОУ «Дегвинская СОШ»"


async def appoint(db: Database, clock: FakeClock, vk_id: int, district: str = DISTRICT) -> None:
    async with db.sessions.begin() as session:
        await roles.add_official(
            session=session, vk_id=vk_id, district_name=district, now=clock.now()
        )


async def chats(db: Database) -> list[tuple[int, str, bool]]:
    async with db.reads() as session:
        rows = await session.execute(
            select(Chat.peer_id, District.name, Chat.answers_status).join(District)
        )
        return sorted(tuple(row) for row in rows)


async def test_an_official_binds_and_unbinds_the_district_chat(
    db: Database, clock: FakeClock
) -> None:
    await seed_district(db, clock)
    await appoint(db, clock, OFFICIAL)
    async with running_bot(db, clock, admin_ids=[ADMIN]) as bot:
        peer = bot.emulator.add_chat(1, "Руководители ОО", [OFFICIAL, 501])
        bound = await bot.say(OFFICIAL, "/bind", peer_id=peer)
        assert [r["text"] for r in bound] == [texts.BOUND_WITH_STATUS.format(district=DISTRICT)]
        assert await chats(db) == [(peer, DISTRICT, True)]
        summaries = await bot.say(OFFICIAL, "[club1|@svodka] /bind сводки", peer_id=peer)
        assert summaries[0]["text"] == texts.BOUND_SUMMARIES.format(district=DISTRICT)
        assert await chats(db) == [(peer, DISTRICT, False)]
        stranger = await bot.say(501, "/unbind", peer_id=peer)
        assert [r["text"] for r in stranger] == [onboarding_texts.REFUSED_OFFICE]
        unbound = await bot.say(OFFICIAL, "/unbind", peer_id=peer)
        assert unbound[0]["text"] == texts.UNBOUND_CHAT.format(district=DISTRICT)
        again = await bot.say(OFFICIAL, "/unbind", peer_id=peer)
        assert again[0]["text"] == texts.NOT_BOUND
    assert await chats(db) == []
    async with db.reads() as session:
        actions = list(await session.scalars(select(AuditEvent.action)))
    assert actions.count("chat.bind") == 2 and actions.count("chat.unbind") == 1


async def test_without_admin_rights_the_bot_explains_what_to_do(
    sqlite_db: Database, clock: FakeClock
) -> None:
    await seed_district(sqlite_db, clock)
    await appoint(sqlite_db, clock, OFFICIAL)
    async with running_bot(sqlite_db, clock) as bot:
        peer = bot.emulator.add_chat(2, "Чат района", [OFFICIAL], bot_is_admin=False)
        replies = await bot.say(OFFICIAL, "/bind", peer_id=peer)
    assert [r["text"] for r in replies] == [texts.BIND_NEEDS_ADMIN]
    assert await chats(sqlite_db) == []


async def test_strangers_heads_and_other_districts_cannot_bind(
    sqlite_db: Database, clock: FakeClock
) -> None:
    codes = await seed_district(sqlite_db, clock)
    await seed_district(sqlite_db, clock, "Ахвахский район", ["Школа №2"])
    await appoint(sqlite_db, clock, OFFICIAL)
    async with running_bot(sqlite_db, clock, admin_ids=[ADMIN]) as bot:
        await bot.say(501, codes[DEGVA])
        peer = bot.emulator.add_chat(3, "Чат", [OFFICIAL, 501, 999])
        for who in (999, 501):
            refused = await bot.say(who, "/bind", peer_id=peer)
            assert [r["text"] for r in refused] == [onboarding_texts.REFUSED_OFFICE]
        other = await bot.say(OFFICIAL, "/bind Ахвахский", peer_id=peer)
        assert other[0]["text"] == texts.BIND_NOT_YOURS.format(district="Ахвахский район")
        private = await bot.say(OFFICIAL, "/bind")
        assert private[0]["text"] == texts.BIND_IN_PRIVATE
        which = await bot.say(ADMIN, "/bind", peer_id=peer)
        assert "Укажите район" in which[0]["text"] and "Ахвахский район" in which[0]["text"]
        chosen = await bot.say(ADMIN, "/bind ахвахский статус", peer_id=peer)
        assert chosen[0]["text"] == texts.BOUND_WITH_STATUS.format(district="Ахвахский район")
    assert await chats(sqlite_db) == [(peer, "Ахвахский район", True)]


async def test_a_head_who_blocks_the_bot_is_shown_as_unreachable(
    db: Database, clock: FakeClock
) -> None:
    codes = await seed_district(db, clock)
    async with running_bot(db, clock) as bot:
        bot.user(501, "Патимат", "Магомедова")
        await bot.say(501, codes[DEGVA])
        await bot.emulator.set_allowed(501, False)
        await bot.emulator.set_allowed(999, False)  # a stranger: nothing to record
        await bot.settle()
        async with db.reads() as session:
            district_id = (await session.scalars(select(District.id))).one()
            blocked = await reachability.unreachable_heads(session, district_id)
        assert [(h.school, h.vk_id, h.first_name) for h in blocked] == [(DEGVA, 501, "Патимат")]
        await bot.emulator.set_allowed(501, True)
        await bot.settle()
        async with db.reads() as session:
            assert await reachability.unreachable_heads(session, district_id) == []


async def test_redeeming_a_code_makes_a_blocked_person_reachable(
    sqlite_db: Database, clock: FakeClock
) -> None:
    codes = await seed_district(sqlite_db, clock)
    db, now = sqlite_db, clock.now()
    await onboarding.redeem(db=db, vk_id=501, code=codes[DEGVA], now=now)
    assert await reachability.set_reachable(db=db, vk_id=501, reachable=False)
    result = await onboarding.redeem(db=db, vk_id=501, code=list(codes.values())[1], now=now)
    assert result.outcome == "redeemed"
    assert not await reachability.set_reachable(db=db, vk_id=501, reachable=True)


async def test_status_in_a_chat_is_refused_for_the_chats_reason(
    sqlite_db: Database, clock: FakeClock
) -> None:
    await seed_district(sqlite_db, clock)
    await appoint(sqlite_db, clock, OFFICIAL)
    async with running_bot(sqlite_db, clock) as bot:
        peer = bot.emulator.add_chat(4, "Чат", [OFFICIAL, 999])
        unbound = await bot.say(999, "/status", peer_id=peer)
        assert [r["text"] for r in unbound] == [report_texts.CHAT_NOT_BOUND]
        await bot.say(OFFICIAL, "/bind сводки", peer_id=peer)
        summaries_only = await bot.say(999, "/missing", peer_id=peer)
        assert [r["text"] for r in summaries_only] == [report_texts.CHAT_STATUS_OFF]
        remind = await bot.say(999, "/remind", peer_id=peer)
        assert [r["text"] for r in remind] == [onboarding_texts.REFUSED_OFFICE]
