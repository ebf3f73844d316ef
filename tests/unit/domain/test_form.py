import pytest

from bot.domain.form import FormError, Frame, describe_error, looks_like_form, parse_form

BRIEF_EXAMPLE = """Педагогов всего: 45
педагогов в сферуме - 40
students_active=120
Обучающихся активных в Сферуме: 48%"""


def test_brief_example(sferum):
    result = parse_form(sferum, BRIEF_EXAMPLE)
    assert result.values == {"staff_total": 45, "staff_registered": 40, "students_active": 120}
    assert result.errors == [
        FormError(
            4,
            "students_active",
            "Здесь нужно количество, а не процент. Введите целое число от 0 до 10 000.",
        )
    ]
    assert result.unknown_lines == []


@pytest.mark.parametrize(
    ("line", "key", "value"),
    [
        ("Педагогов всего: 45", "staff_total", 45),
        ("  ПЕДАГОГОВ   ВСЕГО :45", "staff_total", 45),
        ("Педагогов всего = 45", "staff_total", 45),
        ("Педагогов всего - 45", "staff_total", 45),
        ("Педагогов всего — 45", "staff_total", 45),
        ("Педагогов всего–45", "staff_total", 45),
        ("Педагогов всего 45", "staff_total", 45),  # no separator at all
        ("Педагогов всего: 1\u00a0000 чел.", "staff_total", 1000),
        ("staff_total=45", "staff_total", 45),
        ("STAFF_TOTAL: 45", "staff_total", 45),
        ("1. Педагогов всего: 45", "staff_total", 45),
        ("- Педагогов всего: 45", "staff_total", 45),
        ("• Педагогов всего: 45", "staff_total", 45),
        ("\u200fПедагогов всего:\u200b 45", "staff_total", 45),
        ("Педагогов в Сфер: 40", "staff_registered", 40),  # unambiguous prefix
        ("Педагогов, создавших ≥1 групповой чат: 12", "teachers_with_chat", 12),
        ("Педагогов создавших >= 1 групповой чат: 12", "teachers_with_chat", 12),
        ("педагогов, написавших ≥3: 7", "teachers_active", 7),
        ("Обучающихся активных в Сферуме: 120", "students_active", 120),
        ("Классов с чатом в сферуме: 11", "class_chats", 11),
        ("Используются ли иностранные мессенджеры: нет", "foreign_messengers", False),
        ("Используются ли иностранные мессенджеры да", "foreign_messengers", True),
        ("Используются ли иностранные мессенджеры? Да", "foreign_messengers", True),
        (
            "Какие иностранные мессенджеры: WhatsApp - в одном классе",
            "foreign_messengers_which",
            "WhatsApp - в одном классе",
        ),
        ("Комментарий: связь: плохая", "comment", "связь: плохая"),
        ("Комментарий:", "comment", None),
        ("Комментарии: всё в порядке", None, None),  # not a prefix: an unknown line
    ],
)
def test_tolerant_lines(sferum, line, key, value):
    result = parse_form(sferum, line)
    assert result.errors == []
    if key is None:
        assert (result.values, result.unknown_lines) == ({}, [1])
    else:
        assert result.values == {key: value}
        assert result.unknown_lines == []


def test_ё_in_labels():
    from bot.domain.questionnaire import parse_questionnaire

    qn = parse_questionnaire(
        'id = "y"\nversion = 1\ntitle = "Т"\n[[questions]]\nkey = "k"\nlabel = "Учёт"\ntype = "int"\n',
        "y.toml",
    )
    assert parse_form(qn, "учет: 5").values == {"k": 5}


def test_errors_unknown_lines_and_rules(sferum):
    text = """Отчёт за неделю

Педагогов всего: 45
Педагогов в Сферуме: 50
Педагогов: 3
Классов всего: двенадцать
Педагогов всего: 46
Обучающихся всего: 300
"""
    result = parse_form(sferum, text)
    # «Педагогов в Сферуме: 50» breaks a rule: reported, and not among the values.
    assert result.values == {"staff_total": 45, "students_total": 300}
    assert result.lines == {"staff_total": 3, "students_total": 8}
    assert result.unknown_lines == [1]
    assert [(e.line_no, e.key) for e in result.errors] == [
        (4, "staff_registered"),
        (5, None),
        (6, "classes_total"),
        (7, "staff_total"),
    ]
    messages = [describe_error(sferum, e) for e in result.errors]
    assert messages == [
        "Строка 4, «Педагогов в Сферуме»: Педагогов в Сферуме не может быть больше, "
        "чем педагогов всего (45).",
        "Строка 5: Непонятно, о каком вопросе речь: «Педагогов всего»; «Педагогов в Сферуме»; "
        "«Педагогов, создавших ≥1 групповой чат»; «Педагогов, написавших ≥3 сообщений за неделю». "
        "Напишите название полностью.",
        "Строка 6, «Классов всего»: Введите целое число от 0 до 200.",
        "Строка 7, «Педагогов всего»: «Педагогов всего» уже указано в строке 3.",
    ]


def test_required_blank_value_is_an_error(sferum):
    result = parse_form(sferum, "Педагогов всего:\nКлассов всего: 9")
    assert result.values == {"classes_total": 9}
    assert result.errors == [
        FormError(1, "staff_total", "Ответ пустой. Введите целое число от 0 до 1000.")
    ]


def test_values_of_inapplicable_questions_are_kept(sferum):
    result = parse_form(
        sferum, "Используются ли иностранные мессенджеры: нет\nКакие иностранные мессенджеры: нет"
    )
    assert result.values == {"foreign_messengers": False, "foreign_messengers_which": "нет"}
    assert [q.key for q in sferum.applicable(result.values)][-2:] == [
        "foreign_messengers",
        "comment",
    ]


