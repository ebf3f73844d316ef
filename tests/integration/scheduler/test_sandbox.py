"""`svodka sandbox` over HTTP: move the clock, read what was sent, restart where it stopped."""

from __future__ import annotations

from datetime import datetime

import aiohttp

from bot.sandbox import Sandbox, stored_clock
from tests.integration.scheduler.world import CHAT_PEER, World, head_vk, moscow


def _when(body: dict) -> datetime:
    return datetime.fromisoformat(body["now"])


async def test_moving_the_clock_carries_out_everything_due(sandbox: Sandbox) -> None:
    world = World(sandbox.db, sandbox.clock, sandbox.emulator, sandbox.app.context.settings)
    await world.seed()
    async with aiohttp.ClientSession(sandbox.base_url) as http:
        answer = await http.post("/_sandbox/clock", json={"now": "2024-10-25T16:01:00+03:00"})
        assert _when(await answer.json()) == moscow("2024-10-25 16:01")
        sent = await (await http.get("/_emu/sent", params={"peer_id": head_vk(0)})).json()
        assert len(sent["items"]) == 3  # the prompt and two reminders
        assert not world.texts(CHAT_PEER)

        answer = await http.post("/_sandbox/clock", json={"advance_s": 3600})
        assert _when(await answer.json()) == moscow("2024-10-25 17:01")
        assert len(world.texts(CHAT_PEER)) == 1

        refused = await http.post("/_sandbox/clock", json={"now": "2024-10-21T09:00:00+03:00"})
        assert refused.status == 400
        clock = await (await http.get("/_sandbox/clock")).json()
    assert _when(clock) == moscow("2024-10-25 17:01")
    assert await stored_clock(sandbox.db) == moscow("2024-10-25 17:01")
