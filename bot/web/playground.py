"""The sandbox's playground at `/`: a VK-like chat window, a clock panel and «Начать с
демо-района». The page is rendered here; everything it does goes through the sandbox's
control API (`/_emu/*`, `/_sandbox/*`) from /static/playground.js, so it can do nothing a
test could not."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiohttp import web

from bot.web import pages

PAGE_KEY = web.AppKey("svodka_playground", dict)


@dataclass(frozen=True)
class Character:
    vk_id: int
    first_name: str
    last_name: str
    role: str  # shown under the name: «администратор», a school's name, …


def add_playground(
    app: web.Application, *, characters: Sequence[Character], chat_peer: int, chat_title: str
) -> None:
    app[PAGE_KEY] = {
        "characters": list(characters),
        "chat_peer": chat_peer,
        "chat_title": chat_title,
    }
    app.router.add_get("/", _page)
    app.router.add_get("/static/{name}", pages.static)


async def _page(request: web.Request) -> web.Response:
    return pages.render("playground.html", **request.app[PAGE_KEY])
