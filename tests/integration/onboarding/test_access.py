"""Every command × every kind of person through VK: refused politely, or let through."""

from __future__ import annotations

from bot.clock import FakeClock
from bot.domain.permissions import COMMANDS, Actor
from bot.services.admin import officials as roles
from bot.texts import help as help_texts
from bot.texts import onboarding as texts
from handlers.guard import REFUSALS
from storage.db import Database
from tests.integration.onboarding.conftest import ADMIN, seed_district
from tests.utils.harness import running_bot
from tests.utils.sergokala import DISTRICT

DEGVA = "МКОУ «Дегвинская СОШ»"
HEAD, OFFICIAL, OTHER_OFFICIAL, STRANGER, LOST_HEAD, LOST_OFFICIAL = 501, 700, 701, 999, 502, 702

ANYONE = {"help", "start"}
OFFICE = {"status", "missing", "rating", "remind", "export", "chart", "bind", "unbind", "request"}
OFFICE |= {"correct", "внести"}
OFFICE |= {"статус", "должники", "рейтинг", "напомнить", "выгрузка", "график"}
STAFF = {"my", "моя", "report", "status", "статус"}  # a head's /status is their school's
# The dashboard's sign-in link: the office, and heads for their own school's page.
WEB = {"web", "сайт"}
OFFICE |= WEB
STAFF |= WEB
# Who may use each command at all (an official of another district may still use the
# district commands, for their own district; the handlers check the target).
MAY_USE = {
    ADMIN: set(COMMANDS) - {"report"},  # answering is for a school's own staff
    OFFICIAL: ANYONE | OFFICE,
    OTHER_OFFICIAL: ANYONE | OFFICE,
    HEAD: ANYONE | STAFF,
    STRANGER: ANYONE,
    LOST_HEAD: ANYONE,
    LOST_OFFICIAL: ANYONE,
}


async def test_every_command_for_every_role(sqlite_db: Database, clock: FakeClock) -> None:
    codes = await seed_district(sqlite_db, clock)
    await seed_district(sqlite_db, clock, "Ахвахский район", ["Школа №2"])
    async with sqlite_db.sessions.begin() as session:
        for vk_id, district in (
            (OFFICIAL, DISTRICT),
            (OTHER_OFFICIAL, "Ахвахский район"),
            (LOST_OFFICIAL, DISTRICT),
        ):
            await roles.add_official(
                session=session, vk_id=vk_id, district_name=district, now=clock.now()
            )
        await roles.remove_official(
            session=session, vk_id=LOST_OFFICIAL, district_name=DISTRICT, now=clock.now()
        )
    async with running_bot(sqlite_db, clock, admin_ids=[ADMIN]) as bot:
        # One refusal repeated to one person many times: VK's flood control is not under test.
        bot.emulator.flood_limit = 10_000
        await bot.say(HEAD, codes[DEGVA])
        await bot.say(LOST_HEAD, list(codes.values())[1])
        await bot.say(LOST_HEAD, "Нет, это ошибка", payload={"c": "onb_no"})
        for vk_id, allowed in MAY_USE.items():
            for command in COMMANDS:
                replies = await bot.say(vk_id, f"/{command}")
                refusal = REFUSALS[COMMANDS[command]] if command not in allowed else None
                texts_sent = [r["text"] for r in replies]
                # Allowed commands reach their feature, whatever it answers; refused ones
                # get exactly the refusal for that command, and nothing else.
                assert (texts_sent == [refusal]) is (refusal is not None), (vk_id, command)


async def test_refusals_carry_no_data_and_unknown_commands_get_a_hint(
    sqlite_db: Database, clock: FakeClock
) -> None:
    await seed_district(sqlite_db, clock)
    async with running_bot(sqlite_db, clock, admin_ids=[ADMIN]) as bot:
        refused = await bot.say(STRANGER, f"/unbound {DISTRICT}")
        assert [r["text"] for r in refused] == [texts.REFUSED_ADMIN]
        unknown = await bot.say(ADMIN, "/frobnicate")
        assert [r["text"] for r in unknown] == [
            help_texts.options(Actor(ADMIN, None, True, frozenset(), ()), "frobnicate")
        ]


async def test_a_failed_refusal_does_not_let_the_command_through(
    sqlite_db: Database, clock: FakeClock
) -> None:
    """vkbottle tries the next handler when one raises: the refusal must not raise, and the
    admin handlers check the role themselves too."""
    await seed_district(sqlite_db, clock)
    async with running_bot(sqlite_db, clock, admin_ids=[ADMIN]) as bot:
        bot.emulator.inject_fault(method="messages.send", error_code=100, times=1)
        replies = await bot.say(STRANGER, "/districts")
    assert replies == []
