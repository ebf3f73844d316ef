"""The bot's answers to people — replies and button answers — sent to VK together.

A community may make 20 requests a second (SEND_RPS). One request per reply caps a Friday
peak at 20 answers a second and queues the rest behind the rate limit; each request also
costs the bot an HTTP round trip. Calls that wait at the same moment go out as one `execute`
of up to 25 instead (a reply's parts together and in order); a call that waits alone goes
as itself, as before.

Batches form by themselves: a request takes what waits once the rate limit lets it go.
While a request is in flight, what is asked for meanwhile waits for it to come back, unless
a full `execute` waits, which goes at once (a few in flight at most). A call made while
nothing is in flight goes at once, as itself. Under a burst on the bench's emulator this
took 10–14 % off a check-in step's CPU (bench/README.md); against VK a reply waits at most
one round trip more. Every send keeps its own `random_id`, so a
request sent again after a failure cannot message anybody twice.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass
from typing import Any, Protocol

from vkbottle.exception_factory import VKAPIError

from bot.vk.execute import MAX_CALLS, CallFailed, call_results, calls_code
from bot.vk.ratelimit import RateLimiter

# A method and its parameters.
ApiCall = tuple[str, dict[str, Any]]
# Transient for one call inside `execute`: that caller's calls are made again on their own.
_RETRY_ALONE = frozenset({1, 6, 9, 10})


class Requester(Protocol):
    """The API the batcher sends through (bot.vk.api.SvodkaAPI): its rate limit, and its
    retrying request, told when the caller has already taken the limit's turn."""

    limiter: RateLimiter

    async def request(
        self, method: str, data: dict[str, Any], version: str | None = None, *, acquired: bool = ...
    ) -> dict[str, Any]: ...


@dataclass
class _Waiting:
    calls: list[ApiCall]
    done: asyncio.Future[list[Any]]


class CallBatcher:
    def __init__(self, api: Requester, *, max_in_flight: int = 4) -> None:
        self._api = api
        self._max_in_flight = max_in_flight
        self._in_flight = 0
        self._waiting: deque[_Waiting] = deque()
        self._waiting_calls = 0
        self._changed = asyncio.Event()  # a request came back, or a full execute waits
        self._dispatcher: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def call(self, calls: list[ApiCall]) -> list[Any]:
        """Make `calls` in order, in one request; one result per call: what VK answered, or
        the `VKAPIError` that refused that call. Raises what stopped the request as a whole
        (after the API's retries)."""
        results: list[Any] = []
        for start in range(0, len(calls), MAX_CALLS):
            results += await self._queued(calls[start : start + MAX_CALLS])
        return results

    async def _queued(self, calls: list[ApiCall]) -> list[Any]:
        waiting = _Waiting(calls, asyncio.get_running_loop().create_future())
        self._waiting.append(waiting)
        self._waiting_calls += len(calls)
        if self._dispatcher is None:
            self._dispatcher = asyncio.create_task(self._dispatch())
        elif self._waiting_calls >= MAX_CALLS:
            self._changed.set()
        return await waiting.done

    async def _dispatch(self) -> None:
        """A request takes what waits once it may go: the rate limit's wait fills it."""
        try:
            while self._waiting:
                while not self._may_send():
                    self._changed.clear()
                    await self._changed.wait()
                await self._api.limiter.acquire()
                batch = self._take()
                self._in_flight += 1
                task = asyncio.create_task(self._deliver(batch))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
        finally:
            self._dispatcher = None

    def _may_send(self) -> bool:
        if self._in_flight >= self._max_in_flight:
            return False
        return self._in_flight == 0 or self._waiting_calls >= MAX_CALLS

    def _take(self) -> list[_Waiting]:
        batch: list[_Waiting] = []
        calls = 0
        while self._waiting and calls + len(self._waiting[0].calls) <= MAX_CALLS:
            waiting = self._waiting.popleft()
            self._waiting_calls -= len(waiting.calls)
            if not waiting.done.done():  # not given up on (a cancelled handler)
                batch.append(waiting)
                calls += len(waiting.calls)
        return batch

    async def _deliver(self, batch: list[_Waiting]) -> None:
        try:
            if not batch:
                return
            results = await self._request([call for w in batch for call in w.calls])
        except Exception as exc:
            for waiting in batch:
                if not waiting.done.done():
                    waiting.done.set_exception(exc)
        else:
            position = 0
            for waiting in batch:
                mine = results[position : position + len(waiting.calls)]
                position += len(waiting.calls)
                await self._settle(waiting, mine)
        finally:
            self._in_flight -= 1
            self._changed.set()

    async def _settle(self, waiting: _Waiting, results: list[Any]) -> None:
        try:
            if any(isinstance(r, VKAPIError) and r.code in _RETRY_ALONE for r in results):
                results = await self._alone(waiting.calls)
        except Exception as exc:
            if not waiting.done.done():
                waiting.done.set_exception(exc)
            return
        if not waiting.done.done():
            waiting.done.set_result(results)

    async def _request(self, calls: list[ApiCall]) -> list[Any]:
        if len(calls) == 1:
            method, params = calls[0]
            try:
                return [(await self._api.request(method, params, acquired=True))["response"]]
            except VKAPIError as exc:
                if exc.code in _RETRY_ALONE:
                    raise  # the API has retried it already: the request failed as a whole
                return [exc]  # VK refused this call (901, 917, …), as inside an execute
        body = await self._api.request("execute", {"code": calls_code(calls)}, acquired=True)
        try:
            slots = call_results(body, len(calls))
        except ValueError as exc:
            raise VKAPIError[1](error_msg=str(exc)) from exc
        return [_refusal(slot) if isinstance(slot, CallFailed) else slot for slot in slots]

    async def _alone(self, calls: list[ApiCall]) -> list[Any]:
        """One caller's calls, one request each, with the API's retries."""
        results: list[Any] = []
        for method, params in calls:
            try:
                results.append((await self._api.request(method, params))["response"])
            except VKAPIError as exc:
                results.append(exc)
        return results


def _refusal(failed: CallFailed) -> VKAPIError:
    return VKAPIError[failed.code or 1](error_msg=failed.message or "execute: call failed")
