"""What an outbox row carries: one typed payload per kind, written and read only here.

A payload is stored as `dump(kind, payload)`, which reads its own output back before
returning it, so a payload this code could not read is never written. The sender reads
rows with `read(kind, raw)`; a row it cannot read is set aside by the sender, never sent.

Rows written by releases before payloads had a `version` are still read: message rows
(`{"texts", "keyboard"}`) and e-mail rows (`{"to", "subject"}`) have the fields of version 1,
and /remind's rows of that time (`{"text", "keyboard"}`, never delivered) are read as a
message of that text.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from pydantic import field_validator as validates

from bot.domain.text_split import VK_MESSAGE_LIMIT, split_message

VERSION: Final = 1
# VK's limits for a keyboard (notes/vkbottle-and-vk.md): a small grid, short labels, and
# button payloads of at most 255 characters; a keyboard past them fails the whole call (911).
MAX_KEYBOARD_ROWS = 10
MAX_ROW_BUTTONS = 5
MAX_LABEL = 40
MAX_BUTTON_PAYLOAD = 255

_MessageText = Annotated[str, StringConstraints(min_length=1, max_length=VK_MESSAGE_LIMIT)]
# One header line each: a line break would let a value add headers of its own.
_HeaderValue = Annotated[
    str, StringConstraints(min_length=1, max_length=255, pattern=r"^[^\r\n]*$")
]


class UnreadablePayload(ValueError):
    """A stored payload this code cannot read; the message says what is wrong with it."""


class FailReason(StrEnum):
    """Why a row was set aside for good (the `reason` label of the failure metric)."""

    UNREADABLE = "unreadable"  # its payload (or the row around it) cannot be read
    REFUSED = "refused"  # VK will not deliver to that peer: blocked, not allowed, no rights
    REJECTED = "rejected"  # VK refuses the request itself: a keyboard, a length, a parameter
    EXHAUSTED = "exhausted"  # still not sent after the last attempt
    MAIL_REJECTED = "mail_rejected"  # the SMTP server refused it, or no server is configured


class _Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1] = VERSION


class VkMessage(_Payload):
    """A message to one VK peer, in parts of at most 4096 characters; the keyboard (VK's
    JSON) goes with the last part."""

    texts: tuple[_MessageText, ...] = Field(min_length=1)
    keyboard: str | None = None

    @classmethod
    def of(cls, text: str, keyboard: str | None = None) -> VkMessage:
        return cls(texts=tuple(split_message(text)), keyboard=keyboard)

    @validates("texts")
    @classmethod
    def _not_blank(cls, texts: tuple[str, ...]) -> tuple[str, ...]:
        if any(not text.strip() for text in texts):
            raise ValueError("a part of the message is blank")  # VK refuses an empty message
        return texts

    @validates("keyboard")
    @classmethod
    def _keyboard(cls, keyboard: str | None) -> str | None:
        if keyboard is not None and (problem := keyboard_problem(keyboard)):
            raise ValueError(problem)
        return keyboard


class Email(_Payload):
    """A district's e-mail: the workbook of the row's round, built when it is sent."""

    to: Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")]
    subject: _HeaderValue


class RemindReport(_Payload):
    """Tells the official who asked /remind which schools the reminders did not reach;
    its text is written when it is due, from the fate of the reminders of `batch`."""

    batch: Annotated[str, StringConstraints(min_length=1, max_length=100)]


Payload = VkMessage | Email | RemindReport

# Every kind of row, and the payload its rows carry.
KINDS: dict[str, type[_Payload]] = {
    "prompt": VkMessage,
    "reminder": VkMessage,
    "summary": VkMessage,
    "escalation": VkMessage,
    "reminder_manual": VkMessage,
    "remind_report": RemindReport,
    "email": Email,
}
# Kinds whose rows go to a VK peer; the rest are e-mailed.
VK_KINDS = frozenset(kind for kind, model in KINDS.items() if model is not Email)


def missing_address(kind: str, *, peer_id: int | None, round_id: int | None) -> str | None:
    """What a row of `kind` lacks to be sent, if anything: a VK row its peer, an e-mail the
    round whose workbook it carries."""
    if kind in VK_KINDS and peer_id is None:
        return "the row has no peer"
    if kind == "email" and round_id is None:
        return "the e-mail has no round"
    return None


def dump(kind: str, payload: Payload) -> dict[str, Any]:
    """The stored form of `payload` for a row of `kind`; ValueError if the row could not be
    read back."""
    model = KINDS.get(kind)
    if model is None or type(payload) is not model:
        raise ValueError(f"a {type(payload).__name__} is not the payload of {kind!r} rows")
    raw = payload.model_dump(mode="json")
    try:
        same = read(kind, raw) == payload
    except UnreadablePayload as exc:
        raise ValueError(f"the payload of a {kind!r} row does not read back: {exc}") from None
    if not same:
        raise ValueError(f"the payload of a {kind!r} row does not read back as written")
    return raw


def read(kind: str, raw: Any) -> Payload:
    """The payload of a stored row of `kind`; UnreadablePayload if it cannot be read."""
    model = KINDS.get(kind)
    if model is None:
        raise UnreadablePayload(f"unknown kind {kind!r}")
    if not isinstance(raw, dict):
        raise UnreadablePayload(f"a {type(raw).__name__} instead of an object")
    if raw.get("version", VERSION) != VERSION:
        raise UnreadablePayload(f"version {raw['version']!r:.20}, this release reads {VERSION}")
    try:
        return model.model_validate(_upgrade(model, raw))  # type: ignore[return-value]
    except ValidationError as exc:
        raise UnreadablePayload(_describe(exc)) from None


def _upgrade(model: type[_Payload], raw: dict[str, Any]) -> dict[str, Any]:
    """A payload written before versions, in the fields of version 1."""
    if "version" in raw:
        return raw
    if model is VkMessage and "texts" not in raw and isinstance(raw.get("text"), str):
        return {"texts": split_message(raw["text"]), "keyboard": raw.get("keyboard")}
    return raw


def _describe(exc: ValidationError) -> str:
    # Locations and messages only: the offending values may be personal (a message text).
    problems = [
        f"{'.'.join(str(part) for part in error['loc']) or 'payload'}: {error['msg']}"
        for error in exc.errors(include_url=False, include_input=False)
    ]
    return "; ".join(problems[:3])


def keyboard_problem(keyboard: str) -> str | None:
    """Why VK would refuse this keyboard, or None if it fits VK's rules."""
    try:
        parsed = json.loads(keyboard)
    except ValueError:
        return "the keyboard is not JSON"
    rows = parsed.get("buttons") if isinstance(parsed, dict) else None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        return "the keyboard has no list of button rows"
    if len(rows) > MAX_KEYBOARD_ROWS or any(len(row) > MAX_ROW_BUTTONS for row in rows):
        return "the keyboard has too many buttons"
    for button in (button for row in rows for button in row):
        action = button.get("action") if isinstance(button, dict) else None
        if not isinstance(action, dict) or not isinstance(action.get("type"), str):
            return "a button has no action"
        if len(str(action.get("label", ""))) > MAX_LABEL:
            return "a button label is too long"
        if len(str(action.get("payload", ""))) > MAX_BUTTON_PAYLOAD:
            return "a button payload is too long"
    return None
