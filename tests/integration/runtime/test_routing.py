"""Handlers with arguments resolved once pass rules and handlers what vkbottle would."""

from __future__ import annotations

from typing import Any

from vkbottle.dispatch.handlers import FromFuncHandler
from vkbottle.dispatch.rules import ABCRule
from vkbottle.tools.magic import magic_bundle

from bot.runtime.routing import ResolvedHandler, _Arguments


def plain(event: Any, app: Any, intent: Any) -> None: ...
def with_default(event: Any, app: Any, limit: int = 5, *, key: str = "k") -> None: ...
def with_context(event: Any, ctx: dict[str, Any], app: Any) -> None: ...
def nothing(event: Any) -> None: ...


class Takes(ABCRule[Any]):
    """Passes when `wanted` is in the context; adds its own finding for later rules."""

    def __init__(self, wanted: str, adds: dict[str, Any] | bool) -> None:
        self.wanted, self.adds = wanted, adds

    async def check(self, event: Any, app: Any = None, intent: Any = None) -> Any:
        self.seen = (app, intent)
        return self.adds if (self.wanted == "" or event == self.wanted) else False


CONTEXT = {"app": "the app", "intent": "an intent", "actor": "someone", "limit": 9}


def test_bundles_match_vkbottle_for_every_shape_of_function() -> None:
    for function in (plain, with_default, with_context, nothing):
        resolved = _Arguments.of(function).bundle(dict(CONTEXT))
        assert resolved == magic_bundle(function, dict(CONTEXT)), function.__name__


async def test_rules_in_order_their_findings_passed_on_and_the_first_refusal_stops() -> None:
    calls: list[dict[str, Any]] = []

    async def handler(event: Any, app: Any, intent: Any, found: Any = None) -> str:
        calls.append({"app": app, "intent": intent, "found": found})
        return "handled"

    first, second = Takes("", {"intent": "from the rule"}), Takes("", True)
    handler_ = ResolvedHandler(FromFuncHandler(handler, first, second))
    context = await handler_.filter("message", {"app": "the app"})
    assert context == {"app": "the app", "intent": "from the rule"}
    assert second.seen == ("the app", "from the rule")
    assert await handler_.handle("message", **context) == "handled"
    assert calls == [{"app": "the app", "intent": "from the rule", "found": None}]

    refused = ResolvedHandler(FromFuncHandler(handler, Takes("other", True), Takes("", True)))
    assert await refused.filter("message", {}) is False
