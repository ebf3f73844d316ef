"""The /help text: one line per command, shown only to those who may use it; and what a
person is told when the bot cannot place their message: what they can do now."""

from __future__ import annotations

from bot.domain.permissions import Actor

COMMAND_LINES = {
    "help": "/help — эта справка",
    "report": "/report — заполнить еженедельный опрос; /report прошлая неделя — сдать пропущенный отчёт (не старше 4 недель)",
    "correct": "/correct <школа> [неделя] — внести или исправить ответы школы (например, /correct Дегва 2024-W47)",
    "my": "/my — ответы вашей школы за прошлые недели",
    "status": (
        "/status — сводка за неделю (/status прошлая неделя, /status 18.11 — за прошлые); "
        "/status <школа> — по одной школе"
    ),
    "missing": "/missing — школы, которые ещё не ответили",
    "rating": "/rating — школы по показателю, от лучших к отстающим",
    "remind": "/remind — напомнить тем, кто не ответил",
    "export": "/export — выгрузка ответов (XLSX/CSV; /export csv прошлая неделя — за одну неделю)",
    "chart": "/chart — график по неделям",
    "bind": "/bind — привязать чат района (написать в самом чате; /bind статус — ещё и отвечать на /status)",
    "unbind": "/unbind — отвязать чат района",
    "admin": "/admin — меню администратора",
    "official": "/official add <VK id> <район> — назначить ответственного (remove — снять)",
    "unbound": "/unbound [район] — школы без руководителя в боте",
    "reissue": "/reissue <школа> [район] [deputy] — новый код приглашения",
    "revoke": "/revoke <школа> [район] [deputy] — отменить неиспользованные коды школы",
    "archive": "/archive <школа> — убрать школу в архив (дубль, закрытая); /restore — вернуть",
    "districts": "/districts — районы и их настройки",
    "schedule": "/schedule <район>: опрос пн 09:00; срок пт 16:00 — расписание района",
    "tz": "/tz <район> <часовой пояс> — например, /tz Сергокалинский Europe/Moscow",
    "holidays": "/holidays <район> 28.10.2024-04.11.2024 — каникулы (нет — убрать, календарь — по стране)",
    "request": "/request — разовый запрос в школы со сроком (анкета или таблица)",
    "web": "/web — ссылка для входа на сайт сводки (/web выйти — выйти на всех устройствах)",
    "emails": "/emails <район> a@b.ru, c@d.ru — куда отправлять сводки на почту",
}
HEADER = "Что я умею:"

# A message no feature took: never a bare «не знаю»; what this person can do now, by role.
NOT_UNDERSTOOD = "Не понял сообщение."
UNKNOWN_COMMAND = "Не знаю команды {command}."
WHAT_NOW = "Что можно сделать сейчас:"
HEAD_OPTIONS = (
    "• «Заполнить отчёт» (или кнопка «Заполнить») — ответить на вопросы этой недели;",
    "• /report прошлая неделя — сдать пропущенный отчёт за прошлые недели;",
    "• /my — ответы вашей школы за прошлые недели;",
)
OFFICE_OPTIONS = (
    "• /status — сводка района за неделю, /status <школа> — по одной школе;",
    "• /missing — кто ещё не ответил;",
)
ADMIN_OPTIONS = ("• /admin — меню администратора;",)
ALL_COMMANDS = "• /help — все команды."


def options(actor: Actor, command: str | None = None) -> str:
    """`command`: the unknown /command typed, if it was one."""
    opening = UNKNOWN_COMMAND.format(command=f"/{command[:40]}") if command else NOT_UNDERSTOOD
    lines = [*(HEAD_OPTIONS if actor.is_staff else ())]
    lines += [*(OFFICE_OPTIONS if actor.is_official or actor.is_admin else ())]
    lines += [*(ADMIN_OPTIONS if actor.is_admin else ())]
    return "\n".join([f"{opening} {WHAT_NOW}", *lines, ALL_COMMANDS])
