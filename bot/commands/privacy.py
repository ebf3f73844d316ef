"""`svodka forget VK_ID`: erase a person's personal data on request (152-ФЗ);
`svodka forget --school NAME --district NAME`: the head's contacts from the office's list
(a head who never joined the bot)."""

from __future__ import annotations

import argparse

from rich.console import Console

from bot.clock import Clock, RealClock
from bot.commands.context import migrated_database
from bot.config import Settings
from bot.domain.formatting import quoted
from bot.services.admin import district_settings as ds
from bot.services.privacy import forget as privacy
from bot.services.school_lookup import find_school
from bot.texts import admin as admin_texts


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = sub.add_parser(
        "forget",
        help="удалить персональные данные человека (VK id, имя, роли, контакты руководителя); "
        "цифры школ остаются",
    )
    cmd.add_argument("vk_id", type=int, nargs="?")
    cmd.add_argument("--school", help="без VK id: контакты руководителя этой школы из списка ОО")
    cmd.add_argument("--district", help="район школы (с --school)")
    cmd.set_defaults(
        handler=lambda args, settings: forget(
            settings, RealClock(), vk_id=args.vk_id, school=args.school, district=args.district
        )
    )


async def forget(
    settings: Settings,
    clock: Clock,
    *,
    vk_id: int | None,
    school: str | None = None,
    district: str | None = None,
) -> int:
    if (vk_id is None) == (school is None) or (school is not None and not district):
        Console(stderr=True).print(
            "Ошибка: укажите VK id (svodka forget 123456) или школу "
            "(svodka forget --school «название» --district «район»)."
        )
        return 2
    if school is not None:
        assert district is not None
        return await _forget_contact(settings, clock, school=school, district=district)
    assert vk_id is not None
    async with migrated_database(settings) as db, db.sessions.begin() as session:
        outcome = await privacy.forget(session=session, vk_id=vk_id, now=clock.now())
    console = Console()
    if not outcome.changed:
        console.print(f"О VK id {vk_id} ничего не хранится: удалять нечего.")
        return 0
    console.print(
        f"Персональные данные VK id {vk_id} удалены: ролей снято {outcome.roles}, "
        f"диалогов {outcome.dialogs}, счётчиков {outcome.throttles}, "
        f"контактов школ {outcome.contacts}, следов в журналах {outcome.scrubbed}. "
        "Ответы школ сохранены без автора."
    )
    return 0


async def _forget_contact(settings: Settings, clock: Clock, *, school: str, district: str) -> int:
    async with migrated_database(settings) as db:
        try:
            async with db.sessions.begin() as session:
                found_district = await ds.find_district(session, district)
                found = await find_school(
                    session, school, district_ids=[found_district.id], archived=None
                )
                outcome = await privacy.forget_contact(
                    session=session, school=found, now=clock.now()
                )
        except ds.INPUT_ERRORS as exc:
            Console(stderr=True, soft_wrap=True).print(f"Ошибка: {admin_texts.input_error(exc)}")
            return 1
    if not outcome.changed:
        print(f"Контактов руководителя школы {quoted(found.name)} не хранится: удалять нечего.")
        return 0
    print(
        f"Контакты руководителя школы {quoted(found.name)} (ФИО, телефон, e-mail) удалены, "
        f"следов в журналах {outcome.scrubbed}. При следующем импорте списка ОО они появятся "
        "снова, если останутся в файле."
    )
    return 0
