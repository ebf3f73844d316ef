"""`svodka backup` / `svodka restore`: SQLite → PostgreSQL → SQLite gives the same tables."""

from __future__ import annotations

import asyncio
import gzip
import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, Text, cast, func, insert, null, select
from sqlalchemy.exc import IntegrityError

from bot.cli import main
from bot.clock import FakeClock
from bot.services.admin import backup
from storage.db import Database
from storage.models import AppState, Base, Campaign, District, InboundEvent, Person, School
from tests.conftest import migrated
from tests.reliability.population import CONTACTS, populate


async def contents(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table as SQL holds it: SQL NULL is None, a JSON column is
    ("json", its document) — so the JSON document `null` and SQL NULL differ."""
    tables = {}
    async with db.reads() as session:
        for table in Base.metadata.sorted_tables:
            columns = [cast(c, Text) if isinstance(c.type, JSON) else c for c in table.columns]
            query = select(*columns).order_by(*table.primary_key.columns)
            json_at = [isinstance(c.type, JSON) for c in table.columns]
            tables[table.name] = [
                tuple(
                    ("json", json.loads(v)) if is_json and v is not None else v
                    for is_json, v in zip(json_at, row, strict=True)
                )
                for row in await session.execute(query)
            ]
    return tables


async def add_nulls(db: Database, now: datetime) -> None:
    """Rows whose JSON columns hold SQL NULL and rows whose documents are JSON `null`."""
    async with db.sessions.begin() as session:
        rows = [
            {"event_id": "ev-sql-null", "received_at": now, "payload": null()},
            {"event_id": "ev-json-null", "received_at": now, "payload": JSON.NULL},
        ]
        await session.execute(insert(InboundEvent), rows)
        await session.execute(insert(AppState), [{"key": "json-null", "value": JSON.NULL}])
    async with db.reads() as session:
        for column in (District.schedule, Campaign.audience, InboundEvent.payload):
            assert await session.scalar(select(func.count()).where(column.is_(None)))


async def test_restore_gives_every_row_back_exactly(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    """SQL NULL in a JSON column (a district's default schedule, a request to every school,
    a handled update) stays SQL NULL; the document `null` stays a document."""
    await populate(db, clock.now())
    await add_nulls(db, clock.now())
    original = await contents(db)
    assert CONTACTS[0][1] in str(original["schools"])  # a head's phone from the office's list
    dump = tmp_path / "d.svodka.gz"
    await backup.dump(db, dump)
    (tmp_path / "copy").mkdir()
    async with migrated("sqlite" if db.is_sqlite else "postgresql", tmp_path / "copy") as copy:
        await backup.restore(copy, dump)
        restored = await contents(copy)
    for name, rows in original.items():
        assert restored[name] == rows, name


async def test_a_dump_of_an_older_svodka_without_json_null_marks_restores(
    sqlite_db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    """Before "jn", every None was written alike: a nullable JSON column gets SQL NULL, a
    NOT NULL one the document `null` (the only thing it could have held)."""
    await populate(sqlite_db, clock.now())
    await add_nulls(sqlite_db, clock.now())
    dump = tmp_path / "d.gz"
    await backup.dump(sqlite_db, dump)
    lines = [json.loads(line) for line in gzip.decompress(dump.read_bytes()).splitlines()]
    assert sum("jn" in line for line in lines) == 2
    old = [json.dumps({k: v for k, v in line.items() if k != "jn"}) for line in lines]
    dump.write_bytes(gzip.compress("\n".join(old).encode()))
    (tmp_path / "old").mkdir()
    async with migrated("sqlite", tmp_path / "old") as target:
        await backup.restore(target, dump)
        restored = await contents(target)
    assert ("json-null", ("json", None)) in restored["app_state"]
    payloads = {row[0]: row[2] for row in restored["inbound_events"]}
    assert payloads["ev-sql-null"] is None and payloads["ev-json-null"] is None


async def test_round_trip_sqlite_postgresql_sqlite_is_identical(
    sqlite_db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    await populate(sqlite_db, clock.now())
    await add_nulls(sqlite_db, clock.now())
    original = await contents(sqlite_db)
    first = tmp_path / "a.svodka.gz"
    summary = await backup.dump(sqlite_db, first)
    assert summary.counts["schools"] == 12 and all(summary.counts.values())

    async with migrated("postgresql", tmp_path / "pg") as pg:
        await backup.restore(pg, first, force=False)
        assert await contents(pg) == original
        # Sequences were moved past the restored ids: new rows do not collide.
        async with pg.sessions.begin() as session:
            session.add(Person(vk_id=1, created_at=clock.now()))
        second = tmp_path / "b.svodka.gz"
        await backup.dump(pg, second)

    (tmp_path / "back").mkdir()
    async with migrated("sqlite", tmp_path / "back") as back:
        await populate(back, clock.now() + timedelta(days=7))
        with pytest.raises(backup.BackupError, match="не пустая"):
            await backup.restore(back, second)
        await backup.restore(back, second, force=True)
        restored = await contents(back)
    assert restored["people"][:-1] == original["people"]
    restored["people"] = restored["people"][:-1]
    assert restored == original


async def test_restore_into_a_database_without_schema(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    await populate(db, clock.now())
    dump = tmp_path / "d.gz"
    await backup.dump(db, dump)
    from storage.db import open_database

    fresh = open_database(f"sqlite+aiosqlite:///{tmp_path}/fresh.db")
    try:
        await backup.restore(fresh, dump)
        assert await contents(fresh) == await contents(db)
    finally:
        await fresh.dispose()


async def test_a_dump_from_a_newer_schema_is_refused(
    sqlite_db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    dump = tmp_path / "new.gz"
    with gzip.open(dump, "wt") as out:
        out.write(json.dumps({"format": "svodka-backup", "version": 1, "revision": "9999"}) + "\n")
        out.write(json.dumps({"end": True, "counts": {}}) + "\n")
    with pytest.raises(backup.BackupError, match="более новой версией"):
        await backup.restore(sqlite_db, dump)


async def test_truncated_or_foreign_files_are_refused_and_change_nothing(
    sqlite_db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    await populate(sqlite_db, clock.now())
    whole = tmp_path / "whole.gz"
    await backup.dump(sqlite_db, whole)
    lines = gzip.decompress(whole.read_bytes()).splitlines(keepends=True)
    cut = tmp_path / "cut.gz"
    cut.write_bytes(gzip.compress(b"".join(lines[:-1])))
    garbage = tmp_path / "garbage.gz"
    garbage.write_bytes(b"not gzip at all")
    before = await contents(sqlite_db)
    for bad, reason in ((cut, "оборвана"), (garbage, "не читается")):
        with pytest.raises(backup.BackupError, match=reason):
            await backup.restore(sqlite_db, bad, force=True)
    assert await contents(sqlite_db) == before


async def test_a_failed_restore_leaves_the_old_data(
    sqlite_db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    await populate(sqlite_db, clock.now())
    before = await contents(sqlite_db)
    dump = tmp_path / "d.gz"
    await backup.dump(sqlite_db, dump)
    lines = gzip.decompress(dump.read_bytes()).decode().splitlines(keepends=True)
    # A school pointing at a district that does not exist: the foreign key stops the load.
    broken = [
        line.replace('"district_id":1,', '"district_id":999,') if '"t":"schools"' in line else line
        for line in lines
    ]
    dump.write_bytes(gzip.compress("".join(broken).encode()))
    with pytest.raises(IntegrityError):
        await backup.restore(sqlite_db, dump, force=True)
    assert await contents(sqlite_db) == before


def _without_one_answer(dump: Path) -> None:
    """The dump with one row of `answers` gone from the middle; header and footer intact."""
    lines = gzip.decompress(dump.read_bytes()).decode().splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.startswith('{"t":"answers"'))
    dump.write_bytes(gzip.compress("".join(lines[:first] + lines[first + 1 :]).encode()))


async def test_a_copy_that_lost_a_row_is_refused_whole(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    """The restored tables are counted before the commit against the footer, which counted
    the dumped database: one row short and nothing is kept (both)."""
    await populate(db, clock.now())
    dump = tmp_path / "d.gz"
    summary = await backup.dump(db, dump)
    _without_one_answer(dump)
    (tmp_path / "target").mkdir()
    engine = "sqlite" if db.is_sqlite else "postgresql"
    async with migrated(engine, tmp_path / "target") as target:
        with pytest.raises(backup.CountMismatch) as refused:
            await backup.restore(target, dump)
        after = await contents(target)
    answers = summary.counts["answers"]
    assert refused.value.expected["answers"] == answers
    assert refused.value.found["answers"] == answers - 1
    assert f"answers: в копии {answers}, в базе {answers - 1}" in str(refused.value)
    assert not any(after.values()), "a refused restore kept rows"


async def _dump_of_a_populated_database(tmp_path: Path, clock: FakeClock) -> Path:
    async with migrated("sqlite", tmp_path) as source:
        await populate(source, clock.now())
        await backup.dump(source, tmp_path / "whole.gz")
    return tmp_path / "whole.gz"


def test_cli_restore_prints_the_counts_and_fails_on_a_mismatch(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    clock: FakeClock,
) -> None:
    whole = asyncio.run(_dump_of_a_populated_database(tmp_path, clock))
    cut = tmp_path / "cut.gz"
    cut.write_bytes(whole.read_bytes())
    _without_one_answer(cut)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/target.db")

    assert main(["restore", str(cut)]) == 1
    refused = capsys.readouterr()
    assert re.search(r"^\s*answers\s+3\s+2\s+≠\s*$", refused.out, re.MULTILINE), refused.out
    assert "Восстановление отменено, база не изменена" in " ".join(refused.err.split())

    assert main(["restore", str(whole)]) == 0
    restored = capsys.readouterr().out
    assert re.search(r"^\s*answers\s+3\s*$", restored, re.MULTILINE), restored
    assert re.search(r"^\s*schools\s+12\s*$", restored, re.MULTILINE), restored


async def test_rows_are_streamed_not_loaded(
    sqlite_db: Database, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """5 000 schools are restored in batches of BATCH rows, never all at once."""
    await populate(sqlite_db, clock.now(), extra_schools=5_000)
    largest: list[int] = []
    monkeypatch.setattr(backup, "BATCH", 500)
    dump = tmp_path / "big.gz"
    await backup.dump(sqlite_db, dump)
    (tmp_path / "r").mkdir()
    async with migrated("sqlite", tmp_path / "r") as target:
        from sqlalchemy.ext.asyncio import AsyncSession

        real_execute = AsyncSession.execute

        async def spy(self: AsyncSession, statement: Any, params: Any = None, **kw: Any) -> Any:
            if isinstance(params, list):
                largest.append(len(params))
            return await real_execute(self, statement, params, **kw)

        monkeypatch.setattr(AsyncSession, "execute", spy)
        summary = await backup.restore(target, dump)
        monkeypatch.undo()
        async with target.reads() as session:
            count = len(list(await session.scalars(select(School.id))))
    assert summary.counts["schools"] == count == 5_012
    assert max(largest) == 500


def test_cli_backup_and_restore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/one.db")
    assert main(["migrate"]) == 0
    assert main(["official", "add", "777", "--district", "Д"]) == 1
    assert main(["backup", str(tmp_path / "x.gz")]) == 0
    assert "Копия сохранена" in capsys.readouterr().out
    assert main(["restore", str(tmp_path / "x.gz")]) == 0
    assert main(["restore", str(tmp_path / "missing.gz")]) == 1
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/two.db")
    assert main(["restore", str(tmp_path / "x.gz")]) == 0
    assert "База восстановлена" in capsys.readouterr().out
