"""Texts of the reports for officials and heads: /status, /missing, /my, /rating, /remind,
/chart, /export, the Friday summary and the Monday escalation."""

from bot.domain.formatting import plural
from bot.texts.common import Template

# Headings.
STATUS_TITLE = "{district} · неделя {week}"
WEEK_RANGE = "{start}–{end}"
ANSWERED = Template("Ответили {answered} из {total} {schools}.")
ANSWERED_LATE = "Ответили {answered} из {total} {schools}, из них с опозданием {late}."
SCHOOLS_GEN = ("школы", "школ", "школ")  # "из 1 школы", "из 12 школ", "из 21 школы"
SCHOOLS = ("школа", "школы", "школ")  # "1 школа", "3 школы", "5 школ"
DEADLINE = "Срок — {when}."
HOLIDAY_WEEK = "{district} · неделя {week}: каникулы или праздники, опроса не было."
NO_SCHOOLS = Template("В районе «{district}» пока нет школ.")

INDICATORS_TITLE = "Показатели района:"
INDICATOR_LINE = "• {label} — {value}"
INDICATOR_CHANGE = " ({change} за неделю)"
BELOW_TITLE = "Ниже порога:"
BELOW_LINE = "• {label} — ниже {threshold}:"
BELOW_SCHOOL = "   {school} — {value}"
BELOW_MORE = "   …и ещё {count} {schools} — полный список: /export"

MISSING_TITLE = "Не ответили ({count}):"
MISSING_NONE = "Ответили все школы."
MISSING_LINE = "• {school} — {head}"
# Under a missing school, for an official to phone it: from the office's list of schools.
CONTACT_LINE = "   Контакты: {contact}"
LATE_TITLE = "С опозданием:"
LATE_LINE = "• {school}"
NO_HEAD = "руководитель не подключён к боту"
UNDELIVERED = "не удалось доставить"
UNDELIVERED_LINE = Template("Не доставлено: {count} — {schools}.")
UNDELIVERED_MORE = " и ещё {count}"

# The Friday summary to the district chat and the Monday escalation to officials.
SUMMARY_TITLE = "Итоги за {week} — {district}"
SUMMARY_LATE_NOTE = "Сводка отправлена позже обычного."
SUMMARY_ALL_ANSWERED = "Все школы ответили, спасибо!"
SUMMARY_HOLIDAY = "Неделя {week}: каникулы или праздники, опроса не было."
ESCALATION_TITLE = Template("На прошлой неделе ({week}) в районе «{district}» {missing}:")
DID_NOT_ANSWER = ("не ответила", "не ответили", "не ответили")
ESCALATION_NONE = Template("На прошлой неделе ({week}) ответили все школы района «{district}».")
ESCALATION_HINT = "Напомнить школам о текущей неделе: /remind"

# One school.
SCHOOL_TITLE = "{school} ({district})"
SCHOOL_CONTACT = "Контакты: {contact}"
SCHOOL_THIS_WEEK = "Неделя {week}:"
SCHOOL_NO_ANSWER = "Неделя {week}: ответа пока нет."
SCHOOL_LATE = " (с опозданием)"
ANSWER_LINE = "• {label}: {value}"
HISTORY_TITLE = "Последние недели ({first} → {last}):"
HISTORY_LINE = "• {label}: {values}"
HISTORY_UNIT = "(доля в процентах, «—» — нет ответа)"
HISTORY_EMPTY = "Ответов за последние недели нет."

# /rating
RATING_TITLE = "{district} · {label} · неделя {week}"
RATING_LINE = "{place}. {school} — {value}"
RATING_DISTRICT = "По району: {value}"
RATING_NO_DATA = "Нет данных: школы ещё не ответили."
RATING_UNKNOWN = Template("Не знаю показатель «{name}». Есть: {known}.")
RATING_NOT_ANSWERED = "Нет данных (не ответили или нет чисел): {schools}"

