"""The composition root: settings → database → VK API → bot with its handlers → pipeline.

Nothing here connects at import time; `build_app` wires. Only the entry points (the CLI's
commands, the demo, the sandbox) import this module.
"""

from __future__ import annotations

import uuid
from typing import Any

from vkbottle import Bot
from vkbottle.bot import BotLabeler

from bot.clock import Clock
from bot.config import Settings
from bot.context import App, AppContext
from bot.metrics import Metrics
from bot.runtime.inbound import InboundPipeline
from bot.runtime.middlewares import (
    ApologisingErrorHandler,
    event_middleware,
    message_middleware,
)
from bot.runtime.replies import Replies
from bot.texts import common as texts
from bot.vk.api import make_api
from storage.db import Database


def build_app(
    *, settings: Settings, db: Database, clock: Clock, instance_id: str | None = None
) -> App:
    from handlers import labelers

    api = make_api(settings.require_token(), settings.vk_api_url, settings.send_rps)
    context = AppContext(
        settings=settings,
        db=db,
        clock=clock,
        api=api,
        instance_id=instance_id or uuid.uuid4().hex[:12],
    )
    metrics = Metrics()
    metrics.watch(api, clock)
    bot = Bot(api=api, error_handler=ApologisingErrorHandler())
    bot.labeler.message_view.register_middleware(message_middleware(context))
    bot.labeler.raw_event_view.register_middleware(event_middleware(context))
    for labeler in labelers:
        _install(bot, labeler)

    async def flood_notice(vk_id: int) -> None:
        await Replies(api, None).send(vk_id, texts.TOO_MANY_MESSAGES)

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
    return App(context=context, bot=bot, pipeline=pipeline, metrics=metrics)


def _install(bot: Bot, labeler: BotLabeler) -> None:
    """Add a feature's handlers to this bot, in order.

    vkbottle's `load` also re-points the feature's module-level labeler at this bot's
    views, so a second bot in the same process (tests, two instances) would get the first
    one's middlewares; adding the handlers alone leaves the feature labelers as they are.
    """
    bot.labeler.message_view.handlers.extend(labeler.message_view.handlers)
    for event, basements in labeler.raw_event_view.handlers.items():
        bot.labeler.raw_event_view.handlers.setdefault(event, []).extend(basements)
