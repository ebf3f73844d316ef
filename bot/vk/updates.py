"""The one typed reading of a VK update, wherever it comes from: Long Poll, the Callback API, or
a row of `inbound_events` stored by this or an earlier release.

An update that passes carries what the inbound pipeline keys on (the event id, the person)
and what vkbottle's own types require of the events the handlers take, so nothing past the
door trips over its shape. One that does not is refused with a short reason that quotes none
of its content (it may hold personal data).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Field, ValidationError

# The column that stores event ids is String(64); VK's are 40 hex digits.
EventId = Annotated[str, Field(min_length=1, max_length=64)]
# VK ids and counters: PostgreSQL's BIGINT.
VkInt = Annotated[int, Field(ge=-(2**63), lt=2**63)]


class _Envelope(BaseModel):
    type: Annotated[str, Field(min_length=1, max_length=64)]
    event_id: EventId
    object: dict[str, Any]
    group_id: VkInt | None = None


class _Message(BaseModel):
    """The fields vkbottle's MessagesBaseMessage requires."""

    conversation_message_id: VkInt
    date: Annotated[VkInt, Field(strict=True)]  # vkbottle reads it as a datetime: no bool
    from_id: VkInt
    id: VkInt
    out: bool
    peer_id: VkInt
    text: str
    version: VkInt


class _MessageNew(BaseModel):
    message: _Message


class _MessageEvent(BaseModel):
    """A callback button press (vkbottle's MessageEventObject)."""

    user_id: VkInt
    peer_id: VkInt
    event_id: str


class _PersonEvent(BaseModel):
    """message_allow and message_deny."""

    user_id: VkInt


_OBJECTS: dict[str, type[_MessageNew | _MessageEvent | _PersonEvent]] = {
    "message_new": _MessageNew,
    "message_event": _MessageEvent,
    "message_allow": _PersonEvent,
    "message_deny": _PersonEvent,
}


class MalformedUpdate(ValueError):
    """The update cannot be read; the message says why, without quoting it."""


@dataclass(frozen=True, slots=True)
class Update:
    event_id: str
    type: str
    group_id: int | None
    # Whose steps this update is (a message's author, a button's presser), if anyone's.
    person: int | None
    # Where a message came from (message_new only): for an apology if handling it fails.
    message_peer: int | None
    # The update as VK sent it, for vkbottle.
    raw: dict[str, Any]

    @property
    def queue_key(self) -> int | str:
        """Whose steps, in order, this update joins: its person's, or its own if nobody's."""
        return self.person if self.person is not None else self.event_id


def parse_update(raw: object) -> Update:
    """Read one update; raises MalformedUpdate."""
    if not isinstance(raw, dict):
        raise MalformedUpdate("the update is not an object")
    envelope = _validate(_Envelope, raw, "")
    person: int | None = None
    message_peer: int | None = None
    shape = _OBJECTS.get(envelope.type)
    if shape is None:
        # An event of a kind no handler takes: still kept in its person's order.
        user_id = envelope.object.get("user_id")
        person = user_id if isinstance(user_id, int) else None
    else:
        obj = _validate(shape, envelope.object, "object.")
        if isinstance(obj, _MessageNew):
            person, message_peer = obj.message.from_id, obj.message.peer_id
        else:
            person = obj.user_id
    return Update(
        event_id=envelope.event_id,
        type=envelope.type,
        group_id=envelope.group_id,
        person=person,
        message_peer=message_peer,
        raw=raw,
    )


M = TypeVar("M", bound=BaseModel)


def parse_stored(event_id: str, payload: object) -> Update:
    """Read a row of `inbound_events`; raises MalformedUpdate. The payload must be the
    update the row is the record of: it is marked handled by the payload's event id."""
    if payload is None:
        raise MalformedUpdate("no payload")
    update = parse_update(payload)
    if update.event_id != event_id:
        raise MalformedUpdate("event_id differs from the row's")
    return update


def _validate(model: type[M], value: object, prefix: str) -> M:
    if not isinstance(value, dict):
        raise MalformedUpdate(f"{prefix or 'the update'} is not an object")
    try:
        return model.model_validate(value)
    except ValidationError as error:
        raise MalformedUpdate(_reason(error, prefix)) from None


def _reason(error: ValidationError, prefix: str) -> str:
    """Where the first problem is and what kind it is, e.g. "object.message: model_type"."""
    first = error.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "the update"
    more = f" (+{error.error_count() - 1})" if error.error_count() > 1 else ""
    return f"{prefix}{where}: {first['type']}{more}"
