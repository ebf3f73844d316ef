"""What every update is handled with, read once before any rule or handler runs.

vkbottle passes these to rules and handlers by parameter name:
- `app`: the AppContext;
- `replies`: the update's answers (bot/runtime/replies.py), their ids fixed by the update;
- `actor` and `dialog`: who is asking and their stored dialog state (None when there is
  none, or in a group chat), read in one statement. A handler passes them to the one
  service it calls, which writes in a transaction of its own; the replies go out after.

A middleware that fails is dropped by vkbottle with a debug line and the update with it;
these catch their own failure, log it as an error and tell the person instead.
"""

from __future__ import annotations

import logging
from typing import Any

from vkbottle.bot import Message
from vkbottle.dispatch.middlewares import BaseMiddleware
from vkbottle.exception_factory import ErrorHandler

from bot.context import AppContext
from bot.runtime.replies import Replies
from bot.services.access import load_person
from bot.texts import common as texts
from bot.vk.api import describe

logger = logging.getLogger(__name__)


def message_middleware(context: AppContext) -> type[BaseMiddleware[Message]]:
    class MessageMiddleware(BaseMiddleware[Message]):
        async def pre(self) -> None:
            message = self.event
            # The message's place in its conversation: the same on every redelivery.
            replies = Replies(context.api, f"m{message.peer_id}:{message.conversation_message_id}")
            try:
                actor, dialog = await load_person(
                    db=context.db,
                    vk_id=message.from_id,
                    peer_id=message.peer_id,
                    admin_ids=context.settings.admin_ids,
                )
            except Exception as exc:
                logger.error("could not read who wrote: %s", describe(exc), exc_info=exc)
                await _apologise(replies, message.peer_id)
                self.stop("who wrote could not be read")
            self.send({"app": context, "replies": replies, "actor": actor, "dialog": dialog})

    return MessageMiddleware


def event_middleware(context: AppContext) -> type[BaseMiddleware[dict[str, Any]]]:
    class EventMiddleware(BaseMiddleware[dict[str, Any]]):
        async def pre(self) -> None:
            update = self.event
            replies = Replies(context.api, f"e{update.get('event_id')}")
            found: dict[str, Any] = {"app": context, "replies": replies}
            user_id = _presser(update)
            if user_id is not None:
                try:
                    found["actor"], found["dialog"] = await load_person(
                        db=context.db,
                        vk_id=user_id,
                        peer_id=update["object"].get("peer_id"),
                        admin_ids=context.settings.admin_ids,
                    )
                except Exception as exc:
                    logger.error("could not read who pressed: %s", describe(exc), exc_info=exc)
                    self.stop("who pressed could not be read")
            self.send(found)

    return EventMiddleware


def _presser(update: dict[str, Any]) -> int | None:
    """The person who pressed a callback button; None for other events."""
    obj = update.get("object")
    if update.get("type") != "message_event" or not isinstance(obj, dict):
        return None
    user_id = obj.get("user_id")
    return user_id if isinstance(user_id, int) else None


async def _apologise(replies: Replies, peer_id: int) -> None:
    try:
        await replies.send(peer_id, texts.SOMETHING_WENT_WRONG)
    except Exception as exc:  # the apology must never raise out of the handling
        logger.warning("apology not sent: %s", describe(exc))


class ApologisingErrorHandler(ErrorHandler):
    """vkbottle's error handler: called with what failed (a handler, with the update and its
    context; or the routing, with nothing), it logs the failure and apologises to whoever
    wrote (a button's own handler answers its press). vkbottle then offers the update to
    the handlers after the failed one; those that answer check `replies.count` first."""

    async def handle(self, error: Exception, *args: Any, **context: Any) -> None:
        logger.error("handler failed: %s", describe(error), exc_info=error)
        event = args[0] if args else None
        replies = context.get("replies")
        if isinstance(event, Message) and isinstance(replies, Replies):
            await _apologise(replies, event.peer_id)
