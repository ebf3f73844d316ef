"""The real bot (real vkbottle, real HTTP, real storage) against the in-process emulator."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from bot.app import build_app
from bot.clock import FakeClock
from bot.config import Settings, load_settings
from bot.context import App
from bot.demo.world import settle
from bot.emulator import Emulator, start_emulator
from bot.runtime.longpoll import read_long_poll
from storage.db import Database

TOKEN = "test-community-token-0123456789"
GROUP_ID = 1
SETTLE_TIMEOUT_S = 15.0


class BotHarness:
    def __init__(
        self,
        emulator: Emulator,
        settings: Settings,
        db: Database,
        clock: FakeClock,
    ) -> None:
        self.emulator = emulator
        self.settings = settings
        self.db = db
        self.clock = clock
        self.app: App | None = None
        self._poller: asyncio.Task[None] | None = None
        # Kept across restarts, as a restarted process keeps its name: it takes its own
        # Long Poll lease back at once.
        self.instance_id = "harness"

    async def start(self) -> None:
        self.app = build_app(
            settings=self.settings, db=self.db, clock=self.clock, instance_id=self.instance_id
        )
        self._poller = asyncio.create_task(read_long_poll(self.app, asyncio.Event()))
        await asyncio.wait_for(self.app.resumed.wait(), SETTLE_TIMEOUT_S)
        # VK delivers only what happens after the poller connected: wait for it.
        connected = await self.emulator.longpoll.wait_for_pollers(1, SETTLE_TIMEOUT_S)
        assert connected >= 1, "the bot did not start polling"

    async def stop(self) -> None:
        """Stop the bot the way a crash would: drop the poller and everything in flight."""
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
        if self.app is not None:
            await self.app.close()
            self.app = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def settle(self) -> None:
        """Wait until every update the emulator emitted has been handled by the bot."""
        assert self.app is not None
        await settle(self.emulator, self.app.pipeline)

    def user(self, vk_id: int, first_name: str = "Имя", last_name: str = "Фамилия") -> None:
        self.emulator.add_user(vk_id, first_name, last_name)

    async def say(self, from_id: int, text: str, **kwargs: Any) -> list[dict[str, Any]]:
        """A person writes; returns what the bot sent to that conversation in response."""
        peer_id = kwargs.get("peer_id") or from_id
        mark = self.last_sent_id()
        await self.emulator.deliver_message(from_id, text, **kwargs)
        await self.settle()
        return self.emulator.sent_items(peer_id, mark)

    async def press(
        self,
        user_id: int,
        payload: Any,
        peer_id: int | None = None,
        conversation_message_id: int = 0,
    ) -> list[dict[str, Any]]:
        peer = peer_id or user_id
        mark = self.last_sent_id()
        await self.emulator.press_button(user_id, peer, payload, conversation_message_id)
        await self.settle()
        return self.emulator.sent_items(peer, mark)

    def last_sent_id(self) -> int:
        items = self.emulator.sent_items()
        return items[-1]["id"] if items else 0

    def texts(self, peer_id: int, after: int = 0) -> list[str]:
        return [item["text"] for item in self.emulator.sent_items(peer_id, after)]


async def emulator_settings(emulator: Emulator, base_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "_env_file": None,
        "vk_token": TOKEN,
        "vk_group_id": emulator.group_id,
        "vk_api_url": f"{base_url}/method/",
        "send_rps": 1000,
    }
    values.update(overrides)
    return load_settings(**values)


@contextlib.asynccontextmanager
async def running_bot(db: Database, clock: FakeClock, **settings: Any) -> AsyncIterator[BotHarness]:
    emulator = Emulator(
        token=TOKEN, group_id=GROUP_ID, rps=10_000, now=lambda: clock.now().timestamp()
    )
    runner, base_url = await start_emulator(emulator)
    harness = BotHarness(
        emulator, await emulator_settings(emulator, base_url, **settings), db, clock
    )
    try:
        await harness.start()
        yield harness
    finally:
        await harness.stop()
        await runner.cleanup()
