"""`svodka school archive|restore <школа> --district NAME`: take a school out of the weekly
round (a duplicate, a closed school) or bring it back."""

from __future__ import annotations

import argparse

from rich.console import Console

from bot.clock import Clock, RealClock
from bot.commands.context import migrated_database
from bot.config import Settings
from bot.services.admin import district_settings as ds
from bot.services.admin import schools as admin
from bot.texts import admin as admin_texts
from bot.texts import schools as texts


def register(sub: argparse._SubParsersAction) -> None:
    school = sub.add_parser("school", help="школа района: убрать в архив или вернуть")
    actions = school.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action, text in (
        ("archive", "в архив: без опросов, не считается в сводках; история остаётся"),
        ("restore", "вернуть из архива"),
    ):
        cmd = actions.add_parser(action, help=text)
        cmd.add_argument("school", help="название школы или его часть")
        cmd.add_argument("--district", required=True)
        cmd.set_defaults(
            handler=lambda args, settings: change(
                settings,
                RealClock(),
                school=args.school,
                district=args.district,
                archive=args.action == "archive",
            )
        )


async def change(
    settings: Settings, clock: Clock, *, school: str, district: str, archive: bool
) -> int:
    async with migrated_database(settings) as db:
        try:
            result = await admin.change_archive(
                db=db,
                school_text=school,
                district_text=district,
                archive=archive,
                now=clock.now(),
                actor_id=None,
            )
        except ds.INPUT_ERRORS as exc:
            Console(stderr=True, soft_wrap=True).print(f"Ошибка: {admin_texts.input_error(exc)}")
            return 1
    print(texts.archive_change(result, texts.CLI_HINTS))
    return 0
