import pytest

from bot.domain.answers import AnswerError, expected, format_answer, parse_answer, parse_rows

INT_0_1000 = "Введите целое число от 0 до 1000."


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("45", 45),
        ("  45  ", 45),
        ("0", 0),
        ("-0", 0),
        ("+7", 7),
        ("1000", 1000),
        ("1 000", 1000),
        ("1\u00a0000", 1000),  # NBSP
        ("1\u2009000", 1000),  # thin space
        ("1\u202f000", 1000),  # narrow NBSP
        ("45 чел.", 45),
        ("45чел", 45),
        ("45 человек", 45),
        ("45 Чел", 45),
        ("12 шт.", 12),
        ("\u200b45\u200d", 45),  # zero-width space and joiner
        ("\u200f45\u200e", 45),  # RTL / LTR marks
        ("\ufeff45", 45),  # BOM
        ("\u202e45\u202c", 45),  # RTL override
        ("007", 7),
    ],
)
def test_int_accepted(sferum, raw, value):
    assert parse_answer(sferum.question("staff_total"), raw) == value


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", f"Ответ пустой. {INT_0_1000}"),
        ("   ", f"Ответ пустой. {INT_0_1000}"),
        ("\u200b\u200f", f"Ответ пустой. {INT_0_1000}"),
        ("сорок", INT_0_1000),
        ("45 из 50", INT_0_1000),
        ("12 00", INT_0_1000),  # not a thousands grouping
        ("4,5", f"Нужно целое число, без дробной части. {INT_0_1000}"),
        ("4.0", f"Нужно целое число, без дробной части. {INT_0_1000}"),
        ("-3", f"Число не может быть отрицательным. {INT_0_1000}"),
        ("\u22123", f"Число не может быть отрицательным. {INT_0_1000}"),  # minus sign
        ("1001", f"Слишком большое число. {INT_0_1000}"),
        ("99999999999999999999", f"Слишком большое число. {INT_0_1000}"),
        ("9" * 5000, INT_0_1000),
        ("48%", f"Здесь нужно количество, а не процент. {INT_0_1000}"),
        ("48 %", f"Здесь нужно количество, а не процент. {INT_0_1000}"),
        ("NaN", INT_0_1000),
        ("inf", INT_0_1000),
        ("1e3", INT_0_1000),
        ("0x10", INT_0_1000),
        ("４５", INT_0_1000),  # full-width digits are not read as a count
    ],
)
def test_int_rejected(sferum, raw, message):
    with pytest.raises(AnswerError) as info:
        parse_answer(sferum.question("staff_total"), raw)
    assert str(info.value) == message


def test_int_messages_use_question_bounds(sferum):
    with pytest.raises(AnswerError, match="^Введите целое число от 0 до 10 000.$"):
        parse_answer(sferum.question("students_total"), "много")
    assert expected(sferum.question("classes_total")) == "Введите целое число от 0 до 200."


PERCENT = "Введите процент от 0 до 100, например 48,5."


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("48", 48.0),
        ("48,68", 48.68),
        ("48.68", 48.68),
        ("48,68%", 48.68),
        ("48,68 %", 48.68),
        ("48,68\u00a0%", 48.68),
        ("48,685", 48.69),  # half up to two decimals
        ("100", 100.0),
        ("0", 0.0),
        ("-0", 0.0),
    ],
)
def test_percent_accepted(extra, raw, value):
    result = parse_answer(extra.question("share"), raw)
    assert result == value
    assert isinstance(result, float)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", f"Ответ пустой. {PERCENT}"),
        ("половина", PERCENT),
        ("100,01", f"Слишком большое число. {PERCENT}"),
        ("1" + "0" * 26, f"Слишком большое число. {PERCENT}"),  # beyond Decimal's precision
        ("-" + "1" * 30, f"Число не может быть отрицательным. {PERCENT}"),
        ("-1", f"Число не может быть отрицательным. {PERCENT}"),
        ("nan", PERCENT),
        ("Infinity", PERCENT),
        ("48,6,8", PERCENT),
        ("1" * 1000, PERCENT),
        ("9" * 40, f"Слишком большое число. {PERCENT}"),
    ],
)
def test_percent_rejected(extra, raw, message):
    with pytest.raises(AnswerError) as info:
        parse_answer(extra.question("share"), raw)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("Да", True),
        ("да", True),
        (" ДА! ", True),
        ("yes", True),
        ("+", True),
        ("д", True),
        ("Нет", False),
        ("нет.", False),
        ("no", False),
        ("-", False),
        ("\u2212", False),
        ("Н", False),
    ],
)
def test_yes_no_accepted(sferum, raw, value):
    assert parse_answer(sferum.question("foreign_messengers"), raw) is value


@pytest.mark.parametrize("raw", ["", "может быть", "1", "да нет", "ДаДа"])
def test_yes_no_rejected(sferum, raw):
    with pytest.raises(AnswerError) as info:
        parse_answer(sferum.question("foreign_messengers"), raw)
    assert str(info.value).endswith("Ответьте «Да» или «Нет».")


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1", "Очно"),
        ("2", "Дистанционно"),
        ("очно", "Очно"),
        ("СМЕШАННО", "Смешанно"),
        ("дист", "Дистанционно"),
        ("Дистанционно.", "Дистанционно"),
    ],
)
def test_choice_accepted(extra, raw, value):
    assert parse_answer(extra.question("mode"), raw) == value


