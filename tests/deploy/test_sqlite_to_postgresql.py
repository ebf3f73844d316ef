"""The recipe in docs/deploy.md for moving a running SQLite installation to PostgreSQL, step
by step through the command line, on a database that lived through a real week: the demo's
district onboarded by invites, answered in dialogs, reminded, summarised, escalated."""

from __future__ import annotations

import asyncio
import io
import random
import re
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console
from sqlalchemy import func, select

from bot.cli import main
from bot.clock import FakeClock
from bot.commands.context import migrated_database
from bot.config import load_settings
from bot.demo import cast
from bot.demo.runner import DEMO_RPS, START, Scene
from bot.demo.transcript import Transcript
from bot.demo.world import TOKEN, Stage
from bot.services.admin.backup import tables
from storage.db import open_database
from tests.reliability.test_backup import contents
from tests.reliability.test_sandbox_kill import _database_url

WEEK = "2024-W46"  # the demo's first week


async def _live_a_week(database_url: str) -> None:
    settings = load_settings(
        _env_file=None,
        database_url=database_url,
        vk_token=TOKEN,
        admin_ids=[cast.ADMIN[0]],
        send_rps=DEMO_RPS,
        default_tz=cast.DISTRICT_TZ,
    )
    console = Console(file=io.StringIO())
    tz = ZoneInfo(cast.DISTRICT_TZ)
    clock = FakeClock(START)
    async with migrated_database(settings) as db:
        transcript = Transcript(console, tz)
        async with Stage(settings=settings, db=db, clock=clock, transcript=transcript) as stage:
            # The demo's own seed: the week `make demo` shows.
            scene = Scene(stage, console, tz, random.Random(1))
            await scene.onboard()
            await scene.play_week(0, last=True)
            await scene.escalation(1)


async def _row_counts(database_url: str) -> dict[str, int]:
    db = open_database(database_url)
    try:
        async with db.reads() as session:
            return {
                table.name: await session.scalar(select(func.count()).select_from(table)) or 0
                for table in tables()
            }
    finally:
        await db.dispose()


def _printed_counts(output: str) -> dict[str, int]:
    names = {table.name for table in tables()}
    return {
        match[1]: int(match[2])
        for match in re.finditer(r"^\s*(\w+)\s+(\d+)\s*$", output, re.MULTILINE)
        if match[1] in names
    }


async def _svodka(monkeypatch: pytest.MonkeyPatch, database_url: str, *args: str) -> int:
    """One command as the admin types it, with DATABASE_URL as the .env would set it."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    return await asyncio.to_thread(main, list(args))


async def test_a_week_moves_from_sqlite_to_postgresql_by_the_recipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the checkout's
    async with _database_url("postgresql", tmp_path) as postgresql:
        sqlite = f"sqlite+aiosqlite:///{tmp_path}/svodka.db"
        await _live_a_week(sqlite)
        before = await _row_counts(sqlite)
        lived = ("invites", "school_staff", "chats", "inbound_events", "rounds", "responses")
        assert all(before[name] for name in (*lived, "answers", "outbox")), before
        capsys.readouterr()

        began = time.monotonic()
        # 1-2. The old database at this release's schema, then the copy.
        assert await _svodka(monkeypatch, sqlite, "migrate") == 0
        assert await _svodka(monkeypatch, sqlite, "backup", "svodka-sqlite.gz") == 0
        assert _printed_counts(capsys.readouterr().out) == before
        # 3-4. DATABASE_URL switched to PostgreSQL: the schema there.
        assert await _svodka(monkeypatch, postgresql, "migrate") == 0
        # 5. The copy restored, its counts checked table by table.
        assert await _svodka(monkeypatch, postgresql, "restore", "svodka-sqlite.gz") == 0
        restored = capsys.readouterr().out
        assert _printed_counts(restored) == before
        assert "в каждой таблице столько же, сколько в копии" in " ".join(restored.split())
        took = time.monotonic() - began

        # Row for row the same database, and the reports read the same from it.
        assert await _contents(postgresql) == await _contents(sqlite)
        reports = []
        for url in (sqlite, postgresql):
            status = ("status", "--district", cast.DISTRICT, "--week", WEEK)
            assert await _svodka(monkeypatch, url, *status) == 0
            reports.append(capsys.readouterr().out)
        assert reports[0] == reports[1]
        answered = f"Ответили {before['responses']} из {len(cast.SCHOOLS)} школ"
        assert answered in " ".join(reports[0].split()), reports[0]
    print(f"{sum(before.values())} rows in {len(before)} tables moved in {took:.1f} s: {before}")


async def _contents(database_url: str) -> dict[str, list[tuple]]:
    db = open_database(database_url)
    try:
        return await contents(db)
    finally:
        await db.dispose()
