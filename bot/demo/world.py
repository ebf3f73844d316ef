"""The demo's stage: the real bot, its scheduler and the emulator in one process, on a fake
clock, and the people who talk to it. Everything said on either side goes to the transcript.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.app import build_app
from bot.clock import FakeClock
from bot.config import Settings
from bot.context import App
from bot.demo.transcript import Entry, Transcript, keyboard_rows
from bot.emulator import Emulator, start_emulator
from bot.runtime.inbound import InboundPipeline
from bot.runtime.longpoll import read_long_poll
from bot.scheduler.ticker import Scheduler
from storage.db import Database

TOKEN = "demo-token"
GROUP_ID = 1
BOT_NAME = "Свод"
SETTLE_TIMEOUT_S = 30.0


async def settle(emulator: Emulator, pipeline: InboundPipeline) -> None:
    """Wait until the bot has handled every update the emulator emitted.

    The poller asks for the next batch only after the pipeline queued the previous one, so
    "no update left unconfirmed" plus "pipeline idle" means everything was handled.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_TIMEOUT_S
    while True:
        if emulator.longpoll.unconfirmed == 0 and pipeline.backlog == 0:
            await pipeline.idle()
            if emulator.longpoll.unconfirmed == 0:
                return
        if loop.time() > deadline:
            raise TimeoutError(f"the bot did not settle: {pipeline.stats}")
        await asyncio.sleep(0.002)


@dataclass(frozen=True)
class Person:
    vk_id: int
    name: str


class Stage:
    """Drives the bot the way people and time would, and narrates it."""

    def __init__(
        self,
        *,
        settings: Settings,
        db: Database,
        clock: FakeClock,
        transcript: Transcript,
        emulator: Emulator | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.clock = clock
        self.transcript = transcript
        self.emulator = emulator or Emulator(
            token=TOKEN,
            group_id=GROUP_ID,
            group_name=BOT_NAME,
            rps=settings.send_rps,
            now=lambda: clock.now().timestamp(),
        )
        self.names: dict[int, str] = {}
        self.app: App | None = None
        self.scheduler: Scheduler | None = None
        self._runner: Any = None
        self._poller: asyncio.Task[None] | None = None
        self._shown = 0

    @classmethod
    def over(
        cls, *, app: App, emulator: Emulator, clock: FakeClock, transcript: Transcript
    ) -> Stage:
        """A stage over a bot and an emulator that run already (the sandbox's): people act
        on it as in the demo; nothing is started or stopped."""
        context = app.context
        stage = cls(
            settings=context.settings,
            db=context.db,
            clock=clock,
            transcript=transcript,
            emulator=emulator,
        )
        stage.app = app
        sent = emulator.sent_items()
        stage._shown = sent[-1]["id"] if sent else 0
        return stage

    async def __aenter__(self) -> Stage:
        self._runner, base_url = await start_emulator(self.emulator)
        settings = self.settings.model_copy(
            update={"vk_api_url": f"{base_url}/method/", "vk_group_id": GROUP_ID}
        )
        self.app = build_app(settings=settings, db=self.db, clock=self.clock)
        self.scheduler = Scheduler(self.app.context, metrics=self.app.metrics)
        self._poller = asyncio.create_task(read_long_poll(self.app, asyncio.Event()))
        await asyncio.wait_for(self.app.resumed.wait(), SETTLE_TIMEOUT_S)
        await self.emulator.longpoll.wait_for_pollers(1, SETTLE_TIMEOUT_S)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
        if self.app is not None:
            await self.app.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_calls(self) -> int:
        return len(self.emulator.calls_log())

    def person(self, vk_id: int, first_name: str, last_name: str) -> Person:
        self.emulator.add_user(vk_id, first_name, last_name)
        name = f"{first_name} {last_name}"
        self.names[vk_id] = name
        return Person(vk_id, name)

    def chat(self, chat_id: int, title: str, members: list[int]) -> int:
        peer_id = self.emulator.add_chat(chat_id, title, members, bot_is_admin=True)
        self.names[peer_id] = f"беседа «{title}»"
        return peer_id

    async def say(
        self,
        who: Person,
        text: str,
        *,
        peer_id: int | None = None,
        payload: Any = None,
        ref: str | None = None,
    ) -> list[dict[str, Any]]:
        where = "" if peer_id is None else f" → {self.names.get(peer_id, peer_id)}"
        shown = text if ref is None else f"(открыл ссылку-приглашение) {text}".strip()
        self.transcript.add(Entry(self.clock.now(), f"{who.name}{where}", shown))
        kwargs: dict[str, Any] = {"peer_id": peer_id or who.vk_id}
        if payload is not None:
            kwargs["payload"] = payload
        if ref is not None:
            kwargs["ref"] = ref
        await self.emulator.deliver_message(who.vk_id, text, **kwargs)
        return await self.show_new()

    async def tap(
        self, who: Person, label: str, *, peer_id: int | None = None
    ) -> list[dict[str, Any]]:
        """Press the button with this label on the last keyboard the bot sent there."""
        peer = peer_id or who.vk_id
        message, button = self._button(peer, label)
        action = button.get("action") or {}
        if action.get("type") == "callback":
            self.transcript.add(Entry(self.clock.now(), who.name, f"[{label}]"))
            await self.emulator.press_button(
                who.vk_id,
                peer,
                _payload(action.get("payload")),
                message["conversation_message_id"],
            )
            return await self.show_new()
        return await self.say(who, label, peer_id=peer_id, payload=_payload(action.get("payload")))

    def has_button(self, peer_id: int, label: str) -> bool:
        """Whether the bot's latest keyboard in this chat offers the button."""
        for message in reversed(self.emulator.sent_items(peer_id)):
            if message.get("keyboard"):
                return _find(message, label) is not None
        return False

    def _button(self, peer_id: int, label: str) -> tuple[dict[str, Any], dict[str, Any]]:
        for message in reversed(self.emulator.sent_items(peer_id)):
            button = _find(message, label)
            if button is not None:
                return message, button
        raise LookupError(f"no button «{label}» in the chat {peer_id}")

    async def advance(self, until: datetime) -> list[dict[str, Any]]:
        """Let time pass to `until`: everything the scheduler owes by then goes out."""
        assert self.scheduler is not None
        await self.scheduler.run_due(until)
        return await self.show_new()

    async def show_new(self) -> list[dict[str, Any]]:
        assert self.app is not None
        await settle(self.emulator, self.app.pipeline)
        items = self.emulator.sent_items(after=self._shown)
        for item in items:
            to = self.names.get(item["peer_id"], str(item["peer_id"]))
            self.transcript.add(
                Entry(
                    # When the bot sent it: one advance of the clock may cover several days.
                    datetime.fromtimestamp(item["date"], UTC),
                    f"{BOT_NAME} → {to}",
                    item.get("text") or "",
                    buttons=keyboard_rows(item.get("keyboard")),
                    from_bot=True,
                    attachments=list(item.get("attachments") or []),
                )
            )
            self._shown = item["id"]
        return items


def _find(message: dict[str, Any], label: str) -> dict[str, Any] | None:
    rows: list[list[dict[str, Any]]] = (message.get("keyboard") or {}).get("buttons") or []
    for row in rows:
        for button in row:
            if (button.get("action") or {}).get("label", "").startswith(label):
                return button
    return None


def _payload(raw: Any) -> Any:
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw
