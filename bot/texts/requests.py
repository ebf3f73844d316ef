"""Texts of one-off requests: notices, reminders, the summary, the /request dialog, e-mail."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.texts.common import Template

_MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip

FILL_LABEL = "Заполнить"

# To heads (the outbox).
NOTICE = Template(
    "Здравствуйте, {name}! Управление образования просит заполнить запрос «{title}» — "
    "школа «{school}». Срок — {deadline}.\nНажмите «Заполнить», и я всё подскажу."
)
REMINDER = Template(
    "{name}, напоминаю: запрос «{title}» по школе «{school}» ещё не заполнен. "
    "Срок — {deadline}.\nНажмите «Заполнить»."
)

# The summary to the district chat.
SUMMARY_TITLE = Template("Итоги запроса «{title}» — {district} (срок {deadline})")
ROWS_TOTAL = "Строк в таблицах: {n}."

# /status and /export of a request.
STATUS_TITLE = Template("Запрос «{title}» — {district}")
REQUEST_NOT_FOUND = Template("Не нашёл запрос «{query}» за последние 30 дней. Проверьте название.")
REQUEST_AMBIGUOUS = "Нашлось несколько запросов, уточните:\n{titles}"
EXPORT_CAPTION = Template("Запрос «{title}» — {district}: ответили {answered} из {total}.")

# The check-in dialog for a request.
INTRO = Template("Запрос «{title}» — {school}. Срок — {deadline}.")
INTRO_LATE = Template(
    "Запрос «{title}» — {school}.\nСрок ({deadline}) уже прошёл, но ответы ещё "
    "принимаются — они будут отмечены как поздние."
)
REVIEW = Template("Проверьте ответы — {school}, запрос «{title}»:")
THANKS = Template("Спасибо! Ответ на запрос «{title}» принят: {school}.")
THANKS_UPDATED = Template(
    "Спасибо! Ответ на запрос «{title}» обновлён: {school}. Учитывается последняя версия."
)
CLOSED = "Приём ответов на этот запрос закончился."
CHOOSE_ROUND = Template("Сейчас открыто несколько запросов по школе «{school}». Что заполним?")
WEEKLY_BUTTON = "Еженедельный отчёт"
FILE_HINT = (
    "Я пришлю шаблон таблицы. Заполните его и пришлите файлом сюда же (до 2 МБ). "
    "Можно и вставить строки текстом: столбцы через «;»."
)
FILE_ACCEPTED = "Файл принят: {rows}."
FILE_NOT_NOW = "Сейчас файл не нужен — ответьте, пожалуйста, на вопрос ниже."
FILE_RETRY = "Исправьте, пожалуйста, файл и пришлите его ещё раз."
FILE_UNAVAILABLE = "Не получилось скачать файл из VK — пришлите его, пожалуйста, ещё раз."
FILE_TOO_BIG = "Файл слишком большой: можно до 2 МБ."

# /request — the official's guided dialog.
ASK_TITLE = Template(
    "Новый запрос в школы района «{district}». Как его назвать? Например: "
    "«Чаты классов с классными руководителями». Чтобы выйти, напишите «Отмена»."
)
ASK_DEADLINE = "Срок сдачи? Напишите дату и время, например 02.11.2024 18:00 (время района)."
ASK_QUESTIONNAIRE = "Что спросить у школ? Выберите анкету:"
ASK_AUDIENCE = "Кому отправить запрос?"
ALL_SCHOOLS = "Всем школам района"
CHOSEN_SCHOOLS = "Выбранным школам"
ASK_SCHOOLS = (
    "Напишите названия школ (можно часть названия) через «;», например: «Аймаумахи; Бурдеки»."
)
CONFIRM = (
    "Проверьте запрос:\n• Название: {title}\n• Срок: {deadline}\n• Анкета: {questionnaire}\n"
    "• Школы: {audience}\nОтправить руководителям?"
)
CONFIRM_YES = "Отправить"
CANCEL = "Отмена"
CANCELLED = "Запрос не создан."
CREATED = Template("Запрос «{title}» создан: {schools}. Руководители получат его в течение минуты.")
CREATED_REMINDERS = Template("Тем, кто не ответит, напомню {moments}.")
CREATED_NO_REMINDERS = "Напоминаний не будет: до срока слишком мало времени."
CREATED_UNREACHED = Template("Не получат запрос — их руководителей ещё нет в боте: {schools}.")
AUDIENCE_ALL = "все школы района ({n})"
TITLE_BAD = "Название должно быть от 3 до 300 символов. Напишите его ещё раз."
DEADLINE_PAST = "Этот срок уже прошёл. Укажите будущую дату и время."
PICK_BUTTON = "Выберите вариант кнопкой ниже."
NOT_ALLOWED = "Создавать запросы могут ответственные района и администраторы."
WHICH_DISTRICT = "Укажите район: /request Название района"
UNKNOWN_DISTRICT = Template("Не нашёл район «{name}».")
SCHOOL_NOT_FOUND = Template("Не нашёл школу «{part}».")
SCHOOL_AMBIGUOUS = Template("«{part}» подходит к нескольким школам: {names}. Уточните название.")
NO_SCHOOLS = "Назовите хотя бы одну школу."

# /emails — the admin's command.
EMAILS_USAGE = "Напишите так: /emails Название района a@b.ru, c@d.ru (или «-», чтобы очистить)."
EMAILS_SET = Template(
    "Район «{district}»: сводки будут уходить на {emails}. Тема письма: «{subject}»."
)
EMAILS_NO_SMTP = "Но почта у бота не настроена (SMTP_HOST): письма не уйдут, пока её не настроят."
EMAILS_CLEARED = Template("Район «{district}»: рассылка сводок на почту отключена.")
EMAILS_BAD = "Не похоже на адрес электронной почты: «{address}»."
EMAILS_TOO_MANY = "Можно указать не больше {n} адресов."
EMAILS_ADMIN_ONLY = "Адреса для рассылки меняет администратор бота."

# E-mail.
EMAIL_BODY_REQUEST = Template(
    "Здравствуйте!\n\nВо вложении — сводная таблица по запросу «{title}», {district}.\n"
    "Ответили {answered} из {total} {schools}.\n\nЭто письмо отправил бот svodka."
)
EMAIL_BODY_WEEKLY = Template(
    "Здравствуйте!\n\nВо вложении — мониторинг Сферума за {week}, {district}.\n"
    "Ответили {answered} из {total} {schools}.\n\nЭто письмо отправил бот svodka."
)
SMTP_NOT_CONFIGURED = "почта не настроена (SMTP_HOST)"
SMTP_REFUSED = "почтовый сервер отказал: {code}"

# The workbook.
SHEET_ANSWERS = "Ответы"
COLUMN_SCHOOL = "Школа"
COLUMN_SUBMITTED = "Ответ получен"
COLUMN_LATE = "С опозданием"
NOT_ANSWERED = "нет ответа"
YES, NO = "да", "нет"


def deadline_label(moment: datetime, tz: ZoneInfo) -> str:
    """ "02.11.2024 18:00" in the district's own time."""
    return f"{moment.astimezone(tz):%d.%m.%Y %H:%M}"


