"""`POST /callback`: the VK Callback API endpoint.

An event is stored before it is acknowledged (so an `ok` is never lost with a crash) and
handled afterwards by whichever instance claims it; acknowledging fast keeps VK from
retrying. A duplicate (VK retried, or a balancer sent it twice) is acknowledged and dropped.
Only events with the secret, for this community (VK_GROUP_ID), that read as VK updates
(bot.vk.updates) are stored: one that cannot be read would never be handled.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.clock import Clock
from bot.config import ConfigError, Settings
from bot.metrics import Metrics
from bot.runtime.inbound import refuse
from bot.vk.updates import MalformedUpdate, Update, parse_update
from storage.db import Database
from storage.repos import events

logger = logging.getLogger(__name__)


def require_callback_settings(settings: Settings) -> tuple[str, str, int]:
    """The secret, the confirmation string and the community id, or a one-line ConfigError
    naming what is missing."""
    secret = settings.callback_secret.get_secret_value() if settings.callback_secret else ""
    if not secret:
        raise ConfigError(
            "CALLBACK_SECRET: not set (the secret key from the Callback API settings)"
        )
    if not settings.callback_confirmation:
        raise ConfigError(
            "CALLBACK_CONFIRMATION: not set (the string VK asks the server to return)"
        )
    if settings.vk_group_id is None:
        raise ConfigError("VK_GROUP_ID: not set (every Callback API event is checked against it)")
    return secret, settings.callback_confirmation, settings.vk_group_id


class CallbackEndpoint:
    def __init__(
        self,
        *,
        settings: Settings,
        db: Database,
        clock: Clock,
        metrics: Metrics,
        on_persisted: Callable[[], None],
    ) -> None:
        self._secret, self._confirmation, self._group_id = require_callback_settings(settings)
        self._db = db
        self._clock = clock
        self._metrics = metrics
        self._on_persisted = on_persisted
        self.accepting = True

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/callback", self._handle)

    async def _handle(self, request: web.Request) -> web.Response:
        if not self.accepting:
            # VK retries what was not answered `ok`; the balancer sends it to another instance.
            return web.Response(status=503, text="shutting down")
        try:
            body = await request.json(loads=json.loads)
        except ValueError:
            return web.Response(status=400, text="malformed JSON")
        if not isinstance(body, dict) or not isinstance(body.get("type"), str):
            return web.Response(status=400, text="not a VK event")
        if body["type"] == "confirmation":
            return self._confirm(body)
        if not self._secret_matches(body.get("secret")):
            logger.warning("callback: refused an event with a wrong secret from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        payload = {key: value for key, value in body.items() if key != "secret"}
        try:
            update = parse_update(payload)
        except MalformedUpdate as error:
            refuse("callback", payload.get("event_id"), error)
            self._metrics.malformed("callback")
            return web.Response(status=400, text="malformed event")
        if update.group_id != self._group_id:
            logger.warning("callback: refused an event for another community %s", update.group_id)
            return web.Response(status=403, text="forbidden")
        return await self._persist(update)

    def _confirm(self, body: dict[str, Any]) -> web.Response:
        if body.get("group_id") != self._group_id:
            logger.warning("callback: confirmation for another group %s", body.get("group_id"))
            return web.Response(status=403, text="forbidden")
        return web.Response(text=self._confirmation)

    def _secret_matches(self, given: object) -> bool:
        # Constant-time: the comparison must not tell an attacker how much of it was right.
        return isinstance(given, str) and hmac.compare_digest(given.encode(), self._secret.encode())

    async def _persist(self, update: Update) -> web.Response:
        try:
            async with self._db.sessions.begin() as session:
                fresh = await events.persist(
                    session, event_id=update.event_id, payload=update.raw, now=self._clock.now()
                )
        except Exception as exc:
            # Not stored, so not acknowledged: VK will deliver it again.
            logger.error("callback: event %s not stored (%s)", update.event_id, type(exc).__name__)
            return web.Response(status=500, text="retry")
        self._metrics.received("callback", 1, 0 if fresh else 1)
        if fresh:
            self._on_persisted()
        return web.Response(text="ok")
