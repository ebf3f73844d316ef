"""Every user-facing Russian string of the questionnaire domain, in one place.

Users are officials answering on a phone: each message says what went wrong only when
that helps, and always ends with what is expected.
"""

# Answer values.
YES = "Да"
NO = "Нет"
NO_ANSWER = "—"

# Units and plural forms (nominative: "5 школ"; genitive after "до": "до 5 символов").
PP_UNIT = "п. п."
CHARS_NOM = ("символ", "символа", "символов")
CHARS_GEN = ("символа", "символов", "символов")
ROWS_NOM = ("строка", "строки", "строк")
ROWS_GEN = ("строки", "строк", "строк")

# What is expected, per type.
EXPECT_INT = "Введите целое число от {lo} до {hi}."
EXPECT_PERCENT = "Введите процент от {lo} до {hi}, например 48,5."
EXPECT_YES_NO = "Ответьте «Да» или «Нет»."
EXPECT_CHOICE = "Выберите вариант: {options}. Можно ответить номером."
EXPECT_TEXT = "Напишите ответ текстом."
EXPECT_TABLE = "Пришлите таблицу: по строке на запись, столбцы через «;» или табуляцию: {columns}."

# Why the answer was not accepted (the expectation is appended).
EMPTY = "Ответ пустой."
NOT_INTEGER = "Нужно целое число, без дробной части."
PERCENT_FOR_COUNT = "Здесь нужно количество, а не процент."
NEGATIVE = "Число не может быть отрицательным."
TOO_SMALL = "Слишком маленькое число."
TOO_BIG = "Слишком большое число."
TEXT_TOO_LONG = "Слишком длинный ответ: {n} {chars}. Сократите до {max} {max_chars}."
TABLE_TOO_MANY_ROWS = "Слишком много строк: {n}. Можно не больше {max} {max_rows}."
TABLE_EXTRA_CELLS = "Строка {row}: лишние столбцы. Нужны: {columns}."
TABLE_CELL = "Строка {row}, «{label}»: {reason}"

# Cross-field rules: a ≤ b, reported on whichever side the person should fix.
RULE_NOT_MORE = "{a} не может быть больше, чем {b} ({b_value})."
RULE_NOT_LESS = "{b} не может быть меньше, чем {a} ({a_value})."

# One-message form.
FORM_AMBIGUOUS = "Непонятно, о каком вопросе речь: {labels}. Напишите название полностью."
FORM_DUPLICATE = "«{label}» уже указано в строке {first}."
FORM_LINE = "Строка {line_no}, «{label}»: {message}"
FORM_LINE_NO_KEY = "Строка {line_no}: {message}"
