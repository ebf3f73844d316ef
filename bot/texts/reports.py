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
CLI_CHANGE_ROW = "За неделю"  # `svodka status`: the row of the changes against last week
INDICATOR_LINE = "• {label} — {value}"
INDICATOR_CHANGE = " ({change} за неделю)"
# The change is over the schools that answered both weeks (bot/domain/week_change.py).
CHANGE_MATCHED = "Изменение по {count} {schools} обе недели."
CHANGE_MATCHED_FORMS = ("школе, ответившей", "школам, ответившим", "школам, ответившим")
CHANGE_NONE = "Изменение за неделю не показано: ни одна школа не ответила обе недели."
# Foreign messengers (149-ФЗ art. 10.8): first in every district report.
FOREIGN_TITLE = "⚠ Иностранные мессенджеры — {count} {schools}:"
FOREIGN_ESCALATION_TITLE = Template(
    "⚠ Иностранные мессенджеры на прошлой неделе ({week}), район «{district}» — {count} {schools}:"
)
FOREIGN_LINE = Template("• {school}: {answer}")
FOREIGN_NO_DETAILS = "какие — не указано"
FOREIGN_MORE = "• …и ещё {count} {schools}"
FOREIGN_NONE = "Иностранными мессенджерами не пользуется ни одна из ответивших школ."
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
SENT_BY = "Отправлено: {name}{role}, {when}."
ENTERED_BY = "Внесено: {name} (управление образования), {when}."
STAFF_ROLES = {"head": "руководитель", "deputy": "заместитель"}
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
RATING_FOREIGN = " ⚠"
RATING_FOREIGN_LEGEND = "⚠ — школа пользуется иностранными мессенджерами."
RATING_NOT_ANSWERED = "Нет данных (не ответили или нет чисел): {schools}"

# Region.
REGION_TITLE = "Регион · {count} {districts}"
REGION_LINE = "{district} ({week}): ответили {answered} из {total}"
REGION_VALUE = "   {label} — {value}"
REGION_CHANGE = "   {note}"

# Resolving what was asked.
NOT_ALLOWED = "Эта команда доступна ответственным района и администраторам."
NOT_ALLOWED_DISTRICT = "У вас нет доступа к этому району."
MY_NOT_HEAD = "Команда /my — для руководителей школ, подключённых к боту."
NO_DISTRICT = "В базе ещё нет ни одного района."
CHOOSE_DISTRICT = Template(
    "Укажите район, например: {command} {example}\nВаши районы: {districts}."
)
UNKNOWN_DISTRICT = Template("Не нашёл район «{name}».")
BAD_WEEK = "Неделю можно указать так: прошлая неделя, 18.11, 18.11.2024, неделя 47 или 2024-W47."
# Why a week was not understood (by `week_query.Problem`); BAD_WEEK follows as the hint.
WEEK_PROBLEMS = {
    "bad_iso": Template("Недели «{text}» нет в календаре."),
    "bad_date": Template("Даты «{text}» нет в календаре."),
    "bad_number": Template("Недели с номером {text} нет: в году 52 или 53 недели."),
    "no_such_week": Template("Недели «{text}» не было ни в этом, ни в прошлом году."),
    "future": Template("Неделя «{text}» ещё не наступила."),
    "two_weeks": Template("Укажите одну неделю, а не несколько ({text})."),
    "bad_range": Template("Начало срока позже его конца ({text})."),
}
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
CHART_NO_ANSWER = "нет ответа"
CHART_POINTS_NOTE = "Точка недели — по школам, ответившим в ту неделю."
CHART_FOREIGN_NOTE = "⚠ и штриховка — школа пользуется иностранными мессенджерами."
CHART_FOREIGN_NAME = "⚠ {name}"
EXPORT_CAPTION = Template("{district}: выгрузка {fmt} за {count} {weeks}: {span}.")
EXPORT_EMPTY = "{district}: за этот срок опросов не было, выгружать нечего."
WEEKS_ACC = ("неделю", "недели", "недель")  # "за 1 неделю", "за 2 недели", "за 5 недель"
EXPORT_BAD_FORMAT = (
    "Напишите так: /export xlsx или /export csv, можно с числом недель (от 1 до 260) "
    "или с неделей: /export csv 26, /export xlsx прошлая неделя."
)
# `svodka export` in the terminal.
CLI_EXPORT_WRITTEN = Template(
    "Выгрузка района «{district}» за {count} {weeks}: {span} записана в {path}."
)
CLI_EXPORT_EMPTY = Template(
    "Опросов района «{district}» за этот срок не было; в {path} только заголовок."
)
CLI_WEEK_OR_DATES = "Укажите либо --week, либо --from и --to, но не то и другое вместе."
CLI_BAD_DAY = Template("Не понял дату «{text}». Пишите так: 2024-11-18 или 18.11.2024.")
UPLOAD_FAILED = "Не получилось загрузить файл во ВКонтакте. Попробуйте, пожалуйста, позже."

# Export headers.
COL_WEEK = "Неделя"
COL_DISTRICT = "Район"
COL_SCHOOL = "Школа"
COL_ISO_WEEK = "ISO-неделя"
COL_ANSWER = "Ответ"
COL_PLACE = "Место"
COL_AUTHOR = "Кто внёс/ответил"
ENTERED_CELL = "внесено: {name}"
COL_SUBMITTED = "Отправлено"
COL_ANSWERED = "Ответили школ"
SHEET_DATA = "Ответы"
SHEET_RANKING = "Рейтинг"
EXPORT_PERCENT_COLUMN = "{label}, %"
EXPORT_ANSWERED = "ответила"
EXPORT_LATE = "ответила с опозданием"
EXPORT_MISSING = "не ответила"
EXPORT_ARCHIVED = "ответила, школа в архиве (не в итоге)"
EXPORT_TOTAL = "Итого по району"
EXPORT_ANSWERED_OF = "Ответили {answered} из {total}"

WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")


def not_answered(count: int, total: int) -> str:
    """«не ответила 1 школа из 5», «не ответили 3 школы из 12»."""
    return f"{plural(count, DID_NOT_ANSWER)} {count} {plural(count, SCHOOLS)} из {total}"
