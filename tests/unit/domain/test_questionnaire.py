import pytest

from bot.domain.questionnaire import Questionnaire, QuestionnaireError, parse_questionnaire
from bot.resources import default_questionnaire, load_questionnaire

# DESIGN.md section 3: keys, labels and types are a contract.
CONTRACT = [
    ("staff_total", "Педагогов всего", "int"),
    ("staff_registered", "Педагогов в Сферуме", "int"),
    ("teachers_with_chat", "Педагогов, создавших ≥1 групповой чат", "int"),
    ("teachers_active", "Педагогов, написавших ≥3 сообщений за неделю", "int"),
    ("students_total", "Обучающихся всего", "int"),
    ("students_active", "Обучающихся, активных в Сферуме", "int"),
    ("classes_total", "Классов всего", "int"),
    ("class_chats", "Классов с чатом в Сферуме", "int"),
    ("foreign_messengers", "Используются ли иностранные мессенджеры", "yes_no"),
    ("foreign_messengers_which", "Какие иностранные мессенджеры", "text"),
    ("comment", "Комментарий", "text"),
]


def test_default_matches_design_table(sferum):
    assert [(q.key, q.label, q.type) for q in sferum.questions] == CONTRACT
    assert sferum.id == "sferum"
    assert sferum.version == 1
    assert not sferum.question("comment").required
    assert sferum.question("foreign_messengers_which").depends_on == "foreign_messengers"


def test_default_rules_and_indicators(sferum):
    assert [r.lte for r in sferum.rules] == [
        ("staff_registered", "staff_total"),
        ("teachers_with_chat", "staff_registered"),
        ("teachers_active", "staff_registered"),
        ("students_active", "students_total"),
        ("class_chats", "classes_total"),
    ]
    by_key = {i.key: i for i in sferum.indicators}
    assert list(by_key) == [
        "staff_registered_pct",
        "teachers_with_chat_pct",
        "teachers_active_pct",
        "students_active_pct",
        "class_chats_pct",
    ]
    students = by_key["students_active_pct"]
    assert (students.numerator, students.denominator) == ("students_active", "students_total")
    assert students.label == "Обучающихся, активных в Сферуме"
    assert students.warn_below == 0.5
    assert (by_key["staff_registered_pct"].goal, by_key["staff_registered_pct"].warn_below) == (
        1.0,
        0.9,
    )


def test_default_is_cached():
    assert default_questionnaire() is default_questionnaire()


def test_dict_round_trip(sferum, extra):
    for qn in (sferum, extra):
        data = qn.to_dict()
        assert Questionnaire.from_dict(data) == qn
        assert data["version"] == qn.version


def test_from_dict_reports_errors():
    data = default_questionnaire().to_dict()
    data["questions"][0]["max"] = -1
    with pytest.raises(QuestionnaireError, match=r"^<stored>: question 'staff_total': "):
        Questionnaire.from_dict(data)


def test_load_from_file(tmp_path):
    path = tmp_path / "mini.toml"
    path.write_text(MINI, encoding="utf-8")
    assert load_questionnaire(path).question("a").label == "Первый"


def test_question_unknown_key(sferum):
    with pytest.raises(KeyError):
        sferum.question("nope")


@pytest.mark.parametrize(
    ("answers", "asked"),
    [
        ({}, {"foreign_messengers"}),
        ({"foreign_messengers": False}, {"foreign_messengers"}),
        ({"foreign_messengers": True}, {"foreign_messengers", "foreign_messengers_which"}),
        ({"foreign_messengers": "да"}, {"foreign_messengers"}),  # only a parsed True counts
    ],
)
def test_applicable_honours_depends_on(sferum, answers, asked):
    keys = {q.key for q in sferum.applicable(answers)}
    assert keys >= {"staff_total", "comment"}
    assert keys & {"foreign_messengers", "foreign_messengers_which"} == asked


def test_applicable_chain_needs_every_parent():
    qn = parse_questionnaire(
        MINI
        + """
[[questions]]
key = "b"
label = "Второй"
type = "yes_no"
depends_on = "y"

[[questions]]
key = "c"
label = "Третий"
type = "text"
depends_on = "b"
""",
        "chain.toml",
    )
    # b is not asked when y is «Нет», so a stale b=True must not bring c back.
    assert [q.key for q in qn.applicable({"y": False, "b": True})] == ["a", "y"]
    assert [q.key for q in qn.applicable({"y": True, "b": True})] == ["a", "y", "b", "c"]


MINI = """
id = "mini"
version = 1
title = "Мини"

[[questions]]
key = "a"
label = "Первый"
type = "int"
max = 10

[[questions]]
key = "y"
label = "Есть ли"
type = "yes_no"
"""


def _with(extra: str) -> str:
    return MINI + extra