# Region.
REGION_TITLE = "Регион · {count} {districts}"
REGION_LINE = "{district} ({week}): ответили {answered} из {total}"
REGION_VALUE = "   {label} — {value}"

# Resolving what was asked.
NOT_ALLOWED = "Эта команда доступна ответственным района и администраторам."
NOT_ALLOWED_DISTRICT = "У вас нет доступа к этому району."
MY_NOT_HEAD = "Команда /my — для руководителей школ, подключённых к боту."
NO_DISTRICT = "В базе ещё нет ни одного района."
CHOOSE_DISTRICT = Template(
    "Укажите район, например: {command} {example}\nВаши районы: {districts}."
)
UNKNOWN_DISTRICT = Template("Не нашёл район «{name}».")
BAD_WEEK = "Неделя указывается так: 2024-W43."
SCHOOL_NOT_FOUND = Template("Не нашёл школу «{query}». Проверьте название.")
SCHOOL_AMBIGUOUS = (
    "Нашлось несколько школ:\n{schools}\nУточните название или добавьте район, как в списке."
)
CHAT_NOT_BOUND = (
    "Эта беседа не привязана к району. Ответственный может привязать её командой /bind."
)
CHAT_STATUS_OFF = "В этой беседе отчёты не показываются. Напишите мне в личные сообщения."

# /remind
REMIND_SENT = Template("Напоминание отправлено {count} {schools}.")
REMIND_UNREACHABLE = Template(
    "Не удалось доставить (руководитель не подключён или закрыл сообщения): {schools}."
)
REMIND_NOBODY = "Все школы уже ответили — напоминать некому."
REMIND_TOO_SOON = "Напоминание уже отправляли недавно. Следующее можно после {when}."
REMIND_NO_ROUND = "На этой неделе опроса нет."
REMIND_TEXT = (
    "Здравствуйте! Управление образования напоминает: пожалуйста, заполните еженедельный "
    "отчёт по школе {school} до {deadline}. Ответить можно здесь, в этом чате."
)
SCHOOLS_FORMS = ("школе", "школам", "школам")
# What the official who asked /remind is told when some schools could not be reached.
REMIND_REPORT_TITLE = "Напоминание не дошло до {count} {schools}:"
REMIND_REPORT_LINE = "• {school} — {reason}"
REMIND_REPORT_OTHER = "сообщение не удалось отправить"
REMIND_REPORT_HINT = "Свяжитесь с ними, пожалуйста, другим способом."
REMIND_REPORT_PENDING = Template(
    "Ещё пытаюсь доставить: {schools}. Если не получится, они появятся в /status "
    "в строке «Не доставлено»."
)

# /chart, /export
CHART_LINE_TITLE = "{district}: показатели по неделям"
CHART_BAR_TITLE = "{label}, неделя {week}"
CHART_CAPTION = Template("{district}: показатели за {weeks} нед. и «{label}» по школам.")
CHART_NO_DATA = "Данных для графика пока нет."
EXPORT_CAPTION = "{district}: выгрузка за {weeks} нед. ({fmt})."
EXPORT_BAD_FORMAT = (
    "Напишите так: /export xlsx или /export csv, можно с числом недель: /export csv 26 "
    "(от 1 до 260)."
)
UPLOAD_FAILED = "Не получилось загрузить файл во ВКонтакте. Попробуйте, пожалуйста, позже."

# Export headers.
COL_WEEK = "Неделя"
COL_DISTRICT = "Район"
COL_SCHOOL = "Школа"
COL_LATE = "С опозданием"
COL_SUBMITTED = "Отправлено"
COL_ANSWERED = "Ответили школ"
SHEET_DATA = "Ответы"
SHEET_SUMMARY = "Район по неделям"

WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")


def not_answered(count: int, total: int) -> str:
    """«не ответила 1 школа из 5», «не ответили 3 школы из 12»."""
    return f"{plural(count, DID_NOT_ANSWER)} {count} {plural(count, SCHOOLS)} из {total}"
