"""District set-up from the terminal: re-issue an invite; archive or restore a school;
schedule, time zone, holidays.

The same services as the admin commands in VK, for the first set-up before anyone is bound.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from datetime import timedelta

from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock, RealClock
from bot.commands.context import migrated_database
from bot.config import Settings
from bot.services.admin import district_settings as ds
from bot.services.admin import schools as admin
from bot.services.school_lookup import find_school
from bot.texts import admin as texts
from bot.texts import schools as school_texts


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    invites = sub.choices["invites"]
    actions = invites.add_subparsers(dest="invites_action", metavar="ACTION")
    reissue_cmd = actions.add_parser(
        "reissue", help="новый код для одной школы (старые отменяются)"
    )
    reissue_cmd.add_argument("--school", required=True, help="часть названия школы")
    reissue_cmd.add_argument("--district", required=True)
    reissue_cmd.add_argument("--role", choices=["head", "deputy"], default="head")
    reissue_cmd.set_defaults(
        handler=lambda args, settings: reissue(
            settings, RealClock(), school=args.school, district=args.district, role=args.role
        )
    )

    school = sub.add_parser("school", help="школа района: убрать в архив или вернуть")
    school_actions = school.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action, text in (
        ("archive", "в архив: без опросов, не считается в сводках; история остаётся"),
        ("restore", "вернуть из архива"),
    ):
        cmd = school_actions.add_parser(action, help=text)
        cmd.add_argument("school", help="название школы или его часть")
        cmd.add_argument("--district", required=True)
        cmd.set_defaults(
            handler=lambda args, settings: archive(
                settings,
                RealClock(),
                school=args.school,
                district=args.district,
                archive=args.action == "archive",
            )
        )

    district = sub.add_parser("district", help="настройки района: расписание, пояс, каникулы")
    settings_sub = district.add_subparsers(dest="setting", required=True, metavar="SETTING")
    for name, help_text in (
        ("schedule", "расписание: «опрос пн 09:00; срок пт 16:00»"),
        ("tz", "часовой пояс IANA, например Europe/Moscow"),
        ("holidays", "каникулы: «28.10.2024-04.11.2024», «нет» или «календарь»"),
    ):
        cmd = settings_sub.add_parser(name, help=help_text)
        cmd.add_argument("name", help="район")
        cmd.add_argument("value")
        cmd.set_defaults(
            handler=lambda args, settings: change_setting(
                settings, RealClock(), setting=args.setting, district=args.name, value=args.value
            )
        )


async def reissue(
    settings: Settings, clock: Clock, *, school: str, district: str, role: str
) -> int:
    async def work(session: AsyncSession) -> str:
        found_district = await ds.find_district(session, district)
        found = await find_school(session, school, district_ids=[found_district.id])
        result = await admin.reissue(
            session=session,
            school=found,
            role=role,
            now=clock.now(),
            ttl=timedelta(days=settings.invite_ttl_days),
            group_id=settings.vk_group_id,
            actor_id=None,
        )
        return texts.reissued(result, settings.invite_ttl_days)

    return await _run(settings, work)


async def archive(
    settings: Settings, clock: Clock, *, school: str, district: str, archive: bool
) -> int:
    async def work(session: AsyncSession) -> str:
        found_district = await ds.find_district(session, district)
        change = await admin.archive_by_name(
            session=session,
            school_text=school,
            district_id=found_district.id,
            archive=archive,
            now=clock.now(),
            actor_id=None,
        )
        return school_texts.archive_change(change, school_texts.CLI_HINTS)

    return await _run(settings, work)


async def change_setting(
    settings: Settings, clock: Clock, *, setting: str, district: str, value: str
) -> int:
    async def work(session: AsyncSession) -> str:
        found = await ds.find_district(session, district)
        result = await ds.change(
            session=session,
            district=found,
            setting=setting,
            value=value,
            now=clock.now(),
            actor_id=None,
        )
        return texts.setting_changed(setting, found.name, result)

    return await _run(settings, work)


async def _run(settings: Settings, work: Callable[[AsyncSession], Awaitable[str]]) -> int:
    """One transaction; the admin's input errors become one Russian line and exit code 1."""
    async with migrated_database(settings) as db:
        try:
            async with db.sessions.begin() as session:
                message = await work(session)
        except ds.INPUT_ERRORS as exc:
            Console(stderr=True, soft_wrap=True).print(f"Ошибка: {texts.input_error(exc)}")
            return 1
    # soft_wrap: a deep link broken over two lines cannot be copied.
    Console(soft_wrap=True).print(message)
    return 0
