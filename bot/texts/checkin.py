"""Texts of the weekly check-in dialog."""

from __future__ import annotations

from datetime import date, datetime

from bot.texts.common import Template

# Words and buttons that start (or resume) the questionnaire.
# Not «Начать»: that is VK's first-contact button, answered with help and how to join.
START_WORDS = ("заполнить", "заполнить отчет", "/report", "отчет", "отчёт")
START_BUTTON = "Заполнить"

BACK = "Назад"
SKIP = "Пропустить"
AS_LAST_WEEK = "Как на прошлой неделе ({value})"
SEND = "Отправить"
FIX = "Исправить"
TO_REVIEW = "К проверке"
YES_NO_BUTTONS = ("Да", "Нет")

INTRO = Template(
    "Отчёт за неделю {week} — {school}.\n"
    "Отвечайте по одному вопросу или пришлите все ответы одним сообщением, по строке на "
    "вопрос, например «Педагогов всего: 45». Срок — {deadline}."
)
INTRO_LATE = Template(
    "Отчёт за неделю {week} — {school}.\n"
    "Срок сдачи ({deadline}) уже прошёл, но ответы ещё принимаются — они будут отмечены "
    "как поздние."
)
RESUME = "Продолжим с того места, где вы остановились."
RESUBMIT = (
    "Отчёт за эту неделю уже отправлен. Вот ваши ответы: их можно исправить и отправить заново."
)
NEW_WEEK = "Прошлая неделя закончилась — начнём отчёт за эту."
NEW_WEEK_FORM = "Прошлая неделя закончилась — ответы из вашего сообщения записаны в отчёт за эту."

QUESTION = "Вопрос {n} из {total}. {label}"
LAST_WEEK = "На прошлой неделе: {value}."
FIRST_QUESTION = "Это первый вопрос."
REQUIRED = "На этот вопрос нужно ответить."
NO_LAST_WEEK = "Ответа за прошлую неделю нет — введите ответ."

FORM_ACCEPTED = "Принято ответов: {n}."
FORM_NOTHING = "Ни один ответ не принят."
FORM_PROBLEMS = "Не принято — исправьте и пришлите эти строки ещё раз:"
FORM_UNKNOWN_LINE = "Строка {line_no}: не понял, к какому вопросу она относится."
FORM_MORE = "И ещё замечаний: {n}."
FORM_NAMES = Template("Пишите название вопроса и ответ через двоеточие. Вопросы: {names}.")
LEFT_TO_ANSWER = "Осталось ответить: {n}."

REVIEW = "Проверьте ответы — {school}, неделя {week}:"
REVIEW_INDICATORS = "Показатели:"
REVIEW_HINT = "Всё верно? Нажмите «Отправить». Чтобы поменять ответ — «Исправить»."
PICK = "Какой ответ исправить? Нажмите номер из списка выше или напишите его."
PICK_UNKNOWN = "Нет ответа с таким номером. Напишите число от 1 до {total}."

THANKS = "Спасибо! Отчёт принят: {school}, неделя {week}."
THANKS_UPDATED = "Спасибо! Ответы обновлены: {school}, неделя {week}. Учитывается последняя версия."
THANKS_LATE = "Срок сдачи прошёл, но ответы приняты и отмечены как поздние."
THANKS_INDICATORS = "Показатели этой недели:"
THANKS_INDICATORS_CHANGE = "Показатели этой недели (изменение к прошлой):"
THANKS_EDIT = "Исправить ответы можно до срока ({deadline}) — напишите «Заполнить»."
OTHER_SCHOOLS = "Осталось заполнить отчёт и по другим школам — выберите школу:"

CHOOSE_SCHOOL = "Вы отвечаете за несколько школ. По какой школе заполнить отчёт?"
ANSWERED_MARK = "✅ "
CHOOSE_SCHOOL_FIRST = "Сначала выберите школу, потом пришлите ответы ещё раз."
NOT_YOUR_SCHOOL = "Эта школа не закреплена за вами. Выберите школу из списка."
NO_ROUND = "На этой неделе отчёт не нужен — хорошего отдыха!"
NOT_STAFF = (
    "Отчёт заполняют руководители школ. Если вы руководитель, откройте ссылку-приглашение "
    "из управления образования или пришлите код из неё."
)
ALREADY_SENT = "Ответы уже отправлены, спасибо! Чтобы изменить их, напишите «Заполнить»."
NO_DIALOG = "Чтобы заполнить отчёт, нажмите «Заполнить»."
SAVE_FAILED = (
    "Не получилось сохранить ответ — попробуйте, пожалуйста, ещё раз через минуту. "
    "Уже введённые ответы не потеряны."
)

_MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
_WEEKDAYS = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")


def week_range(monday: date, sunday: date) -> str:
    """«21–27 октября», «28 октября – 3 ноября»."""
    if monday.month == sunday.month:
        return f"{monday.day}–{sunday.day} {_MONTHS[sunday.month - 1]}"
    return f"{monday.day} {_MONTHS[monday.month - 1]} – {sunday.day} {_MONTHS[sunday.month - 1]}"


def moment(local: datetime) -> str:
    """«пятница, 25 октября, 16:00» (the caller converts to the district's zone)."""
    day = f"{_WEEKDAYS[local.weekday()]}, {local.day} {_MONTHS[local.month - 1]}"
    return f"{day}, {local:%H:%M}"
