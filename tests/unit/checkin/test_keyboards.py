import json

import pytest

from bot.keyboards import Button, keyboard, rows_of, short_label
from handlers.checkin import parse_intent


def test_labels_are_cut_to_vk_limit() -> None:
    label = short_label("Как на прошлой неделе (" + "очень длинный ответ " * 3 + ")")
    assert len(label) == 40 and label.endswith("…")
    data = json.loads(keyboard([[Button("x" * 100, {"c": "start"})]]))
    assert len(data["buttons"][0][0]["action"]["label"]) == 40


def test_limits_are_refused_before_vk_sees_them() -> None:
    with pytest.raises(ValueError, match="payload"):
        keyboard([[Button("a", {"c": "x" * 300})]])
    with pytest.raises(ValueError, match="too big"):
        keyboard([[Button(str(n)) for n in range(5)]])
    with pytest.raises(ValueError, match="too big"):
        keyboard(rows_of([Button(str(n)) for n in range(30)]), inline=True)
    assert [len(r) for r in rows_of([Button(str(n)) for n in range(10)])] == [4, 4, 2]


@pytest.mark.parametrize(
    ("text", "payload", "command", "ours"),
    [
        ("Заполнить", None, "start", True),
        ("  /REPORT ", None, "start", True),
        ("Начать!", None, "start", True),
        ("x", '{"c":"school","s":5}', "school", True),
        ("x", '{"c":"school","s":true}', "school", True),
        ("x", '{"c":"status"}', None, False),
        ("x", "not json", None, False),
        ("x", "[1, 2]", None, False),
        ("назад", None, "back", False),
        ("45", None, None, False),
    ],
)
def test_intent_of_a_message(
    text: str, payload: str | None, command: str | None, ours: bool
) -> None:
    intent, claimed = parse_intent(text, payload)
    assert (intent.command, claimed) == (command, ours)
    if command == "school":
        assert intent.school_id in (5, None)
