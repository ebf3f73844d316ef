"""`svodka emulator`: the VK API emulator alone, for rehearsing `svodka run` without VK."""

from __future__ import annotations

import argparse

from bot.config import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = sub.add_parser("emulator", help="эмулятор VK API (для репетиции без сообщества VK)")
    cmd.add_argument("--host", default="127.0.0.1")
    cmd.add_argument("--port", type=int, default=8081)
    cmd.add_argument("--token", default="emulator-token")
    cmd.add_argument("--group-id", type=int, default=1)
    cmd.add_argument("--rps", type=float, default=20.0)
    cmd.set_defaults(handler=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.emulator.server import serve

    await serve(args)
    return 0
