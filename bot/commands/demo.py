"""`svodka demo`: the real bot, scheduler and storage against the emulator, no VK account."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.config import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = sub.add_parser("demo", help="показать недели работы бота без аккаунта VK")
    demo.add_argument("--out", type=Path, default=Path("demo-out"), help="куда сложить файлы")
    demo.add_argument("--weeks", type=int, default=2, choices=range(1, 9), metavar="N")
    demo.add_argument("--seed", type=int, default=1, help="другой seed — другие люди и время")
    demo.add_argument("--full", action="store_true", help="печатать длинные сообщения целиком")
    demo.set_defaults(handler=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.demo.runner import run_demo

    await run_demo(out=args.out, weeks=args.weeks, seed=args.seed, full=args.full)
    return 0
