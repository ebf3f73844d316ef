"""Rewriting every stored text that mentions something: all tables, every text and JSON
column, so a table added later is covered without a change here."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from typing import Any

from sqlalchemy import JSON, Column, ColumnElement, String, Text, cast, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Base


async def rewrite(
    session: AsyncSession,
    *,
    needles: Sequence[str],
    change: Callable[[Any], Any],
    skip: Collection[Column[Any]] = (),
) -> int:
    """Pass each text or JSON value containing one of `needles` through `change` and store
    what differs; primary keys and `skip` are left alone. Returns the rows changed."""
    changed = 0
    for table in Base.metadata.sorted_tables:
        columns = [
            column
            for column in table.columns
            if isinstance(column.type, String | JSON)
            and not column.primary_key
            and not any(column is skipped for skipped in skip)  # `==` would build SQL
        ]
        if not columns:
            continue
        keys = list(table.primary_key.columns)
        found = select(*keys, *columns).where(or_(*_containing(columns, needles)))
        for row in await session.execute(found):
            old = dict(zip((c.name for c in columns), row[len(keys) :], strict=True))
            new = {name: change(value) for name, value in old.items() if value is not None}
            values = {name: value for name, value in new.items() if value != old[name]}
            if values:
                where = [key == value for key, value in zip(keys, row, strict=False)]
                await session.execute(update(table).where(*where).values(values))
                changed += 1
    return changed


def _containing(columns: list[Column[Any]], needles: Sequence[str]) -> list[ColumnElement[bool]]:
    conditions = []
    for column in columns:
        if isinstance(column.type, JSON):
            # SQLite keeps the JSON text as serialised (non-ASCII \u-escaped); PostgreSQL
            # renders jsonb as plain text: look for both spellings.
            text: ColumnElement[Any] = cast(column, Text)
            spellings = {s for n in needles for s in (n, json.dumps(n)[1:-1])}
        else:
            text, spellings = column, set(needles)
        conditions += [text.contains(s, autoescape=True) for s in sorted(spellings)]
    return conditions
