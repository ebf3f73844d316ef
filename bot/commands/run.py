"""`svodka run`: the production bot — Long Poll (default) or the Callback API server.

bench.botproc serves its own app and instance through `serve` too, so that the benchmarks
measure the bot production runs.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path

from bot.app import build_app
from bot.clock import RealClock
from bot.commands.context import migrated_database
from bot.config import Settings
from bot.runtime.callback import require_callback_settings
from bot.runtime.identity import instance_name
from bot.runtime.instance import Instance, Options
from bot.runtime.longpoll import LongPollBusy
from bot.scheduler import Scheduler


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    if settings.web_enabled and settings.web_base_url is None:
        # Sign-in links lead to the address this server listens on unless told otherwise.
        port = args.port if args.callback or args.metrics_port is None else args.metrics_port
        settings = settings.model_copy(update={"web_base_url": f"http://{args.host}:{port}"})
    state_dir = Path("var")
    try:
        # Named after the host and the state directory: the same instance after a restart.
        with instance_name(state_dir) as name:
            async with migrated_database(settings) as db:
                app = build_app(
                    settings=settings,
                    db=db,
                    clock=RealClock(),
                    instance_id=name,
                )
                # Every instance ticks: planning is serialised per district in the database,
                # and outbox rows are claimed, so the work splits without duplicates.
                scheduler = Scheduler(app.context, metrics=app.metrics)
                clean = await serve(Instance(app, options, [scheduler]))
    except LongPollBusy as busy:
        print(
            f"Ошибка: Long Poll уже читает другой экземпляр ({busy.holder}); "
            "запустите без --no-wait или с --callback.",
            file=sys.stderr,
        )
        return 1
    return 0 if clean else 1


async def serve(instance: Instance) -> bool:
    """Serve until SIGTERM/SIGINT (True) or until a part of the instance crashes (False);
    raises LongPollBusy if told not to wait for a Long Poll lease that is taken."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, instance.stop_event.set)
    try:
        await instance.start()
    except LongPollBusy:
        await instance.app.close()
        raise
    clean = await instance.wait()
    await instance.stop()
    return clean
