"""Several svodka instances in one process on one database, behind a round-robin proxy,
with the emulator delivering to them over the Callback API or Long Poll."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import func, select

from bot.app import build_app
from bot.clock import FakeClock
from bot.config import Settings
from bot.emulator import Emulator, start_emulator
from bot.runtime.instance import Instance, Options
from storage.db import Database
from storage.models import InboundEvent
from tests.utils.harness import GROUP_ID, TOKEN, emulator_settings

SECRET = "callback-secret-42"
CONFIRMATION = "c0nf1rm-me"
SETTLE_TIMEOUT_S = 20.0


class RoundRobin:
    """A minimal balancer: each POST goes to the next live instance; remembers the bodies."""

    def __init__(self) -> None:
        self.ports: list[int] = []
        self.bodies: list[dict[str, Any]] = []
        self._turn = itertools.count()
        self._session: aiohttp.ClientSession | None = None

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        with contextlib.suppress(ValueError):
            self.bodies.append(await request.json())
        assert self._session is not None
        for _ in range(len(self.ports)):
            port = self.ports[next(self._turn) % len(self.ports)]
            try:
                async with self._session.post(
                    f"http://127.0.0.1:{port}/callback", data=raw
                ) as answer:
                    return web.Response(status=answer.status, text=await answer.text())
            except aiohttp.ClientConnectionError:
                continue  # that instance is down: try the next, as a balancer would
        return web.Response(status=502, text="no instance")

    async def serve(self) -> AsyncIterator[str]:
        self._session = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_post("/callback", self.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        try:
            yield f"http://127.0.0.1:{runner.addresses[0][1]}/callback"
        finally:
            await runner.cleanup()
            await self._session.close()


@dataclass
class Cluster:
    db: Database
    clock: FakeClock
    emulator: Emulator
    settings: Settings
    tmp_path: Path
    instances: list[Instance] = field(default_factory=list)

    def new_instance(self, name: str, **options: Any) -> Instance:
        app = build_app(
            settings=self.settings,
            db=self.db,
            clock=self.clock,
            instance_id=name,
        )
        defaults: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": 0,
            "retry_s": 0.02,
            "idle_poll_s": 0.02,
            "shutdown_timeout_s": 5.0,
        }
        instance = Instance(app, Options(**{**defaults, **options}))
        self.instances.append(instance)
        return instance

    async def callback_instance(self, name: str, **options: Any) -> Instance:
        """A started Callback API instance that the emulator delivers to."""
        instance = self.new_instance(name, callback=True, **options)
        await instance.start()
        url = f"http://127.0.0.1:{instance.port}/callback"
        assert await self.emulator.use_callback(url, SECRET, CONFIRMATION)
        return instance

    async def unprocessed(self) -> int:
        async with self.db.reads() as session:
            query = select(func.count()).select_from(InboundEvent)
            return await session.scalar(query.where(InboundEvent.processed_at.is_(None)))

    async def settle(self, live: list[Instance]) -> None:
        """Wait until VK delivered everything and the live instances handled all of it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_TIMEOUT_S
        while True:
            delivered = self.emulator.callback is None or self.emulator.callback.pending == 0
            if delivered and await self.unprocessed() == 0:
                for instance in live:
                    await instance.app.pipeline.idle()
                return
            if loop.time() > deadline:
                raise TimeoutError(f"not settled: {await self.unprocessed()} unprocessed")
            await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def cluster(db: Database, clock: FakeClock, tmp_path: Path) -> AsyncIterator[Cluster]:
    emulator = Emulator(
        token=TOKEN, group_id=GROUP_ID, rps=10_000, now=lambda: clock.now().timestamp()
    )
    runner, base_url = await start_emulator(emulator)
    settings = await emulator_settings(
        emulator, base_url, callback_secret=SECRET, callback_confirmation=CONFIRMATION
    )
    group = Cluster(db, clock, emulator, settings, tmp_path)
    try:
        yield group
    finally:
        for instance in group.instances:
            with contextlib.suppress(Exception):
                await instance.kill()
        await runner.cleanup()
