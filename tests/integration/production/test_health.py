"""Operators' view: liveness, readiness and Prometheus metrics; `svodka run` refusing to start."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from bot.cli import main
from bot.clock import FakeClock
from bot.domain.school_table import parse_school_table
from bot.services import rounds
from bot.services.admin import districts
from storage.db import Database
from storage.models import OutboxMessage
from tests.integration.production.cluster import cluster
from tests.utils import sergokala

METRIC_NAMES = (
    "svodka_events_received_total",
    "svodka_events_duplicate_total",
    "svodka_events_processed_total",
    "svodka_handler_seconds_bucket",
    "svodka_vk_errors_total",
    "svodka_outbox_backlog",
    "svodka_round_answered_ratio",
    "svodka_inbound_pending",
)


async def seed_district_with_a_round_and_a_message(db: Database, clock: FakeClock) -> None:
    rows = parse_school_table(sergokala.cp1251_semicolon_csv(), "s.csv")
    async with db.sessions.begin() as session:
        await districts.import_schools(
            session=session,
            district_name=sergokala.DISTRICT,
            tz="Europe/Moscow",
            rows=rows,
            now=clock.now(),
        )
        district = await districts.require_district(session, sergokala.DISTRICT)
        await rounds.current_round(session, district, clock.now())
        session.add(
            OutboxMessage(
                natural_key="test:1",
                kind="prompt",
                peer_id=100,
                payload={},
                random_id=1,
                not_before=clock.now(),
                created_at=clock.now(),
            )
        )


async def test_health_ready_and_metrics(db: Database, clock: FakeClock, tmp_path: Path) -> None:
    await seed_district_with_a_round_and_a_message(db, clock)
    async with cluster(db, clock, tmp_path) as group:
        group.emulator.add_user(100, "Имя", "Фамилия")
        instance = group.new_instance("a", callback=True)
        await instance.start()
        base = f"http://127.0.0.1:{instance.port}"
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/healthz") as answer:
                assert answer.status == 200
            async with http.get(f"{base}/readyz") as answer:
                assert answer.status == 200, await answer.text()
                body = await answer.json()
            assert body["checks"] == {
                "database": "ok",
                "migrations": "ok",
                "vk": "ok",
                "inbound": "ok",
            }
            group.emulator.inject_fault(method="messages.send", error_code=901, times=1)
            url = f"{base}/callback"
            assert await group.emulator.use_callback(url, "callback-secret-42", "c0nf1rm-me")
            await group.emulator.deliver_message(100, "что это?")
            await group.settle([instance])
            async with http.get(f"{base}/metrics") as answer:
                assert answer.status == 200
                page = await answer.text()
        for name in METRIC_NAMES:
            assert name in page, name
        assert 'svodka_events_received_total{source="callback"} 1.0' in page
        assert 'svodka_outbox_backlog{kind="prompt"} 1.0' in page
        assert f'svodka_round_answered_ratio{{district="{sergokala.DISTRICT}"}} 0.0' in page
        assert 'svodka_vk_errors_total{code="901",method="messages.send"} 1.0' in page


async def test_readiness_fails_when_the_database_is_gone(
    sqlite_db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    async with cluster(sqlite_db, clock, tmp_path) as group:
        instance = group.new_instance("a", callback=True)
        await instance.start()
        await sqlite_db.dispose()
        (tmp_path / "test.db").unlink()
        (tmp_path / "test.db").mkdir()  # the file is now a directory: unreadable
        checks = await instance.health.readiness()
        assert checks["database"].startswith("unreachable")


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (["run"], {}, "VK_TOKEN"),
        (["run", "--callback"], {"VK_TOKEN": "token-123456"}, "CALLBACK_SECRET"),
        (
            ["run", "--callback"],
            {"VK_TOKEN": "token-123456", "CALLBACK_SECRET": "s", "CALLBACK_CONFIRMATION": "c"},
            "VK_GROUP_ID",
        ),
    ],
)
def test_run_refuses_to_start_without_settings(
    argv: list[str],
    env: dict[str, str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("VK_TOKEN", "VK_GROUP_ID", "CALLBACK_SECRET", "CALLBACK_CONFIRMATION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/run.db")
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert message in err