def test_crlf_and_empty_message(sferum):
    assert parse_form(sferum, "Педагогов всего: 45\r\nКлассов всего: 9\r\n").values == {
        "staff_total": 45,
        "classes_total": 9,
    }
    empty = parse_form(sferum, " \n\u200b\n")
    assert (empty.values, empty.errors, empty.unknown_lines) == ({}, [], [])


@pytest.mark.parametrize(
    ("text", "is_form"),
    [
        (BRIEF_EXAMPLE, True),
        ("Педагогов всего 45\nКлассов всего 9", True),
        ("Педагогов всего: 45\nпривет", False),
        ("45", False),
        ("Добрый день! Когда сдавать отчёт?", False),
        ("Здравствуйте: вопрос\nСрок: пятница", False),
        ("", False),
    ],
)
def test_looks_like_form(sferum, text, is_form):
    assert looks_like_form(text, sferum) is is_form


def test_a_repeated_key_keeps_the_first_value(sferum):
    result = parse_form(sferum, "staff_total=40\nstaff_total=20\nstaff_registered=42")
    assert result.values == {"staff_total": 40}
    assert [(e.line_no, e.key) for e in result.errors] == [
        (2, "staff_total"),
        (3, "staff_registered"),
    ]
    # The later error cites the value that stands, not an older one.
    assert result.errors[1].message == (
        "Педагогов в Сферуме не может быть больше, чем педагогов всего (40)."
    )


def test_values_are_judged_against_earlier_answers_as_the_form_changes_them(sferum):
    given = {"staff_total": 45, "staff_registered": 40, "teachers_with_chat": 30}
    both = parse_form(sferum, "staff_total=35\nstaff_registered=30", given=given)
    assert (both.values, both.errors) == ({"staff_total": 35, "staff_registered": 30}, [])
    alone = parse_form(sferum, "staff_total=35", given=given)
    assert alone.values == {}
    assert alone.errors == [
        FormError(
            1,
            "staff_total",
            "Педагогов всего не может быть меньше, чем педагогов в Сферуме (40).",
        )
    ]


def test_a_refused_value_brings_back_the_earlier_answer_for_the_others(sferum):
    """42 fits the form's own 50, but 50 is refused (above 45): against the 40 that stays,
    42 is refused too, so nothing contradicting is ever stored."""
    given = {"staff_total": 45, "staff_registered": 40}
    result = parse_form(sferum, "teachers_with_chat=42\nstaff_registered=50", given=given)
    assert result.values == {}
    assert [(e.line_no, e.key) for e in result.errors] == [
        (1, "teachers_with_chat"),
        (2, "staff_registered"),
    ]
    assert "(40)" in result.errors[0].message


@pytest.mark.parametrize(
    "line",
    [
        "• Педагогов в Сферуме: 91,11 %",
        "• Обучающихся, активных в Сферуме: 51,33 % (▲ 11,33 п. п.)",
        "Педагогов с групповым чатом: 73,17 %",  # an indicator's own label: no question's
        "• Педагогов, активных за неделю: 48,78 % (▼ 1,22 п. п.)",
    ],
)
def test_indicator_lines_are_skipped(sferum, line):
    result = parse_form(sferum, f"Педагогов всего: 45\n{line}")
    assert (result.values, result.errors, result.unknown_lines) == ({"staff_total": 45}, [], [])


def test_a_percentage_typed_for_a_count_is_still_an_error(sferum):
    """Without the review's «•», a question's label with a percentage is a wrong answer."""
    result = parse_form(sferum, "Педагогов в Сферуме: 91 %")
    assert [e.key for e in result.errors] == ["staff_registered"]


def test_a_percent_question_takes_a_percentage_under_an_indicators_label():
    from bot.domain.questionnaire import parse_questionnaire

    qn = parse_questionnaire(
        'id = "p"\nversion = 1\ntitle = "Т"\n'
        '[[questions]]\nkey = "a"\nlabel = "Всего"\ntype = "int"\n'
        '[[questions]]\nkey = "b"\nlabel = "Часть"\ntype = "int"\n'
        '[[questions]]\nkey = "share"\nlabel = "Доля"\ntype = "percent"\n'
        '[[indicators]]\nkey = "share_pct"\nlabel = "Доля"\nnumerator = "b"\ndenominator = "a"\n',
        "p.toml",
    )
    assert parse_form(qn, "• Доля: 48,5 %").values == {"share": 48.5}


@pytest.mark.parametrize("mark", ["—", "-", "–"])
def test_a_dash_for_a_text_answer_is_no_answer(sferum, mark):
    """The review shows «—» for a skipped comment; copied back, it stays unanswered."""
    assert parse_form(sferum, f"10. Комментарий: {mark}").values == {"comment": None}
    assert parse_form(sferum, f"Используются ли иностранные мессенджеры: {mark}").values == {
        "foreign_messengers": False
    }


def test_the_frame_skips_the_bots_own_lines_whatever_fills_them(sferum):
    frame = Frame(["Проверьте ответы — {school}, неделя {week}:", "Всё верно?\nПринято: {n}."])
    text = "\n".join(
        [
            "Проверьте ответы — МКОУ «Другая СОШ», неделя 28 октября – 3 ноября:",
            "ВСЁ ВЕРНО?",
            "Принято: 10.",
            "Педагогов всего: 45",
            "Проверьте ответы",
        ]
    )
    result = parse_form(sferum, text, frame=frame)
    assert (result.values, result.unknown_lines) == ({"staff_total": 45}, [5])
    assert not frame.covers("Проверьте ответы — " + "x" * 2000 + ", неделя 1:")
    assert not Frame([]).covers("")
