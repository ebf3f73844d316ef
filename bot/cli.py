"""`svodka …` — the command line. Parses arguments, runs one command, reports errors in one line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from sqlalchemy.exc import DBAPIError, OperationalError

from bot.config import ConfigError, load_settings
from bot.domain.lookups import UnknownDistrict
from bot.domain.sheet_rows import SchoolTableError
from bot.logs import setup_logging


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser for `argv`: with its command's module registered, or every module's when
    there is no command to find (`--help`)."""
    from bot.commands import command_modules

    command = next((arg for arg in argv or [] if not arg.startswith("-")), None)
    parser = argparse.ArgumentParser(
        prog="svodka",
        description="svodka: еженедельный мониторинг Сферума для управлений образования в VK.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in command_modules(command):
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"Ошибка настройки: {exc}", file=sys.stderr)
        return 2
    secrets = [
        s.get_secret_value()
        for s in (settings.vk_token, settings.callback_secret, settings.smtp_password)
        if s
    ]
    setup_logging(settings.log_level, secrets)
    try:
        code: int = asyncio.run(args.handler(args, settings))
        return code
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
