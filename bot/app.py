"""The composition root: settings → database → VK API → bot with its handlers → pipeline.

Nothing here connects at import time; `build_app` wires, `App.run_long_poll` runs.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from vkbottle import Bot
from vkbottle.bot import BotLabeler, Message
from vkbottle.exception_factory import ErrorHandler
from vkbottle.polling import BotPolling

from bot.clock import Clock
from bot.config import Settings
from bot.metrics import Metrics
from bot.runtime.access import actor_middleware, read_dialog_and_actor
from bot.runtime.inbound import InboundPipeline, current_event
from bot.runtime.middleware import Middleware
from bot.runtime.replies import reply
from bot.runtime.routing import resolved, resolved_basement
from bot.runtime.state import DatabaseStateDispenser
from bot.runtime.together import Together
from bot.services.draft_steps import DraftSteps, overwrite_drafts, read_open_rounds
from bot.texts import common as texts
from bot.vk.api import SvodkaAPI, describe, make_api
from storage.db import Database

logger = logging.getLogger(__name__)


@dataclass
class AppContext:
    """What handlers and services get from the composition root (injected as `app`)."""

    settings: Settings
    db: Database
    clock: Clock
    api: SvodkaAPI
    instance_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    # Check-in steps that only change a draft, batched with the others of the moment.
    drafts: DraftSteps | None = None

    def is_admin(self, vk_id: int) -> bool:
        return vk_id in self.settings.admin_ids


class LocalStatePolling(BotPolling):
    """Keeps the Long Poll position beside the database instead of in the working
    directory, so that updates sent while the bot was down are fetched after a restart."""

    def __init__(self, state_dir: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._state_dir = state_dir

    @property
    def ts_state_path(self) -> Path:
        return self._state_dir / f"longpoll-{self.group_id}.json"


@dataclass
class App:
    context: AppContext
    bot: Bot
    pipeline: InboundPipeline
    polling: BotPolling
    metrics: Metrics
    # Set once updates left over by a previous run are queued again.
    resumed: asyncio.Event = field(default_factory=asyncio.Event)

    async def run_long_poll(self, stop: asyncio.Event | None = None) -> None:
        await self.pipeline.resume()
        self.resumed.set()
        listener = self.polling.listen()
        try:
            async for event in listener:
                await self.pipeline.submit(event.get("updates", []))
                if stop is not None and stop.is_set():
                    break
        finally:
            self.polling.stop()
            await listener.aclose()

    async def close(self) -> None:
        await self.pipeline.close()
        await self.context.api.http_client.close()


def _context_middleware(context: AppContext) -> type[Middleware[Any]]:
    class ContextMiddleware(Middleware[Any]):
        async def pre(self) -> None:
            self.send({"app": context})

    return ContextMiddleware


def build_app(
    *,
    settings: Settings,
    db: Database,
    clock: Clock,
    state_dir: Path | None = None,
    instance_id: str | None = None,
) -> App:
    from handlers import labelers

    api = make_api(settings.require_token(), settings.vk_api_url, settings.send_rps)
    context = AppContext(
        settings=settings, db=db, clock=clock, api=api, drafts=_drafts_together(db, clock)
    )
    if instance_id:
        context.instance_id = instance_id
    metrics = Metrics()
    metrics.watch(api, clock)
    # redirect_arguments: the error handler gets the message too, so it can apologise; the
    # same instance must reach the labeler's views, which is where handlers fail.
    errors = ErrorHandler(redirect_arguments=True)
    dispenser = DatabaseStateDispenser(
        db, clock, read=read_dialog_and_actor(db, settings.admin_ids)
    )
    bot = Bot(api=api, state_dispenser=dispenser, error_handler=errors)
    # Dialogs belong to a person, not to a chat: key the state by the author.
    bot.labeler.message_view.state_source_key = "from_id"
    middleware = _context_middleware(context)
    bot.labeler.message_view.register_middleware(middleware)
    bot.labeler.raw_event_view.register_middleware(middleware)
    # Who is asking, loaded once per message for the access rules and the handlers.
    bot.labeler.message_view.register_middleware(actor_middleware(context))
    for labeler in labelers:
        _install(bot, labeler)
    errors.register_undefined_error_handler(_apologise(context))

    async def flood_notice(vk_id: int) -> None:
        await reply(api, vk_id, texts.TOO_MANY_MESSAGES)

    async def handle(update: dict[str, Any]) -> None:
        await bot.process_event(update, api)

    pipeline = InboundPipeline(
        db=db,
        clock=clock,
        handle=handle,
        on_flood=flood_notice,
        observe=metrics.handled,
        on_unreadable=metrics.malformed,
    )
    polling = LocalStatePolling(
        state_dir or Path("var"),
        api=api,
        group_id=settings.vk_group_id,
        skip_old_events=False,
    )
    return App(context=context, bot=bot, pipeline=pipeline, polling=polling, metrics=metrics)


def _drafts_together(db: Database, clock: Clock) -> DraftSteps:
    # The rounds as of the batch's moment: the steps' own moments differ by less than a turn
    # of the event loop.
    rounds = Together(lambda school_ids: read_open_rounds(db, school_ids, clock.now()))
    overwrites = Together(partial(overwrite_drafts, db))
    return DraftSteps(open_rounds=rounds.ask, overwrite=overwrites.ask)


def _install(bot: Bot, labeler: BotLabeler) -> None:
    """Copy a feature's handlers into this bot.

    vkbottle's `load` re-points the module-level labeler at the bot's views, so a second
    bot in the same process (tests, restarts, two instances) would inherit the first one's
    middlewares. Copying keeps the feature labelers immutable.
    """
    bot.labeler.message_view.handlers.extend(map(resolved, labeler.message_view.handlers))
    for event, basements in labeler.raw_event_view.handlers.items():
        raw_handlers = bot.labeler.raw_event_view.handlers.setdefault(event, [])
        raw_handlers.extend(map(resolved_basement, basements))


def _apologise(context: AppContext) -> Any:
    async def on_error(error: Exception, *args: Any, **_: Any) -> None:
        logger.error("handler failed: %s", describe(error), exc_info=error)
        peer_id = _peer_of(args[0] if args else None)
        if peer_id:
            try:
                await reply(context.api, peer_id, texts.SOMETHING_WENT_WRONG)
            except Exception as exc:  # the apology must never raise out of the handler
                logger.warning("apology not sent: %s", describe(exc))

    return on_error


def _peer_of(event: Any) -> int | None:
    """Where a failed message came from: a handler fails with the message; what fails
    before the handlers (the state read, a middleware) reaches us without it."""
    if isinstance(event, Message):
        return event.peer_id
    update = current_event.get()
    return update.message_peer if update is not None else None
