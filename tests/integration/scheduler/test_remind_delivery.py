"""/remind through the sandbox: what the heads and deputies receive, and what the official
who asked is told when some schools cannot be reached."""

from __future__ import annotations

from typing import Any

import aiohttp

from bot.demo.world import settle
from bot.sandbox import Sandbox
from bot.texts import reports as texts
from tests.fixtures.sergokala import SCHOOLS
from tests.integration.scheduler.world import CHAT_PEER, OFFICIAL_VK, World, deputy_vk, head_vk

REMINDER_START = texts.REMIND_TEXT.split("{", 1)[0]
ANSWERED = range(2, 8)  # schools 0–1 (with deputies) and 8–11 have not answered
MISSING = [0, 1, 8, 9, 10, 11]


async def _tuesday_with_answers(sandbox: Sandbox, http: aiohttp.ClientSession) -> World:
    assert sandbox.emulator is not None
    world = World(sandbox.db, sandbox.clock, sandbox.emulator, sandbox.app.context.settings)
    await world.seed()
    moved = await http.post("/_sandbox/clock", json={"now": "2024-10-22T10:00:00+03:00"})
    assert moved.status == 200
    for index in ANSWERED:
        await world.answer(index)
    return world


async def _say(sandbox: Sandbox, vk_id: int, text: str, **kwargs: Any) -> list[str]:
    """What the bot answered in that conversation, right away."""
    assert sandbox.emulator is not None
    mark = (sandbox.emulator.sent_items() or [{"id": 0}])[-1]["id"]
    await sandbox.emulator.deliver_message(vk_id, text, **kwargs)
    await settle(sandbox.emulator, sandbox.app.pipeline)
    peer = kwargs.get("peer_id", vk_id)
    return [item["text"] for item in sandbox.emulator.sent_items(peer, mark)]


def _reminders(world: World, peer: int) -> list[str]:
    return [text for text in world.texts(peer) if text.startswith(REMINDER_START)]


async def test_remind_reaches_every_head_and_deputy_exactly_once(sandbox: Sandbox) -> None:
    async with aiohttp.ClientSession(sandbox.base_url) as http:
        world = await _tuesday_with_answers(sandbox, http)
        [reply] = await _say(sandbox, OFFICIAL_VK, "/remind")
        assert reply == "Напоминание отправлено 6 школам."

        moved = await http.post("/_sandbox/clock", json={"advance_s": 60})
        assert moved.status == 200
        moved = await http.post("/_sandbox/clock", json={"advance_s": 3600})
        assert moved.status == 200

    for index in MISSING:
        [reminder] = _reminders(world, head_vk(index))
        assert "пт 25.10 в 16:00" in reminder
    for index in (0, 1):
        assert len(_reminders(world, deputy_vk(index))) == 1
    for index in ANSWERED:
        assert _reminders(world, head_vk(index)) == []
    # Everything went out: the official is not bothered with a report.
    assert world.texts(OFFICIAL_VK) == [reply]
    assert {row.status for row in await world.outbox() if row.kind == "reminder_manual"} == {"sent"}


async def test_the_official_hears_in_the_same_chat_which_schools_were_not_reached(
    sandbox: Sandbox,
) -> None:
    assert sandbox.emulator is not None
    async with aiohttp.ClientSession(sandbox.base_url) as http:
        world = await _tuesday_with_answers(sandbox, http)
        # Since Monday's prompt, three heads have blocked the community; school 0 still has
        # its deputy.
        for index in (0, 8, 9):
            sandbox.emulator.add_user(head_vk(index), "Глава", "Ф", allows_messages=False)
        [reply] = await _say(sandbox, OFFICIAL_VK, "/remind", peer_id=CHAT_PEER)
        assert reply == "Напоминание отправлено 6 школам."
        asked = sandbox.emulator.sent_items(CHAT_PEER)[-1]

        moved = await http.post("/_sandbox/clock", json={"advance_s": 60})
        assert moved.status == 200
        [report] = sandbox.emulator.sent_items(CHAT_PEER, asked["id"])
        assert report["date"] - asked["date"] <= 60
        names = [SCHOOLS[8].name, SCHOOLS[9].name]
        assert report["text"] == "\n".join(
            [
                "Напоминание не дошло до 2 школ:",
                *(f"• {name} — руководитель не разрешил сообщения от сообщества" for name in names),
                "Свяжитесь с ними, пожалуйста, другим способом.",
            ]
        )
        assert world.texts(OFFICIAL_VK) == []  # told where it was asked, not privately
        assert len(_reminders(world, deputy_vk(0))) == 1

        # /status names every school a message failed to reach for good, school 0's head too.
        [status] = await _say(sandbox, OFFICIAL_VK, "/status")
        failed = "; ".join(sorted([*names, SCHOOLS[0].name]))
        assert f"Не доставлено: 3 — {failed}." in status.splitlines()

        # Nothing more is said later, and the blocked heads are not tried again.
        moved = await http.post("/_sandbox/clock", json={"advance_s": 3600})
        assert moved.status == 200
    assert sandbox.emulator.sent_items(CHAT_PEER, report["id"]) == []
    for index in (0, 8, 9):
        assert _reminders(world, head_vk(index)) == []
