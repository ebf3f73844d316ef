"""The sandbox: emulator, bot and scheduler on one port, with a clock that tests move.

`GET /_sandbox/clock` → `{"now": iso}`; `POST /_sandbox/clock` `{"now": iso}` or
`{"advance_s": n}` steps through every due moment up to then and answers when all of it has
been carried out. The clock is stored in `app_state`, so a restarted sandbox goes on from
where it stopped.

With `vk_api_url` the bot talks to an emulator running elsewhere (started with
`--token sandbox-token`), and only the clock is served here: what VK received then outlives
the sandbox — which is how the kill tests count deliveries across `kill -9`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from pydantic import SecretStr

from bot.app import build_app
from bot.clock import FakeClock
from bot.config import Settings
from bot.context import App
from bot.demo import cast
from bot.demo.seed import CHAT_PEER, load_demo_district
from bot.domain.report_render import moment_label
from bot.emulator import Emulator, start_emulator
from bot.runtime.longpoll import read_long_poll
from bot.scheduler.ticker import Scheduler
from bot.services.rounds import upcoming
from bot.texts.schedule import MOMENT_NAMES
from bot.web.dashboard import dashboard_app, mount
from bot.web.playground import Character, add_playground
from storage.db import Database
from storage.models import AppState

logger = logging.getLogger(__name__)

CLOCK_KEY = "sandbox_clock"
SANDBOX_TOKEN = "sandbox-token"
# Someone without a role, for the playground: what a stranger writing to the bot sees.
STRANGER = Character(900100, "Олег", "Петров", "посторонний")
UPCOMING_SHOWN = 8


async def stored_clock(db: Database) -> datetime | None:
    async with db.reads() as session:
        state = await session.get(AppState, CLOCK_KEY)
    return datetime.fromisoformat(state.value["now"]) if state else None


async def _store_clock(db: Database, now: datetime) -> None:
    async with db.sessions.begin() as session:
        await session.merge(AppState(key=CLOCK_KEY, value={"now": now.isoformat()}))


@dataclass
class Sandbox:
    clock: FakeClock
    db: Database
    emulator: Emulator | None  # None when an external emulator plays VK
    base_url: str
    app: App
    scheduler: Scheduler
    _runner: web.AppRunner
    _poller: asyncio.Task[None]

    async def advance(self, until: datetime) -> datetime:
        await self.scheduler.run_due(until)
        await _store_clock(self.db, self.clock.now())
        return self.clock.now()

    async def close(self) -> None:
        await self.scheduler.stop()
        self._poller.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._poller
        await self.app.close()
        await self._runner.cleanup()


async def start_sandbox(
    *,
    settings: Settings,
    db: Database,
    start: datetime,
    host: str,
    port: int,
    vk_api_url: str | None = None,
    instance_id: str | None = None,
) -> Sandbox:
    clock = FakeClock(start)
    group_id = settings.vk_group_id or 1
    holder: dict[str, Sandbox] = {}
    emulator: Emulator | None = None
    # The demo's admin is an admin here too: the playground's «Начать с демо-района» has
    # them appoint the official, and anyone may speak as anyone in a sandbox anyway.
    admin_ids = sorted({*settings.admin_ids, cast.ADMIN[0]})
    if vk_api_url is None:
        emulator = Emulator(
            token=SANDBOX_TOKEN,
            group_id=group_id,
            rps=settings.send_rps,
            now=lambda: clock.now().timestamp(),
        )
        served = emulator.app
        _add_playground(served, holder)
    else:
        served = web.Application()
    _add_clock_routes(served, holder)
    if settings.web_enabled:
        mount(
            served,
            dashboard_app(
                db=db,
                clock=clock,
                admin_ids=tuple(admin_ids),
                base_url=settings.web_base_url or "",
            ),
        )
    if emulator is not None:
        runner, base_url = await start_emulator(emulator, host, port)
        vk_api_url = f"{base_url}/method/"
    else:
        runner, base_url = await _serve(served, host, port)
    bot_settings = settings.model_copy(
        update={
            "vk_api_url": vk_api_url,
            "vk_token": SecretStr(SANDBOX_TOKEN),
            "vk_group_id": group_id,
            "admin_ids": admin_ids,
            "web_base_url": settings.web_base_url or base_url,
        }
    )
    app = build_app(settings=bot_settings, db=db, clock=clock, instance_id=instance_id)
    scheduler = Scheduler(app.context, metrics=app.metrics)
    poller = asyncio.create_task(read_long_poll(app, asyncio.Event()))
    if emulator is not None:
        await emulator.longpoll.wait_for_pollers(1, 15.0)
    sandbox = Sandbox(clock, db, emulator, base_url, app, scheduler, runner, poller)
    holder["sandbox"] = sandbox
    await _store_clock(db, clock.now())
    await scheduler.start()
    return sandbox


async def _serve(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner, f"http://{host}:{runner.addresses[0][1]}"


def _add_clock_routes(app: web.Application, holder: dict[str, Sandbox]) -> None:
    # Several requests may ask to move time at once: they are carried out one after another.
    lock = asyncio.Lock()

    async def get_clock(_request: web.Request) -> web.Response:
        return web.json_response({"now": holder["sandbox"].clock.now().isoformat()})

    async def set_clock(request: web.Request) -> web.Response:
        sandbox = holder["sandbox"]
        try:
            body: dict[str, Any] = await request.json()
            async with lock:
                until = _target(body, sandbox.clock.now())
                now = await sandbox.advance(until)
        except (ValueError, TypeError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return web.json_response({"now": now.isoformat()})

    app.router.add_get("/_sandbox/clock", get_clock)
    app.router.add_post("/_sandbox/clock", set_clock)


def _target(body: Any, now: datetime) -> datetime:
    if not isinstance(body, dict):
        raise ValueError('expected {"now": iso} or {"advance_s": n}')
    if "advance_s" in body:
        seconds = float(body["advance_s"])
        if seconds < 0:
            raise ValueError("advance_s must not be negative: the clock does not go back")
        return now + timedelta(seconds=seconds)
    if "now" in body:
        target = datetime.fromisoformat(str(body["now"]))
        if target.tzinfo is None:
            raise ValueError("now must carry a time zone, e.g. 2024-10-25T16:01:00+03:00")
        if target < now:
            raise ValueError(f"the clock does not go back: it is {now.isoformat()} already")
        return target
    raise ValueError('expected {"now": iso} or {"advance_s": n}')


def _characters() -> list[Character]:
    admin, official = cast.ADMIN, cast.OFFICIAL
    return [
        Character(admin[0], admin[1], admin[2], "администратор"),
        Character(official[0], official[1], official[2], f"ответственный, {cast.DISTRICT}"),
        *(Character(h.vk_id, h.first_name, h.last_name, h.school.name) for h in cast.heads()),
        STRANGER,
    ]


def _add_playground(app: web.Application, holder: dict[str, Sandbox]) -> None:
    """The page at `/`, the demo district on demand and what the scheduler does next."""
    add_playground(app, characters=_characters(), chat_peer=CHAT_PEER, chat_title=cast.CHAT_TITLE)

    async def start_demo(_request: web.Request) -> web.Response:
        sandbox = holder["sandbox"]
        assert sandbox.emulator is not None
        created = await load_demo_district(
            app=sandbox.app, emulator=sandbox.emulator, clock=sandbox.clock
        )
        return web.json_response({"created": created, "chat_peer_id": CHAT_PEER})

    async def next_moments(_request: web.Request) -> web.Response:
        sandbox = holder["sandbox"]
        now = sandbox.clock.now()
        tz = ZoneInfo(cast.DISTRICT_TZ)
        items = await upcoming(db=sandbox.db, after=now, limit=UPCOMING_SHOWN)
        return web.json_response(
            {
                "now": now.isoformat(),
                "now_label": moment_label(now, cast.DISTRICT_TZ),
                "next_monday": _next_at(now, tz, 0, time(9)).isoformat(),
                "friday": _next_at(now, tz, 4, time(17)).isoformat(),
                "items": [
                    {
                        "at": item.moment.at.isoformat(),
                        "when": moment_label(item.moment.at, item.tz),
                        "what": MOMENT_NAMES[item.moment.kind],
                        "district": item.district,
                    }
                    for item in items
                ],
            }
        )

    app.router.add_post("/_sandbox/demo", start_demo)
    app.router.add_get("/_sandbox/upcoming", next_moments)


def _next_at(now: datetime, tz: ZoneInfo, weekday: int, wall: time) -> datetime:
    """The first `weekday` at `wall` local time strictly after `now`."""
    local = now.astimezone(tz)
    day = local.date() + timedelta(days=(weekday - local.weekday()) % 7)
    moment = datetime.combine(day, wall, tz)
    return moment if moment > now else datetime.combine(day + timedelta(days=7), wall, tz)
