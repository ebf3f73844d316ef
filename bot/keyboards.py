"""Small VK keyboards: a few buttons a row, short labels, short JSON payloads.

VK refuses a whole message whose keyboard breaks its limits (label ≤ 40 characters, payload
≤ 255, a handful of buttons a row), so every keyboard goes through here and is cut to fit
instead of failing at send time.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MAX_PER_ROW = 4
MAX_LABEL = 40
MAX_PAYLOAD = 255
# A normal keyboard shows about 10 rows, an inline one 6.
MAX_ROWS = 10
MAX_INLINE_ROWS = 6

PRIMARY, POSITIVE, NEGATIVE, SECONDARY = "primary", "positive", "negative", "secondary"


@dataclass(frozen=True)
class Button:
    label: str
    payload: dict[str, Any] | None = None
    color: str = SECONDARY
    callback: bool = False  # a callback button: a message_event instead of a message


def short_label(text: str, limit: int = MAX_LABEL) -> str:
    """The label cut to `limit` characters with «…» when it is longer."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def payload_json(payload: dict[str, Any]) -> str:
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    if len(data) > MAX_PAYLOAD:
        raise ValueError(f"button payload is {len(data)} characters, VK allows {MAX_PAYLOAD}")
    return data


def rows_of(buttons: Sequence[Button], per_row: int = MAX_PER_ROW) -> list[list[Button]]:
    """Buttons laid out `per_row` to a row."""
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def keyboard(
    rows: Sequence[Sequence[Button]], *, inline: bool = False, one_time: bool = False
) -> str:
    """The keyboard JSON for messages.send; empty rows are dropped."""
    limit = MAX_INLINE_ROWS if inline else MAX_ROWS
    kept = [row for row in rows if row]
    if len(kept) > limit or any(len(row) > MAX_PER_ROW for row in kept):
        raise ValueError(f"keyboard too big: {[len(r) for r in kept]} (≤ {limit} rows)")
    data = {
        "one_time": one_time,
        "inline": inline,
        "buttons": [[_button(b) for b in row] for row in kept],
    }
    return json.dumps(data, ensure_ascii=False)


def empty_keyboard() -> str:
    """Removes the keyboard the person has on screen."""
    return json.dumps({"one_time": True, "buttons": []})


def _button(button: Button) -> dict[str, Any]:
    action: dict[str, Any] = {
        "type": "callback" if button.callback else "text",
        "label": short_label(button.label),
    }
    if button.payload is not None:
        action["payload"] = payload_json(button.payload)
    elif button.callback:
        raise ValueError("a callback button needs a payload")
    return {"action": action, "color": button.color}
