"""vkbottle glue for access control: the actor of each message, and rules on commands.

`actor_middleware` loads the `Actor` once per message and injects it as `actor` into rules
and handlers; `Cmd` matches slash commands; `Can` lets a handler through only for actors the
permission table allows (the guard labeler answers everyone else).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vkbottle.bot import Message
from vkbottle.dispatch.middlewares import BaseMiddleware
from vkbottle.dispatch.rules import ABCRule

from bot.domain.commands import parse_command
from bot.services.access import Action, Actor, authorize, load_actor

if TYPE_CHECKING:
    from bot.app import AppContext


def actor_middleware(context: AppContext) -> type[BaseMiddleware[Message]]:
    class ActorMiddleware(BaseMiddleware[Message]):
        async def pre(self) -> None:
            message = self.event
            async with context.db.reads() as session:
                actor = await load_actor(
                    session, message.from_id, context.settings.admin_ids, message.peer_id
                )
            self.send({"actor": actor})

    return ActorMiddleware


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
