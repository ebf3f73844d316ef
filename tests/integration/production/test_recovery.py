"""An instance killed in the middle of its work: restarted under its name it takes its events
back at once; another instance takes them over within 30 s (the Long Poll lease: see
test_longpoll.py); claims a live instance renews are never taken over."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.runtime.identity import instance_name
from bot.runtime.instance import Instance
from storage.db import Database
from tests.integration.production.cluster import CONFIRMATION, SECRET, Cluster, cluster
from tests.integration.production.test_callback import claimed_by, replies_per_person

PEOPLE = range(100, 106)


async def _hung_with_claims(group: Cluster, monkeypatch: pytest.MonkeyPatch) -> Instance:
    """Instance "a" claimed a message of each person and hangs in the first handler."""
    a = group.new_instance("a", callback=True)
    hung = asyncio.Event()

    async def hang(update: dict[str, Any]) -> None:
        hung.set()
        await asyncio.Event().wait()

    monkeypatch.setattr(a.app.pipeline, "_handle", hang)
    await a.start()
    assert await group.emulator.use_callback(
        f"http://127.0.0.1:{a.port}/callback", SECRET, CONFIRMATION
    )
    for person in PEOPLE:
        group.emulator.add_user(person, "Имя", "Фамилия")
        await group.emulator.deliver_message(person, "что это?")
    assert await group.emulator.callback.drain(10)
    await asyncio.wait_for(hung.wait(), 10)
    await asyncio.wait_for(claimed_by(group.db, "a", len(PEOPLE)), 10)
    return a


async def test_the_instance_restarted_handles_its_claimed_events_at_once(
    db: Database, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with cluster(db, clock, tmp_path) as group:
        a = await _hung_with_claims(group, monkeypatch)
        await a.kill()
        restarted = group.new_instance("a", callback=True)
        await restarted.start()  # the clock has not moved: the claims are live
        await group.settle([restarted])
        assert replies_per_person(group.emulator) == dict.fromkeys(PEOPLE, 1)


async def test_another_instance_takes_the_events_over_within_30_seconds(
    db: Database, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with cluster(db, clock, tmp_path) as group:
        a = await _hung_with_claims(group, monkeypatch)
        await a.kill()
        b = group.new_instance("b", callback=True)
        clock.advance(timedelta(seconds=19))
        assert await b.worker.claim_once() == 0
        clock.advance(timedelta(seconds=2))
        await b.start()
        await group.settle([b])
        assert replies_per_person(group.emulator) == dict.fromkeys(PEOPLE, 1)


async def test_claims_a_live_instance_renews_are_not_taken_over(
    db: Database, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with cluster(db, clock, tmp_path) as group:
        a = await _hung_with_claims(group, monkeypatch)
        b = group.new_instance("b", callback=True)
        for _ in range(4):  # a minute and more, renewed every 15 s
            clock.advance(timedelta(seconds=15))
            await a.worker.renew_claims()
            assert await b.worker.claim_once() == 0
        await a.kill()  # renewals stop
        clock.advance(timedelta(seconds=21))
        assert await b.worker.claim_once() == len(PEOPLE)


def test_the_name_outlives_a_restart_and_is_never_shared(tmp_path: Path) -> None:
    with instance_name(tmp_path / "var") as first:
        pass
    with instance_name(tmp_path / "var") as again:
        assert again == first
        # A second process on the same directory while the first runs: a name of its own.
        with instance_name(tmp_path / "var") as second:
            assert second != first
    with instance_name(tmp_path / "other") as elsewhere:
        assert elsewhere != first
    (tmp_path / "a file").write_text("")
    with instance_name(tmp_path / "a file" / "var") as unwritable:  # runs, named for this run
        assert unwritable not in (first, elsewhere)
