"""A country-sized database: districts of schools imported through the service the CLI
uses, and a head (a person with a `school_staff` row) for the first `heads` schools."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.school_table import SchoolRow
from bot.services.admin.districts import import_schools
from storage.db import Database, open_database
from storage.migrate import upgrade
from storage.models import Base, Person, School, SchoolStaff
from storage.upsert import insert_ignore

DEFAULT_PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
SCHOOLS_PER_DISTRICT = 100
FIRST_HEAD_VK_ID = 100_000
ROWS_PER_INSERT = 1_000


class DatabaseUnavailable(Exception):
    """PostgreSQL is not reachable here: the benchmark skips that engine."""


@dataclass(frozen=True)
class Target:
    """Where the bot under test keeps its data; `schema` is a private PostgreSQL schema."""

    url: str
    schema: str | None = None

    def open(self) -> Database:
        if self.schema is None:
            return open_database(self.url)
        return open_database(
            self.url, connect_args={"server_settings": {"search_path": self.schema}}
        )


def postgres_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or os.environ.get(
        "TEST_DATABASE_URL", DEFAULT_PG_URL
    )


@asynccontextmanager
async def fresh_database(engine: str, workdir: Path) -> AsyncIterator[Target]:
    """A migrated, empty database on `engine`, dropped afterwards."""
    if engine == "sqlite":
        target = Target(f"sqlite+aiosqlite:///{workdir}/bench.db")
    else:
        target = Target(postgres_url(), f"bench_{uuid.uuid4().hex[:12]}")
        try:
            await _admin(target.url, f'CREATE SCHEMA "{target.schema}"')
        except OSError as exc:  # refused, no such host: not a failure of the benchmark
            raise DatabaseUnavailable(str(exc)) from exc
    db = target.open()
    try:
        await upgrade(db.engine)
        await db.dispose()
        yield target
    finally:
        await db.dispose()
        if target.schema:
            await _admin(target.url, f'DROP SCHEMA "{target.schema}" CASCADE')


async def seed(
    db: Database,
    *,
    schools: int,
    heads: int,
    now: datetime | None = None,
    per_district: int = SCHOOLS_PER_DISTRICT,
) -> list[int]:
    """Import `schools` schools, `per_district` a district; return the VK ids of the
    `heads` heads appointed."""
    now = now or datetime.now(UTC)
    for start in range(0, schools, per_district):
        district = start // per_district + 1
        count = min(per_district, schools - start)
        rows = [
            SchoolRow(line=n + 2, name=f"МБОУ «Школа № {n + 1}» района {district}")
            for n in range(count)
        ]
        async with db.sessions.begin() as session:
            await import_schools(
                session=session,
                district_name=f"Район {district}",
                tz="Europe/Moscow",
                rows=rows,
                now=now,
            )
    vk_ids = [FIRST_HEAD_VK_ID + n for n in range(heads)]
    async with db.sessions.begin() as session:
        school_ids = list(await session.scalars(select(School.id).order_by(School.id).limit(heads)))
        people = [{"vk_id": v, "first_name": "Имя", "last_name": f"Директор {v}",
                   "created_at": now} for v in vk_ids]  # fmt: skip
        await _insert(session, Person, people, ["vk_id"])
        person_ids: dict[int, int] = {}
        for start in range(0, len(vk_ids), ROWS_PER_INSERT):  # asyncpg: ≤ 32 767 parameters
            chunk = vk_ids[start : start + ROWS_PER_INSERT]
            found = await session.execute(
                select(Person.vk_id, Person.id).where(Person.vk_id.in_(chunk))
            )
            person_ids.update((vk_id, person_id) for vk_id, person_id in found)
        staff = [{"person_id": person_ids[v], "school_id": s, "role": "head", "confirmed": True,
                  "created_at": now} for v, s in zip(vk_ids, school_ids, strict=False)]  # fmt: skip
        await _insert(session, SchoolStaff, staff, ["school_id", "role"])
    return vk_ids[: len(school_ids)]


async def _insert(
    session: AsyncSession, model: type[Base], rows: list[dict[str, Any]], conflict: list[str]
) -> None:
    for start in range(0, len(rows), ROWS_PER_INSERT):
        await insert_ignore(session, model, rows[start : start + ROWS_PER_INSERT], conflict)


async def _admin(url: str, sql: str) -> None:
    db = open_database(url)
    try:
        async with db.engine.begin() as connection:
            await connection.execute(text(sql))
    finally:
        await db.dispose()
