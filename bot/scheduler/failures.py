"""Rows set aside for good: marked `failed` with their reason, logged once at ERROR, counted.

Only a row still held by this instance is marked, so a row is logged and counted once even
when its claim was taken over by another instance meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.outbox import FailReason
from storage.repos import outbox as repo

logger = logging.getLogger(__name__)

# Told the reason of every row set aside (the failure metric).
OnFailed = Callable[[str], None]


@dataclass(frozen=True)
class Failure:
    row_id: int
    kind: str
    reason: FailReason
    detail: str  # what went wrong, without personal data: no text, no address, no VK id
    error_code: int | None = None

    @property
    def text(self) -> str:
        return f"{self.reason}: {self.detail}"


async def mark(session: AsyncSession, failures: Sequence[Failure], holder: str) -> list[Failure]:
    """Mark the rows failed; return those that were still ours to mark."""
    marked = []
    for failure in failures:
        if await repo.mark_failed(
            session,
            row_id=failure.row_id,
            holder=holder,
            error_code=failure.error_code,
            error_text=failure.text,
        ):
            marked.append(failure)
    return marked


def announce(failures: Sequence[Failure], on_failed: OnFailed | None) -> None:
    """Once the marks are committed: one ERROR line and one count per row."""
    for failure in failures:
        logger.error(
            "outbox row %d (%s) failed for good: %s", failure.row_id, failure.kind, failure.text
        )
        if on_failed is not None:
            on_failed(failure.reason)
