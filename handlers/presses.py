"""A callback button press as VK delivers it, and its answer: the VK client keeps a spinner
on the button until the press is answered, so every press gets one answer."""

from __future__ import annotations

import logging
from typing import Any

from vkbottle.bot import MessageEvent
from vkbottle.exception_factory import VKAPIError
from vkbottle_types.events.objects.group_event_objects import MessageEventObject

from bot.runtime.replies import Replies
from bot.vk.api import describe

logger = logging.getLogger(__name__)

# Longer snackbar texts are cut by the VK client; those go as a message instead.
SNACKBAR_LIMIT = 90


class _AnyPayload(MessageEventObject):
    # A forged press may carry any JSON, and vkbottle's own model refuses all but an object
    # before any handler runs: the press would stay unanswered. Features read it as untrusted.
    payload: Any = None


class ButtonPress(MessageEvent):
    object: _AnyPayload


async def answer(replies: Replies, press: ButtonPress, snackbar: str | None = None) -> None:
    """Stop the button's spinner, with a short note; VK may refuse a press too old to answer."""
    if press.event_id is None:  # optional in vkbottle's model; VK sends it with every press
        return
    try:
        await replies.answer_press(
            event_id=press.event_id,
            user_id=press.user_id,
            peer_id=press.peer_id,
            snackbar=snackbar,
        )
    except VKAPIError as exc:
        logger.info("button answer not accepted: %s", describe(exc))
