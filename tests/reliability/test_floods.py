"""Floods: one person's spam does not starve anyone; a whole district writing at once is
answered, each person exactly once."""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.texts import common as texts
from storage.db import Database
from tests.utils.harness import running_bot

FLOOD = 50
OTHERS = 20
HEADS = 2_000


async def test_a_flooder_of_50_messages_is_shed_and_20_others_all_answered(
    sqlite_db: Database, clock: FakeClock
) -> None:
    async with running_bot(sqlite_db, clock) as bot:
        # VK's own flood control (error 9 on >10 equal texts) is tested with the faults;
        # here it would only add backoff sleeps to the flooder's replies.
        bot.emulator.flood_limit = 1_000
        flooder = 100
        bot.user(flooder)
        others = list(range(1_000, 1_000 + OTHERS))
        for vk_id in others:
            bot.user(vk_id)
        # The flood and the others' messages interleave in the same Long Poll batches.
        for n in range(FLOOD):
            await bot.emulator.deliver_message(flooder, f"спам {n}")
            if n % (FLOOD // OTHERS) == 0 and others[n // (FLOOD // OTHERS) :]:
                await bot.emulator.deliver_message(others[n // (FLOOD // OTHERS)], "привет")
        await bot.settle()
        stats = bot.app.pipeline.stats
        per_peer = Counter(item["peer_id"] for item in bot.emulator.sent_items())
        flooded = bot.texts(flooder)
    assert {vk_id: per_peer[vk_id] for vk_id in others} == dict.fromkeys(others, 1)
    assert flooded.count(texts.TOO_MANY_MESSAGES) == 1
    assert stats.shed > 0 and stats.failed == 0
    # The flooder's queue never exceeded the per-person limit (20) plus the others' one each.
    assert stats.max_backlog <= 20 + OTHERS
    assert len(flooded) == FLOOD - stats.shed + 1


async def test_2000_heads_writing_in_the_same_minute_each_get_exactly_one_reply(
    sqlite_db: Database, clock: FakeClock
) -> None:
    async with running_bot(sqlite_db, clock) as bot:
        heads = range(10_000, 10_000 + HEADS)
        for vk_id in heads:
            bot.user(vk_id)
        for vk_id in heads:
            await bot.emulator.deliver_message(vk_id, "Добрый день")
        await bot.settle()
        per_peer = Counter(item["peer_id"] for item in bot.emulator.sent_items())
        stats = bot.app.pipeline.stats
    assert stats.received == HEADS and stats.failed == 0 and stats.shed == 0
    assert len(per_peer) == HEADS and set(per_peer.values()) == {1}


async def test_a_flood_is_logged_once_a_minute_per_person_not_once_per_drop(
    sqlite_db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.runtime")
    flooders = [100, 101]

    def flood_lines() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.getMessage().startswith("flood:")]

    async with running_bot(sqlite_db, clock) as bot:
        bot.emulator.flood_limit = 10_000
        for vk_id in [*flooders, 200]:
            bot.user(vk_id)
        for n in range(HEADS // len(flooders)):
            for vk_id in flooders:
                await bot.emulator.deliver_message(vk_id, f"спам {n}")
        await bot.settle()
        shed = bot.app.pipeline.stats.shed
        # Each flooder's first drop is logged as it happens; the rest wait for the minute.
        assert len(flood_lines()) == len(flooders)
        clock.advance(timedelta(seconds=61))
        await bot.say(200, "привет")  # any later update closes the minute
        lines = flood_lines()
    assert shed > 0.9 * HEADS
    assert len(lines) == 2 * len(flooders), lines
    assert sum(int(re.search(r"dropped (\d+)", line)[1]) for line in lines) == shed
    print(f"{HEADS} messages from {len(flooders)} people: {shed} dropped, {len(lines)} lines")
