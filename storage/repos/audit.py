"""The audit log: who changed roles, redeemed invites, bound chats, exported data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEvent


def record(
    session: AsyncSession,
    *,
    action: str,
    at: datetime,
    actor_id: int | None = None,
    district_id: int | None = None,
    school_id: int | None = None,
    **details: Any,
) -> None:
    session.add(
        AuditEvent(
            at=at,
            actor_id=actor_id,
            action=action,
            district_id=district_id,
            school_id=school_id,
            details=details,
        )
    )


def record_export(
    session: AsyncSession,
    *,
    at: datetime,
    actor_id: int | None,
    district_id: int,
    fmt: str,
    weeks: int | None = None,
) -> None:
    """One audit row per data export (XLSX/CSV, e-mail): who took which district's numbers."""
    record(
        session,
        action="data.export",
        at=at,
        actor_id=actor_id,
        district_id=district_id,
        format=fmt,
        weeks=weeks,
    )
