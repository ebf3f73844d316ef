"""Bots Long Poll: batching, waiting, several pollers, `failed` 1/2/3 and transport faults."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from vkbottle import Bot
from vkbottle.bot import Message

from .conftest import Server, make_bot


async def get_server(server: Server) -> dict[str, Any]:
    return (await server.call("groups.getLongPollServer", group_id=1))["response"]


async def a_check(server: Server, lp: dict[str, Any], ts: str | None = None, wait: float = 0,
                  key: str | None = None) -> dict[str, Any]:  # fmt: skip
    params = {"act": "a_check", "key": key or lp["key"], "ts": ts or lp["ts"], "wait": str(wait)}
    async with server.session.post(lp["server"], params=params) as response:
        return await response.json()


async def test_updates_come_in_batches(server: Server) -> None:
    server.emulator.longpoll.batch = 3
    lp = await get_server(server)
    for n in range(7):
        await server.client.send_message(5, f"m{n}")
    texts, ts = [], lp["ts"]
    for expected in (3, 3, 1):
        body = await a_check(server, lp, ts)
        assert len(body["updates"]) == expected
        texts += [u["object"]["message"]["text"] for u in body["updates"]]
        ts = body["ts"]
    assert texts == [f"m{n}" for n in range(7)]
    assert int(ts) == int(lp["ts"]) + 7
    assert (await server.client.stats())["updates_pending"] == 0


async def test_wait_returns_as_soon_as_an_update_arrives(server: Server) -> None:
    lp = await get_server(server)
    started = time.monotonic()
    polls = [asyncio.create_task(a_check(server, lp, wait=10)) for _ in range(3)]
    assert await server.client.wait_pollers(3, wait=5) == 3
    await server.client.send_message(5, "wake up")
    bodies = await asyncio.gather(*polls)
    assert time.monotonic() - started < 5
    # Several pollers each get the same update.
    assert [[u["object"]["message"]["text"] for u in b["updates"]] for b in bodies] == [
        ["wake up"]
    ] * 3


async def test_empty_poll_times_out_with_same_ts(server: Server) -> None:
    lp = await get_server(server)
    body = await a_check(server, lp, wait=0.2)
    assert body == {"ts": lp["ts"], "updates": []}


async def test_failed_codes(server: Server) -> None:
    lp = await get_server(server)
    future = str(int(lp["ts"]) + 50)
    assert await a_check(server, lp, ts=future) == {"failed": 1, "ts": lp["ts"]}
    assert await a_check(server, lp, key="wrong") == {"failed": 2}
    for failed in (1, 2, 3):
        await server.client.faults(longpoll_failed=failed)
        lp = await get_server(server)
        body = await a_check(server, lp)
        assert body["failed"] == failed
        if failed == 1:
            assert body["ts"] == lp["ts"]
        else:  # the key was rotated: the old one is dead
            assert await a_check(server, lp) == {"failed": 2}


async def test_trimmed_history_is_failed_1(server: Server) -> None:
    server.emulator.longpoll.history = 2
    lp = await get_server(server)
    for n in range(5):
        await server.client.send_message(5, str(n))
    body = await a_check(server, lp)
    assert body["failed"] == 1
    assert int(body["ts"]) > int(lp["ts"])
    assert "updates" in await a_check(server, lp, ts=body["ts"])


async def test_hang_fault(server: Server) -> None:
    lp = await get_server(server)
    await server.client.faults(longpoll_hang_s=1.0)
    with pytest.raises(asyncio.TimeoutError):
        async with server.session.post(
            lp["server"],
            params={"act": "a_check", "key": lp["key"], "ts": lp["ts"], "wait": "0"},
            timeout=aiohttp.ClientTimeout(total=0.2),
        ) as response:
            await response.read()
    assert "updates" in await a_check(server, lp)


async def test_drop_connections_and_http_status(server: Server) -> None:
    await server.client.faults(drop_connections=1)
    with pytest.raises(aiohttp.ClientError):
        await server.call("groups.getById")
    assert "response" in await server.call("groups.getById")
    await server.client.faults(http_status=502, times=1)
    async with server.session.post(f"{server.url}/method/groups.getById") as response:
        assert response.status == 502
    assert "response" in await server.call("groups.getById")
    assert (await server.client.stats())["dropped_connections"] == 1


async def test_vkbottle_recovers_from_failed_1_2_3(server: Server, echo_bot: Bot) -> None:
    after = 0
    for n, failed in enumerate((1, 2, 3)):
        # Arm the fault while the bot is parked, so it hits the poll after "before n"; failed 3
        # on an idle bot would make it skip to a fresh ts, losing what was sent meanwhile.
        assert await server.client.wait_pollers(1, wait=5) == 1
        await server.client.faults(longpoll_failed=failed)
        await server.client.send_message(5, f"before {n}")
        # The reply proves the update got through; the bot then hits the fault and recovers.
        replies = await server.client.sent(after=after, wait=5)
        assert [r["text"] for r in replies] == [f"before {n}"]
        assert await server.client.wait_pollers(1, wait=5) == 1
        await server.client.send_message(5, f"after {n}")
        replies = await server.client.sent(after=replies[-1]["id"], wait=5)
        assert [r["text"] for r in replies] == [f"after {n}"]
        after = replies[-1]["id"]
    # failed 2 and 3 make vkbottle fetch a new server; 1 only resets ts.
    assert len(await server.client.calls("groups.getLongPollServer")) == 3


@pytest.fixture
async def listening_bot(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[asyncio.Queue[str]]:
    """A vkbottle bot that only records texts, so its only requests are Long Poll ones."""
    monkeypatch.chdir(tmp_path)
    bot = make_bot(server.url)
    received: asyncio.Queue[str] = asyncio.Queue()

    @bot.on.message()
    async def record(message: Message) -> None:
        received.put_nowait(message.text)

    task = asyncio.create_task(bot.run_polling())
    await server.client.wait_pollers(1, wait=10)
    yield received
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await bot.api.http_client.close()


async def test_vkbottle_survives_dropped_connections(
    server: Server, listening_bot: asyncio.Queue[str]
) -> None:
    await server.client.faults(drop_connections=2)
    await server.client.send_message(5, "a")
    assert await asyncio.wait_for(listening_bot.get(), 5) == "a"
    await server.client.send_message(5, "b")  # queued while vkbottle retries: not lost
    assert await asyncio.wait_for(listening_bot.get(), 5) == "b"
    assert (await server.client.stats())["dropped_connections"] == 2
