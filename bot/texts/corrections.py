"""Texts of answers sent for another week or by someone else: a head's missed week, the
district office entering a school's answers (`/correct`), and who is told about it."""

from __future__ import annotations

from bot.domain.past_weeks import PAST_WEEKS
from bot.texts.common import Template

# A head asking for a past week.
PAST_BUTTON = "Сдать пропущенный отчёт"
PAST_NOTE = (
    "Отчёт за неделю {week} не сдан — его ещё можно отправить, он будет отмечен как поздний."
)
PAST_NONE_MISSING = (
    f"За последние {PAST_WEEKS} недели все отчёты сданы, спасибо! Отчёт этой недели — "
    "кнопка «Заполнить»."
)
PAST_TOO_OLD = (
    f"Пропущенный отчёт можно сдать не больше чем за {PAST_WEEKS} недели назад. Ответы за "
    "неделю {week} может внести только управление образования — обратитесь к ответственному "
    "района."
)
PAST_ANSWERED = "Отчёт за неделю {week} уже сдан. Посмотреть ответы — /my."
PAST_FUTURE = "Неделя {week} ещё не наступила."
PAST_NO_ROUND = "За неделю {week} отчёт не собирался (каникулы или праздники)."
PAST_CHOOSE_SCHOOL = "За какую школу сдать отчёт прошлой недели?"
BAD_WEEK = "Не понял, какая неделя. Напишите «прошлая неделя» или номер недели, например 2024-W47."

# The office entering a school's answers.
CORRECT_USAGE = (
    "Напишите школу и, если нужно, неделю: /correct Дегва — за эту неделю, "
    "/correct Дегва 2024-W47 или /correct Дегва прошлая неделя — за прошедшую."
)
SCHOOL_NOT_FOUND = Template("Не нашёл школу «{query}». Проверьте название.")
SCHOOL_AMBIGUOUS = "Нашлось несколько школ, уточните название:\n{schools}"
SCHOOL_OF_OTHER_DISTRICT = (
    "Школа {school} — не из вашего района. Вносить ответы можно только за школы своего района."
)
CORRECT_FUTURE = "Неделя {week} ещё не наступила — ответы за неё вносить рано."
CORRECT_NO_ROUND = "За неделю {week} отчёт в районе не собирался (каникулы или праздники)."
CORRECT_INTRO = (
    "Вы вносите ответы за школу. Они будут отмечены как внесённые вами, "
    "руководителю школы придёт сообщение."
)
CORRECT_RESUBMIT = (
    "Школа уже отправила ответы за эту неделю — вот они: исправьте нужные и отправьте заново."
)
ENTERED = Template(
    "Ответы внесены: {school}, неделя {week}. В отчётах они помечены как внесённые: {name}."
)
HEAD_TOLD = "Руководителю школы отправлено сообщение."
HEAD_NOT_TOLD = "Руководителю школы сообщить не удалось: он не разрешил сообщения сообщества."
NO_HEAD = "У школы нет руководителя в боте — сообщить некому."
NOT_ALLOWED = "Вносить ответы за эту школу вы больше не можете."

# What the head is told.
HEAD_ENTERED = Template(
    "Управление образования внесло ответы вашей школы — {school}, неделя {week}.\nВнесено: {name}."
)
HEAD_ENTERED_ANSWERS = "Ответы:"
ANSWER_LINE = "• {label}: {value}"
HEAD_SENT_BY_DEPUTY = (
    "Отчёт школы {school} за неделю {week} отправлен: {name} (заместитель). Ответы — /my."
)
