"""What the scheduler sends to heads: prompts and reminders, and how it names moments."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.weeks import IsoWeek
from bot.texts.common import Template

FILL_LABEL = "Заполнить"
FILL_PAYLOAD = {"c": "start"}

PROMPT = Template(
    "Здравствуйте, {name}! Пора заполнить еженедельный мониторинг Сферума за {week} — "
    "школа «{school}». Это займёт пару минут. Срок — {deadline}.\n"
    "Нажмите «Заполнить», и я задам вопросы по одному."
)
REMINDER = Template(
    "{name}, напоминаю: мониторинг Сферума за {week} для школы «{school}» ещё не заполнен. "
    "Срок — {deadline}.\nНажмите «Заполнить» — это займёт пару минут."
)

NO_NAME = "коллега"  # a head whose VK name we do not know

# Why VK would not deliver a message, by its error code.
UNDELIVERED_REASONS = {
    7: "нет доступа к беседе",
    901: "руководитель не разрешил сообщения от сообщества",
    902: "руководитель ограничил сообщения в настройках приватности",
    917: "бот не администратор беседы",
}

_MONTHS = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
_WEEKDAYS = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")


def week_label(period: str) -> str:
    """ "2024-W43" -> "неделю 21.10–27.10.2024"."""
    days = IsoWeek.parse(period).days()
    return f"неделю {days[0]:%d.%m}–{days[-1]:%d.%m.%Y}"


def deadline_label(moment: datetime, tz: ZoneInfo) -> str:
    """ "до 16:00, пятница, 25 октября" in the district's own time."""
    local = moment.astimezone(tz)
    return f"до {local:%H:%M}, {_WEEKDAYS[local.weekday()]}, {local.day} {_MONTHS[local.month - 1]}"


def mention(vk_id: int, first_name: str | None, last_name: str | None) -> str:
    name = " ".join(part for part in (first_name, last_name) if part) or f"id{vk_id}"
    # Square brackets and bars would break VK's mention markup.
    return f"[id{vk_id}|{name.replace('[', '(').replace(']', ')').replace('|', ' ')}]"


def fill_keyboard() -> str:
    button = {
        "action": {
            "type": "text",
            "label": FILL_LABEL,
            "payload": json.dumps(FILL_PAYLOAD, separators=(",", ":")),
        },
        "color": "primary",
    }
    return json.dumps({"inline": True, "buttons": [[button]]}, ensure_ascii=False)


# What the scheduler will do at each moment of a round (the sandbox's clock panel).
MOMENT_NAMES = {
    "prompt": "опрос школам",
    "reminder": "напоминание не ответившим",
    "deadline": "срок ответа",
    "summary": "сводка в беседу района",
    "escalation": "список не ответивших — ответственным",
}
