"""What handlers, the runtime and the scheduler get from the composition root (bot/app.py)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from vkbottle import Bot

from bot.clock import Clock
from bot.config import Settings
from bot.metrics import Metrics
from bot.runtime.inbound import InboundPipeline
from bot.vk.api import SvodkaAPI
from storage.db import Database


@dataclass(frozen=True)
class AppContext:
    """Injected into every handler as `app`."""

    settings: Settings
    db: Database
    clock: Clock
    api: SvodkaAPI
    instance_id: str

    def is_admin(self, vk_id: int) -> bool:
        return vk_id in self.settings.admin_ids


@dataclass
class App:
    """A built bot: what the runtime serves updates with."""

    context: AppContext
    bot: Bot
    pipeline: InboundPipeline
    metrics: Metrics
    # Set once updates left over by a previous run are queued again.
    resumed: asyncio.Event = field(default_factory=asyncio.Event)

    async def close(self) -> None:
        await self.pipeline.close()
        await self.context.api.http_client.close()
