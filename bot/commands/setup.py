"""First set-up from the terminal: schema, schools, invites, officials."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

from rich.console import Console

from bot.clock import Clock, RealClock
from bot.commands.context import migrated_database
from bot.config import Settings
from bot.domain import invite_list
from bot.domain.invite_codes import IssuedInvite
from bot.domain.school_import import Unsure
from bot.domain.school_table import read_school_table
from bot.services.admin import officials as roles
from bot.services.admin import school_import
from bot.services.onboarding import invites
from bot.texts import admin as admin_texts
from bot.texts.schools import render_import


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser("migrate", help="обновить схему базы данных").set_defaults(
        handler=lambda args, settings: migrate(settings)
    )

    imp = sub.add_parser("import", help="импорт данных")
    imp_sub = imp.add_subparsers(dest="what", required=True, metavar="WHAT")
    schools = imp_sub.add_parser(
        "schools", help="список школ района (или региона со столбцом «Район») из CSV или XLSX"
    )
    schools.add_argument("file", type=Path)
    schools.add_argument(
        "--district", help="район; без него — все районы из столбца «Район» файла региона"
    )
    schools.add_argument("--tz", help="часовой пояс новых районов (IANA), по умолчанию DEFAULT_TZ")
    schools.add_argument(
        "--dry-run", action="store_true", help="только показать, что изменится; ничего не менять"
    )
    schools.add_argument(
        "--unsure",
        choices=[choice.value for choice in Unsure],
        default=Unsure.ASK.value,
        help="строки, похожие на школу из бота: ask — спросить (по умолчанию), "
        "same — это та же школа, new — это новая школа",
    )
    schools.set_defaults(
        handler=lambda args, settings: import_schools(
            settings,
            RealClock(),
            path=args.file,
            district=args.district,
            tz=args.tz,
            dry_run=args.dry_run,
            unsure=Unsure(args.unsure),
        )
    )

    inv = sub.add_parser("invites", help="коды приглашений для руководителей школ")
    # Not `required`: `invites reissue` (bot/commands/district.py) takes its own --district.
    inv.add_argument("--district", help="район (обязательно)")
    inv.add_argument(
        "--format",
        choices=invite_list.FORMATS,
        help="csv — для программ (school,code,link), csv-excel — CSV для Excel (;, UTF-8 с "
        "BOM), xlsx — таблица, text — текстом; по умолчанию по расширению -o, иначе csv",
    )
    inv.add_argument("-o", "--output", type=Path, help="записать в файл (.csv, .xlsx, .txt)")
    inv.add_argument(
        "--missing-only", action="store_true", help="только школы без руководителя в боте"
    )
    inv.set_defaults(
        handler=lambda args, settings: print_invites(
            settings,
            RealClock(),
            district=args.district,
            fmt=args.format,
            output=args.output,
            missing_only=args.missing_only,
        )
    )

    off = sub.add_parser("official", help="ответственные района")
    off_sub = off.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action, text in (("add", "назначить"), ("remove", "снять")):
        cmd = off_sub.add_parser(action, help=f"{text} ответственного")
        cmd.add_argument("vk_id", type=int)
        cmd.add_argument("--district", required=True)
        cmd.set_defaults(
            handler=lambda args, settings: official(
                settings, RealClock(), action=args.action, vk_id=args.vk_id, district=args.district
            )
        )


async def migrate(settings: Settings) -> int:
    async with migrated_database(settings):
        pass
    Console(stderr=True).print("Схема базы данных обновлена.")
    return 0


async def import_schools(
    settings: Settings,
    clock: Clock,
    *,
    path: Path,
    district: str | None,
    tz: str | None,
    dry_run: bool = False,
    unsure: Unsure = Unsure.ASK,
) -> int:
    table = read_school_table(path.read_bytes(), path.name)
    async with migrated_database(settings) as db:
        report = await school_import.import_table(
            db=db,
            table=table,
            district=district,
            tz=tz or settings.default_tz,
            now=clock.now(),
            dry_run=dry_run,
            unsure=unsure,
        )
    # Plain print: school names carry brackets rich would read as markup.
    print(render_import(report))
    return 0


async def print_invites(
    settings: Settings,
    clock: Clock,
    *,
    district: str | None,
    fmt: str | None,
    missing_only: bool,
    output: Path | None = None,
) -> int:
    """New codes for the district's schools (earlier unused ones revoked): the list on
    stdout or in a file, what was done on stderr, so a script reads a clean CSV."""
    errors = Console(stderr=True, soft_wrap=True)
    if not district:
        errors.print("Ошибка: укажите район: svodka invites --district NAME")
        return 2
    fmt = fmt or (invite_list.BY_SUFFIX.get(output.suffix.lower(), "csv") if output else "csv")
    if fmt == "xlsx" and output is None:
        errors.print(admin_texts.INVITES_XLSX_NEEDS_FILE)
        return 2
    async with migrated_database(settings) as db, db.sessions.begin() as session:
        issued = await invites.issue_for_district(
            session=session,
            district_name=district,
            now=clock.now(),
            ttl=timedelta(days=settings.invite_ttl_days),
            group_id=settings.vk_group_id,
            missing_only=missing_only,
        )
    if settings.vk_group_id is None:
        errors.print("VK_GROUP_ID не задан: ссылки не сформированы, только коды.")
    writers: dict[str, Callable[[Sequence[IssuedInvite]], str | bytes]] = {
        "csv": invite_list.for_scripts,
        "csv-excel": invite_list.for_excel,
        "xlsx": invite_list.workbook,
        "text": invite_list.as_text,
    }
    content = writers[fmt](issued)
    if output is not None:
        _write_secret(output, content.encode() if isinstance(content, str) else content)
    elif isinstance(content, str):
        sys.stdout.write(content)
    else:  # CSV for Excel redirected to a file: its BOM must go out too
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
    summary = admin_texts.invites_issued(
        count=len(issued),
        revoked=sum(item.revoked for item in issued),
        district=district,
        days=settings.invite_ttl_days,
        missing_only=missing_only,
    )
    # Plain print: district names may hold brackets rich would read as markup.
    print(summary, file=sys.stderr)
    if output is not None:
        print(admin_texts.INVITES_WRITTEN.format(path=output), file=sys.stderr)
    return 0


def _write_secret(path: Path, data: bytes) -> None:
    """The codes let anyone join as a head: the file is readable by its owner only."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)


async def official(
    settings: Settings, clock: Clock, *, action: str, vk_id: int, district: str
) -> int:
    async with migrated_database(settings) as db, db.sessions.begin() as session:
        if action == "add":
            changed = await roles.add_official(
                session=session, vk_id=vk_id, district_name=district, now=clock.now()
            )
            message = "назначен" if changed else "уже был"
        else:
            changed = await roles.remove_official(
                session=session, vk_id=vk_id, district_name=district, now=clock.now()
            )
            message = "снят" if changed else "не был"
    Console().print(f"VK id {vk_id} {message} ответственным района «{district}».")
    return 0
