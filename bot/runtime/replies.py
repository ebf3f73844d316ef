"""Replies and button answers from handlers; a re-handled update never messages twice."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from vkbottle.exception_factory import VKAPIError

from bot.domain.text_split import split_message
from bot.runtime.inbound import current_event
from bot.vk.api import SvodkaAPI, describe
from bot.vk.batcher import ApiCall

logger = logging.getLogger(__name__)

# 901: the person has not allowed messages; 7/917: no right to write to that chat.
UNDELIVERABLE = frozenset({7, 901, 902, 917})


def random_id_for(event_id: str, index: int) -> int:
    """A 63-bit id fixed by the update: VK drops the repeat if the update is handled again."""
    digest = hashlib.blake2b(f"{event_id}:{index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") & (2**63 - 1) or 1


def _next_random_id() -> int:
    context = current_event.get()
    if context is None or not context.event_id:
        # Outside an update (e.g. a command run by hand): VK's "no dedup" value.
        return 0
    context.replies += 1
    return random_id_for(context.event_id, context.replies)


async def reply(
    api: SvodkaAPI,
    peer_id: int,
    text: str,
    *,
    keyboard: str | None = None,
    attachment: str | None = None,
    **extra: Any,
) -> bool:
    """Send `text` (split at line boundaries if long); the keyboard rides on the last part.

    Returns False when VK refuses for good (the person blocked the bot, no rights in a chat).
    """
    chunks = split_message(text)
    calls: list[ApiCall] = []
    for number, chunk in enumerate(chunks, start=1):
        params: dict[str, Any] = {
            "peer_id": peer_id,
            "random_id": _next_random_id(),
            "message": chunk,
            **extra,
        }
        if number == len(chunks) and keyboard is not None:
            params["keyboard"] = keyboard
        if number == len(chunks) and attachment:
            params["attachment"] = attachment
        calls.append(("messages.send", params))
    for sent in await api.batcher.call(calls):
        if isinstance(sent, VKAPIError):
            if sent.code in UNDELIVERABLE:
                logger.info("reply not delivered: %s", describe(sent))
                return False
            raise sent
    return True


async def answer_press(
    api: SvodkaAPI, *, event_id: str, user_id: int, peer_id: int, snackbar: str | None = None
) -> None:
    """Answer a callback button (VK shows a spinner on it until then), with a snackbar."""
    context = current_event.get()
    if context is not None:
        context.press_answered = True
    params: dict[str, Any] = {"event_id": event_id, "user_id": user_id, "peer_id": peer_id}
    if snackbar:
        params["event_data"] = json.dumps({"type": "show_snackbar", "text": snackbar})
    [answered] = await api.batcher.call([("messages.sendMessageEventAnswer", params)])
    if isinstance(answered, VKAPIError):
        raise answered
