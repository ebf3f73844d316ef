"""VK updates as VK sends them, for tests that feed the inbound side without the emulator."""

from __future__ import annotations

from typing import Any

GROUP_ID = 1


def message_new(
    event_id: str, from_id: int, text: str = "привет", **message: Any
) -> dict[str, Any]:
    """A private `message_new`; `message` overrides fields of the message object."""
    fields = {
        "conversation_message_id": 1,
        "date": 1_729_490_400,
        "from_id": from_id,
        "id": 1,
        "out": 0,
        "peer_id": from_id,
        "text": text,
        "version": 1,
        "attachments": [],
        "fwd_messages": [],
        "important": False,
        "is_hidden": False,
        "random_id": 0,
        **message,
    }
    return {
        "type": "message_new",
        "event_id": event_id,
        "group_id": GROUP_ID,
        "v": "5.199",
        "object": {"message": fields, "client_info": {}},
    }
