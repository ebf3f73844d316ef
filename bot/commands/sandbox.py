"""`svodka sandbox`: emulator + bot + scheduler against DATABASE_URL, with a movable clock."""

from __future__ import annotations

import argparse
import asyncio
import logging
from datetime import datetime
from pathlib import Path

from bot.clock import RealClock
from bot.commands.context import migrated_database
from bot.config import Settings
from bot.runtime.identity import instance_name

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = sub.add_parser(
        "sandbox", help="эмулятор VK, бот и планировщик с управляемыми часами (для проверок)"
    )
    cmd.add_argument("--host", default="127.0.0.1")
    cmd.add_argument("--port", type=int, default=8080)
    cmd.add_argument(
        "--now",
        type=_moment,
        default=None,
        help="начальное время, ISO 8601 с часовым поясом (по умолчанию — сохранённое в базе)",
    )
    cmd.add_argument(
        "--vk-api-url",
        default=None,
        help="внешний эмулятор VK (запущенный с --token sandbox-token) вместо встроенного; "
        "здесь тогда только часы",
    )
    cmd.set_defaults(handler=run)


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("укажите часовой пояс, например 2024-10-21T09:00+03:00")
    return moment


async def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.sandbox import start_sandbox, stored_clock

    state_dir = Path("var")
    # The same name after a restart: rows a killed sandbox was sending are taken back at once.
    with instance_name(state_dir) as name:
        async with migrated_database(settings) as db:
            start = args.now or await stored_clock(db) or RealClock().now()
            sandbox = await start_sandbox(
                settings=settings,
                db=db,
                start=start,
                host=args.host,
                port=args.port,
                vk_api_url=args.vk_api_url,
                instance_id=name,
            )
            print(f"Песочница запущена: {sandbox.base_url}")
            vk_api_url = sandbox.app.context.settings.vk_api_url
            print(f"VK_API_URL={vk_api_url}, часы: {sandbox.base_url}/_sandbox/clock")
            print(f"Время песочницы: {sandbox.clock.now().isoformat()}. Остановить — Ctrl+C.")
            try:
                await asyncio.Event().wait()
            finally:
                await sandbox.close()
    return 0
