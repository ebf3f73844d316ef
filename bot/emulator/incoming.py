"""What people do: write to the community, press callback buttons, allow or deny messages."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import secrets
from typing import TYPE_CHECKING, Any

from .state import is_chat

if TYPE_CHECKING:
    from .app import Emulator

# What a modern client reports it can render (VK's client_info for bots).
CLIENT_INFO = {
    "button_actions": [
        "text",
        "vkpay",
        "open_app",
        "location",
        "open_link",
        "callback",
        "intent_subscribe",
        "intent_unsubscribe",
    ],
    "keyboard": True,
    "inline_keyboard": True,
    "carousel": True,
    "lang_id": 0,
}


def _payload_string(payload: Any) -> str:
    return payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)


def _incoming_attachments(emu: Emulator, owner_id: int, specs: list[dict[str, Any]]) -> list[Any]:
    """Store `{"type", "title", "content_base64"}` files the person sends, in VK's shape."""
    result = []
    for spec in specs:
        kind = spec.get("type")
        if kind not in ("doc", "photo"):
            raise ValueError(f"attachment type must be doc or photo, not {kind!r}")
        try:
            data = base64.b64decode(spec.get("content_base64", ""), validate=True)
        except binascii.Error as error:
            raise ValueError(f"content_base64 is not base64: {error}") from None
        title = spec.get("title") or ("file.bin" if kind == "doc" else "photo.jpg")
        stored = emu.state.store_file(kind, owner_id, title, data)
        shape = stored.as_doc(emu.base_url) if kind == "doc" else stored.as_photo(emu.base_url)
        result.append({"type": kind, kind: shape})
    return result


async def deliver_message(
    emu: Emulator,
    from_id: int,
    text: str = "",
    peer_id: int | None = None,
    payload: Any = None,
    ref: str | None = None,
    ref_source: str | None = None,
    attachments: list[dict[str, Any]] | None = None,
) -> dict[str, int]:
    """A person writes; the bot receives `message_new`."""
    state = emu.state
    peer = peer_id or from_id
    user = state.user(from_id)
    if is_chat(peer):
        chat = state.chats.get(peer)
        if chat is None:
            raise ValueError(f"unknown chat {peer}; create it with POST /_emu/chats")
        if from_id not in chat.members:
            chat.members.append(from_id)
    elif peer != from_id:
        raise ValueError("a private message's peer_id is its author")
    else:
        user.allows_messages = True  # writing to the community allows its replies
    cmid = state.next_cmid(peer)
    message: dict[str, Any] = {
        "date": state.timestamp(),
        "from_id": from_id,
        "id": state.next_message_id(peer),
        "out": 0,
        "version": state.next_version(),
        "attachments": _incoming_attachments(emu, from_id, attachments or []),
        "conversation_message_id": cmid,
        "fwd_messages": [],
        "important": False,
        "is_hidden": False,
        "peer_id": peer,
        "random_id": 0,
        "text": text,
    }
    if payload is not None:
        message["payload"] = _payload_string(payload)
    if ref is not None:
        message["ref"] = ref
        message["ref_source"] = ref_source or ref
    state.store_message(message)
    await emu.emit("message_new", {"message": message, "client_info": CLIENT_INFO})
    return {"message_id": message["id"], "conversation_message_id": cmid}


async def press_button(
    emu: Emulator, user_id: int, peer_id: int, payload: Any, conversation_message_id: int
) -> dict[str, str]:
    """A callback button press: `message_event`, answered with sendMessageEventAnswer."""
    event_id = secrets.token_hex(8)
    emu.state.event_ids.add(event_id)
    # VK sends a callback button's payload as an object here, unlike message_new's string.
    if isinstance(payload, str):
        with contextlib.suppress(ValueError):
            payload = json.loads(payload)
    await emu.emit(
        "message_event",
        {
            "user_id": user_id,
            "peer_id": peer_id,
            "event_id": event_id,
            "payload": payload,
            "conversation_message_id": conversation_message_id,
        },
    )
    return {"event_id": event_id}


async def set_allowed(emu: Emulator, user_id: int, allowed: bool) -> None:
    """The person allows (`message_allow`) or blocks (`message_deny`) the community."""
    emu.state.user(user_id).allows_messages = allowed
    if allowed:
        await emu.emit("message_allow", {"user_id": user_id, "key": ""})
    else:
        await emu.emit("message_deny", {"user_id": user_id})
