import pytest

from bot.domain.questionnaire import parse_questionnaire
from bot.domain.rules import RuleViolation, check_answer_in_context, check_rules

FULL = {
    "staff_total": 45,
    "staff_registered": 40,
    "teachers_with_chat": 30,
    "teachers_active": 25,
    "students_total": 300,
    "students_active": 120,
    "classes_total": 11,
    "class_chats": 11,  # equal is fine: the rule is ≤
}


def test_consistent_answers_pass(sferum):
    assert check_rules(sferum, FULL) == []


@pytest.mark.parametrize(
    ("changes", "key", "message"),
    [
        (
            {"staff_registered": 46},
            "staff_registered",
            "Педагогов в Сферуме не может быть больше, чем педагогов всего (45).",
        ),
        (
            {"teachers_with_chat": 41},
            "teachers_with_chat",
            "Педагогов, создавших ≥1 групповой чат, не может быть больше, "
            "чем педагогов в Сферуме (40).",
        ),
        (
            {"students_active": 10_001, "students_total": 10_000},
            "students_active",
            "Обучающихся, активных в Сферуме, не может быть больше, "
            "чем обучающихся всего (10 000).",
        ),
        (
            {"class_chats": 12},
            "class_chats",
            "Классов с чатом в Сферуме не может быть больше, чем классов всего (11).",
        ),
    ],
)
def test_violation_names_left_side(sferum, changes, key, message):
    other = dict(rule.lte for rule in sferum.rules)[key]
    assert check_rules(sferum, FULL | changes) == [
        RuleViolation(key=key, other=other, message=message)
    ]


def test_missing_or_non_numeric_sides_are_not_judged(sferum):
    assert check_rules(sferum, {"staff_registered": 40}) == []
    assert check_rules(sferum, {"staff_registered": 40, "staff_total": None}) == []
    assert check_rules(sferum, {"staff_registered": 40, "staff_total": "45"}) == []


def test_one_change_breaks_several_rules(sferum):
    broken = check_rules(sferum, FULL | {"staff_registered": 20})
    assert [(v.key, v.other) for v in broken] == [
        ("teachers_with_chat", "staff_registered"),
        ("teachers_active", "staff_registered"),
    ]


@pytest.mark.parametrize(
    ("given", "key", "value", "expected"),
    [
        ({"staff_total": 45}, "staff_registered", 45, []),
        (
            {"staff_total": 45},
            "staff_registered",
            46,
            [
                (
                    "staff_registered",
                    "Педагогов в Сферуме не может быть больше, чем педагогов всего (45).",
                )
            ],
        ),
        # Going back: a smaller total than what was already given.
        (
            {"staff_total": 45, "staff_registered": 40},
            "staff_total",
            39,
            [
                (
                    "staff_total",
                    "Педагогов всего не может быть меньше, чем педагогов в Сферуме (40).",
                )
            ],
        ),
        (
            {"staff_registered": 40, "teachers_with_chat": 30, "teachers_active": 35},
            "staff_registered",
            29,
            [
                (
                    "staff_registered",
                    "Педагогов в Сферуме не может быть меньше, "
                    "чем педагогов, создавших ≥1 групповой чат (30).",
                ),
                (
                    "staff_registered",
                    "Педагогов в Сферуме не может быть меньше, "
                    "чем педагогов, написавших ≥3 сообщений за неделю (35).",
                ),
            ],
        ),
        ({}, "staff_registered", 500, []),
        ({"foreign_messengers": True}, "foreign_messengers", False, []),
    ],
)
def test_answer_in_context(sferum, given, key, value, expected):
    found = check_answer_in_context(sferum, given, key, value)
    assert [(v.key, v.message) for v in found] == expected


def test_custom_message_and_percent_values():
    qn = parse_questionnaire(
        """
id = "p"
version = 1
title = "Доли"
[[questions]]
key = "plan"
label = "План"
type = "percent"
[[questions]]
key = "fact"
label = "Факт"
type = "percent"
[[rules]]
lte = ["fact", "plan"]
message = "Факт ({a}) выше плана ({b}): проверьте цифры."
""",
        "p.toml",
    )
    [violation] = check_rules(qn, {"plan": 50.0, "fact": 62.5})
    assert violation.message == "Факт (62,5 %) выше плана (50 %): проверьте цифры."
    [back] = check_answer_in_context(qn, {"fact": 62.5}, "plan", 50.0)
    assert back.message == "План не может быть меньше, чем факт (62,5 %)."
