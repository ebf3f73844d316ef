"""In-memory model of one VK community: people, chats, messages, uploads.

Pure data plus the bookkeeping rules (ids, per-peer counters, dedupe, flood windows);
no HTTP here, so the method handlers and the control API share one source of truth.
"""

from __future__ import annotations

import bisect
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

CHAT_PEER_BASE = 2_000_000_000

# VK document types: 1 text, 2 archive, 3 gif, 4 image, 5 audio, 6 video, 7 e-book, 8 other.
_DOC_TYPES = {
    "txt": 1,
    "pdf": 1,
    "doc": 1,
    "docx": 1,
    "xls": 1,
    "xlsx": 1,
    "csv": 1,
    "odt": 1,
    "ods": 1,
    "zip": 2,
    "rar": 2,
    "7z": 2,
    "gz": 2,
    "gif": 3,
    "png": 4,
    "jpg": 4,
    "jpeg": 4,
    "mp3": 5,
    "ogg": 5,
    "mp4": 6,
    "avi": 6,
    "epub": 7,
    "fb2": 7,
    "djvu": 7,
}


@dataclass
class User:
    id: int
    first_name: str
    last_name: str
    # VK lets a community write to a person only after they allowed it or wrote first.
    allows_messages: bool = True

    def as_vk(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "can_access_closed": True,
            "is_closed": False,
        }


@dataclass
class Chat:
    chat_id: int
    title: str
    members: list[int]
    bot_is_admin: bool = True

    @property
    def peer_id(self) -> int:
        return CHAT_PEER_BASE + self.chat_id


@dataclass
class StoredFile:
    """An uploaded photo or document; `attachment` is the string VK uses to reference it."""

    kind: str  # "photo" | "doc"
    owner_id: int
    id: int
    title: str
    data: bytes
    date: int

    @property
    def attachment(self) -> str:
        return f"{self.kind}{self.owner_id}_{self.id}"

    @property
    def ext(self) -> str:
        return self.title.rsplit(".", 1)[-1].lower() if "." in self.title else ""

    def as_doc(self, base_url: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "owner_id": self.owner_id,
            "title": self.title,
            "size": len(self.data),
            "ext": self.ext,
            "url": f"{base_url}/files/{self.attachment}",
            "date": self.date,
            "type": _DOC_TYPES.get(self.ext, 8),
        }

    def as_photo(self, base_url: str) -> dict[str, Any]:
        width, height = _png_size(self.data)
        return {
            "id": self.id,
            "album_id": -3,  # VK's "messages" pseudo-album
            "owner_id": self.owner_id,
            "date": self.date,
            "has_tags": False,
            "text": "",
            "sizes": [
                {
                    "type": "x",
                    "width": width,
                    "height": height,
                    "url": f"{base_url}/files/{self.attachment}",
                }
            ],
        }


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG header (charts are PNG); 0×0 for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 0, 0


def is_chat(peer_id: int) -> bool:
    return peer_id > CHAT_PEER_BASE


@dataclass
class State:
    """Everything `POST /_emu/reset` forgets."""

    now: Callable[[], float] = time.time
    users: dict[int, User] = field(default_factory=dict)
    chats: dict[int, Chat] = field(default_factory=dict)  # by peer_id
    history: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # by peer_id
    _cmid: dict[int, int] = field(default_factory=dict)
    _message_id: int = 0
    _version: int = 0
    _sent_id: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    sent_by_peer: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    random_ids: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    _file_id: int = 0
    uploads: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)  # token -> upload
    flood: dict[tuple[int, str], deque[float]] = field(default_factory=dict)
    event_ids: set[str] = field(default_factory=set)  # message_event ids the bot may answer

    def timestamp(self) -> int:
        return int(self.now())

    def user(self, user_id: int) -> User:
        """The person, created with a placeholder name when first seen (like a stranger writing)."""
        found = self.users.get(user_id)
        if found is None:
            found = self.users[user_id] = User(user_id, "User", str(user_id), False)
        return found

    def next_cmid(self, peer_id: int) -> int:
        value = self._cmid.get(peer_id, 0) + 1
        self._cmid[peer_id] = value
        return value

    def next_message_id(self, peer_id: int) -> int:
        # Communities see no global message ids in chats: VK reports 0 there.
        if is_chat(peer_id):
            return 0
        self._message_id += 1
        return self._message_id

    def next_version(self) -> int:
        self._version += 1
        return self._version

    def store_message(self, message: dict[str, Any]) -> None:
        self.history.setdefault(message["peer_id"], []).append(message)

    def find_message(
        self, peer_id: int, message_id: int = 0, cmid: int = 0
    ) -> dict[str, Any] | None:
        message: dict[str, Any]  # mypy types reversed() of dicts holding Any as Any
        for message in reversed(self.history.get(peer_id, ())):
            if (message_id and message["id"] == message_id) or (
                cmid and message["conversation_message_id"] == cmid
            ):
                return message
        return None

    def record_sent(self, item: dict[str, Any]) -> dict[str, Any]:
        self._sent_id += 1
        item["id"] = self._sent_id
        self.sent.append(item)
        self.sent_by_peer.setdefault(item["peer_id"], []).append(item)
        return item

    def sent_after(self, peer_id: int | None, after: int) -> list[dict[str, Any]]:
        items = self.sent if peer_id is None else self.sent_by_peer.get(peer_id, [])
        # Ids grow monotonically, so a bisect finds the page start in O(log n).
        start = bisect.bisect_right(items, after, key=lambda item: item["id"])
        return items[start:]

    def flooded(self, peer_id: int, text: str, limit: int, window_s: float) -> bool:
        """Count this send; True when the same text went to the peer over `limit` times."""
        if not text:
            return False
        moment = time.monotonic()
        if len(self.flood) > 10_000:  # every text gets a window: sweep idle ones now and then
            self.flood = {k: v for k, v in self.flood.items() if v and moment - v[-1] <= window_s}
        times = self.flood.setdefault((peer_id, text), deque())
        while times and moment - times[0] > window_s:
            times.popleft()
        if len(times) >= limit:
            return True
        times.append(moment)
        return False

    def store_file(self, kind: str, owner_id: int, title: str, data: bytes) -> StoredFile:
        self._file_id += 1
        stored = StoredFile(kind, owner_id, self._file_id, title, data, self.timestamp())
        self.files[stored.attachment] = stored
        return stored

    def file(self, attachment: str) -> StoredFile | None:
        # "doc-1_7_accesskey" and "doc-1_7" name the same file.
        kind_owner_id = "_".join(attachment.split("_")[:2])
        return self.files.get(kind_owner_id)
