"""A person's stored dialog state, as read."""

from __future__ import annotations

from typing import Any, NamedTuple


class Seen(NamedTuple):
    """A dialog state as read, with the version a write must find to overwrite it."""

    state: str
    payload: dict[str, Any]
    version: int
