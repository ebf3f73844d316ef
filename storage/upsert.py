"""`INSERT … ON CONFLICT DO NOTHING` for both engines: the idempotent write the scheduler
and the get-or-create helpers are built on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Base


async def insert_ignore(
    session: AsyncSession,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    conflict_columns: Sequence[str],
    conflict_where: ColumnElement[bool] | None = None,
) -> int:
    """Insert the rows that do not clash on `conflict_columns`; return how many went in."""
    if not rows:
        return 0
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(model)
        .values(list(rows))
        .on_conflict_do_nothing(index_elements=list(conflict_columns), index_where=conflict_where)
    )
    result = await session.execute(statement)
    return result.rowcount or 0
