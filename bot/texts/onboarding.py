"""Texts of joining the bot with an invite code, and of who may do what."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.formatting import plural, quoted
from bot.domain.onboarding import HeldSchool, RedeemResult
from bot.domain.schedule import WeeklyTime
from bot.texts.common import Template

ROLE_NAMES = {"head": "руководитель", "deputy": "заместитель руководителя"}
# "по понедельникам" and "до пятницы": the two cases the weekly promise needs.
_EVERY_DAY = ("понедельникам", "вторникам", "средам", "четвергам", "пятницам")
_UNTIL_DAY = ("понедельника", "вторника", "среды", "четверга", "пятницы")

BUTTON_YES = "Да, это я"
BUTTON_NO = "Нет, это ошибка"

STRANGER = (
    "Здравствуйте! Я бот еженедельного мониторинга Сферума: раз в неделю задаю "
    "руководителям школ несколько вопросов и собираю сводку для управления образования.\n\n"
    "Чтобы подключиться, отправьте код из приглашения (например, ABCDE-23456) "
    "или откройте ссылку из него. Приглашения выдаёт управление образования района: "
    "если у вас его нет, попросите у ответственного за мониторинг Сферума."
)
UNKNOWN_CODE = (
    "Такого кода нет. Проверьте, пожалуйста, код из приглашения: 10 букв и цифр, "
    "например ABCDE-23456."
)
EXPIRED_CODE = (
    "Срок действия этого кода истёк. Попросите в управлении образования новое приглашение."
)
REVOKED_CODE = "Этот код отменён. Попросите в управлении образования новое приглашение."
USED_CODE = (
    "Этот код уже использован. Если приглашение было для вас, сообщите, пожалуйста, "
    "в управление образования — администратор уже предупреждён."
)
ALREADY_YOURS = "Этот код вы уже использовали — школа закреплена за вами. Напишите /help."
BLOCKED = "Слишком много неверных кодов подряд. Пожалуйста, подождите {minutes} и попробуйте снова."
CONFIRMED = "Спасибо, всё готово! Опрос придёт в назначенное время. Команды — /help."
CONFIRMED_NOTHING = "Всё в порядке, подтверждать нечего. Команды — /help."
REJECTED = Template(
    "Хорошо, я отменил привязку: {schools}. Администратор предупреждён и пришлёт "
    "правильное приглашение."
)
REFUSED_OFFICE = "Эта команда доступна ответственным района и администраторам."
REFUSED_STAFF = (
    "Эта команда — для руководителей школ, подключённых к боту. Чтобы подключиться, "
    "отправьте код из приглашения."
)
REFUSED_ADMIN = "Эта команда доступна только администраторам."

ADMIN_CODE_REUSED = Template(
    "Внимание: кто-то ({person}) пытался использовать уже использованный код "
    "школы «{school}». Если это настоящий руководитель — выдайте новый код: /reissue {school}"
)
ADMIN_HOLDER_EXISTS = Template(
    "{person} ввёл код школы «{school}», но у школы уже есть {role}. Если нужно "
    "заменить — выдайте новый код: /reissue {school}"
)
ADMIN_REJECTED = Template(
    "{person} ответил «Нет, это ошибка» после ввода кода: {schools}. Привязка снята, "
    "код больше не действует. Новый код: /reissue <часть названия школы>"
)
FORMER_HOLDER = Template(
    "Здравствуйте! Управление образования передало школу «{school}» другому сотруднику, "
    "поэтому опросы по ней теперь будет получать он. Спасибо за вашу работу! "
    "Если это ошибка, сообщите, пожалуйста, в управление."
)
HOLDER_EXISTS = Template(
    "У школы «{school}» уже есть {role} в боте, поэтому код не принят. Администратор "
    "предупреждён; если школу нужно передать вам, он пришлёт новый код."
)
UNREACHABLE = "заблокировал(а) сообщения бота"


def minutes_ru(minutes: int) -> str:
    return f"{minutes} {plural(minutes, ('минуту', 'минуты', 'минут'))}"


def blocked(until: datetime, now: datetime) -> str:
    minutes = max(1, -(-int((until - now).total_seconds()) // 60))
    return BLOCKED.format(minutes=minutes_ru(minutes))


def _every(moment: WeeklyTime) -> str:
    return f"по {_EVERY_DAY[moment.weekday]} в {moment.time:%H:%M}"


def _until(moment: WeeklyTime) -> str:
    return f"до {_UNTIL_DAY[moment.weekday]} {moment.time:%H:%M}"


def _zone(tz: ZoneInfo) -> str:
    return "по московскому времени" if tz.key == "Europe/Moscow" else f"(часовой пояс {tz.key})"


def _held(held: tuple[HeldSchool, ...]) -> str:
    return "\n".join(f"• {item.name} — {ROLE_NAMES.get(item.role, item.role)}" for item in held)


def welcome(result: RedeemResult, name: str | None) -> str:
    assert result.schedule is not None and result.tz is not None and result.role is not None
    assert result.school is not None
    schedule = result.schedule
    greeting = f"Здравствуйте, {name}!" if name else "Здравствуйте!"
    count = len(result.held)
    whose = "Теперь за вами закреплена школа" if count == 1 else "Теперь за вами закреплены школы"
    return (
        f"{greeting} {whose}:\n{_held(result.held)}\n\n"
        f"Каждую неделю {_every(schedule.prompt)} {_zone(result.tz)} я буду "
        f"присылать короткий опрос о Сферуме; ответить нужно {_until(schedule.deadline)}. "
        "Если не успеете, я напомню.\n\n"
        f"Подтвердите, пожалуйста: вы — {ROLE_NAMES[result.role]} школы {quoted(result.school)}?"
    )
