"""A portable dump of the whole database: gzip'd JSON lines, one table after another in
dependency order, readable by either engine. Rows are streamed both ways, so a district
of 40 000 schools never sits in memory at once.

Layout: a header line (format, schema revision), then `{"t": table, "r": {column: value}}`
per row, then a footer with the row counts — a truncated file has no footer and is refused.
`null` is SQL NULL; a JSON column whose document is JSON `null` is listed in the row's
`"jn"`, so both come back as they were.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, Column, Connection, Table, delete, func, insert, null, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.migrate import alembic_config, upgrade
from storage.models import Base
from storage.types import UtcDateTime

FORMAT = "svodka-backup"
VERSION = 1
BATCH = 1_000


class BackupError(Exception):
    """A dump that cannot be restored here; the message is for the operator, in Russian."""


class CountMismatch(BackupError):
    """The restored tables do not hold the rows the dump's footer counted; nothing was kept."""

    def __init__(self, expected: dict[str, int], found: dict[str, int]) -> None:
        details = ", ".join(
            f"{name}: в копии {count}, в базе {found[name]}"
            for name, count in expected.items()
            if found[name] != count
        )
        super().__init__(
            f"Число строк не совпало с копией ({details}). Восстановление отменено, база не "
            "изменена."
        )
        self.expected = expected
        self.found = found


@dataclass(frozen=True)
class Summary:
    revision: str
    counts: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def tables() -> list[Table]:
    """Parents before children, so a restore never breaks a foreign key."""
    return list(Base.metadata.sorted_tables)


async def dump(db: Database, path: Path) -> Summary:
    counts: dict[str, int] = {}
    async with db.reads() as session:
        if not db.is_sqlite:
            # One snapshot for every table: rows written meanwhile are all in or all out.
            await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        revision = await _revision(session)
        if revision is None:
            raise BackupError("В базе нет схемы svodka: сохранять нечего.")
        with gzip.open(path, "wt", encoding="utf-8") as out:
            _write(out, {"format": FORMAT, "version": VERSION, "revision": revision})
            for table in tables():
                counts[table.name] = 0
                order = list(table.primary_key.columns)
                json_columns = _json_columns(table)
                # The JSON type reads SQL NULL and JSON null alike as None: ask SQL which.
                is_null = [column.is_(None) for column in json_columns]
                query = select(table, *is_null).order_by(*order)
                result = await session.stream(query)
                async for rows in result.partitions(BATCH):
                    for row in rows:
                        _write(out, _record(table, json_columns, row))
                    counts[table.name] += len(rows)
            _write(out, {"end": True, "counts": counts})
    return Summary(revision, counts)


async def restore(db: Database, path: Path, *, force: bool = False) -> Summary:
    """Load a dump into `db` in one transaction: all of it or nothing.

    The database is brought to the dump's schema revision first, then to the newest one,
    so a dump from an older svodka is migrated on the way in.
    """
    header, counts = _inspect(path)
    revision = header["revision"]
    known = {script.revision for script in _scripts().walk_revisions()}
    if revision not in known:
        raise BackupError(
            f"Копия сделана более новой версией svodka (схема {revision}): обновите svodka."
        )
    async with db.reads() as session:
        current = await _revision(session)
    if current is None:
        await upgrade(db.engine, revision)
    elif current != revision:
        raise BackupError(
            f"Схема базы ({current}) не совпадает со схемой копии ({revision}): "
            "восстановите копию в пустую базу."
        )
    async with db.sessions.begin() as session:
        if await _has_rows(session):
            if not force:
                raise BackupError(
                    "База не пустая. Чтобы заменить её содержимое копией, добавьте --force."
                )
            for table in reversed(tables()):
                await session.execute(delete(table))
        by_name = {table.name: table for table in tables()}
        batch: list[dict[str, Any]] = []
        current_table: Table | None = None
        for name, row, json_nulls in _rows(path):
            table = by_name.get(name)
            if table is None:
                raise BackupError(f"В копии неизвестная таблица «{name}».")
            if table is not current_table and batch:
                assert current_table is not None  # the table of the batch
                await session.execute(insert(current_table), batch)
                batch = []
            current_table = table
            batch.append(_decode(table, row, json_nulls))
            if len(batch) >= BATCH:
                await session.execute(insert(table), batch)
                batch = []
        if batch:
            assert current_table is not None
            await session.execute(insert(current_table), batch)
        # The footer counted what the dumped database held: the same rows must be here now,
        # before the commit, so a copy that lost lines in the middle is refused whole.
        expected = {name: count for name, count in counts.items() if name in by_name}
        found = await _counts(session, [by_name[name] for name in expected])
        if found != expected:
            raise CountMismatch(expected, found)
        if not db.is_sqlite:
            await _reset_sequences(session)
    await upgrade(db.engine)
    return Summary(revision, found)


