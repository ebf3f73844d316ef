"""The demo's readable transcript: who said what, at which simulated time, with buttons."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.text import Text

PREVIEW_LINES = 14
WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")


def stamp(moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return f"{WEEKDAYS[local.weekday()]} {local:%d.%m %H:%M}"


@dataclass
class Entry:
    at: datetime
    speaker: str
    text: str
    buttons: list[list[str]] = field(default_factory=list)
    from_bot: bool = False
    attachments: list[str] = field(default_factory=list)


def keyboard_rows(keyboard: dict[str, Any] | None) -> list[list[str]]:
    if not keyboard:
        return []
    rows = []
    for row in keyboard.get("buttons") or []:
        labels = [str((b.get("action") or {}).get("label", "")) for b in row]
        rows.append([label for label in labels if label])
    return [row for row in rows if row]


class Transcript:
    def __init__(self, console: Console, tz: ZoneInfo, *, full: bool = False) -> None:
        self.console = console
        self.tz = tz
        self.full = full
        self.entries: list[Entry] = []

    def add(self, entry: Entry) -> None:
        self.entries.append(entry)
        self.console.print(self._render(entry))

    def note(self, at: datetime, text: str) -> None:
        self.console.print(Text(f"— {stamp(at, self.tz)} · {text}", style="dim italic"))

    def _render(self, entry: Entry) -> Text:
        out = Text()
        out.append(f"[{stamp(entry.at, self.tz)}] ", style="dim")
        out.append(entry.speaker, style="bold cyan" if entry.from_bot else "bold green")
        out.append(": ")
        lines = entry.text.splitlines() or [""]
        if not self.full and len(lines) > PREVIEW_LINES:
            lines = [*lines[:PREVIEW_LINES], f"… (ещё {len(lines) - PREVIEW_LINES} строк)"]
        out.append("\n    ".join(lines))
        for row in entry.buttons:
            out.append("\n    ")
            for label in row:
                out.append(f" [{label}] ", style="reverse")
                out.append(" ")
        for attachment in entry.attachments:
            out.append(f"\n    📎 {attachment}", style="magenta")
        return out
