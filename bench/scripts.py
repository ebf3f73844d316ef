"""What a head says at each step of the benchmark dialog.

`CheckinScript` (the default) is the weekly check-in as a head on a phone does it: «Заполнить»,
one typed answer per question of the default Sferum questionnaire, then «Отправить» pressed on
the review screen (a callback button: a `message_event`, not a message). Every step is a real
dialog step: the draft read and written, the round looked up, the answer checked, and at the
end the response stored. `FallbackScript` sends numbers nobody asked for: the fallback hint,
i.e. the per-message skeleton (dedupe write, state read, one reply) without a dialog.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Step:
    text: str
    payload: Any = None
    replies: int = 1  # messages svodka answers this step with (the echo bot: always one)
    press: bool = False  # a callback button: `payload` goes out as a `message_event`


class Script(Protocol):
    name: str

    def steps(self, vk_id: int, count: int) -> list[Step]: ...


class FallbackScript:
    """Numbers the bot does not expect: each one is answered by the fallback hint."""

    name = "fallback"

    def steps(self, vk_id: int, count: int) -> list[Step]:
        return [Step(str(40 + (vk_id + n) % 60)) for n in range(count)]


class CheckinScript:
    """The whole check-in of one school; `count` is ignored (the questionnaire sets it)."""

    name = "checkin"

    def steps(self, vk_id: int, count: int) -> list[Step]:
        spread = vk_id % 20  # different, valid numbers per head (every a ≤ b rule holds)
        staff, students, classes = 40 + spread, 300 + 10 * spread, 11 + spread % 5
        answers = [staff, staff - 3, staff - 10, staff - 15, students, students // 2,
                   classes, classes - 2]  # fmt: skip
        return [
            Step("Заполнить", replies=2),  # the round's intro and question 1
            *[Step(str(value)) for value in answers],
            Step("Нет"),  # no foreign messengers: the follow-up question is not asked
            Step("Всё хорошо"),  # the optional comment → the review screen
            Step("Отправить", payload={"c": "send"}, press=True),  # → «Спасибо! Отчёт принят»
        ]


SCRIPTS: dict[str, Script] = {s.name: s for s in [CheckinScript(), FallbackScript()]}
DEFAULT_SCRIPT = CheckinScript.name
