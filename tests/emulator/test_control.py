"""The control API contract (DESIGN.md) and its extensions (README.md)."""

from __future__ import annotations

import asyncio
import re
import signal
import sys

import aiohttp
from aiohttp import web

from bot.emulator import Emulator

from .conftest import TOKEN, Server, serve


async def test_sent_wait_blocks_until_a_new_item(server: Server) -> None:
    await server.client.add_user(5)
    waiter = asyncio.create_task(server.client.sent(peer_id=5, wait=5))
    # A bounded wait that times out empty, by which time the waiter above is parked too.
    assert await server.client.sent(peer_id=5, wait=0.2) == []
    assert not waiter.done()
    await server.call("messages.send", peer_id=5, random_id=1, message="late")
    items = await asyncio.wait_for(waiter, 5)
    assert [item["text"] for item in items] == ["late"]
    assert set(items[0]) >= {"id", "peer_id", "conversation_message_id", "text", "keyboard",
                             "attachments", "random_id", "date"}  # fmt: skip
    assert await server.client.sent(peer_id=5, after=items[0]["id"], wait=0.1) == []


async def test_users_update_and_bad_input(server: Server) -> None:
    await server.client.add_user(5, "A", "B")
    await server.client.add_user(5, "C", "D", allows_messages=False)
    users = (await server.call("users.get", user_ids=5))["response"]
    assert (users[0]["first_name"], users[0]["last_name"]) == ("C", "D")
    async with server.session.post(f"{server.url}/_emu/users", json={"first_name": "x"}) as r:
        assert r.status == 400
        assert "id" in (await r.json())["error"]
    async with server.session.post(f"{server.url}/_emu/messages",
                                   json={"from_id": 5, "peer_id": 2_000_000_009}) as r:  # fmt: skip
        assert r.status == 400
    async with server.session.post(f"{server.url}/_emu/faults", json={"bogus": 1}) as r:
        assert r.status == 400


async def test_reset_forgets_everything(server: Server) -> None:
    await server.client.add_user(5)
    await server.call("messages.send", peer_id=5, random_id=1, message="x")
    await server.client.faults(method="groups.getById", error_code=10, times=5)
    await server.client.reset()
    assert await server.client.sent() == []
    assert await server.client.calls() == []
    assert "response" in await server.call("groups.getById")
    body = await server.call("messages.send", peer_id=5, random_id=1, message="x")
    assert body["error"]["error_code"] == 901  # the user is gone


async def test_stats_count_requests_and_errors(server: Server) -> None:
    await server.call("groups.getById")
    await server.call("groups.getById", token="bad")
    await server.client.send_message(5, "x")
    stats = await server.client.stats()
    assert stats["requests"] == 2
    assert stats["by_method"] == {"groups.getById": 2}
    assert stats["errors"] == {"5": 1}
    assert stats["updates_pending"] == 1


async def test_dates_follow_the_injected_clock_and_routes_can_be_added() -> None:
    clock = [1_700_000_000.0]
    emulator = Emulator(token=TOKEN, now=lambda: clock[0])

    async def sandbox_clock(request: web.Request) -> web.Response:
        return web.json_response({"now": clock[0]})

    # The sandbox adds its own routes to the same application before it starts.
    emulator.app.router.add_get("/_sandbox/clock", sandbox_clock)
    async for server in serve(emulator):
        await server.client.add_user(5)
        clock[0] += 3600
        await server.call("messages.send", peer_id=5, random_id=1, message="x")
        assert (await server.client.sent())[0]["date"] == 1_700_003_600
        async with server.session.get(f"{server.url}/_sandbox/clock") as response:
            assert (await response.json())["now"] == 1_700_003_600


async def test_cli_serves_until_interrupted() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.emulator", "--port", "0", "--token", "cli-token",
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    try:
        line = (await asyncio.wait_for(process.stderr.readline(), 10)).decode()
        match = re.search(r"VK_API_URL=(\S+)/method/", line)
        assert match, line
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{match.group(1)}/method/groups.getById",
                         params={"access_token": "cli-token", "v": "5.199"}) as response,
        ):  # fmt: skip
            assert (await response.json())["response"]["groups"][0]["id"] == 1
    finally:
        process.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(process.wait(), 10) == 0


async def test_bulk_messages(server: Server) -> None:
    items = await server.client.send_messages(
        [{"from_id": 5, "text": "a"}, {"from_id": 6, "text": "b"}]
    )
    assert [item["conversation_message_id"] for item in items] == [1, 1]
    assert (await server.client.stats())["updates_pending"] == 2