def deadline_words(moment: datetime, tz: ZoneInfo) -> str:
    """ "до 18:00 2 ноября" in the district's own time."""
    local = moment.astimezone(tz)
    return f"до {local:%H:%M} {local.day} {_MONTHS[local.month - 1]}"


def created(
    *,
    title: str,
    schools: str,
    reminders_at: Sequence[datetime],
    unreached: Sequence[str],
    tz: ZoneInfo,
) -> str:
    """The official's confirmation: what will reach the heads, and when."""
    moments = [f"{moment.astimezone(tz):%d.%m в %H:%M}" for moment in reminders_at]
    lines = [CREATED.format(title=title, schools=schools)]
    # At most two reminders (bot.domain.request_rounds): «22.10 в 09:00 и 24.10 в 09:00».
    if moments:
        lines.append(CREATED_REMINDERS.format(moments=" и ".join(moments)))
    else:
        lines.append(CREATED_NO_REMINDERS)
    if unreached:
        lines.append(CREATED_UNREACHED.format(schools=", ".join(unreached)))
    return " ".join(lines)


def fill_keyboard(round_id: int) -> str:
    button = {
        "action": {
            "type": "text",
            "label": FILL_LABEL,
            "payload": json.dumps({"c": "start", "r": round_id}, separators=(",", ":")),
        },
        "color": "primary",
    }
    return json.dumps({"inline": True, "buttons": [[button]]}, ensure_ascii=False)


def emails_report(district: str, addresses: list[str], subject: str, *, can_mail: bool) -> str:
    """`can_mail`: SMTP is configured; without it no letter is ever planned."""
    if not addresses:
        return EMAILS_CLEARED.format(district=district)
    report = EMAILS_SET.format(district=district, emails=", ".join(addresses), subject=subject)
    return report if can_mail else f"{report} {EMAILS_NO_SMTP}"
