"""Plays many people at once against the emulator and times each reply.

`ask(from_id, text)` waits for the bot's reply to that person and returns the latency:
from just before the message was handed to the emulator to the moment the driver saw the
reply in `/_emu/sent`. Messages asked for at about the same time go out in one bulk
request, and one reader long-polls `/_emu/sent` for everybody, so the driver itself stays
a small load next to the bot it measures. `ask(..., press=True)` presses a callback button
instead (`POST /_emu/events`, a `message_event` on the last message the person got).
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any

from bot.emulator.client import EmulatorClient

BULK_LIMIT = 500


@dataclass
class _Waiter:
    sent_at: float
    replies_left: int
    done: asyncio.Future[float]


class LoadDriver:
    def __init__(self, emulator: EmulatorClient, *, reply_timeout_s: float = 60) -> None:
        self._emu = emulator
        self._timeout = reply_timeout_s
        self._outgoing: list[tuple[dict[str, Any], _Waiter]] = []
        self._wake = asyncio.Event()
        self._waiting: dict[int, deque[_Waiter]] = defaultdict(deque)
        self._last_message: dict[int, int] = {}  # peer → conversation_message_id seen last
        self._tasks: list[asyncio.Task[None]] = []
        self.unexpected = 0
        self.latencies_s: list[float] = []

    async def __aenter__(self) -> LoadDriver:
        last = await self._emu.sent()
        self._after = last[-1]["id"] if last else 0
        self._tasks = [asyncio.create_task(self._send()), asyncio.create_task(self._read())]
        return self

    async def __aexit__(self, *exc: object) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def ask(
        self, from_id: int, text: str, *, payload: Any = None, replies: int = 1, press: bool = False
    ) -> float:
        """Send as `from_id` (or press a button with `payload`); wait for `replies` messages
        back to them; return seconds."""
        message: dict[str, Any] = {"from_id": from_id, "text": text}
        if payload is not None:
            message["payload"] = payload
        if press:
            message["press"] = True
        waiter = _Waiter(0.0, replies, asyncio.get_running_loop().create_future())
        self._outgoing.append((message, waiter))
        self._wake.set()
        latency = await asyncio.wait_for(waiter.done, self._timeout)
        self.latencies_s.append(latency)
        return latency

    async def _send(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._outgoing:
                batch = self._outgoing[:BULK_LIMIT]
                del self._outgoing[:BULK_LIMIT]
                started = time.perf_counter()
                for message, waiter in batch:
                    waiter.sent_at = started
                    self._waiting[message["from_id"]].append(waiter)
                presses = [m for m, _ in batch if m.get("press")]
                messages = [m for m, _ in batch if not m.get("press")]
                if messages:
                    await self._emu.send_messages(messages)
                await asyncio.gather(*(self._press(m) for m in presses))

    async def _press(self, message: dict[str, Any]) -> None:
        person = message["from_id"]
        await self._emu.press_button(
            person, person, message.get("payload"), self._last_message.get(person, 0)
        )

    async def _read(self) -> None:
        while True:
            items = await self._emu.sent(after=self._after, wait=30)
            seen_at = time.perf_counter()
            for item in items:
                self._after = item["id"]
                self._last_message[item["peer_id"]] = item.get("conversation_message_id") or 0
                queue = self._waiting.get(item["peer_id"])
                if not queue:
                    self.unexpected += 1
                    continue
                waiter = queue[0]
                waiter.replies_left -= 1
                if waiter.replies_left == 0:
                    queue.popleft()
                    if not waiter.done.done():
                        waiter.done.set_result(seen_at - waiter.sent_at)
