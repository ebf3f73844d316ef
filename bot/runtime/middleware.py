"""vkbottle middlewares without a reference cycle per update.

vkbottle's `BaseMiddleware.__init__` wraps the instance's `pre` and `post` in closures over
the instance itself, so every middleware made for an update (two per message here) is a
cycle that reference counting cannot free: ≈ 40 objects a message left to the cyclic
collector, which then ran its middle generation every ≈ 120 messages and a full pass every
≈ 1 200 — about a fifth of the bot's CPU per message under load (bench/README.md, "inbound").

`Middleware` sets the same attributes without the wrappers. What the wrappers did — catch
an exception in `pre`/`post`, log it at debug level and drop the update without a word —
is not kept: the exception reaches the bot's error handler, which logs it as an error and
apologises to the person (bot/app.py).
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from vkbottle.dispatch.middlewares import BaseMiddleware

Event = TypeVar("Event")


class Middleware(BaseMiddleware[Event], Generic[Event]):
    def __init__(self, event: Event, view: Any = None) -> None:
        self.event = event
        self.view = view
        self.handle_responses: list[Any] = []
        self.handlers: list[Any] = []
        self._new_context: dict[str, Any] = {}
        self.error: Exception | None = None
