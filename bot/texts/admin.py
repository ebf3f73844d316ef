"""Texts of the admin commands: officials, invites, district settings, chat binding."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain import invite_codes
from bot.domain.calendar_days import RangesError, format_ranges_ru
from bot.domain.districts import DistrictOverview, Holidays
from bot.domain.formatting import plural, quoted
from bot.domain.invite_codes import Reissued
from bot.domain.lookups import AmbiguousDistrict, NoSuchDistrict, SchoolNotFound, UnknownZone
from bot.domain.schedule import Schedule, ScheduleError
from bot.texts.common import Template, school_choices
from bot.texts.onboarding import ROLE_NAMES as ROLE_NAMES

MENU = (
    "Меню администратора:\n"
    "/official add <VK id> <район> — назначить ответственного (remove — снять)\n"
    "/unbound [район] — школы без руководителя в боте\n"
    "/reissue <школа> [район] [deputy] — новый код приглашения (старые коды отменяются)\n"
    "/revoke <школа> [район] [deputy] — отменить неиспользованные коды\n"
    "/archive <школа> — убрать школу в архив (/restore — вернуть)\n"
    "/districts — районы и их настройки\n"
    "/schedule <район>: опрос пн 09:00; срок пт 16:00 — расписание\n"
    "/tz <район> <часовой пояс> — часовой пояс\n"
    "/holidays <район> 28.10.2024-04.11.2024 — каникулы (нет — убрать, календарь — по стране)\n"
    "/bind — в чате района: присылать туда сводки"
)
BUTTON_UNBOUND = "Без руководителя"
BUTTON_DISTRICTS = "Районы"
BUTTON_HELP = "Помощь"

USAGE_OFFICIAL = "Напишите так: /official add 123456 Сергокалинский (или /official remove …)."
USAGE_REISSUE = "Напишите часть названия школы: /reissue Дегвинская (для заместителя: … deputy)."
USAGE_SCHEDULE = "Напишите так: /schedule Сергокалинский: опрос пн 09:00; срок пт 16:00"
USAGE_TZ = "Напишите так: /tz Сергокалинский Europe/Moscow"
USAGE_HOLIDAYS = (
    "Напишите так: /holidays Сергокалинский 28.10.2024-04.11.2024, 30.12.2024-08.01.2025"
)

NO_DISTRICTS = "Районов пока нет. Загрузите школы: svodka import schools FILE --district NAME"
UNKNOWN_DISTRICT = Template("Район «{name}» не найден. Есть: {known}.")
AMBIGUOUS_DISTRICT = Template(
    "«{name}» подходит к нескольким районам: {candidates}. Уточните, пожалуйста."
)
UNKNOWN_SCHOOL = Template("Школа «{name}» не найдена. Напишите часть названия точнее.")
AMBIGUOUS_SCHOOL = Template(
    "«{name}» подходит к нескольким школам:\n{candidates}\n"
    "Уточните название или добавьте район, как в списке."
)
UNKNOWN_ZONE = "«{zone}» — не часовой пояс. Пример: Europe/Moscow, Asia/Yekaterinburg."

OFFICIAL_ADDED = Template("Назначен ответственным района «{district}»: {person}.")
OFFICIAL_EXISTED = Template("Уже был ответственным района «{district}»: {person}.")
OFFICIAL_REMOVED = Template("Больше не ответственный района «{district}»: {person}.")
OFFICIAL_ABSENT = Template("Не был ответственным района «{district}»: {person}.")
YOU_ARE_OFFICIAL = Template(
    "Здравствуйте! Вас назначили ответственным района «{district}» в боте мониторинга "
    "Сферума. Команды — /help."
)
OFFICIAL_NOT_TOLD = (
    "Сообщить ему об этом не получилось: VK не даёт сообществу писать тому, кто "
    "не писал ему сам или запретил сообщения. Попросите его написать боту — иначе и "
    "сводки по понедельникам до него не дойдут."
)
YOU_ARE_NOT_OFFICIAL = Template(
    "Здравствуйте! Вы больше не ответственный района «{district}» в боте мониторинга Сферума."
)

ALL_BOUND = Template("В районе «{district}» у всех школ есть руководитель в боте.")
UNBOUND = "{district}: без руководителя {count}:\n{schools}"

REISSUED = (
    "Новый код для школы {school}, {district} ({role}): {code}\nСсылка: {link}\n"
    "Действует {days}. {extra}"
)
REISSUED_REPLACES = "Когда код используют, нынешний {role} потеряет доступ к школе."
REISSUED_REVOKED = "Прежние неиспользованные коды отменены: {count}."
REVOKED = Template("Отменено неиспользованных кодов школы «{school}» ({role}): {count}.")

SCHEDULE_SET = Template("Расписание района «{district}»: {schedule}.")
TZ_SET = Template("Часовой пояс района «{district}»: {zone}.")
HOLIDAYS_SET = Template("Каникулы района «{district}»: {holidays}.")
HOLIDAYS_NONE = "нет"
HOLIDAYS_CALENDAR = "по календарю Минпросвещения"

DISTRICT_LINE = Template(
    "«{name}»: школ {schools}, руководителей в боте {heads}, ответственных {officials}\n"
    "  пояс {tz}; {schedule}\n  каникулы: {holidays}"
)


def reissued(result: Reissued, days: int) -> str:
    role = ROLE_NAMES[result.role]
    extra = [REISSUED_REPLACES.format(role=role)] if result.has_holder else []
    if result.revoked:
        extra.append(REISSUED_REVOKED.format(count=result.revoked))
    return REISSUED.format(
        school=quoted(result.school),
        district=result.district,
        role=role,
        code=invite_codes.display(result.code),
        link=result.link or "не задан VK_GROUP_ID",
        days=f"{days} {plural(days, ('день', 'дня', 'дней'))}",
        extra=" ".join(extra),
    ).strip()


INVITES_ISSUED = Template(
    "Выдано кодов приглашения: {count} (район «{district}»), каждый действует {days}. "
    "Новый код отменяет прежние неиспользованные коды своей школы: отменено {revoked} — "
    "действуют только коды из этого списка."
)
INVITES_NONE = Template("Кодов не выдано: в районе «{district}» нет школ{which}.")
INVITES_NONE_MISSING = " без руководителя в боте"
INVITES_WRITTEN = "Список записан в {path}."
INVITES_XLSX_NEEDS_FILE = "Ошибка: таблицу XLSX нужно записать в файл: добавьте -o приглашения.xlsx"


def invites_issued(
    *, count: int, revoked: int, district: str, days: int, missing_only: bool
) -> str:
    if not count:
        which = INVITES_NONE_MISSING if missing_only else ""
        return INVITES_NONE.format(district=district, which=which)
    return INVITES_ISSUED.format(
        count=count,
        district=district,
        days=f"{days} {plural(days, ('день', 'дня', 'дней'))}",
        revoked=revoked,
    )


def holidays(value: Holidays) -> str:
    parts = [format_ranges_ru(value.ranges)] if value.ranges else []
    if value.calendar:
        parts.append(HOLIDAYS_CALENDAR)
    return "; ".join(parts) or HOLIDAYS_NONE


def listing(names: Sequence[str]) -> str:
    return "\n".join(f"• {name}" for name in names)


def input_error(exc: Exception) -> str:
    """What to tell an admin whose input matched no or several districts or schools, or
    whose schedule, time zone or dates cannot be read."""
    if isinstance(exc, UnknownZone):
        return UNKNOWN_ZONE.format(zone=exc)
    if isinstance(exc, ScheduleError | RangesError):
        return str(exc)
    if isinstance(exc, AmbiguousDistrict):
        return AMBIGUOUS_DISTRICT.format(name=exc.text, candidates=", ".join(exc.candidates))
    if isinstance(exc, NoSuchDistrict):
        return UNKNOWN_DISTRICT.format(name=exc.name, known=", ".join(exc.known) or "нет")
    if isinstance(exc, SchoolNotFound) and exc.candidates:
        return AMBIGUOUS_SCHOOL.format(name=exc.text, candidates=school_choices(exc.candidates))
    if isinstance(exc, SchoolNotFound):
        return UNKNOWN_SCHOOL.format(name=exc.text)
    raise exc


def district_line(item: DistrictOverview) -> str:
    return DISTRICT_LINE.format(
        name=item.name,
        schools=item.schools,
        heads=item.heads,
        officials=item.officials,
        tz=item.tz,
        schedule=item.schedule.format_ru(),
        holidays=holidays(item.holidays),
    )


BIND_IN_PRIVATE = (
    "Команду /bind нужно написать в самом чате района, куда добавлен бот (сообщество)."
)
BIND_NEEDS_ADMIN = (
    "Чтобы присылать сюда сводки, боту нужны права администратора чата. Откройте настройки "
    "беседы → «Участники», найдите сообщество и назначьте его администратором, затем "
    "снова напишите /bind."
)
BIND_WHICH_DISTRICT = Template("Укажите район: /bind <район>. Ваши районы: {districts}.")
BIND_NOT_YOURS = Template("Район «{district}» не ваш: привязать к нему чат нельзя.")
BIND_TAKEN = Template(
    "Этот чат уже привязан к району «{district}». Перепривязать его может администратор бота "
    "или ответственный района «{district}», отвязав чат командой /unbind."
)
BIND_TAKEN_WARNING = Template(
    "Внимание: ответственный района «{district}» {person} пытался привязать к своему "
    "району чат вашего района «{own}». Чат остался за вашим районом, попытка записана в журнал."
)
BOUND_SUMMARIES = Template(
    "Готово: этот чат привязан к району «{district}». Сюда будут приходить сводки."
)
BOUND_WITH_STATUS = Template(
    "Готово: этот чат привязан к району «{district}». Сюда будут приходить сводки, "
    "а на /status я отвечу прямо здесь."
)
UNBOUND_CHAT = Template("Чат отвязан от района «{district}»: сводок сюда больше не будет.")
NOT_BOUND = "Этот чат не привязан ни к одному району."


def setting_changed(setting: str, district: str, result: Schedule | str | Holidays) -> str:
    if isinstance(result, Schedule):
        return SCHEDULE_SET.format(district=district, schedule=result.format_ru())
    if isinstance(result, Holidays):
        return HOLIDAYS_SET.format(district=district, holidays=holidays(result))
    return TZ_SET.format(district=district, zone=result)
