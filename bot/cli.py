"""`svodka …` — the command line. Parses arguments, runs one command, reports errors in one line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy.exc import DBAPIError, OperationalError

from bot.clock import RealClock
from bot.config import ConfigError, Settings, load_settings
from bot.domain.school_table import SchoolTableError
from bot.logs import setup_logging
from bot.services.districts import UnknownDistrict

Command = Callable[[argparse.Namespace, Settings], Awaitable[int]]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="svodka",
        description="svodka: еженедельный мониторинг Сферума для управлений образования в VK.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("migrate", help="обновить схему базы данных")

    demo = sub.add_parser("demo", help="показать неделю работы бота без аккаунта VK")
    demo.add_argument("--out", type=Path, default=Path("demo-out"))

    imp = sub.add_parser("import", help="импорт данных")
    imp_sub = imp.add_subparsers(dest="what", required=True, metavar="WHAT")
    schools = imp_sub.add_parser("schools", help="список школ района из CSV или XLSX")
    schools.add_argument("file", type=Path)
    schools.add_argument("--district", required=True)
    schools.add_argument("--tz", help="часовой пояс района (IANA), по умолчанию DEFAULT_TZ")

    inv = sub.add_parser("invites", help="коды приглашений для руководителей школ")
    inv.add_argument("--district", required=True)
    inv.add_argument("--format", choices=["csv", "text"], default="csv")
    inv.add_argument(
        "--missing-only", action="store_true", help="только школы без руководителя в боте"
    )

    off = sub.add_parser("official", help="ответственные района")
    off_sub = off.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action, text in (("add", "назначить"), ("remove", "снять")):
        cmd = off_sub.add_parser(action, help=f"{text} ответственного")
        cmd.add_argument("vk_id", type=int)
        cmd.add_argument("--district", required=True)
    return parser


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    from bot.commands import demo, setup

    clock = RealClock()
    match args.command:
        case "migrate":
            return await setup.migrate(settings)
        case "demo":
            return await demo.run_demo(out=args.out)
        case "import":
            return await setup.import_schools(
                settings, clock, path=args.file, district=args.district, tz=args.tz
            )
        case "invites":
            return await setup.print_invites(
                settings,
                clock,
                district=args.district,
                fmt=args.format,
                missing_only=args.missing_only,
            )
        case "official":
            return await setup.official(
                settings, clock, action=args.action, vk_id=args.vk_id, district=args.district
            )
    raise AssertionError(args.command)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"Ошибка настройки: {exc}", file=sys.stderr)
        return 2
    secrets = [s.get_secret_value() for s in (settings.vk_token, settings.callback_secret) if s]
    setup_logging(settings.log_level, secrets)
    try:
        return asyncio.run(_dispatch(args, settings))
    except KeyboardInterrupt:
        return 130
    except (UnknownDistrict, ConfigError) as exc:
        print(f"Ошибка: {exc}", file=sys.stderr)
        return 1
    except SchoolTableError as exc:
        print("Файл не импортирован, исправьте:", *exc.problems, sep="\n", file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        print(f"Ошибка: файл не найден: {exc.filename}", file=sys.stderr)
        return 1
    except (OperationalError, DBAPIError, OSError) as exc:
        logging.getLogger(__name__).debug("database failure", exc_info=True)
        print(f"Ошибка: DATABASE_URL: база недоступна ({type(exc).__name__})", file=sys.stderr)
        return 1