def _inspect(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """The header and the footer's counts; refuses files that are not a whole svodka dump."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            header = json.loads(next(lines, "{}"))
            last = None
            for last in lines:  # noqa: B007 — only the footer matters here
                pass
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"Файл не читается как копия svodka ({type(exc).__name__}).") from exc
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        raise BackupError("Это не копия svodka или копия неизвестного формата.")
    footer = json.loads(last) if last else {}
    if not footer.get("end"):
        raise BackupError("Копия оборвана (нет завершающей строки): восстановить нельзя.")
    return header, footer["counts"]


def _rows(path: Path) -> Iterator[tuple[str, dict[str, Any], list[str]]]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        next(lines)
        for line in lines:
            record = json.loads(line)
            if "t" in record:
                yield record["t"], record["r"], record.get("jn", [])


def _write(out: TextIO, record: dict[str, Any]) -> None:
    out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    out.write("\n")


def _json_columns(table: Table) -> list[Column[Any]]:
    return [column for column in table.columns if isinstance(column.type, JSON)]


def _record(table: Table, json_columns: list[Column[Any]], row: Any) -> dict[str, Any]:
    """A row of `select(table, <json column> IS NULL…)` as a dump line."""
    values = row[: len(table.columns)]
    encoded = {
        column.name: value.isoformat() if isinstance(value, datetime) else value
        for column, value in zip(table.columns, values, strict=True)
    }
    flags = row[len(table.columns) :]
    record: dict[str, Any] = {"t": table.name, "r": encoded}
    json_nulls = [
        column.name
        for column, sql_null in zip(json_columns, flags, strict=True)
        if encoded[column.name] is None and not sql_null
    ]
    if json_nulls:
        record["jn"] = json_nulls
    return record


def _decode(table: Table, row: dict[str, Any], json_nulls: list[str]) -> dict[str, Any]:
    decoded = {}
    for column in table.columns:
        value = row.get(column.name)
        if value is not None and isinstance(column.type, UtcDateTime):
            value = datetime.fromisoformat(value)
        elif value is None and isinstance(column.type, JSON):
            # The JSON type would write None as the document `null`; null() is SQL NULL. A
            # NOT NULL column's None in a dump without "jn" (an older svodka) was `null` too.
            json_null = column.name in json_nulls or not column.nullable
            value = JSON.NULL if json_null else null()
        decoded[column.name] = value
    return decoded


async def _counts(session: AsyncSession, of: list[Table]) -> dict[str, int]:
    return {
        table.name: await session.scalar(select(func.count()).select_from(table)) or 0
        for table in of
    }


async def _has_rows(session: AsyncSession) -> bool:
    for table in tables():
        if await session.scalar(select(func.count()).select_from(table)):
            return True
    return False


async def _reset_sequences(session: AsyncSession) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; the next insert would collide."""
    for table in tables():
        if [column.name for column in table.primary_key.columns] != ["id"]:
            continue
        await session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            )
        )


async def _revision(session: AsyncSession) -> str | None:
    def current(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    connection = await session.connection()
    return await connection.run_sync(current)


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())
