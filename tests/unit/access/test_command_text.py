"""Reading commands and spotting code attempts in what people type."""

from __future__ import annotations

import pytest

from bot.domain.commands import Command, parse_command
from bot.domain.invite_codes import looks_like_attempt


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/help", Command("help", "")),
        ("  /Bind  Статус ", Command("bind", "Статус")),
        ("[club1|@svodka] /status Дегвинская", Command("status", "Дегвинская")),
        ("[club1|Сводка], /unbind", Command("unbind", "")),
        (
            "/schedule Сергокалинский:\nопрос пн 09:00",
            Command("schedule", "Сергокалинский:\nопрос пн 09:00"),
        ),
        ("/\u200bhelp", Command("help", "")),
        ("help", None),
        ("", None),
        (None, None),
        ("/ help", None),
        ("/🙂", None),
        ("/" + "x" * 10_000, None),
    ],
)
def test_parse_command(text: str | None, expected: Command | None) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    "text",
    ["ABCDE-23456", "abcde23456", "12345678", "QWERTY1", "ABCDE 23456", "КОД-12345", "ABCDEFGHJK"],
)
def test_code_attempts(text: str) -> None:
    assert looks_like_attempt(text)


@pytest.mark.parametrize(
    "text",
    ["Здравствуйте", "45", "привет, как дела 2024", "🙂🙂🙂🙂🙂🙂1", "x" * 10_000, "ABCDEFGHJKLMN"],
)
def test_not_code_attempts(text: str) -> None:
    assert not looks_like_attempt(text)
