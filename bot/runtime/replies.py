"""Sending replies from handlers so that a re-handled update never messages twice."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from vkbottle import API
from vkbottle.exception_factory import VKAPIError

from bot.domain.text_split import split_message
from bot.runtime.inbound import current_event
from bot.vk.api import describe

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
    api: API,
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
    for number, chunk in enumerate(chunks, start=1):
        last = number == len(chunks)
        params: dict[str, Any] = {
            "peer_id": peer_id,
            "random_id": _next_random_id(),
            "message": chunk,
            **extra,
        }
        if last and keyboard is not None:
            params["keyboard"] = keyboard
        if last and attachment:
            params["attachment"] = attachment
        try:
            await api.messages.send(**params)
        except VKAPIError as exc:
            if exc.code in UNDELIVERABLE:
                logger.info("reply not delivered: %s", describe(exc))
                return False
            raise
    return True