CHOICE = "Выберите вариант: 1 — Очно; 2 — Дистанционно; 3 — Смешанно. Можно ответить номером."


@pytest.mark.parametrize("raw", ["0", "4", "заочно", "-1"])
def test_choice_rejected(extra, raw):
    with pytest.raises(AnswerError) as info:
        parse_answer(extra.question("mode"), raw)
    assert str(info.value) == CHOICE


def test_choice_folds_yo():
    from bot.domain.questionnaire import parse_questionnaire

    qn = parse_questionnaire(
        'id = "c"\nversion = 1\ntitle = "Т"\n[[questions]]\nkey = "k"\nlabel = "Л"\n'
        'type = "choice"\nchoices = ["Всё хорошо", "Есть сбои"]\n',
        "c.toml",
    )
    assert parse_answer(qn.question("k"), "все хорошо") == "Всё хорошо"


def test_text(sferum, extra):
    which = sferum.question("foreign_messengers_which")
    assert parse_answer(which, "  WhatsApp,\u00a0Telegram ") == "WhatsApp, Telegram"
    assert parse_answer(which, "первая строка\nвторая") == "первая строка\nвторая"
    with pytest.raises(AnswerError, match="^Ответ пустой. Напишите ответ текстом.$"):
        parse_answer(which, "\u200b")
    with pytest.raises(AnswerError) as info:
        parse_answer(which, "я" * 10_000)
    assert str(info.value) == "Слишком длинный ответ: 10 000 символов. Сократите до 300 символов."
    with pytest.raises(AnswerError) as info:
        parse_answer(extra.question("note"), "1234567890a")
    assert str(info.value) == "Слишком длинный ответ: 11 символов. Сократите до 10 символов."
    assert parse_answer(extra.question("note"), "1234567890") == "1234567890"


def test_default_text_limit_is_1000(sferum):
    comment = sferum.question("comment")
    assert parse_answer(comment, "x" * 1000) == "x" * 1000
    with pytest.raises(AnswerError, match="1001 символ. Сократите до 1000 символов"):
        parse_answer(comment, "x" * 1001)


def test_optional_blank_is_none(sferum):
    assert parse_answer(sferum.question("comment"), " \u200b ") is None


def test_table_pasted_from_spreadsheet(extra):
    raw = "Класс\tУчастников\tКлассный руководитель в чате\n5а\t25\tда\n\n5б\t1 024\t\n"
    assert parse_answer(extra.question("chats"), raw) == [
        {"class_name": "5а", "members": 25, "teacher_in": True},
        {"class_name": "5б", "members": 1024, "teacher_in": None},
    ]


def test_table_typed_with_semicolons(extra):
    assert parse_answer(extra.question("chats"), "6в; 30; нет") == [
        {"class_name": "6в", "members": 30, "teacher_in": False}
    ]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            "",
            "Ответ пустой. Пришлите таблицу: по строке на запись, столбцы через «;» или "
            "табуляцию: Класс; Участников; Классный руководитель в чате.",
        ),
        (
            "Класс;Участников",
            "Ответ пустой. Пришлите таблицу: по строке на запись, столбцы через «;» или "
            "табуляцию: Класс; Участников; Классный руководитель в чате.",
        ),
        ("5а;25\n5б;много", "Строка 2, «Участников»: Введите целое число от 0 до 1 000 000 000."),
        ("5а;25\n;3", "Строка 2, «Класс»: Ответ пустой."),
        (
            "5а;25;да;лишнее",
            "Строка 1: лишние столбцы. Нужны: Класс; Участников; Классный руководитель в чате.",
        ),
        ("1;1\n2;2\n3;3\n4;4", "Слишком много строк: 4. Можно не больше 3 строк."),
        ("5а;25;может", "Строка 1, «Классный руководитель в чате»: Ответьте «Да» или «Нет»."),
    ],
)
def test_table_rejected(extra, raw, message):
    with pytest.raises(AnswerError) as info:
        parse_answer(extra.question("chats"), raw)
    assert str(info.value) == message


def test_parse_rows_from_a_file_reader(extra):
    rows = [["Класс", "Участников"], ["7а", "28", "да"]]
    assert parse_rows(extra.question("chats"), rows) == [
        {"class_name": "7а", "members": 28, "teacher_in": True}
    ]


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("staff_total", 45, "45"),
        ("students_total", 1200, "1200"),
        ("students_total", 10000, "10 000"),
        ("foreign_messengers", True, "Да"),
        ("foreign_messengers", False, "Нет"),
        ("comment", None, "—"),
        ("comment", "Всё хорошо", "Всё хорошо"),
    ],
)
def test_format_answer(sferum, key, value, shown):
    assert format_answer(sferum.question(key), value) == shown


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("share", 48.5, "48,5 %"),
        ("share", 48.68, "48,68 %"),
        ("share", 100.0, "100 %"),
        ("mode", "Очно", "Очно"),
        ("chats", [{"class_name": "5а"}], "1 строка"),
        ("chats", [{}] * 3, "3 строки"),
    ],
)
def test_format_answer_other_types(extra, key, value, shown):
    assert format_answer(extra.question(key), value) == shown
