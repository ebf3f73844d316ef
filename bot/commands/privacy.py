"""`svodka forget VK_ID`: erase a person's personal data on request (152-ФЗ)."""

from __future__ import annotations

import argparse

from rich.console import Console

from bot.clock import Clock, RealClock
from bot.commands.context import migrated_database
from bot.config import Settings
from bot.services.privacy import forget as privacy


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = sub.add_parser(
        "forget",
        help="удалить персональные данные человека (VK id, имя, роли); цифры школ остаются",
    )
    cmd.add_argument("vk_id", type=int)
    cmd.set_defaults(handler=lambda args, settings: forget(settings, RealClock(), vk_id=args.vk_id))


async def forget(settings: Settings, clock: Clock, *, vk_id: int) -> int:
    async with migrated_database(settings) as db, db.sessions.begin() as session:
        outcome = await privacy.forget(session=session, vk_id=vk_id, now=clock.now())
    console = Console()
    if not outcome.changed:
        console.print(f"О VK id {vk_id} ничего не хранится: удалять нечего.")
        return 0
    console.print(
        f"Персональные данные VK id {vk_id} удалены: ролей снято {outcome.roles}, "
        f"диалогов {outcome.dialogs}, счётчиков {outcome.throttles}, "
        f"следов в журналах {outcome.scrubbed}. Ответы школ сохранены без автора."
    )
    return 0
