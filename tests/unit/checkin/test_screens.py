"""Question screens for the types the Sferum questionnaire does not use: choice, percent."""

import json

from bot.domain.questionnaire import parse_questionnaire
from bot.services.checkin import flow
from bot.services.checkin.flow import Draft
from bot.services.checkin.screens import question

QN = parse_questionnaire(
    """
id = "t"
version = 1
title = "Т"
[[questions]]
key = "mode"
label = "Формат занятий"
type = "choice"
choices = ["Очно", "Дистанционно", "Смешанно"]
[[questions]]
key = "share"
label = "Доля родителей в чатах"
type = "percent"
""",
    "t.toml",
)


def _labels(keyboard: str | None) -> list[str]:
    data = json.loads(keyboard or "{}")
    return [b["action"]["label"] for row in data.get("buttons", []) for b in row]


def test_choice_is_offered_as_buttons_and_taken_by_a_beginning() -> None:
    draft = Draft(1, 1, previous={"mode": "Смешанно"})
    flow.advance(QN, draft)
    screen = question(QN, draft)
    assert _labels(screen.keyboard) == [
        "Очно",
        "Дистанционно",
        "Смешанно",
        "Как на прошлой неделе (Смешанно)",
    ]
    assert flow.answer(QN, draft, "три") == (
        "Выберите вариант: 1 — Очно; 2 — Дистанционно; 3 — Смешанно. Можно ответить номером."
    )
    assert flow.answer(QN, draft, "дист") is None
    assert draft.answers["mode"] == "Дистанционно"


def test_percent_errors_say_what_is_expected() -> None:
    draft = Draft(1, 1, answers={"mode": "Очно"})
    flow.advance(QN, draft)
    assert flow.answer(QN, draft, "120") == (
        "Слишком большое число. Введите процент от 0 до 100, например 48,5."
    )
    assert flow.answer(QN, draft, "48,5 %") is None
    assert draft.answers["share"] == 48.5 and draft.step == flow.REVIEW
