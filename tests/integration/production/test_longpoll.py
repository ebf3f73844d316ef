"""Long Poll: one reader among several instances, a successor resumes where it stopped."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.runtime.longpoll import LongPollBusy
from storage.db import Database
from tests.integration.production.cluster import cluster


async def wait_until(predicate, timeout: float = 10.0) -> None:
    async def poll() -> None:
        while not predicate():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


async def test_second_instance_waits_and_takes_over_after_expiry(
    db: Database, clock: FakeClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.runtime.longpoll")
    async with cluster(db, clock, tmp_path) as group:
        emulator = group.emulator
        emulator.add_user(100, "Имя", "Фамилия")
        a = group.new_instance("a")
        b = group.new_instance("b")
        await a.start()
        assert await emulator.longpoll.wait_for_pollers(1, 10) == 1
        await b.start()
        await wait_until(lambda: "Long Poll уже читает другой экземпляр (a); жду" in caplog.text)

        await emulator.deliver_message(100, "первое")
        await wait_until(lambda: len(emulator.sent_items(100)) == 1)
        # The reply leaves inside the handler; the count follows when the handler returns.
        await wait_until(lambda: a.app.pipeline.stats.processed == 1)
        assert len(emulator.calls_log("groups.getLongPollServer")) == 1  # b never connected

        await a.kill()  # the lease stays with a until it expires, 20 s after its last renewal
        await emulator.deliver_message(100, "пока никто не читает")
        clock.advance(timedelta(seconds=21))
        await wait_until(lambda: len(emulator.sent_items(100)) == 2)
        await emulator.deliver_message(100, "после смены")
        await wait_until(lambda: len(emulator.sent_items(100)) == 3)
        await wait_until(lambda: b.app.pipeline.stats.processed == 2)
        assert "Long Poll: читает этот экземпляр (b)" in caplog.text


async def test_no_wait_refuses_when_another_instance_reads(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    async with cluster(db, clock, tmp_path) as group:
        a = group.new_instance("a")
        await a.start()
        assert await group.emulator.longpoll.wait_for_pollers(1, 10) == 1
        b = group.new_instance("b", wait_for_lease=False)
        with pytest.raises(LongPollBusy) as busy:
            await b.start()
        assert busy.value.holder == "a"


async def test_graceful_stop_hands_the_lease_over_at_once(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    async with cluster(db, clock, tmp_path) as group:
        emulator = group.emulator
        emulator.add_user(100, "Имя", "Фамилия")
        a = group.new_instance("a")
        await a.start()
        assert await emulator.longpoll.wait_for_pollers(1, 10) == 1
        await a.stop()
        b = group.new_instance("b", wait_for_lease=False)
        await b.start()  # no clock movement needed: a released the lease
        await wait_until(lambda: len(emulator.calls_log("groups.getLongPollServer")) == 2)
        await emulator.deliver_message(100, "привет")
        await wait_until(lambda: len(emulator.sent_items(100)) == 1)
