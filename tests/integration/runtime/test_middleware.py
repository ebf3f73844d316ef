"""The bot's middlewares are freed by reference counting, not left to the cyclic collector."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from vkbottle.dispatch.middlewares import BaseMiddleware

from bot.clock import FakeClock
from bot.texts import common as texts
from storage.db import Database
from tests.utils.harness import running_bot


@pytest.fixture
def no_collector() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _freed_without_the_collector(middleware: type[BaseMiddleware]) -> bool:
    instance = middleware(object())
    gone = weakref.ref(instance)
    del instance
    return gone() is None


def test_vkbottles_own_middleware_is_a_cycle(no_collector: None) -> None:
    # What the test below guards against: if vkbottle stops making the cycle, drop ours.
    assert not _freed_without_the_collector(BaseMiddleware)


async def test_every_middleware_of_the_bot_is_freed_at_once(
    sqlite_db: Database, clock: FakeClock, tmp_path: Path, no_collector: None
) -> None:
    async with running_bot(sqlite_db, clock, tmp_path) as bot:
        views = [bot.app.bot.labeler.message_view, bot.app.bot.labeler.raw_event_view]
        middlewares = [m for view in views for m in view.middlewares]
    assert len(middlewares) == 3
    assert all(_freed_without_the_collector(m) for m in middlewares)


async def test_a_failing_middleware_is_logged_and_apologised_for_not_dropped_silently(
    sqlite_db: Database,
    clock: FakeClock,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def unreachable(self: object) -> None:
        raise ConnectionError("the database is unreachable")

    async with running_bot(sqlite_db, clock, tmp_path) as bot:
        actor_middleware = bot.app.bot.labeler.message_view.middlewares[-1]
        monkeypatch.setattr(actor_middleware, "pre", unreachable)
        bot.user(900)
        answers = [item["text"] for item in await bot.say(900, "/status")]
    assert answers == [texts.SOMETHING_WENT_WRONG]
    assert any(
        r.levelname == "ERROR" and "ConnectionError" in r.getMessage() for r in caplog.records
    )
