"""VK API methods: groups, users and messages (uploads live in uploads.py, execute in execute.py)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .errors import VKError
from .params import Params
from .state import CHAT_PEER_BASE, is_chat

if TYPE_CHECKING:
    from .app import Emulator

Handler = Callable[["Emulator", Params, str], Awaitable[Any]]
METHODS: dict[str, Handler] = {}

MAX_MESSAGE_LEN = 4096
MAX_PEER_IDS = 100
_ATTACHMENT = re.compile(r"^[a-z_]+-?\d+_\d+(_[0-9a-zA-Z]+)?$")


def method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        METHODS[name] = handler
        return handler

    return register


@method("groups.getById")
async def groups_get_by_id(emu: Emulator, p: Params, base_url: str) -> Any:
    return {"groups": [emu.group_object()], "profiles": []}


@method("groups.getLongPollServer")
async def groups_get_long_poll_server(emu: Emulator, p: Params, base_url: str) -> Any:
    if p.int("group_id") != emu.group_id:
        raise VKError(100, "group_id is invalid")
    return emu.longpoll.server(base_url, emu.group_id)


@method("users.get")
async def users_get(emu: Emulator, p: Params, base_url: str) -> Any:
    result = []
    for part in p.str("user_ids").split(","):
        part = part.strip().removeprefix("id")
        if not part:
            continue
        if not part.isdigit():
            raise VKError(113)
        user = emu.state.users.get(int(part))
        if user is None:  # VK answers unknown ids with a deleted profile, not an error
            result.append(
                {
                    "id": int(part),
                    "first_name": "DELETED",
                    "last_name": "",
                    "deactivated": "deleted",
                    "can_access_closed": True,
                    "is_closed": False,
                }
            )
        else:
            result.append(user.as_vk())
    return result


@method("messages.send")
async def messages_send(emu: Emulator, p: Params, base_url: str) -> Any:
    random_id = p.int("random_id")  # required since API 5.90
    text = p.str("message")
    if len(text) > MAX_MESSAGE_LEN:
        raise VKError(914)
    keyboard = p.json("keyboard", code=911)
    if keyboard is not None and not isinstance(keyboard, dict):
        raise VKError(911)
    p.json("forward")
    attachments = _attachments(p.str("attachment"))
    if not text and not attachments and "sticker_id" not in p and "forward_messages" not in p:
        raise VKError(100, "message is empty or invalid")
    content = {
        "text": text,
        "keyboard": keyboard,
        "attachments": attachments,
        "random_id": random_id,
        "payload": p.str("payload") or None,
    }
    if "peer_ids" in p:
        peers = p.ints("peer_ids")
        if len(peers) > MAX_PEER_IDS:
            raise VKError(100, f"peer_ids: too many recipients (max {MAX_PEER_IDS})")
        items = []
        for peer in peers:
            try:
                message_id, cmid = _send_one(emu, peer, content)
            except VKError as error:
                # Per-recipient failures travel inside the response; ids are 0 (schema requires them).
                items.append(
                    {
                        "peer_id": peer,
                        "message_id": 0,
                        "conversation_message_id": 0,
                        "error": {"code": error.code, "description": error.msg},
                    }
                )
            else:
                items.append(
                    {"peer_id": peer, "message_id": message_id, "conversation_message_id": cmid}
                )
        await emu.notify_sent()
        return items
    if "peer_id" in p:
        peer = p.int("peer_id")
    elif "user_id" in p:
        peer = p.int("user_id")
    elif "chat_id" in p:
        peer = CHAT_PEER_BASE + p.int("chat_id")
    else:
        raise VKError(100, "peer_id is a required parameter")
    message_id, _ = _send_one(emu, peer, content)
    await emu.notify_sent()
    return message_id


def _attachments(value: str) -> list[str]:
    result = [part.strip() for part in value.split(",") if part.strip()]
    for part in result:
        if not _ATTACHMENT.match(part):
            raise VKError(100, f"attachment {part!r} is invalid")
    return result


def _send_one(emu: Emulator, peer: int, content: dict[str, Any]) -> tuple[int, int]:
    state = emu.state
    if is_chat(peer):
        if peer not in state.chats:
            raise VKError(7)
    else:
        user = state.users.get(peer)
        if peer <= 0 or user is None or not user.allows_messages:
            raise VKError(901)
    random_id = content["random_id"]
    if random_id and (peer, random_id) in state.random_ids:
        return state.random_ids[(peer, random_id)]  # VK drops the repeat, answers the first id
    if state.flooded(peer, content["text"], emu.flood_limit, emu.flood_window_s):
        raise VKError(9)
    cmid = state.next_cmid(peer)
    message_id = state.next_message_id(peer)
    date = state.timestamp()
    message = {
        "date": date,
        "from_id": -emu.group_id,
        "id": message_id,
        "out": 1,
        "version": state.next_version(),
        "attachments": [],
        "conversation_message_id": cmid,
        "fwd_messages": [],
        "important": False,
        "is_hidden": False,
        "peer_id": peer,
        "random_id": random_id,
        "text": content["text"],
    }
    if content["keyboard"] is not None:
        message["keyboard"] = content["keyboard"]
    state.store_message(message)
    state.record_sent(
        {
            "peer_id": peer,
            "conversation_message_id": cmid,
            "message_id": message_id,
            "text": content["text"],
            "keyboard": content["keyboard"],
            "attachments": content["attachments"],
            "random_id": random_id,
            "date": date,
            "payload": content["payload"],
        }
    )
    if random_id:
        state.random_ids[(peer, random_id)] = (message_id, cmid)
    return message_id, cmid


@method("messages.edit")
async def messages_edit(emu: Emulator, p: Params, base_url: str) -> Any:
    peer = p.int("peer_id")
    message_id, cmid = p.int("message_id", 0), p.int("conversation_message_id", 0)
    if not message_id and not cmid:
        raise VKError(100, "message_id or conversation_message_id is required")
    text = p.str("message")
    if len(text) > MAX_MESSAGE_LEN:
        raise VKError(914)
    keyboard = p.json("keyboard", code=911)
    message = emu.state.find_message(peer, message_id, cmid)
    if message is None or not message["out"]:
        raise VKError(100, "message_id is invalid")
    attachments = _attachments(p.str("attachment")) if "attachment" in p else None
    date = emu.state.timestamp()
    message.update(text=text, update_time=date)
    if keyboard is not None:
        message["keyboard"] = keyboard
    for item in reversed(emu.state.sent_by_peer.get(peer, ())):
        if item["conversation_message_id"] == message["conversation_message_id"]:
            # Edits change the recorded item in place (see README: /_emu/sent).
            item.update(text=text, update_time=date)
            if attachments is not None:
                item["attachments"] = attachments
            if keyboard is not None:
                item["keyboard"] = keyboard
            break
    return 1


@method("messages.sendMessageEventAnswer")
async def messages_send_message_event_answer(emu: Emulator, p: Params, base_url: str) -> Any:
    event_id = p.str("event_id")
    p.int("user_id")
    p.int("peer_id")
    p.json("event_data")
    if event_id not in emu.state.event_ids:
        raise VKError(100, "event_id is invalid")
    return 1


@method("messages.getConversationMembers")
async def messages_get_conversation_members(emu: Emulator, p: Params, base_url: str) -> Any:
    chat = emu.state.chats.get(p.int("peer_id"))
    if chat is None or not chat.bot_is_admin:
        raise VKError(917)
    items = [
        {
            "member_id": -emu.group_id,
            "is_admin": True,
            "can_kick": False,
            "invited_by": chat.members[0] if chat.members else 0,
            "join_date": 0,
        }
    ]
    items += [
        {"member_id": member, "is_admin": False, "can_kick": True, "join_date": 0}
        for member in chat.members
    ]
    profiles = [emu.state.user(member).as_vk() for member in chat.members]
    return {
        "count": len(items),
        "items": items,
        "profiles": profiles,
        "groups": [emu.group_object()],
    }


@method("messages.getHistory")
async def messages_get_history(emu: Emulator, p: Params, base_url: str) -> Any:
    peer = p.int("peer_id", 0) or p.int("user_id")
    offset, count = p.int("offset", 0), min(p.int("count", 20), 200)
    history = emu.state.history.get(peer, [])
    ordered = history if p.int("rev", 0) else history[::-1]  # newest first by default
    return {"count": len(history), "items": ordered[offset : offset + count]}
