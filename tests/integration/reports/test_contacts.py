"""Contacts from the office's list where an official would phone: /missing and
/status <школа> in a private chat — never in the district chat, never in a head's /my."""

from __future__ import annotations

from bot.clock import FakeClock
from storage.db import Database
from tests.fixtures.office_files import sergokala
from tests.integration.onboarding.conftest import ADMIN
from tests.integration.onboarding.test_archive_bot import HEAD, OFFICIAL, seed
from tests.utils.harness import running_bot

DEGVA = sergokala()[0]


async def test_contacts_where_an_official_phones_and_not_in_the_chat(
    db: Database, clock: FakeClock
) -> None:
    code = await seed(db, clock)
    async with running_bot(db, clock, admin_ids=[ADMIN]) as bot:
        bot.user(HEAD, "Патимат", "Гаджиева")
        await bot.say(HEAD, code)
        missing = (await bot.say(OFFICIAL, "/missing"))[0]["text"]
        assert (
            f"• {DEGVA.name} — Патимат Гаджиева\n   Контакты: {DEGVA.head}, {DEGVA.phone}, {DEGVA.email}"
        ) in missing
        assert missing.count("   Контакты: ") == 12
        school = (await bot.say(OFFICIAL, "/status Дегвинская"))[0]["text"]
        assert school.splitlines()[1] == f"Контакты: {DEGVA.head}, {DEGVA.phone}, {DEGVA.email}"

        peer = bot.emulator.add_chat(1, "Руководители ОО", [OFFICIAL, HEAD])
        await bot.say(OFFICIAL, "/bind", peer_id=peer)
        in_chat = (await bot.say(OFFICIAL, "/missing", peer_id=peer))[0]["text"]
        assert DEGVA.name in in_chat and "Контакты" not in in_chat and DEGVA.phone not in in_chat
        my = (await bot.say(HEAD, "/my"))[0]["text"]
        assert DEGVA.phone not in my
