"""Async client of the control API, for tests, the demo and benchmarks."""

from __future__ import annotations

from typing import Any

import aiohttp


class EmulatorClient:
    """`async with EmulatorClient(base_url) as emu: await emu.send_message(1, "hi")`."""

    def __init__(self, base_url: str, session: aiohttp.ClientSession | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session
        self._own_session = session is None

    async def __aenter__(self) -> EmulatorClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """The JSON object the control API answers with."""
        async with self.session.request(method, self.base_url + path, **kwargs) as response:
            if response.status >= 400:
                raise RuntimeError(f"{method} {path}: {response.status} {await response.text()}")
            answer: dict[str, Any] = await response.json()
            return answer

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return await self._request("POST", path, json=body)

    async def reset(self) -> None:
        await self._post("/_emu/reset", {})

    async def add_user(
        self, id: int, first_name: str = "User", last_name: str = "", allows_messages: bool = True
    ) -> dict[str, Any]:
        return await self._post(
            "/_emu/users",
            {
                "id": id,
                "first_name": first_name,
                "last_name": last_name or str(id),
                "allows_messages": allows_messages,
            },
        )

    async def add_chat(
        self, chat_id: int, title: str, members: list[int], bot_is_admin: bool = True
    ) -> int:
        body = {
            "chat_id": chat_id,
            "title": title,
            "members": members,
            "bot_is_admin": bot_is_admin,
        }
        peer_id: int = (await self._post("/_emu/chats", body))["peer_id"]
        return peer_id

    async def send_message(
        self,
        from_id: int,
        text: str,
        peer_id: int | None = None,
        payload: Any = None,
        ref: str | None = None,
        attachments: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"from_id": from_id, "text": text}
        optional = {"peer_id": peer_id, "payload": payload, "ref": ref, "attachments": attachments}
        body.update({key: value for key, value in optional.items() if value is not None})
        return await self._post("/_emu/messages", body)

    async def send_messages(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Bulk form of send_message (same fields per item), one request for load tests."""
        answer = await self._post("/_emu/messages", {"messages": messages})
        items: list[dict[str, Any]] = answer["items"]
        return items

    async def press_button(
        self, user_id: int, peer_id: int, payload: Any, conversation_message_id: int
    ) -> dict[str, Any]:
        return await self._post(
            "/_emu/events",
            {
                "user_id": user_id,
                "peer_id": peer_id,
                "payload": payload,
                "conversation_message_id": conversation_message_id,
            },
        )

    async def allow(self, user_id: int, allowed: bool = True) -> None:
        await self._post("/_emu/allow", {"user_id": user_id, "allowed": allowed})

    async def sent(
        self, peer_id: int | None = None, after: int = 0, wait: float = 0
    ) -> list[dict[str, Any]]:
        query: dict[str, str] = {"after": str(after), "wait": str(wait)}
        if peer_id is not None:
            query["peer_id"] = str(peer_id)
        answer = await self._request("GET", "/_emu/sent", params=query)
        items: list[dict[str, Any]] = answer["items"]
        return items

    async def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        query = {"method": method} if method else {}
        answer = await self._request("GET", "/_emu/calls", params=query)
        items: list[dict[str, Any]] = answer["items"]
        return items

    async def faults(self, **spec: Any) -> None:
        """E.g. faults(method="messages.send", error_code=10, times=2), faults(rps=5)."""
        await self._post("/_emu/faults", spec)

    async def use_callback(
        self, url: str | None, secret: str = "", confirmation: str | None = None
    ) -> bool | None:
        body = {"url": url, "secret": secret, "confirmation": confirmation}
        confirmed: bool | None = (await self._post("/_emu/callback", body))["confirmed"]
        return confirmed

    async def stats(self) -> dict[str, Any]:
        return await self._request("GET", "/_emu/stats")

    async def wait_pollers(self, count: int = 1, wait: float = 10) -> int:
        """Block until `count` Long Poll requests are parked (the bot is listening)."""
        query = {"min": str(count), "wait": str(wait)}
        waiting: int = (await self._request("GET", "/_emu/pollers", params=query))["waiting"]
        return waiting

    async def file(self, attachment: str) -> bytes:
        async with self.session.get(f"{self.base_url}/_emu/files/{attachment}") as response:
            if response.status != 200:
                raise RuntimeError(f"no file {attachment}: {response.status}")
            return await response.read()
