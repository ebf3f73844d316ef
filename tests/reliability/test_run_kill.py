"""`kill -9` of `svodka run` (Long Poll) and a restart: the restarted process is the same
instance (bot/runtime/identity.py), holds the Long Poll lease at once and answers what was
written while it was down — it used to wait for its own lease to expire (40–57 s)."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.emulator import EmulatorClient
from bot.sandbox import SANDBOX_TOKEN
from tests.reliability.test_sandbox_kill import (
    READY_TIMEOUT_S,
    _database_url,
    _env,
    _free_port,
    _process,
    _wait_ready,
)

HEAD = 100
# Far above what the restart takes now, below what it took before (the 20 s lease, renewed,
# and the 5 s retry): a process that waits for a lease does not pass by luck.
ANSWER_TIMEOUT_S = 60.0


def _start_bot(cwd: Path, env: dict[str, str], log: str) -> subprocess.Popen:
    cwd.mkdir(exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(cwd / log, "wb"),  # noqa: SIM115 — the child owns it
    )


async def _replies(emulator: EmulatorClient, count: int) -> None:
    async def arrived() -> None:
        while len(await emulator.sent(HEAD)) < count:
            await asyncio.sleep(0.05)  # a process working, not fake time passing

    await asyncio.wait_for(arrived(), ANSWER_TIMEOUT_S)


@asynccontextmanager
async def _emulated(
    engine: str, tmp_path: Path
) -> AsyncIterator[tuple[dict[str, str], EmulatorClient]]:
    """The emulator in a process of its own with the head in it, and the environment that
    points `svodka run` at it."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    async with _database_url(engine, tmp_path) as database_url:
        env = {
            **_env(database_url),
            "VK_TOKEN": SANDBOX_TOKEN,
            "VK_GROUP_ID": "1",
            "VK_API_URL": f"{base}/method/",
        }
        emulator_args = ["emulator", "--port", str(port), "--token", SANDBOX_TOKEN]
        with _process(emulator_args, tmp_path, env):
            await _wait_ready(f"{base}/_emu/stats")
            async with EmulatorClient(base) as emulator:
                await emulator.add_user(HEAD, "Патимат", "А")
                yield env, emulator


def _stop(*processes: subprocess.Popen | None) -> None:
    for process in processes:
        if process is not None:
            if process.poll() is None:
                process.kill()
            process.wait()


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
async def test_run_killed_and_restarted_reads_at_once(engine: str, tmp_path: Path) -> None:
    async with _emulated(engine, tmp_path) as (env, emulator):
        bot = _start_bot(tmp_path, env, "run-1.log")
        try:
            assert await emulator.wait_pollers(1, READY_TIMEOUT_S) >= 1
            await emulator.send_message(HEAD, "первое")
            await _replies(emulator, 1)
            bot.send_signal(signal.SIGKILL)
            bot.wait()
            await emulator.send_message(HEAD, "пока бот лежал")
            restarted = time.monotonic()
            bot = _start_bot(tmp_path, env, "run-2.log")
            await _replies(emulator, 2)
            took = time.monotonic() - restarted
        finally:
            _stop(bot)
    log = (tmp_path / "run-2.log").read_text()
    assert "Long Poll уже читает другой экземпляр" not in log, log
    print(f"answered {took:.1f} s after the restart")


async def _logged(log: Path, text: str) -> None:
    async def written() -> None:
        while text not in log.read_text():
            await asyncio.sleep(0.05)  # a process starting, not fake time passing

    await asyncio.wait_for(written(), READY_TIMEOUT_S)


# Waits out the dead reader's lease in real time (≈ 25 s): soak only. The fake-clock test of
# the same is tests/integration/production/test_recovery.py.
@pytest.mark.slow
async def test_a_second_run_reads_within_30_seconds_of_the_reader_s_kill(tmp_path: Path) -> None:
    async with _emulated("sqlite", tmp_path) as (env, emulator):
        # Two instances: each its own state directory, so each its own name.
        reader = _start_bot(tmp_path / "a", env, "run.log")
        other = None
        try:
            assert await emulator.wait_pollers(1, READY_TIMEOUT_S) >= 1
            other = _start_bot(tmp_path / "b", env, "run.log")
            await _logged(tmp_path / "b" / "run.log", "Long Poll уже читает")
            await emulator.send_message(HEAD, "первое")
            await _replies(emulator, 1)
            reader.send_signal(signal.SIGKILL)
            reader.wait()
            killed = time.monotonic()
            await emulator.send_message(HEAD, "пока читатель лежал")
            await _replies(emulator, 2)
            took = time.monotonic() - killed
        finally:
            _stop(reader, other)
    print(f"the other instance answered {took:.1f} s after the reader was killed")
