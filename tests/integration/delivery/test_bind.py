"""/bind by an official in a new chat: the Friday summary of the district arrives there once,
naming the schools that did not answer and mentioning their heads; /unbind stops it."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FakeClock
from bot.scheduler import Scheduler
from bot.texts import admin as texts
from storage.db import Database
from tests.integration.delivery.helpers import FRIDAY_1701, NEXT_MONDAY_0901, once
from tests.integration.requests.helpers import CHAT_PEER, DISTRICT, OFFICIAL_VK, head_vk, seed
from tests.utils.harness import running_bot

SUMMARY = "Итоги за 21.10–27.10.2024 — Сергокалинский район"


async def test_a_bound_chat_gets_the_summary_once_and_an_unbound_one_stops(
    db: Database, clock: FakeClock
) -> None:
    async with running_bot(db, clock) as bot:
        await seed(db, bot.emulator, clock.now())
        assert bot.app is not None
        peer = bot.emulator.add_chat(7, "Руководители ОО", [OFFICIAL_VK, head_vk(0)])
        bound = await bot.say(OFFICIAL_VK, "/bind сводки", peer_id=peer)
        assert [item["text"] for item in bound] == [texts.BOUND_SUMMARIES.format(district=DISTRICT)]
        scheduler = Scheduler(bot.app.context)
        await scheduler.run_due(FRIDAY_1701)
        await scheduler.run_due(FRIDAY_1701 + timedelta(hours=6))

        for chat in (peer, CHAT_PEER):
            summary = once(bot, chat, SUMMARY)
            assert "Ответили 0 из 12 школ." in summary
            assert f"[id{head_vk(0)}|" in summary and f"[id{head_vk(11)}|" in summary

        await bot.say(OFFICIAL_VK, "/unbind", peer_id=peer)
        mark = bot.last_sent_id()
        await scheduler.run_due(NEXT_MONDAY_0901 + timedelta(days=4, hours=8))  # next Friday
        assert bot.texts(peer, mark) == []
        once(bot, CHAT_PEER, "Итоги за 28.10–03.11.2024", mark)
