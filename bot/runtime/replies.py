"""The bot's answers to one update: replies and button answers.

Each reply's `random_id` is fixed by the update and the reply's place among its answers, so
an update handled again after a crash messages nobody twice: VK drops the repeat.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from vkbottle.exception_factory import VKAPIError

from bot.domain.text_split import split_message
from bot.vk.api import SvodkaAPI, describe
from bot.vk.batcher import ApiCall

logger = logging.getLogger(__name__)

# 901: the person has not allowed messages; 7/917: no right to write to that chat.
UNDELIVERABLE = frozenset({7, 901, 902, 917})


def random_id_for(key: str, index: int) -> int:
    """A 63-bit id fixed by the update's key and the reply's number, never 0."""
    digest = hashlib.blake2b(f"{key}:{index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") & (2**63 - 1) or 1


class Replies:
    """What the bot says in answer to one update (`key`: what identifies the update across
    redeliveries; None outside an update, where VK is told not to deduplicate)."""

    def __init__(self, api: SvodkaAPI, key: str | None) -> None:
        self._api = api
        self._key = key
        self.count = 0  # messages asked for so far
        self.press_answered = False

    async def send(
        self,
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
                "random_id": self._next_random_id(),
                "message": chunk,
                **extra,
            }
            if number == len(chunks) and keyboard is not None:
                params["keyboard"] = keyboard
            if number == len(chunks) and attachment:
                params["attachment"] = attachment
            calls.append(("messages.send", params))
        for sent in await self._api.batcher.call(calls):
            if isinstance(sent, VKAPIError):
                if sent.code in UNDELIVERABLE:
                    logger.info("reply not delivered: %s", describe(sent))
                    return False
                raise sent
        return True

    async def answer_press(
        self, *, event_id: str, user_id: int, peer_id: int, snackbar: str | None = None
    ) -> None:
        """Answer a callback button (VK shows a spinner on it until then), with a snackbar."""
        self.press_answered = True
        params: dict[str, Any] = {"event_id": event_id, "user_id": user_id, "peer_id": peer_id}
        if snackbar:
            params["event_data"] = json.dumps({"type": "show_snackbar", "text": snackbar})
        [answered] = await self._api.batcher.call([("messages.sendMessageEventAnswer", params)])
        if isinstance(answered, VKAPIError):
            raise answered

    def _next_random_id(self) -> int:
        self.count += 1
        return random_id_for(self._key, self.count) if self._key else 0
