"""vkbottle glue for access control: the actor of each message, and rules on commands.

`actor_middleware` injects the message author's `Actor` as `actor` into rules and handlers;
`Cmd` matches slash commands; `Can` lets a handler through only for actors the permission
table allows (the guard labeler answers everyone else).

The roles are read with the dialog state, in the same statement (`read_dialog_and_actor`,
the state dispenser's read, one for all the updates started at the same moment): a second
read per message cost as much as the rest of handling a plain message under a burst.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from vkbottle.bot import Message
from vkbottle.dispatch.rules import ABCRule

from bot.domain.commands import parse_command
from bot.runtime.middleware import Middleware
from bot.runtime.together import Together
from bot.services.access import Action, Actor, authorize, load_actor, load_actors_and_dialogs
from storage.db import Database
from storage.repos.dialogs import Seen

CHAT_PEER_START = 2_000_000_000

if TYPE_CHECKING:
    from bot.app import AppContext


_prefetched: ContextVar[Actor | None] = ContextVar("prefetched_actor", default=None)


def read_dialog_and_actor(
    db: Database, admin_ids: list[int]
) -> Callable[[int], Awaitable[Seen | None]]:
    """The state dispenser's read: the dialog state, with the actor kept for the middleware.
    The people of updates handled together are read together."""

    async def read_many(vk_ids: list[int]) -> dict[int, tuple[Actor, Seen | None]]:
        async with db.read_connection() as connection:
            return await load_actors_and_dialogs(connection, vk_ids, admin_ids)

    together = Together(read_many)

    async def read(vk_id: int) -> Seen | None:
        actor, dialog = await together.ask(vk_id)
        _prefetched.set(actor)
        return dialog

    return read


def actor_middleware(context: AppContext) -> type[Middleware[Message]]:
    class ActorMiddleware(Middleware[Message]):
        async def pre(self) -> None:
            message = self.event
            actor = _prefetched.get()
            _prefetched.set(None)  # the pipeline's worker task goes on to the next update
            is_chat = message.peer_id >= CHAT_PEER_START
            if actor is None or actor.vk_id != message.from_id or is_chat:
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
