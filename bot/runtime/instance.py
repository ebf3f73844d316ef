"""One running svodka instance: the inbound side (Long Poll reader or Callback API server
with its event worker), background services (the scheduler), health and metrics — and
their orderly stop.

Instances share nothing but the database: several may run side by side.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from aiohttp import web

from bot.context import App
from bot.runtime.callback import CallbackEndpoint
from bot.runtime.health import Health
from bot.runtime.leases import LeaseKeeper
from bot.runtime.longpoll import LEASE_NAME, LongPollReader
from bot.runtime.worker import EventWorker
from bot.web.dashboard import dashboard_app, mount

logger = logging.getLogger(__name__)


class Service(Protocol):
    """A background part started and stopped with the instance (e.g. the scheduler)."""

    def start(self) -> object: ...

    def stop(self) -> object: ...


@dataclass(frozen=True)
class Options:
    callback: bool = False
    host: str = "0.0.0.0"
    port: int = 8080
    # Long Poll mode serves /healthz, /readyz, /metrics only when given a port.
    metrics_port: int | None = None
    wait_for_lease: bool = True
    # Both renewed while held: a dead instance's reading and events are taken over within
    # ≈ 25 s; the instance restarted under its name (bot/runtime/identity.py) takes them back
    # at once.
    lease_ttl: timedelta = timedelta(seconds=20)
    claim_ttl: timedelta = timedelta(seconds=20)
    retry_s: float = 5.0
    idle_poll_s: float = 1.0
    shutdown_timeout_s: float = 20.0


class Instance:
    def __init__(self, app: App, options: Options, services: Sequence[Service] = ()) -> None:
        context = app.context
        self.app = app
        self.options = options
        self.services = list(services)
        self.stop_event = asyncio.Event()
        self.worker = EventWorker(
            db=context.db,
            clock=context.clock,
            pipeline=app.pipeline,
            holder=context.instance_id,
            claim_ttl=options.claim_ttl,
            idle_poll_s=options.idle_poll_s,
        )
        self.endpoint: CallbackEndpoint | None = None
        if options.callback:
            self.endpoint = CallbackEndpoint(
                settings=context.settings,
                db=context.db,
                clock=context.clock,
                metrics=app.metrics,
                on_persisted=self.worker.notify,
            )
        self.lease = LeaseKeeper(
            db=context.db,
            clock=context.clock,
            name=LEASE_NAME,
            holder=context.instance_id,
            ttl=options.lease_ttl,
        )
        self.reader = LongPollReader(app, self.lease, retry_s=options.retry_s)
        self.health = Health(
            db=context.db,
            clock=context.clock,
            api=context.api,
            metrics=app.metrics,
            backlog=lambda: app.pipeline.backlog,
        )
        self.port: int | None = None
        self._runner: web.AppRunner | None = None
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Start serving; in Long Poll mode without waiting, raise LongPollBusy if taken."""
        options = self.options
        if not options.callback and not options.wait_for_lease:
            await self.reader.acquire_or_raise()
        for service in self.services:
            await _maybe_await(service.start())
        if options.callback:
            self._tasks.append(asyncio.create_task(self.worker.run(self.stop_event)))
            await self._serve(options.host, options.port)
        else:
            self._tasks.append(asyncio.create_task(self.reader.run(self.stop_event)))
            # The dashboard needs a server in Long Poll mode too: on --port unless
            # --metrics-port names one.
            port = options.metrics_port
            if port is None and self.app.context.settings.web_enabled:
                port = options.port
            if port is not None:
                await self._serve(options.host, port)
        logger.info(
            "svodka %s: экземпляр %s запущен",
            "Callback API" if options.callback else "Long Poll",
            self.app.context.instance_id,
        )

    async def wait(self) -> bool:
        """Return when asked to stop (True) or when a part of the instance crashed (False)."""
        stopped = asyncio.create_task(self.stop_event.wait())
        done, _ = await asyncio.wait([stopped, *self._tasks], return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if self.stop_event.is_set():
            return True  # the parts end on their own once asked to stop
        crashed = [task for task in done if task is not stopped]
        for task in crashed:
            if not task.cancelled() and task.exception():
                logger.error("instance part failed", exc_info=task.exception())
        return not crashed

    async def stop(self) -> None:
        """Graceful: refuse new events, finish what is in flight, hand back claims and leases."""
        logger.info("svodka: останавливаюсь")
        if self.endpoint is not None:
            self.endpoint.accepting = False
        self.stop_event.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        try:
            await asyncio.wait_for(self.app.pipeline.idle(), self.options.shutdown_timeout_s)
        except TimeoutError:
            logger.warning("svodka: не дождался %d событий", self.app.pipeline.backlog)
        # Cancel the stragglers before handing their events back, not after.
        await self.app.pipeline.close()
        for service in reversed(self.services):
            await _maybe_await(service.stop())
        await self.worker.release()
        await self.lease.release()
        await self._close()

    async def kill(self) -> None:
        """Stop abruptly, as a crash would: nothing finished, nothing handed back."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._close()

    async def _serve(self, host: str, port: int) -> None:
        web_app = web.Application()
        if self.endpoint is not None:
            self.endpoint.add_routes(web_app)
        self.health.add_routes(web_app)
        settings = self.app.context.settings
        if settings.web_enabled:
            mount(
                web_app,
                dashboard_app(
                    db=self.app.context.db,
                    clock=self.app.context.clock,
                    admin_ids=tuple(settings.admin_ids),
                    base_url=settings.web_base_url or "",
                ),
            )
        self._runner = web.AppRunner(web_app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def _close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self.app.close()


async def _maybe_await(result: object) -> None:
    if inspect.isawaitable(result):
        await result
