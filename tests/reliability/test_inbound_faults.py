"""Faults on the way in and out: every message is answered exactly once — none lost, none
twice — whatever VK, the network or a restart does in between."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from bot.clock import FakeClock
from storage.db import Database
from tests.utils.harness import BotHarness, running_bot

USERS = list(range(500, 510))
PER_USER = 3
MESSAGES = len(USERS) * PER_USER  # 30


async def _stream(bot: BotHarness, fault: dict[str, Any] | None = None, at: int = 10) -> None:
    """30 messages from 10 people, interleaved; `fault` is injected after the `at`-th."""
    for vk_id in USERS:
        bot.user(vk_id)
    n = 0
    for round_ in range(PER_USER):
        for vk_id in USERS:
            if fault is not None and n == at:
                bot.emulator.inject_fault(**fault)
            await bot.emulator.deliver_message(vk_id, f"сообщение {round_}")
            n += 1
    await bot.settle()


def _answers(bot: BotHarness) -> Counter[int]:
    return Counter(item["peer_id"] for item in bot.emulator.sent_items())


FAULTS = {
    "error6x3": {"method": "messages.send", "error_code": 6, "times": 3},
    "error9x3": {"method": "messages.send", "error_code": 9, "times": 3},
    "error10x3": {"method": "messages.send", "error_code": 10, "times": 3},
    "http502x3": {"http_status": 502, "times": 3},
    "dropped_connections3": {"drop_connections": 3},
    "longpoll_failed1": {"longpoll_failed": 1},
    "longpoll_failed2": {"longpoll_failed": 2},
    "longpoll_failed3": {"longpoll_failed": 3},
    "longpoll_hang1s": {"longpoll_hang_s": 1.0},
}


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
async def test_30_messages_answered_once_each_under_fault(
    sqlite_db: Database, clock: FakeClock, fault: dict[str, Any]
) -> None:
    async with running_bot(sqlite_db, clock) as bot:
        await _stream(bot, fault)
        answers = _answers(bot)
        stats = bot.app.pipeline.stats
        errors = sum(bot.emulator.errors.values()) + bot.emulator.counters["dropped_connections"]
    assert answers == dict.fromkeys(USERS, PER_USER), "lost or duplicated replies"
    assert stats.processed == MESSAGES and stats.failed == 0
    if "error_code" in fault:
        assert errors >= fault["times"]  # the fault really fired


async def test_a_replayed_batch_and_out_of_order_events_are_handled_once(
    sqlite_db: Database, clock: FakeClock
) -> None:
    async with running_bot(sqlite_db, clock) as bot:
        await _stream(bot)
        longpoll = bot.emulator.longpoll
        replayed = [dict(u) for u in longpoll._updates[-MESSAGES:]]
        for update in reversed(replayed):  # the whole stream again, backwards
            await longpoll.push(update)
        await bot.settle()
        answers = _answers(bot)
        stats = bot.app.pipeline.stats
    assert answers == dict.fromkeys(USERS, PER_USER)
    assert stats.duplicates == MESSAGES


async def test_restart_between_batches_loses_nothing_and_repeats_nothing(
    db: Database, clock: FakeClock
) -> None:
    async with running_bot(db, clock) as bot:
        for vk_id in USERS:
            bot.user(vk_id)
        for round_ in range(PER_USER):
            for vk_id in USERS:
                await bot.emulator.deliver_message(vk_id, f"сообщение {round_}")
            await bot.settle()
            await bot.stop()
            # Written while the bot is down: fetched from the saved Long Poll position.
            await bot.emulator.deliver_message(USERS[0], "пока бот лежал")
            await bot.start()
        await bot.settle()
        answers = _answers(bot)
    expected = dict.fromkeys(USERS, PER_USER)
    expected[USERS[0]] += PER_USER
    assert answers == expected


async def test_killed_mid_batch_every_message_is_answered_exactly_once(
    sqlite_db: Database, clock: FakeClock
) -> None:
    """The bot dies while 30 claimed updates are still queued, then restarts."""
    async with running_bot(sqlite_db, clock) as bot:
        for vk_id in USERS:
            bot.user(vk_id)
        for round_ in range(PER_USER):
            for vk_id in USERS:
                await bot.emulator.deliver_message(vk_id, f"сообщение {round_}")
        while len(bot.emulator.sent_items()) < 5:
            await asyncio.sleep(0.001)
        await bot.restart()
        await bot.settle()
        answers = _answers(bot)
    answered = sum(answers.values())
    assert answered == MESSAGES, f"lost {MESSAGES - answered} of {MESSAGES}"
    assert max(answers.values()) <= PER_USER, "duplicated replies"


@pytest.mark.slow
async def test_soak_300_messages_under_every_fault_in_turn(
    sqlite_db: Database, clock: FakeClock
) -> None:
    async with running_bot(sqlite_db, clock) as bot:
        for fault in FAULTS.values():
            await _stream(bot, fault)
        answers = _answers(bot)
    assert answers == dict.fromkeys(USERS, PER_USER * len(FAULTS))
