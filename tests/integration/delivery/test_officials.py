"""/official add and remove: the person is told once, and from then on the Monday escalation
reaches the officials the district has at that moment, once each."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FakeClock
from bot.scheduler import Scheduler
from bot.texts import admin as texts
from storage.db import Database
from tests.integration.delivery.helpers import ADMIN, NEXT_MONDAY_0901, once, received
from tests.integration.requests.helpers import DISTRICT, OFFICIAL_VK, seed
from tests.utils.harness import running_bot

ADDED, REMOVED, SILENT = 700, 701, 702
APPOINTED = "Вас назначили ответственным района «Сергокалинский район»"
DISMISSED = "Вы больше не ответственный района «Сергокалинский район»"
ESCALATION = f"На прошлой неделе (21.10–27.10.2024) в районе «{DISTRICT}» не ответили 12 школ из 12"


async def test_appointed_official_is_told_and_gets_the_escalation_once(
    db: Database, clock: FakeClock
) -> None:
    async with running_bot(db, clock, admin_ids=[ADMIN]) as bot:
        await seed(db, bot.emulator, clock.now())
        assert bot.app is not None
        for vk_id in (ADMIN, ADDED, REMOVED):
            bot.user(vk_id)
            await bot.say(vk_id, "Здравствуйте")
        await bot.say(ADMIN, f"/official add {ADDED} {DISTRICT}")
        await bot.say(ADMIN, f"/official add {REMOVED} {DISTRICT}")
        await bot.say(ADMIN, f"/official add {ADDED} {DISTRICT}")  # again: nothing new to say
        await bot.say(ADMIN, f"/official remove {REMOVED} {DISTRICT}")
        once(bot, ADDED, APPOINTED)
        once(bot, REMOVED, APPOINTED)
        once(bot, REMOVED, DISMISSED)

        mark = bot.last_sent_id()
        scheduler = Scheduler(bot.app.context)
        await scheduler.run_due(NEXT_MONDAY_0901)
        await scheduler.run_due(NEXT_MONDAY_0901 + timedelta(hours=6))
        for official in (ADDED, OFFICIAL_VK):
            once(bot, official, ESCALATION, mark)
        assert bot.texts(REMOVED, mark) == []
        assert not received(bot, ADMIN, ESCALATION)


async def test_the_admin_learns_when_the_appointed_person_cannot_be_told(
    db: Database, clock: FakeClock
) -> None:
    """VK lets a community write only to people who wrote to it first: an appointee who never
    did is not told, so the admin is, and asks them to write to the bot."""
    async with running_bot(db, clock, admin_ids=[ADMIN]) as bot:
        await seed(db, bot.emulator, clock.now())
        bot.user(ADMIN)
        bot.user(ADDED)
        bot.emulator.add_user(SILENT, "Молчун", "М", allows_messages=False)
        added = await bot.say(ADMIN, f"/official add {SILENT} {DISTRICT}")
        assert [item["text"] for item in added] == [
            texts.OFFICIAL_ADDED.format(person=f"Молчун М (id{SILENT})", district=DISTRICT)
            + "\n"
            + texts.OFFICIAL_NOT_TOLD
        ]
        told = await bot.say(ADMIN, f"/official add {ADDED} {DISTRICT}")
        assert [item["text"] for item in told] == [
            texts.OFFICIAL_ADDED.format(person=f"Имя Фамилия (id{ADDED})", district=DISTRICT)
        ]
        assert bot.texts(SILENT) == []
        once(bot, ADDED, APPOINTED)
