"""vkbottle's handlers with their arguments resolved once instead of on every message.

vkbottle offers each message to the handlers in order, and for every rule of every handler
it asks again which keyword arguments the rule's `check` takes (`magic_bundle`: unwrapping,
reading the code object, the defaults). A plain check-in answer passes about twenty handlers
before its own, so those lookups were a visible share of the bot's CPU per message
(bench/README.md, "inbound"). A handler's functions do not change after start-up: resolve
them when the bot is built.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from vkbottle.dispatch.handlers import FromFuncHandler
from vkbottle.tools.magic import CONTEXT_NAMES, get_default_args, resolve_arg_names


@dataclasses.dataclass(frozen=True)
class _Arguments:
    """What `magic_bundle` would pass to `function`, worked out once."""

    names: frozenset[str]
    defaults: dict[str, Any]
    context_name: str | None  # takes the whole context dict (vkbottle's `ctx` convention)

    @classmethod
    def of(cls, function: Callable[..., Any]) -> _Arguments:
        names = resolve_arg_names(function, start_idx=1)
        context_name = next((n for n in CONTEXT_NAMES if n in names), None)
        return cls(frozenset(names), get_default_args(function), context_name)

    def bundle(self, context: dict[str, Any]) -> dict[str, Any]:
        bundled = dict(self.defaults)
        bundled.update((k, v) for k, v in context.items() if k in self.names)
        if self.context_name is not None:
            bundled[self.context_name] = context.copy()
        return bundled


class ResolvedHandler(FromFuncHandler):
    """A `FromFuncHandler` that behaves the same, minus the introspection per message."""

    def __init__(self, original: FromFuncHandler) -> None:
        super().__init__(original.handler, *original.rules, blocking=original.blocking)
        self._checks = [(rule, _Arguments.of(rule.check)) for rule in self.rules]
        self._arguments = _Arguments.of(self.handler)

    async def filter(
        self, event: Any, context: dict[str, Any] | None = None
    ) -> dict[str, Any] | bool:
        rule_context = dict(context or {})
        for rule, arguments in self._checks:
            result = await rule.check(event, **arguments.bundle(rule_context))
            if result is False or result is None:
                return False
            if result is not True:
                rule_context.update(result)
        return rule_context

    async def handle(self, event: Any, **context: Any) -> Any:
        return await self.handler(event, **self._arguments.bundle(context))


def resolved(handler: Any) -> Any:
    """The handler to install: resolved if it is vkbottle's plain function handler."""
    return ResolvedHandler(handler) if type(handler) is FromFuncHandler else handler


def resolved_basement(basement: Any) -> Any:
    """A raw event's handler slot with its handler resolved."""
    return dataclasses.replace(basement, handler=resolved(basement.handler))
