"""`INSERT … ON CONFLICT DO NOTHING` for both engines: the idempotent write the scheduler
and the get-or-create helpers are built on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, ColumnExpressionArgument, TextClause
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dml import rowcount
from storage.models import Base


async def insert_ignore(
    session: AsyncSession,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    conflict_columns: Sequence[str],
    conflict_where: ColumnElement[bool] | TextClause | None = None,
) -> int:
    """Insert the rows that do not clash on `conflict_columns`; return how many went in."""
    if not rows:
        return 0
    statement = _insert_ignore(session, model, conflict_columns, conflict_where).values(list(rows))
    result = await session.execute(statement)
    return rowcount(result)


async def insert_new(
    session: AsyncSession,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    conflict_columns: Sequence[str],
    returning: ColumnExpressionArgument[Any],
) -> list[Any]:
    """Insert the rows that do not clash on `conflict_columns`; return `returning` of each
    row that went in — one statement where a look-up and an insert would take two."""
    if not rows:
        return []
    statement = _insert_ignore(session, model, conflict_columns).returning(returning)
    return list(await session.scalars(statement, list(rows)))


def _insert_ignore(
    session: AsyncSession,
    model: type[Base],
    conflict_columns: Sequence[str],
    conflict_where: ColumnElement[bool] | TextClause | None = None,
) -> Any:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model.__table__).on_conflict_do_nothing(
        index_elements=list(conflict_columns), index_where=conflict_where
    )
