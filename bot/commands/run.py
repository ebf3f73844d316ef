"""`svodka run`: the production bot — Long Poll (default) or the Callback API server.

bench.botproc serves through `serve` too, so that the benchmarks measure the bot production
runs; `Launch` holds the few things a benchmark varies.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import signal
import socket
import sys
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.app import App, build_app
from bot.clock import Clock, RealClock
from bot.commands.context import migrated_database
from bot.config import Settings
from bot.runtime.callback import require_callback_settings
from bot.runtime.instance import Instance, Options
from bot.runtime.longpoll import LongPollBusy
from bot.runtime.malloc import limit_malloc_arenas
from bot.scheduler import Scheduler


def register(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser("run", help="запустить бота (Long Poll или Callback API)")
    run.add_argument(
        "--callback", action="store_true", help="принимать события Callback API (POST /callback)"
    )
    run.add_argument("--host", default="0.0.0.0", help="адрес HTTP-сервера (по умолчанию 0.0.0.0)")
    run.add_argument("--port", type=int, default=8080, help="порт Callback API (по умолчанию 8080)")
    run.add_argument(
        "--metrics-port",
        type=int,
        help="в режиме Long Poll: порт для /healthz, /readyz, /metrics (по умолчанию выключено)",
    )
    run.add_argument(
        "--no-wait",
        action="store_true",
        help="не ждать, если Long Poll уже читает другой экземпляр, а завершиться",
    )
    run.set_defaults(handler=run_bot)


def instance_name() -> str:
    """Readable in logs and in the database: which host and process holds what."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class Launch:
    clock: Clock = field(default_factory=RealClock)
    state_dir: Path = Path("var")
    instance_id: str = field(default_factory=instance_name)
    # Passed to the database engine (a benchmark's private PostgreSQL schema).
    engine_options: Mapping[str, Any] = field(default_factory=dict)
    # The inbound benchmark leaves the scheduler out: its ticks would send the week's
    # prompts into the dialogs it measures (bench/tick.py and bench/fanout.py time them).
    scheduler: bool = True


def freeze_startup_heap() -> None:
    """Keep what start-up built (modules, the app, ≈ 200 000 objects) out of the collector's
    full passes: each one walked it all, 20–100 ms in the middle of whichever message or
    report allocated the object that triggered it (bench/README.md, status_scale)."""
    gc.collect()
    gc.freeze()


async def run_bot(args: argparse.Namespace, settings: Settings) -> int:
    settings.require_token()
    if args.callback:
        require_callback_settings(settings)
    options = Options(
        callback=args.callback,
        host=args.host,
        port=args.port,
        metrics_port=args.metrics_port,
        wait_for_lease=not args.no_wait,
    )
    try:
        clean, _ = await serve(settings, options, Launch())
    except LongPollBusy as busy:
        print(
            f"Ошибка: Long Poll уже читает другой экземпляр ({busy.holder}); "
            "запустите без --no-wait или с --callback.",
            file=sys.stderr,
        )
        return 1
    return 0 if clean else 1


async def serve(settings: Settings, options: Options, launch: Launch) -> tuple[bool, App]:
    """Serve until SIGTERM/SIGINT (clean: True) or until a part of the instance crashes
    (False); raises LongPollBusy if told not to wait for a Long Poll lease that is taken."""
    limit_malloc_arenas()  # before the database's threads
    async with migrated_database(settings, **launch.engine_options) as db:
        app = build_app(
            settings=settings,
            db=db,
            clock=launch.clock,
            state_dir=launch.state_dir,
            instance_id=launch.instance_id,
        )
        # Every instance ticks: planning is serialised per district in the database, and
        # outbox rows are claimed, so the work splits without duplicates.
        instance = Instance(
            app, options, [Scheduler(app.context, metrics=app.metrics)] if launch.scheduler else []
        )
        freeze_startup_heap()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, instance.stop_event.set)
        try:
            await instance.start()
        except LongPollBusy:
            await app.close()
            raise
        clean = await instance.wait()
        await instance.stop()
    return clean, app
