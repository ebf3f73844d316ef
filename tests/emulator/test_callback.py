"""Callback API delivery: each update POSTed to the bot until it answers `ok`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from .conftest import Server


class Receiver:
    """A stand-in bot endpoint that refuses the first `refuse` attempts of every update."""

    def __init__(self, refuse: int) -> None:
        self.refuse = refuse
        self.attempts: dict[str, int] = {}
        self.bodies: list[dict[str, Any]] = []

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body["type"] == "confirmation":
            return web.Response(text="c0nf1rm")
        self.bodies.append(body)
        seen = self.attempts[body["event_id"]] = self.attempts.get(body["event_id"], 0) + 1
        if seen <= self.refuse:
            return web.Response(status=500 if seen == 1 else 200, text="not yet")
        return web.Response(text="ok")


async def serve_receiver(receiver: Receiver) -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_post("/callback", receiver.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/callback"
    await runner.cleanup()


@pytest.fixture
def receiver() -> Receiver:
    return Receiver(refuse=2)


@pytest.fixture
async def receiver_url(receiver: Receiver) -> AsyncIterator[str]:
    async for url in serve_receiver(receiver):
        yield url


async def test_callback_delivery_retries_until_ok(
    server: Server, receiver: Receiver, receiver_url: str
) -> None:
    confirmed = await server.client.use_callback(receiver_url, "s3cret", confirmation="c0nf1rm")
    assert confirmed is True
    await server.client.send_message(5, "one")
    await server.client.press_button(5, 5, {"a": 1}, 1)
    assert await server.emulator.callback.drain(5)  # type: ignore[union-attr]
    events = {body["event_id"]: body for body in receiver.bodies}
    assert [body["type"] for body in events.values()] == ["message_new", "message_event"]
    assert all(count == 3 for count in receiver.attempts.values())
    first = receiver.bodies[0]
    assert set(first) == {"type", "object", "group_id", "event_id", "v", "secret"}
    assert first["secret"] == "s3cret"
    assert first["object"]["message"]["text"] == "one"
    stats = (await server.client.stats())["callback"]
    assert (stats["delivered"], stats["failed"], stats["posts"]) == (2, 0, 7)  # 6 + confirmation
    # Back to Long Poll: updates queue for pollers again.
    assert await server.client.use_callback(None) is None
    await server.client.send_message(5, "two")
    assert (await server.client.stats())["updates_pending"] == 1


async def test_callback_gives_up_after_bounded_retries(server: Server) -> None:
    receiver = Receiver(refuse=100)
    async for url in serve_receiver(receiver):
        assert await server.client.use_callback(url, "x", confirmation="wrong") is False
        await server.client.send_message(5, "lost")
        assert await server.emulator.callback.drain(5)  # type: ignore[union-attr]
        assert len(receiver.bodies) == 5
        assert (await server.client.stats())["callback"]["failed"] == 1