LOADER_ERRORS = [
    ("id = [", "bad.toml: invalid TOML: "),
    (
        MINI.replace("max = 10", "min = 5\nmax = 1"),
        "bad.toml: question 'a': min must be ≤ max",
    ),
    (MINI.replace("max = 10", "max = 2.5"), "bad.toml: question 'a': min and max of an int"),
    (MINI.replace("max = 10", "min = -1"), "bad.toml: question 'a': bounds must lie within"),
    (
        MINI.replace('type = "int"', 'type = "number"'),
        "bad.toml: question 'a': type: Input should be",
    ),
    (
        MINI.replace('key = "a"', 'key = "Staff Total"'),
        "bad.toml: question 'Staff Total': key 'Staff Total' must be lowercase snake_case",
    ),
    (
        MINI.replace("max = 10", "requred = false"),
        "bad.toml: question 'a': unknown field 'requred'",
    ),
    (MINI.replace('label = "Первый"\n', ""), "bad.toml: question 'a': 'label' is required"),
    (
        MINI.replace('type = "yes_no"', 'type = "yes_no"\nmax = 1'),
        "bad.toml: question 'y': min/max apply",
    ),
    (MINI.replace('key = "y"', 'key = "a"'), "bad.toml: question 'a': duplicate key"),
    (
        MINI.replace('label = "Есть ли"', 'label = "первый"'),
        "bad.toml: question 'y': label duplicates",
    ),
    (
        MINI.replace('id = "mini"', 'id = "Mini Form"'),
        "bad.toml: id 'Mini Form' must be lowercase snake_case",
    ),
    (MINI.replace("version = 1\n", ""), "bad.toml: 'version' is required"),
    (
        _with('[[questions]]\nkey = "m"\nlabel = "М"\ntype = "choice"\n'),
        "bad.toml: question 'm': choices are required",
    ),
    (
        _with('[[questions]]\nkey = "m"\nlabel = "М"\ntype = "choice"\nchoices = ["Да", "да"]\n'),
        "bad.toml: question 'm': choices must differ",
    ),
    (
        _with('[[questions]]\nkey = "f"\nlabel = "Ф"\ntype = "file"\n'),
        "bad.toml: question 'f': columns are required",
    ),
    (
        _with('[[questions]]\nkey = "t"\nlabel = "Т"\ntype = "int"\nmax_length = 5\n'),
        "bad.toml: question 't': max_length applies only to text",
    ),
    (
        _with('[[questions]]\nkey = "t"\nlabel = "Т"\ntype = "text"\ndepends_on = "nope"\n'),
        "bad.toml: question 't': depends_on 'nope' is not a question",
    ),
    (
        _with('[[questions]]\nkey = "t"\nlabel = "Т"\ntype = "text"\ndepends_on = "a"\n'),
        "bad.toml: question 't': depends_on 'a' must be a yes_no question",
    ),
    (
        _with('[[questions]]\nkey = "t"\nlabel = "Т"\ntype = "yes_no"\ndepends_on = "t"\n'),
        "bad.toml: question 't': depends_on points to itself",
    ),
    (
        MINI.replace('type = "yes_no"', 'type = "yes_no"\ndepends_on = "z"')
        + '[[questions]]\nkey = "z"\nlabel = "Зет"\ntype = "yes_no"\ndepends_on = "y"\n',
        "bad.toml: question 'y': depends_on 'z' must be declared before it (no cycles)",
    ),
    (
        _with('[[rules]]\nlte = ["a", "zz"]\n'),
        "bad.toml: rule #1 (lte a, zz): 'zz' is not a question",
    ),
    (
        _with('[[rules]]\nlte = ["a", "y"]\n'),
        "bad.toml: rule #1 (lte a, y): both questions must be int",
    ),
    (_with('[[rules]]\nlte = ["a", "a"]\n'), "bad.toml: rule #1 (lte a, a): compares a question"),
    (_with('[[rules]]\nlte = ["a"]\n'), "bad.toml: rule #1: lte: "),
    (
        _with('[[rules]]\nlte = ["a", "a"]\nmessage = "{a.__class__}"\n'),
        "bad.toml: rule #1: message may use only {a} and {b}",
    ),
    (
        _with('[[indicators]]\nkey = "p"\nlabel = "П"\nnumerator = "a"\ndenominator = "y"\n'),
        "bad.toml: indicator 'p': denominator 'y' must be an int question",
    ),
    (
        _with('[[indicators]]\nkey = "a"\nlabel = "П"\nnumerator = "a"\ndenominator = "a"\n'),
        "bad.toml: indicator 'a': key is already used",
    ),
    (
        _with('[[indicators]]\nkey = "p"\nlabel = "П"\nnumerator = "a"\ndenominator = "q"\n'),
        "bad.toml: indicator 'p': denominator 'q' is not a question",
    ),
    (
        _with('[[indicators]]\nkey = "p"\nlabel = "П"\nnumerator = "a"\ndenominator = "a"\n'),
        "bad.toml: indicator 'p': numerator and denominator are the same question",
    ),
    (
        _with(
            '[[indicators]]\nkey = "p"\nlabel = "П"\nnumerator = "a"\ndenominator = "a"\ngoal = 1.5\n'
        ),
        "bad.toml: indicator 'p': goal: Input should be less than or equal to 1",
    ),
    (
        _with(
            '[[indicators]]\nkey = "p"\nlabel = "П"\nnumerator = "a"\ndenominator = "a"\n'
            "goal = 0.5\nwarn_below = 0.8\n"
        ),
        "bad.toml: indicator 'p': warn_below must be ≤ goal",
    ),
]


@pytest.mark.parametrize(("text", "start"), LOADER_ERRORS)
def test_loader_errors_are_one_line(text, start):
    with pytest.raises(QuestionnaireError) as info:
        parse_questionnaire(text, "bad.toml")
    message = str(info.value)
    assert message.startswith(start), message
    assert "\n" not in message
