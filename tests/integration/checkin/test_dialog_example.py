"""docs/dialog-example.md is a real conversation: this test writes it (SVODKA_WRITE_DOCS=1)
or checks that the committed file is exactly what the bot says today."""

import os
from pathlib import Path
from typing import Any

from bot.clock import FakeClock
from bot.texts import checkin as texts
from storage.db import Database
from tests.integration.checkin.helpers import (
    HEAD_VK,
    answered_last_week,
    button,
    labels,
    one_head,
)
from tests.utils.harness import BotHarness, running_bot

DOC = Path(__file__).parents[3] / "docs" / "dialog-example.md"
HEADER = """# Пример диалога: еженедельный отчёт

Руководитель школы заполняет анкету в личных сообщениях сообщества. Этот файл пишет тест
`tests/integration/checkin/test_dialog_example.py` по настоящему разговору с ботом через
эмулятор VK (`SVODKA_WRITE_DOCS=1` — перезаписать); без этой переменной тест проверяет, что
файл совпадает с тем, что бот отвечает сейчас. Кнопки показаны в квадратных скобках.
"""


class Transcript:
    def __init__(self, bot: BotHarness) -> None:
        self.bot = bot
        self.parts = [HEADER]

    async def say(self, text: str, payload: Any = None) -> list[dict]:
        self.parts.append(f"**Руководитель:** {text}\n")
        return self._bot_said(await self.bot.say(HEAD_VK, text, payload=payload))

    async def press(self, item: dict, label: str) -> list[dict]:
        self.parts.append(f"**Руководитель** нажимает «{label}»\n")
        return self._bot_said(await self.bot.press(HEAD_VK, button(item, label)))

    async def tap(self, item: dict, label: str) -> list[dict]:
        """A text button: the label goes into the chat together with the payload."""
        full = next(x for x in labels(item) if x.startswith(label))
        return await self.say(full, payload=button(item, label))

    def _bot_said(self, items: list[dict]) -> list[dict]:
        for item in items:
            quoted = "\n".join(f"> {line}" if line else ">" for line in item["text"].split("\n"))
            self.parts.append(f"**Бот:**\n\n{quoted}\n")
            if buttons := labels(item):
                self.parts.append(" ".join(f"[{b}]" for b in buttons) + "\n")
        return items

    def text(self) -> str:
        return "\n".join(self.parts)


async def test_dialog_example_is_current(sqlite_db: Database, clock: FakeClock) -> None:
    setup = await one_head(sqlite_db, clock)
    await answered_last_week(sqlite_db, clock, setup, students_active=120, class_chats=8)
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(HEAD_VK)
        t = Transcript(bot)
        _, item = await t.say("Заполнить")
        [item] = await t.tap(item, "Как на прошлой неделе")
        [item] = await t.say("сорок")
        [item] = await t.say("41")
        [item] = await t.say("30")
        [item] = await t.tap(item, texts.BACK)
        [item] = await t.tap(item, "Как на прошлой неделе")
        [item] = await t.say("20")
        [item] = await t.tap(item, "Как на прошлой неделе")
        [item] = await t.say("330")
        [item] = await t.say("154")
        [item] = await t.tap(item, "Как на прошлой неделе")
        [item] = await t.say("10")
        [item] = await t.say("Нет")
        [item] = await t.tap(item, texts.SKIP)
        [item] = await t.press(item, texts.FIX)
        [item] = await t.press(item, "5")
        [item] = await t.say("300")
        [item] = await t.press(item, texts.SEND)
    text = t.text()
    if os.environ.get("SVODKA_WRITE_DOCS") == "1":
        DOC.parent.mkdir(exist_ok=True)
        DOC.write_text(text, encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == text, "run with SVODKA_WRITE_DOCS=1 to update"
