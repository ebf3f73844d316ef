"""vkbottle rules shared by the features: slash commands, access, our buttons."""

from __future__ import annotations

from typing import Any

from vkbottle.bot import Message
from vkbottle.dispatch.rules import ABCRule

from bot.domain.commands import parse_command
from bot.domain.permissions import Action, Actor, authorize


class Cmd(ABCRule[Message]):
    """`/name args` (any of the names); passes `command` (the name) and `args` (the rest)."""

    def __init__(self, *names: str) -> None:
        self.names = frozenset(names)

    async def check(self, event: Message) -> dict[str, Any] | bool:
        command = parse_command(event.text)
        if command is None or command.name not in self.names:
            return False
        return {"command": command.name, "args": command.args}


class Can(ABCRule[Message]):
    """The actor may do `action` somewhere (the handler checks the particular target)."""

    def __init__(self, action: Action) -> None:
        self.action = action

    async def check(self, event: Message, actor: Actor) -> bool:
        return authorize(actor, self.action)


class Payload(ABCRule[Message]):
    """A keyboard button of ours: payload `{"c": name, **fields}`; passes the payload on."""

    def __init__(self, name: str, **fields: str) -> None:
        self.expected = {"c": name, **fields}

    async def check(self, event: Message) -> dict[str, Any] | bool:
        payload = event.get_payload_json()
        if not isinstance(payload, dict):
            return False
        if any(payload.get(key) != value for key, value in self.expected.items()):
            return False
        return {"payload": payload}
