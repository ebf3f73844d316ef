"""What a head says at each step of the benchmark dialog.

Until the check-in dialog lands the bot's only private-message handler is the fallback,
which still does the per-message work of a dialog step on the read side (the update's
dedupe write, the person's state read, a reply with a deterministic random_id). Swapping
in the questionnaire is a new `Script` here and `--script` on the command line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Step:
    text: str
    payload: Any = None
    replies: int = 1


class Script(Protocol):
    name: str

    def steps(self, vk_id: int, count: int) -> list[Step]: ...


class FallbackScript:
    """Numbers the bot does not expect: each one is answered by the fallback hint."""

    name = "fallback"

    def steps(self, vk_id: int, count: int) -> list[Step]:
        return [Step(str(40 + (vk_id + n) % 60)) for n in range(count)]


SCRIPTS: dict[str, Script] = {script.name: script for script in [FallbackScript()]}
