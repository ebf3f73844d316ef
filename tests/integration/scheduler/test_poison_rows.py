"""A row that cannot be sent is set aside with its reason, logged and counted once; the rows
claimed beside it go out in the same tick, and the tick does not fail."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import update

from bot.domain.outbox import VkMessage
from bot.metrics import Metrics
from bot.sandbox import Sandbox
from bot.scheduler.planner import plan
from bot.services.outbox.rows import new_row
from storage.models import OutboxMessage
from storage.repos import outbox as repo
from tests.integration.requests.helpers import Inbox, free_port, smtp_server
from tests.integration.scheduler.world import World, moscow

GOOD = 50
POISON_PEER = 5999


def _peer(n: int) -> int:
    return 5001 + n


def _good(world: World, n: int) -> dict[str, Any]:
    now = world.clock.now()
    return new_row(
        kind="prompt",
        payload=VkMessage.of(f"Сообщение {n}"),
        natural_key=f"test:good:{n}",
        peer_id=_peer(n),
        not_before=now,
        not_after=now + timedelta(days=1),
        now=now,
    )


def _poison(world: World, **values: Any) -> dict[str, Any]:
    """A row as an earlier release or a hand edit could have stored it, not through new_row."""
    row = {**_good(world, 0), "natural_key": "test:poison", "peer_id": POISON_PEER}
    return {**row, **values}


async def _store(world: World, poison: dict[str, Any] | None) -> None:
    """25 good rows, the poison, 25 good rows: the poison is claimed in the middle."""
    for n in range(GOOD):
        world.emulator.add_user(_peer(n), "Имя", "Фамилия")
    world.emulator.add_user(POISON_PEER, "Имя", "Фамилия")
    good = [_good(world, n) for n in range(GOOD)]
    rows = [*good[: GOOD // 2], *([poison] if poison else []), *good[GOOD // 2 :]]
    async with world.db.sessions.begin() as session:
        for row in rows:  # one by one, so that ids follow this order
            await repo.insert(session, [row])


async def _row(world: World, natural_key: str) -> OutboxMessage:
    return next(row for row in await world.outbox() if row.natural_key == natural_key)


def _failed_count(metrics: Metrics, reason: str) -> float:
    value = metrics.registry.get_sample_value("svodka_outbox_failed_total", {"reason": reason})
    assert value is not None
    return value


def _assert_good_delivered_once(world: World) -> None:
    for n in range(GOOD):
        assert [item["text"] for item in world.emulator.sent_items(_peer(n))] == [f"Сообщение {n}"]


POISONS = {
    "garbage payload": (
        {"payload": {"garbage": True}},
        "unreadable: texts: Field required; garbage: Extra inputs are not permitted",
    ),
    "payload of a newer release": (
        {"payload": {"version": 2, "texts": ["Привет"]}},
        "unreadable: version 2, this release reads 1",
    ),
    "keyboard VK would refuse": (
        {"payload": {"texts": ["Привет"], "keyboard": "{не json"}},
        "unreadable: keyboard: Value error, the keyboard is not JSON",
    ),
    "no peer": ({"peer_id": None}, "unreadable: the row has no peer"),
    "unknown kind": ({"kind": "fax"}, "unreadable: unknown kind 'fax'"),
    "peer refuses for good": ({}, "refused: VK error 901"),
}


@pytest.mark.parametrize("case", list(POISONS))
async def test_one_bad_row_beside_fifty_good_ones(
    world: World, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    values, reason = POISONS[case]
    await _store(world, _poison(world, **values))
    if case == "peer refuses for good":
        world.emulator.add_user(POISON_PEER, "Имя", "Фамилия", allows_messages=False)
    metrics = Metrics()
    scheduler = world.scheduler(metrics=metrics)

    with caplog.at_level(logging.INFO):
        report = await scheduler.tick()  # one tick, and it does not raise

    _assert_good_delivered_once(world)
    assert world.emulator.sent_items(POISON_PEER) == []
    assert (report.sent.sent, report.sent.failed, report.sent.retried) == (GOOD, 1, 0)
    poison = await _row(world, "test:poison")
    assert (poison.status, poison.error_text) == ("failed", reason)
    assert {row.status for row in await world.outbox() if row.id != poison.id} == {"sent"}
    label = reason.split(":")[0]
    assert _failed_count(metrics, label) == 1
    assert f'svodka_outbox_failed_total{{reason="{label}"}} 1.0' in metrics.render().decode()
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [f"outbox row {poison.id} ({poison.kind}) failed for good: {reason}"]

    # Set aside for good: later ticks neither send it nor count it again.
    await scheduler.run_due(world.clock.now() + timedelta(hours=1))
    assert world.emulator.sent_items(POISON_PEER) == []
    assert _failed_count(metrics, label) == 1


async def test_a_call_vk_rejects_inside_an_execute_fails_that_row_alone(world: World) -> None:
    await _store(world, None)
    world.emulator.inject_fault(method="messages.send", error_code=911, times=1)
    metrics = Metrics()
    report = await world.scheduler(metrics=metrics).tick()

    rows = await world.outbox()
    [rejected] = [row for row in rows if row.status == "failed"]
    assert (rejected.error_code, rejected.error_text) == (911, "rejected: VK error 911")
    assert (report.sent.sent, report.sent.failed) == (GOOD - 1, 1)
    for n in range(GOOD):
        expected = [] if _peer(n) == rejected.peer_id else [f"Сообщение {n}"]
        assert [item["text"] for item in world.emulator.sent_items(_peer(n))] == expected
    assert _failed_count(metrics, "rejected") == 1


async def test_a_request_vk_refuses_as_a_whole_goes_again_row_by_row(world: World) -> None:
    """VK refuses one whole `execute` (error 13) for something its rows hold: each row is
    sent alone in the same tick, so only a row VK refuses again would fail."""
    await _store(world, None)
    world.emulator.inject_fault(method="execute", error_code=13, times=1)
    report = await world.scheduler().tick()

    _assert_good_delivered_once(world)
    assert (report.sent.sent, report.sent.failed, report.sent.retried) == (GOOD, 0, 0)
    assert {row.status for row in await world.outbox()} == {"sent"}
    # 2 requests of 25, the refused one again as 25 of 1.
    assert len(world.emulator.calls_log("execute")) == 2 + 25


async def test_rows_of_earlier_releases_are_delivered(world: World) -> None:
    """Stored before payloads had a version: a prompt's texts and keyboard, and what /remind
    wrote then (one text), which no release ever delivered."""
    old_prompt = {"texts": ["Старый опрос"], "keyboard": None}
    old_remind = {"text": "Старое напоминание", "keyboard": None}
    await _store(world, _poison(world, payload=old_prompt))
    async with world.db.sessions.begin() as session:
        await repo.insert(
            session,
            [
                _poison(
                    world,
                    natural_key="test:remind",
                    kind="reminder_manual",
                    payload=old_remind,
                    random_id=77,
                )
            ],
        )
    await world.scheduler().tick()

    _assert_good_delivered_once(world)
    texts = [item["text"] for item in world.emulator.sent_items(POISON_PEER)]
    assert sorted(texts) == ["Старое напоминание", "Старый опрос"]
    assert {row.status for row in await world.outbox()} == {"sent"}


async def test_the_sandbox_clock_moves_on_past_a_poison_row(sandbox: Sandbox) -> None:
    """The reproduction: a row the sender cannot read made `POST /_sandbox/clock` answer
    500 (`KeyError: 'texts'`) at every step, and the row beside it was never sent."""
    assert sandbox.emulator is not None
    world = World(sandbox.db, sandbox.clock, sandbox.emulator, sandbox.app.context.settings)
    await _store(world, _poison(world, payload={"text": None}))
    async with aiohttp.ClientSession(sandbox.base_url) as http:
        for _ in range(2):
            moved = await http.post("/_sandbox/clock", json={"advance_s": 600})
            assert moved.status == 200
        for n in (0, GOOD - 1):
            sent = await http.get("/_emu/sent", params={"peer_id": _peer(n)})
            assert [item["text"] for item in (await sent.json())["items"]] == [f"Сообщение {n}"]
    poison = await _row(world, "test:poison")
    assert poison.status == "failed" and poison.error_text.startswith("unreadable: ")


async def test_an_unreadable_email_row_is_set_aside_and_the_other_letter_goes(
    world: World,
) -> None:
    port = free_port()
    smtp = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_tls": "none"}
    world.settings = world.settings.model_copy(update=smtp)
    await world.seed(emails=["uo@sergokala.ru", "monitoring@sergokala.ru"])
    metrics = Metrics()
    scheduler = world.scheduler(metrics=metrics)
    await scheduler.run_due(moscow("2024-10-25 16:59"))
    # Friday's letters, planned but not sent yet; then one of them is spoilt.
    await plan(db=world.db, now=moscow("2024-10-25 17:00"), mail=True)
    emails = [row for row in await world.outbox() if row.kind == "email"]
    assert len(emails) == 2
    async with world.db.sessions.begin() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == emails[0].id)
            .values(payload={"to": ["uo@sergokala.ru"], "subject": None})
        )

    inbox = Inbox()
    with smtp_server(port, inbox):
        await scheduler.run_due(moscow("2024-10-25 17:02"))
    [letter] = inbox.messages
    assert letter["To"] == "monitoring@sergokala.ru"
    bad = await _row(world, emails[0].natural_key)
    assert bad.status == "failed" and bad.error_text.startswith("unreadable: to: Input should")
    assert _failed_count(metrics, "unreadable") == 1
