"""Outbox rows are built here and nowhere else, each from the typed payload of its kind."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from bot.domain import outbox as payloads
from storage.repos import outbox as repo


def new_random_id() -> int:
    """63 random bits, never 0 (VK's "do not deduplicate")."""
    return secrets.randbits(63) or 1


def new_row(
    *,
    kind: str,
    payload: payloads.Payload,
    natural_key: str,
    not_before: datetime,
    not_after: datetime | None,
    now: datetime,
    peer_id: int | None = None,
    round_id: int | None = None,
    school_id: int | None = None,
    random_id: int | None = None,
) -> dict[str, Any]:
    """A pending row for `repo.insert`; ValueError if its payload could not be read back."""
    if missing := payloads.missing_address(kind, peer_id=peer_id, round_id=round_id):
        raise ValueError(missing)
    return {
        "natural_key": natural_key,
        "kind": kind,
        "round_id": round_id,
        "school_id": school_id,
        "peer_id": peer_id,
        "payload": payloads.dump(kind, payload),
        "random_id": random_id or new_random_id(),
        "status": repo.PENDING,
        "not_before": not_before,
        "not_after": not_after,
        "attempts": 0,
        "created_at": now,
    }
