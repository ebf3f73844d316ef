from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from vkbottle import API, Bot
from vkbottle.bot import Message

from bot.emulator import Emulator, EmulatorClient, start_emulator

from .vkschema import SCHEMA_DIR, response_problems

TOKEN = "test-token"


@dataclass
class Server:
    emulator: Emulator
    url: str
    client: EmulatorClient
    session: aiohttp.ClientSession
    schema_problems: list[str] = field(default_factory=list)

    async def call(self, method: str, token: str = TOKEN, **params: Any) -> dict[str, Any]:
        """POST a VK method like vkbottle does: token and v in the query, parameters as a form."""
        form = {key: str(value) for key, value in params.items()}
        async with self.session.post(
            f"{self.url}/method/{method}", params={"access_token": token, "v": "5.199"}, data=form
        ) as response:
            return await response.json()


def _schema_check(problems: list[str]) -> Callable[..., Awaitable[web.StreamResponse]]:
    """Validate every `/method/*` answer the test provokes, whoever the caller is."""

    @web.middleware
    async def check(request: web.Request, handler: Any) -> web.StreamResponse:
        response = await handler(request)
        if request.path.startswith("/method/") and isinstance(response, web.Response):
            name = request.match_info["name"]
            body = json.loads(response.body)  # type: ignore[arg-type]
            problems.extend(f"{name}: {p} in {body}" for p in response_problems(name, body))
        return response

    return check


async def serve(emulator: Emulator) -> AsyncIterator[Server]:
    problems: list[str] = []
    if SCHEMA_DIR.is_dir():
        emulator.app.middlewares.append(_schema_check(problems))
    runner, url = await start_emulator(emulator)
    async with aiohttp.ClientSession() as session:
        server = Server(emulator, url, EmulatorClient(url, session), session, problems)
        yield server
    await runner.cleanup()
    assert not problems, "responses violate VK's schema:\n" + "\n".join(problems)


@pytest.fixture
def emulator() -> Emulator:
    return Emulator(token=TOKEN, flood_limit=10, flood_window_s=10.0)


@pytest.fixture
async def server(emulator: Emulator) -> AsyncIterator[Server]:
    async for running in serve(emulator):
        yield running


def make_bot(url: str) -> Bot:
    class LocalAPI(API):
        API_URL = url + "/method/"

    return Bot(api=LocalAPI(TOKEN))


@pytest.fixture
async def echo_bot(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Bot]:
    """A plain vkbottle bot that answers every message with its text, polling the emulator."""
    monkeypatch.chdir(tmp_path)  # vkbottle writes ./.vkbottle/
    bot = make_bot(server.url)

    @bot.on.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text)

    task = asyncio.create_task(bot.run_polling())
    assert await server.client.wait_pollers(1, wait=10) >= 1
    yield bot
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await bot.api.http_client.close()
