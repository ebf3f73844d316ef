"""The VK API client every part of svodka uses: vkbottle's API, pointed at VK_API_URL,
kept under SEND_RPS, retrying what VK itself says is transient."""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

import aiohttp
from vkbottle import API
from vkbottle.api.request_rescheduler import ABCRequestRescheduler
from vkbottle.exception_factory import VKAPIError

from bot.vk.batcher import CallBatcher
from bot.vk.ratelimit import RateLimiter

logger = logging.getLogger(__name__)

# 1 unknown, 6 too many requests, 9 flood control, 10 internal server error.
TRANSIENT_CODES = frozenset({1, 6, 9, 10})


class NotJSONResponse(Exception):
    """VK (or a proxy in front of it) answered with something that is not JSON: a 502 page."""


NETWORK_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError, NotJSONResponse)


class RaiseRescheduler(ABCRequestRescheduler):
    """vkbottle's default answers a non-JSON reply by re-asking every 5·n seconds forever,
    blocking the handler; raising instead lets the bounded retries below decide."""

    async def reschedule(self, ctx_api: Any, method: str, data: Any, recent_response: Any) -> Any:
        raise NotJSONResponse(f"{method}: {type(recent_response).__name__} instead of JSON")


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, VKAPIError):
        return exc.code in TRANSIENT_CODES
    return isinstance(exc, NETWORK_ERRORS)


class SvodkaAPI(API):
    def __init__(
        self,
        token: str,
        *,
        url: str,
        limiter: RateLimiter,
        attempts: int = 4,
        backoff_s: float = 0.25,
    ) -> None:
        super().__init__(token, request_rescheduler=RaiseRescheduler())
        self.API_URL = url
        self.limiter = limiter
        self.attempts = attempts
        self.backoff_s = backoff_s
        self.batcher = CallBatcher(self)

    async def request(
        self,
        method: str,
        data: dict[str, Any],
        version: str | None = None,
        *,
        acquired: bool = False,
    ) -> dict[str, Any]:
        """Retries transient failures a few times with jittered backoff; `acquired`: the
        caller has taken the rate limit's turn for the first attempt.

        Safe for messages.send only because every send carries a random_id that VK
        deduplicates; callers that need more patience (the outbox) retry on their own.
        """
        for attempt in range(1, self.attempts + 1):
            if attempt > 1 or not acquired:
                await self.limiter.acquire()
            try:
                return await super().request(method, data, version)
            except Exception as exc:
                if attempt == self.attempts or not is_transient(exc):
                    raise
                delay = self.backoff_s * 2 ** (attempt - 1) * (0.5 + random.random())
                logger.warning(
                    "VK %s failed (%s), retry %d in %.2fs", method, describe(exc), attempt, delay
                )
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")


def describe(exc: BaseException) -> str:
    """An error as it may be logged: the code, never the request (texts, tokens)."""
    if isinstance(exc, VKAPIError):
        return f"VK error {exc.code}"
    return type(exc).__name__


def make_api(token: str, url: str, rps: float) -> SvodkaAPI:
    return SvodkaAPI(token, url=url, limiter=RateLimiter(rps))
