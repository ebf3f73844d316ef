"""The read every update starts with (who wrote, their dialog): when it fails, the person
gets the apology and the log an error, instead of vkbottle dropping the update silently."""

from __future__ import annotations

from typing import Any

import pytest

from bot.clock import FakeClock
from bot.runtime import middlewares
from bot.texts import common as texts
from storage.db import Database
from tests.utils.harness import running_bot


async def test_a_failed_read_of_who_wrote_is_logged_and_apologised_for(
    sqlite_db: Database,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def unreachable(**_: Any) -> None:
        raise ConnectionError("the database is unreachable")

    async with running_bot(sqlite_db, clock) as bot:
        monkeypatch.setattr(middlewares, "load_person", unreachable)
        bot.user(900)
        answers = [item["text"] for item in await bot.say(900, "/status")]
    assert answers == [texts.SOMETHING_WENT_WRONG]
    assert any(
        r.levelname == "ERROR" and "ConnectionError" in r.getMessage() for r in caplog.records
    )
