"""The Emulator: state, VK method dispatch and the aiohttp application serving it all."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import secrets
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from . import execute as _execute  # noqa: F401  (registers the method)
from . import uploads
from .callback import CallbackDelivery
from .control import add_control_routes
from .errors import VKError
from .execute import Envelope
from .faults import Faults
from .incoming import deliver_message, press_button, set_allowed
from .jsonwire import dumps
from .longpoll import LongPoll
from .methods import METHODS
from .params import Params
from .state import Chat, State, User

logger = logging.getLogger(__name__)

API_VERSION = "5.199"
VK_PATHS = ("/method/", "/lp/", "/upload/", "/files/")


class Emulator:
    def __init__(
        self,
        *,
        token: str = "emulator-token",
        group_id: int = 1,
        group_name: str = "Свод",
        rps: float = 20.0,
        now: Callable[[], float] = time.time,
        flood_limit: int = 10,
        flood_window_s: float = 10.0,
        lp_batch: int = 100,
        calls_kept: int = 100_000,
    ) -> None:
        self.token = token
        self.group_id = group_id
        self.group_name = group_name
        self.now = now
        self.rps = rps
        # More than `flood_limit` identical texts to one peer within the window is error 9.
        self.flood_limit = flood_limit
        self.flood_window_s = flood_window_s
        self.base_url = ""  # learnt from the first request, or set by start_emulator
        self.state = State(now=now)
        self.faults = Faults(rps=rps)
        self.longpoll = LongPoll(batch=lp_batch)
        self.callback: CallbackDelivery | None = None
        self.calls: deque[dict[str, Any]] = deque(maxlen=calls_kept)
        self.counters: Counter[str] = Counter()
        self.by_method: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self._sent_changed = asyncio.Condition()
        self.app = self._build_app()

    # --- the aiohttp application -------------------------------------------------------
    def _build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._transport_faults], client_max_size=64 * 2**20)
        app.router.add_route("*", "/method/{name}", self._method)
        app.router.add_route("*", "/lp/{group_id}", self._longpoll)
        app.router.add_post("/upload/{kind:photo|doc}", functools.partial(uploads.upload, self))
        app.router.add_get("/files/{attachment}", functools.partial(uploads.download, self))
        add_control_routes(app, self)
        app.on_shutdown.append(self._close)
        return app

    async def _close(self, _app: web.Application) -> None:
        await self.longpoll.close()
        if self.callback is not None:
            await self.callback.close()

    @web.middleware
    async def _transport_faults(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if not self.base_url:
            self.base_url = f"{request.scheme}://{request.host}"
        # Only what VK serves fails: the control API (/_emu, /_sandbox) and the pages a
        # sandbox serves beside it stay up, so a test can still steer and inspect.
        if request.path.startswith(VK_PATHS):
            if self.faults.take_drop():
                self.counters["dropped_connections"] += 1
                logger.info("fault: dropping the connection of %s", request.path)
                if request.transport is not None:
                    request.transport.close()
                return web.Response()  # never reaches the client: the socket is gone
            status = self.faults.take_http_status()
            if status:
                logger.info("fault: answering %s with HTTP %d", request.path, status)
                return web.Response(status=status, text=f"{status}: injected fault")
        return await handler(request)

    async def _method(self, request: web.Request) -> web.Response:
        params = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            params.update((k, v) for k, v in (await request.post()).items() if isinstance(v, str))
        base_url = f"{request.scheme}://{request.host}"
        result, error = await self.call_method(request.match_info["name"], params, base_url)
        if error is not None:
            body: dict[str, Any] = {
                "error": {
                    "error_code": error.code,
                    "error_msg": error.msg,
                    "request_params": _request_params(request.match_info["name"], params),
                }
            }
        elif isinstance(result, Envelope):
            body = {"response": result.response, **result.extra}
        else:
            body = {"response": result}
        return web.json_response(body, dumps=dumps)

    async def _longpoll(self, request: web.Request) -> web.Response:
        params = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            params.update((k, v) for k, v in (await request.post()).items() if isinstance(v, str))
        self.counters["longpoll_checks"] += 1
        if request.match_info["group_id"] != str(self.group_id):
            raise web.HTTPNotFound(text="no long poll server for this group")
        return web.json_response(await self.longpoll.check(params, self.faults), dumps=dumps)

    # --- VK methods ----------------------------------------------------------------------
    async def call_method(
        self, name: str, params: dict[str, str], base_url: str, *, nested: bool = False
    ) -> tuple[Any, VKError | None]:
        """Run one method. `nested` calls come from `execute`: already authorised and counted."""
        token = params.pop("access_token", None)
        result: Any = None
        error: VKError | None = None
        # Logged on arrival, so an execute precedes the calls it makes.
        entry = {"method": name, "params": params, "error_code": None, "t": self.now()}
        self.calls.append(entry)
        self.by_method[name] += 1
        try:
            if not nested:
                self.counters["requests"] += 1
                if token != self.token:
                    raise VKError(5)
                if self.faults.over_rate():
                    raise VKError(6)
            delay = self.faults.take_method_delay(name)
            if delay:
                await asyncio.sleep(delay)
            injected = self.faults.take_method_error(name)
            if injected is not None:
                raise VKError(injected)
            handler = METHODS.get(name)
            if handler is None:
                raise VKError(3)
            result = await handler(self, Params(params), base_url)
        except VKError as raised:
            error = raised
            entry["error_code"] = raised.code
            self.errors[str(raised.code)] += 1
        return result, error

    def group_object(self) -> dict[str, Any]:
        return {
            "id": self.group_id,
            "name": self.group_name,
            "screen_name": f"club{self.group_id}",
            "is_closed": 0,
            "type": "group",
        }

    async def emit(self, event_type: str, obj: dict[str, Any]) -> None:
        """Hand an update to the bot: Long Poll by default, Callback API once configured."""
        update = {
            "type": event_type,
            "object": obj,
            "group_id": self.group_id,
            "event_id": secrets.token_hex(20),
            "v": API_VERSION,
        }
        self.counters["updates"] += 1
        if self.callback is not None:
            self.callback.push(update)
        else:
            await self.longpoll.push(update)

    async def notify_sent(self) -> None:
        async with self._sent_changed:
            self._sent_changed.notify_all()

    # --- in-process helpers (the control API is a JSON skin over these) -----------------
    def add_user(
        self, id: int, first_name: str, last_name: str, allows_messages: bool = True
    ) -> User:
        """Add a person, or update the one with this id."""
        user = self.state.users.get(id)
        if user is None:
            user = self.state.users[id] = User(id, first_name, last_name, allows_messages)
        else:
            user.first_name, user.last_name = first_name, last_name
            user.allows_messages = allows_messages
        return user

    def add_chat(
        self, chat_id: int, title: str, members: list[int], bot_is_admin: bool = True
    ) -> int:
        if chat_id <= 0:
            raise ValueError("chat_id must be positive")
        for member in members:
            self.state.user(member)
        chat = Chat(chat_id, title, list(members), bot_is_admin)
        self.state.chats[chat.peer_id] = chat
        return chat.peer_id

    async def deliver_message(self, from_id: int, text: str = "", **kwargs: Any) -> dict[str, int]:
        """A person writes (see incoming.deliver_message for peer_id, payload, ref, attachments)."""
        return await deliver_message(self, from_id, text, **kwargs)

    async def press_button(
        self, user_id: int, peer_id: int, payload: Any, conversation_message_id: int
    ) -> dict[str, str]:
        return await press_button(self, user_id, peer_id, payload, conversation_message_id)

    async def set_allowed(self, user_id: int, allowed: bool) -> None:
        await set_allowed(self, user_id, allowed)

    def sent_items(self, peer_id: int | None = None, after: int = 0) -> list[dict[str, Any]]:
        return self.state.sent_after(peer_id, after)

    async def wait_sent(
        self, peer_id: int | None = None, after: int = 0, timeout: float = 0.0
    ) -> list[dict[str, Any]]:
        """Items after `after`, waiting up to `timeout` seconds for at least one."""
        items = self.sent_items(peer_id, after)
        if items or timeout <= 0:
            return items
        with contextlib.suppress(TimeoutError):
            async with self._sent_changed:
                await asyncio.wait_for(
                    self._sent_changed.wait_for(lambda: bool(self.sent_items(peer_id, after))),
                    timeout,
                )
        return self.sent_items(peer_id, after)

    def calls_log(self, method: str | None = None) -> list[dict[str, Any]]:
        return [call for call in self.calls if method is None or call["method"] == method]

    def inject_fault(self, **spec: Any) -> None:
        self.faults.apply(spec)

    def file_bytes(self, attachment: str) -> bytes | None:
        stored = self.state.file(attachment)
        return stored.data if stored else None

    async def use_callback(
        self, url: str | None, secret: str = "", confirmation: str | None = None
    ) -> bool | None:
        """Deliver updates by POSTing to `url` (None: back to Long Poll). Confirms if asked."""
        if self.callback is not None:
            await self.callback.close()
            self.callback = None
        if url is None:
            return None
        self.callback = CallbackDelivery(url, secret)
        if confirmation is None:
            return None
        return await self.callback.confirm(self.group_id, confirmation)

    async def reset(self) -> None:
        """Forget people, chats, messages, files, faults and logs; pollers stay connected."""
        self.state = State(now=self.now)
        self.faults = Faults(rps=self.rps)
        self.longpoll.clear()
        self.calls.clear()
        for counter in (self.counters, self.by_method, self.errors):
            counter.clear()
        await self.use_callback(None)

    def stats(self) -> dict[str, Any]:
        callback = self.callback
        return {
            "requests": self.counters["requests"],
            "by_method": dict(self.by_method),
            "errors": dict(self.errors),
            "longpoll_checks": self.counters["longpoll_checks"],
            "dropped_connections": self.counters["dropped_connections"],
            "updates": self.counters["updates"],
            "updates_pending": callback.pending if callback else self.longpoll.pending,
            "pollers_waiting": self.longpoll.waiting,
            "sent": len(self.state.sent),
            "callback": None
            if callback is None
            else {
                "url": callback.url,
                "delivered": callback.delivered,
                "failed": callback.failed,
                "posts": callback.posts,
                "pending": callback.pending,
            },
        }


def _request_params(method: str, params: dict[str, str]) -> list[dict[str, str]]:
    """VK echoes the request in errors: method, oauth flag and the parameters (never the token)."""
    echoed = [{"key": "method", "value": method}, {"key": "oauth", "value": "1"}]
    echoed += [{"key": k, "value": str(v)} for k, v in params.items() if k != "access_token"]
    return echoed
