"""`docker compose up` without Docker: the compose file's own commands — `migrate`, then the
bot, then its healthcheck — run as processes against a fresh PostgreSQL database and the VK
emulator, then SIGTERM, as `docker compose stop` sends it."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import text

from bot.emulator import EmulatorClient
from bot.sandbox import SANDBOX_TOKEN
from storage.db import open_database
from storage.migrate import HEADS
from tests.deploy.compose import healthcheck_here, services, with_port
from tests.reliability.test_sandbox_kill import (
    READY_TIMEOUT_S,
    _database_url,
    _env,
    _free_port,
    _process,
    _wait_ready,
)

STRANGER = 4242
SECRET = "compose-secret"
CONFIRMATION = "c0nf1rm"


async def _healthy(check: list[str], cwd: Path) -> None:
    """Run the compose healthcheck until it passes, as Docker does during start_period."""
    deadline = asyncio.get_running_loop().time() + READY_TIMEOUT_S
    while True:
        run = await asyncio.create_subprocess_exec(
            *check, cwd=cwd, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
        )
        _, err = await run.communicate()
        if run.returncode == 0:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"the healthcheck never passed: {err.decode()[-2000:]}")
        await asyncio.sleep(0.2)  # a process starting, not fake time passing


async def _get(url: str) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.get(url) as answer:
        body = await answer.json() if answer.content_type == "application/json" else None
        return answer.status, body if body is not None else await answer.text()


async def _schema_revisions(database_url: str) -> set[str]:
    db = open_database(database_url)
    try:
        async with db.reads() as session:
            return set(await session.scalars(text("SELECT version_num FROM alembic_version")))
    finally:
        await db.dispose()


@pytest.mark.parametrize("name", ["bot", "callback"])
async def test_migrate_run_healthy_answer_and_stop_on_sigterm(name: str, tmp_path: Path) -> None:
    every = services()
    service = every[name]
    port = _free_port()
    emulator_port = _free_port()
    base = f"http://127.0.0.1:{emulator_port}"
    async with _database_url("postgresql", tmp_path) as database_url:
        env = {
            **_env(database_url),
            "VK_TOKEN": SANDBOX_TOKEN,
            "VK_GROUP_ID": "1",
            "VK_API_URL": f"{base}/method/",
            "CALLBACK_SECRET": SECRET,
            "CALLBACK_CONFIRMATION": CONFIRMATION,
        }
        emulator = ["emulator", "--port", str(emulator_port), "--token", SANDBOX_TOKEN]
        with _process(emulator, tmp_path, env):
            await _wait_ready(f"{base}/_emu/stats")

            _, *migrate = every["migrate"]["command"]
            migrated = subprocess.run(
                [sys.executable, "-m", "bot", *migrate], cwd=tmp_path, env=env, capture_output=True
            )
            assert migrated.returncode == 0, migrated.stderr.decode()
            assert await _schema_revisions(database_url) == set(HEADS)

            svodka, *bot = with_port(service["command"], port)
            assert svodka == "svodka"
            check = healthcheck_here(service, port)
            started = time.monotonic()
            with _process(bot, tmp_path, env) as process:
                await _healthy(check, tmp_path)
                healthy = time.monotonic() - started
                status, body = await _get(f"http://127.0.0.1:{port}/healthz")
                assert (status, body) == (200, {"status": "ok"})
                status, body = await _get(f"http://127.0.0.1:{port}/readyz")
                assert status == 200 and set(body["checks"].values()) == {"ok"}, body

                async with EmulatorClient(base) as vk:
                    if name == "callback":
                        url = f"http://127.0.0.1:{port}/callback"
                        assert await vk.use_callback(url, SECRET, CONFIRMATION) is True
                    else:
                        assert await vk.wait_pollers(1, READY_TIMEOUT_S) >= 1
                    await vk.add_user(STRANGER, "Гость", "Г")
                    await vk.send_message(STRANGER, "/help")
                    replies = await vk.sent(STRANGER, wait=READY_TIMEOUT_S)
                # Someone the bot does not know is told how to join: by an invite.
                assert replies and "приглаш" in replies[0]["text"], replies

                status, metrics = await _get(f"http://127.0.0.1:{port}/metrics")
                assert status == 200 and "svodka_events_processed_total" in metrics

                process.send_signal(signal.SIGTERM)
                stopping = time.monotonic()
                grace = int(service["stop_grace_period"].removesuffix("s"))
                assert process.wait(timeout=grace) == 0
                stopped = time.monotonic() - stopping
    print(f"{name}: healthy {healthy:.1f} s after the start, stopped {stopped:.1f} s after SIGTERM")
    log = (tmp_path / "run.log").read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log, log
