"""`/healthz` (the process answers), `/readyz` (it can do its work), `/metrics`.

Ready means: the database answers, its schema is at the head revision, VK answered
recently (or answers a cheap probe now), and no inbound event has waited to be handled for
more than a minute (a stuck queue: handled events are seconds old). A balancer takes a
not-ready instance out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from aiohttp import web

from bot.clock import Clock
from bot.metrics import CONTENT_TYPE, Metrics
from bot.vk.api import SvodkaAPI, describe
from storage.db import Database
from storage.migrate import HEADS, schema_heads
from storage.repos import events

logger = logging.getLogger(__name__)

VK_FRESH = timedelta(minutes=5)
INBOUND_STUCK = timedelta(minutes=1)
CHECK_TIMEOUT_S = 5.0


class Health:
    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        api: SvodkaAPI,
        metrics: Metrics,
        backlog: Callable[[], int],
    ) -> None:
        self._db = db
        self._clock = clock
        self._api = api
        self._metrics = metrics
        self._backlog = backlog

    async def readiness(self) -> dict[str, str]:
        """Each check's verdict: "ok" or a short reason; ready when all are "ok"."""
        checks: dict[str, str] = {}
        try:
            current = await asyncio.wait_for(self._schema_heads(), CHECK_TIMEOUT_S)
            checks["database"] = "ok"
            checks["migrations"] = "ok" if current == HEADS else "not at head"
        except Exception as exc:
            checks["database"] = f"unreachable ({type(exc).__name__})"
            checks["migrations"] = "unknown"
        checks["vk"] = await self._vk()
        checks["inbound"] = await self._inbound() if checks["database"] == "ok" else "unknown"
        return checks

    async def _inbound(self) -> str:
        try:
            oldest = await asyncio.wait_for(self._oldest_unprocessed(), CHECK_TIMEOUT_S)
        except Exception as exc:
            return f"unknown ({type(exc).__name__})"
        waited = self._clock.now() - oldest if oldest is not None else timedelta(0)
        if waited <= INBOUND_STUCK:
            return "ok"
        return f"stuck (the oldest unhandled event waits {int(waited.total_seconds())} s)"

    async def _oldest_unprocessed(self) -> datetime | None:
        async with self._db.reads() as session:
            return await events.oldest_unprocessed(session)

    async def _schema_heads(self) -> set[str]:
        async with self._db.engine.connect() as connection:
            return await connection.run_sync(schema_heads)

    async def _vk(self) -> str:
        last = self._metrics.last_vk_success
        if last is not None and self._clock.now() - last < VK_FRESH:
            return "ok"
        try:
            await asyncio.wait_for(self._api.request("groups.getById", {}), CHECK_TIMEOUT_S)
        except Exception as exc:
            return f"unreachable ({describe(exc)})"
        return "ok"

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics_page)

    async def _healthz(self, _request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def _readyz(self, _request: web.Request) -> web.Response:
        checks = await self.readiness()
        ready = all(verdict == "ok" for verdict in checks.values())
        if not ready:
            logger.warning("not ready: %s", checks)
        return web.json_response(
            {"status": "ok" if ready else "not ready", "checks": checks},
            status=200 if ready else 503,
        )

    async def _metrics_page(self, _request: web.Request) -> web.Response:
        try:
            await self._metrics.refresh(self._db, self._clock.now(), self._backlog())
        except Exception as exc:  # the counters are still worth serving
            logger.warning("metrics: database figures not refreshed (%s)", type(exc).__name__)
        return web.Response(body=self._metrics.render(), headers={"Content-Type": CONTENT_TYPE})
