"""The control API (`/_emu/*`): JSON in and out, a thin skin over the Emulator's helpers.

Paths and fields are a contract shared with outside tests (DESIGN.md); only extend them.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import uploads
from .jsonwire import dumps

if TYPE_CHECKING:
    from .app import Emulator

logger = logging.getLogger(__name__)

Route = Callable[["Emulator", web.Request], Awaitable[web.StreamResponse]]
MAX_WAIT_S = 60.0


def _json(data: Any) -> web.Response:
    return web.json_response(data, dumps=dumps)


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    body = await request.json()
    if not isinstance(body, dict):
        raise ValueError("expected a JSON object")
    return body


def _bad_input(route: Route) -> Route:
    """A caller's mistake is a 400 with the reason, not a 500."""

    @functools.wraps(route)
    async def wrapped(emu: Emulator, request: web.Request) -> web.StreamResponse:
        try:
            return await route(emu, request)
        except (ValueError, KeyError, TypeError) as error:
            return web.json_response({"error": f"{type(error).__name__}: {error}"}, status=400)

    return wrapped


def _wait(request: web.Request) -> float:
    return min(float(request.query.get("wait", 0) or 0), MAX_WAIT_S)


@_bad_input
async def reset(emu: Emulator, request: web.Request) -> web.Response:
    await emu.reset()
    logger.info("control: reset")
    return _json({"ok": True})


@_bad_input
async def users(emu: Emulator, request: web.Request) -> web.Response:
    body = await _body(request)
    user = emu.add_user(
        int(body["id"]),
        str(body.get("first_name", "User")),
        str(body.get("last_name", body["id"])),
        bool(body.get("allows_messages", True)),
    )
    return _json({"ok": True, "user": user.as_vk()})


@_bad_input
async def chats(emu: Emulator, request: web.Request) -> web.Response:
    body = await _body(request)
    peer_id = emu.add_chat(
        int(body["chat_id"]),
        str(body.get("title", "")),
        [int(m) for m in body.get("members", [])],
        bool(body.get("bot_is_admin", True)),
    )
    return _json({"peer_id": peer_id})


async def _deliver(emu: Emulator, body: dict[str, Any]) -> dict[str, int]:
    peer_id = body.get("peer_id")
    return await emu.deliver_message(
        int(body["from_id"]), str(body.get("text", "")),
        peer_id=int(peer_id) if peer_id is not None else None, payload=body.get("payload"),
        ref=body.get("ref"), ref_source=body.get("ref_source"),
        attachments=body.get("attachments"),
    )  # fmt: skip


@_bad_input
async def messages(emu: Emulator, request: web.Request) -> web.Response:
    body = await _body(request)
    if "messages" in body:  # bulk form for load tests: one request, many messages
        return _json({"items": [await _deliver(emu, one) for one in body["messages"]]})
    return _json(await _deliver(emu, body))


@_bad_input
async def events(emu: Emulator, request: web.Request) -> web.Response:
    body = await _body(request)
    user_id = int(body["user_id"])
    result = await emu.press_button(
        user_id,
        int(body.get("peer_id") or user_id),
        body.get("payload"),
        int(body["conversation_message_id"]),
    )
    return _json(result)


@_bad_input
async def allow(emu: Emulator, request: web.Request) -> web.Response:
    body = await _body(request)
    await emu.set_allowed(int(body["user_id"]), bool(body.get("allowed", True)))
    return _json({"ok": True})


@_bad_input
async def sent(emu: Emulator, request: web.Request) -> web.Response:
    peer = request.query.get("peer_id")
    peer_id = int(peer) if peer else None
    after = int(request.query.get("after", 0) or 0)
    items = await emu.wait_sent(peer_id, after, _wait(request))
    return _json({"items": items})


@_bad_input
async def calls(emu: Emulator, request: web.Request) -> web.Response:
    return _json({"items": emu.calls_log(request.query.get("method") or None)})


@_bad_input
async def faults(emu: Emulator, request: web.Request) -> web.Response:
    spec = await _body(request)
    emu.inject_fault(**spec)
    logger.info("control: fault %s", spec)
    return _json({"ok": True})


@_bad_input
async def callback(emu: Emulator, request: web.Request) -> web.Response:
    body = await _body(request)
    logger.info("control: callback delivery to %s", body.get("url") or "long poll")
    confirmed = await emu.use_callback(
        body.get("url"), str(body.get("secret", "")), body.get("confirmation")
    )
    return _json({"ok": True, "confirmed": confirmed})


@_bad_input
async def stats(emu: Emulator, request: web.Request) -> web.Response:
    return _json(emu.stats())


@_bad_input
async def pollers(emu: Emulator, request: web.Request) -> web.Response:
    """Wait until `min` pollers are parked in a_check: the bot is listening."""
    waiting = await emu.longpoll.wait_for_pollers(int(request.query.get("min", 1)), _wait(request))
    return _json({"waiting": waiting})


def add_control_routes(app: web.Application, emu: Emulator) -> None:
    def bind(route: Route) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        return functools.partial(route, emu)

    app.router.add_post("/_emu/reset", bind(reset))
    app.router.add_post("/_emu/users", bind(users))
    app.router.add_post("/_emu/chats", bind(chats))
    app.router.add_post("/_emu/messages", bind(messages))
    app.router.add_post("/_emu/events", bind(events))
    app.router.add_post("/_emu/allow", bind(allow))
    app.router.add_get("/_emu/sent", bind(sent))
    app.router.add_get("/_emu/calls", bind(calls))
    app.router.add_post("/_emu/faults", bind(faults))
    app.router.add_post("/_emu/callback", bind(callback))
    app.router.add_get("/_emu/stats", bind(stats))
    app.router.add_get("/_emu/pollers", bind(pollers))
    app.router.add_get("/_emu/files/{attachment}", bind(uploads.download))
