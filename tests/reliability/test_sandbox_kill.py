"""`kill -9` of `svodka sandbox` at random points of a scheduled week: restarted, it goes on
from the stored clock, and every planned message reaches VK exactly once.

The emulator runs as its own long-lived process (`python -m bot.emulator`), and the sandbox
talks to it through `--vk-api-url`: VK's memory of what it received — and of the random_ids it
has seen — outlives every kill, as the real VK's would.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from sqlalchemy import func, select, text

from bot.clock import FakeClock
from bot.emulator import EmulatorClient
from bot.sandbox import SANDBOX_TOKEN
from storage.db import Database, open_database
from storage.models import Chat, District, Official, OutboxMessage, Person, School, SchoolStaff
from tests.conftest import PG_SKIP_REASON
from tests.integration.scheduler.world import (
    CHAT_PEER,
    OFFICIAL_VK,
    World,
    deputy_vk,
    head_vk,
    moscow,
)
from tests.reliability.week import ANSWERS, END, assert_exactly_once
from tests.utils import sergokala

START = "2024-10-21T05:00:00+00:00"  # Monday 08:00 in Moscow, an hour before the prompt
STEP = timedelta(hours=4)
SEED = int(os.environ.get("SVODKA_KILL_SEED", "1021"))
READY_TIMEOUT_S = 30.0
MOSCOW = ZoneInfo("Europe/Moscow")
FAN_OUTS = [
    moscow(at)
    for at in ("2024-10-21 09:00", "2024-10-24 15:00", "2024-10-25 10:00", "2024-10-25 17:00")
] + [moscow("2024-10-28 09:00")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(database_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}


@contextmanager
def _process(args: list[str], cwd: Path, env: dict[str, str]) -> Iterator[subprocess.Popen]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(cwd / f"{args[0]}.log", "ab"),  # noqa: SIM115 — the child owns it
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


async def _wait_ready(url: str) -> None:
    deadline = asyncio.get_running_loop().time() + READY_TIMEOUT_S
    async with aiohttp.ClientSession() as http:
        while True:
            with suppress(aiohttp.ClientError):
                async with http.get(url) as answer:
                    if answer.status == 200:
                        return
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"{url} did not come up")
            await asyncio.sleep(0.1)  # a process starting, not fake time passing


@dataclass
class KilledWeek:
    """The sandbox process, restarted after every kill; what it was killed doing."""

    cwd: Path
    database_url: str
    vk_api_url: str
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen | None = None
    kills: list[str] = field(default_factory=list)

    @property
    def clock_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/_sandbox/clock"

    async def start(self, now: str | None = None) -> None:
        args = ["sandbox", "--port", str(self.port), "--vk-api-url", self.vk_api_url]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", *args, *(["--now", now] if now else [])],
            cwd=self.cwd,
            env=_env(self.database_url),
            stdout=subprocess.DEVNULL,
            stderr=open(self.cwd / "sandbox.log", "ab"),  # noqa: SIM115 — the child owns it
        )
        await _wait_ready(self.clock_url)

    def kill(self, where: str) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.kills.append(where)

    async def move_to(self, target: datetime, rng: random.Random, kill: bool) -> None:
        """POST the clock to `target`; if `kill`, SIGKILL the sandbox either while the POST
        is in flight or right after it returns, restart it, and ask again."""
        body = {"now": target.isoformat()}
        async with aiohttp.ClientSession() as http:
            post = asyncio.ensure_future(http.post(self.clock_url, json=body))
            if kill and rng.random() < 0.6:
                await asyncio.sleep(rng.uniform(0.0, 0.15))  # somewhere inside the fan-out
                self.kill(f"in flight to {_label(target)}")
                with suppress(aiohttp.ClientError):
                    (await post).close()
            else:
                answer = await post
                assert answer.status == 200, await answer.text()
                if kill:
                    self.kill(f"after {_label(target)}")
        if kill:
            await self.start()
            await self.move_to(target, rng, kill=False)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill("at the end")
            self.kills.pop()


def _label(moment: datetime) -> str:
    return f"{moment.astimezone(MOSCOW):%a %H:%M} MSK"


@asynccontextmanager
async def _database_url(engine: str, tmp_path: Path) -> AsyncIterator[str]:
    if engine == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/sandbox.db"
        return
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip(PG_SKIP_REASON)
    name = (
        f"kill_{uuid.uuid4().hex[:12]}"  # a database of its own: the sandbox has no schema option
    )
    admin = open_database(base, isolation_level="AUTOCOMMIT")
    try:
        async with admin.engine.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield base.rsplit("/", 1)[0] + f"/{name}"
    finally:
        async with admin.engine.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def _seed(db: Database, emulator: EmulatorClient, now: datetime) -> list[int]:
    """Heads for the imported schools, deputies for two, an official and the district chat."""
    async with db.sessions.begin() as session:
        district = await session.scalar(select(District))
        schools = list(await session.scalars(select(School.id).order_by(School.id)))

        async def person(vk_id: int, name: str) -> Person:
            added = Person(vk_id=vk_id, first_name=name, last_name="Ф", created_at=now)
            session.add(added)
            await session.flush()
            await emulator.add_user(vk_id, name, "Ф")
            return added

        for index, school_id in enumerate(schools):
            roles = [("head", head_vk(index))] + ([("deputy", deputy_vk(index))] * (index < 2))
            for role, vk_id in roles:
                staff = await person(vk_id, f"Глава{index}" if role == "head" else "Зам")
                session.add(
                    SchoolStaff(person_id=staff.id, school_id=school_id, role=role, created_at=now)
                )
        official = await person(OFFICIAL_VK, "Анна")
        session.add(Official(person_id=official.id, district_id=district.id, created_at=now))
        session.add(Chat(peer_id=CHAT_PEER, district_id=district.id, title="Район", bound_at=now))
        await emulator.add_chat(CHAT_PEER - 2_000_000_000, "Район", [OFFICIAL_VK])
    return schools


class _SentLog:
    """What World.delivered reads, fetched from the emulator process."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = items

    def sent_items(self) -> list[dict[str, Any]]:
        return self.items


def _targets(step: timedelta) -> list[datetime]:
    """Clock targets through the week: every `step`, plus every answer time."""
    start, end = datetime.fromisoformat(START), moscow(END)
    moments = {moscow(at) for at, _ in ANSWERS}
    moment = start + step
    while moment < end:
        moments.add(moment)
        moment += step
    return sorted({*moments, end})


def _kill_points(targets: list[datetime], rng: random.Random, kills: int) -> set[int]:
    """Which clock moves to kill: first those that carry out a fan-out (prompts, reminders,
    summary, escalation), then any."""
    fanouts = [
        index
        for index in range(1, len(targets))
        if any(targets[index - 1] < moment <= targets[index] for moment in FAN_OUTS)
    ]
    chosen = rng.sample(fanouts, min(kills, len(fanouts)))
    others = [index for index in range(len(targets)) if index not in chosen]
    return {*chosen, *rng.sample(others, kills - len(chosen))}


# The PostgreSQL run repeats four process start-ups (≈ 50 s on a busy machine): soak only.
@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
async def test_sandbox_killed_at_random_points_delivers_the_week_once(
    engine: str, tmp_path: Path
) -> None:
    await _play_killed_week(engine, tmp_path, step=STEP, kills=3)


@pytest.mark.slow
async def test_soak_sandbox_killed_fifteen_times(tmp_path: Path) -> None:
    await _play_killed_week("sqlite", tmp_path, step=timedelta(hours=1), kills=15)


async def _play_killed_week(engine: str, tmp_path: Path, *, step: timedelta, kills: int) -> None:
    rng = random.Random(SEED)
    async with _killable_sandbox(engine, tmp_path) as (week, db, emulator):
        world = await _play(week, db, emulator, rng, step=step, kills=kills)
        world.emulator = _SentLog(await emulator.sent())  # type: ignore[assignment]
        repeats = _repeats(await emulator.calls("messages.send"))
        outbox = await world.outbox()
        delivered = await world.delivered()
    assert len(week.kills) == kills, week.kills
    assert "sending" not in {row.status for row in outbox}, "a claim was never released"
    assert_exactly_once(delivered)
    print(f"kills: {week.kills}; sends VK dropped as repeats: {repeats}")


@asynccontextmanager
async def _killable_sandbox(
    engine: str, tmp_path: Path
) -> AsyncIterator[tuple[KilledWeek, Database, EmulatorClient]]:
    """The emulator in a process of its own, the district imported, a sandbox to start and
    kill, and the database and the emulator to look at."""
    emulator_port = _free_port()
    async with _database_url(engine, tmp_path) as database_url:
        emulator_args = ["emulator", "--port", str(emulator_port), "--token", SANDBOX_TOKEN]
        with _process([*emulator_args, "--rps", "0"], tmp_path, _env(database_url)):
            base = f"http://127.0.0.1:{emulator_port}"
            await asyncio.gather(
                _import_schools(tmp_path, database_url), _wait_ready(f"{base}/_emu/stats")
            )
            week = KilledWeek(tmp_path, database_url, f"{base}/method/")
            db = open_database(database_url)
            try:
                async with EmulatorClient(base) as emulator:
                    yield week, db, emulator
            finally:
                week.stop()
                await db.dispose()


async def _import_schools(cwd: Path, database_url: str) -> None:
    """`svodka import schools`, as an admin would seed the district."""
    schools_file = cwd / "schools.csv"
    schools_file.write_bytes(sergokala.cp1251_semicolon_csv())
    command = ["import", "schools", str(schools_file), "--district", sergokala.DISTRICT]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *command,
        cwd=cwd,
        env=_env(database_url),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, errors = await process.communicate()
    assert process.returncode == 0, errors.decode()


def _repeats(calls: list[dict[str, Any]]) -> int:
    sends = [
        (call["params"].get("peer_id"), call["params"].get("random_id"))
        for call in calls
        if call["error_code"] is None
    ]
    return len(sends) - len(set(sends))


async def _play(
    week: KilledWeek,
    db: Database,
    emulator: EmulatorClient,
    rng: random.Random,
    *,
    step: timedelta,
    kills: int,
) -> World:
    """The week with kills at `kills` random clock moves; heads answer as the week goes on."""
    clock = FakeClock(datetime.fromisoformat(START))
    schools = await _seed(db, emulator, clock.now())
    async with db.reads() as session:
        district = await session.scalar(select(District))
    world = World(db, clock, None, None, district.id, schools)  # type: ignore[arg-type]
    targets = _targets(step)
    kill_at = _kill_points(targets, rng, kills)
    answers = {moscow(at): indices for at, indices in ANSWERS}
    await week.start(START)
    try:
        for number, target in enumerate(targets):
            await week.move_to(target, rng, kill=number in kill_at)
            clock.set(target)
            for school in answers.get(target, []):
                await world.answer(school)
    finally:
        week.stop()
    return world


MONDAY_PROMPTS = moscow("2024-10-21 09:00")


# 900 heads is the district of the measurement in docs/reliability.md: soak only.
@pytest.mark.parametrize(
    ("engine", "heads"),
    [
        ("sqlite", 12),
        pytest.param("postgresql", 12, marks=pytest.mark.slow),
        pytest.param("sqlite", 900, marks=pytest.mark.slow),
    ],
)
async def test_sandbox_killed_while_sending_the_monday_prompts_sends_them_on_restart(
    engine: str, heads: int, tmp_path: Path
) -> None:
    """Killed with every prompt claimed and none marked (VK was slow to answer), restarted:
    the prompts go out at once, at 09:00, not after their claims expire."""
    async with _killable_sandbox(engine, tmp_path) as (week, db, emulator):
        now = datetime.fromisoformat(START)
        await _seed(db, emulator, now)
        prompts = 14 + await _more_heads(db, emulator, now, heads - 12)
        await week.start(START)
        for method in ("execute", "messages.send"):
            await emulator.faults(method=method, delay_s=600, times=100_000)
        async with aiohttp.ClientSession() as http:
            body = {"now": MONDAY_PROMPTS.isoformat()}
            moving = asyncio.ensure_future(http.post(week.clock_url, json=body))
            await _until_sending(db, prompts)
            week.kill("in the Monday prompts")
            with suppress(aiohttp.ClientError):
                (await moving).close()
        for method in ("execute", "messages.send"):
            await emulator.faults(method=method, delay_s=0, times=1)
        restarted = time.monotonic()
        await week.start()
        await week.move_to(MONDAY_PROMPTS, random.Random(SEED), kill=False)
        took = time.monotonic() - restarted
        sent = await emulator.sent()
        async with db.reads() as session:
            rows = list(await session.scalars(select(OutboxMessage)))
    assert len(rows) == prompts
    assert {(row.status, row.sent_at) for row in rows} == {("sent", MONDAY_PROMPTS)}
    per_peer = Counter(item["peer_id"] for item in sent)
    assert len(per_peer) == prompts and set(per_peer.values()) == {1}
    print(f"{prompts} prompts claimed by the killed sandbox: all sent {took:.1f} s after restart")


async def _more_heads(db: Database, emulator: EmulatorClient, now: datetime, count: int) -> int:
    """`count` more schools in the district, each with a head the emulator knows."""
    if count <= 0:
        return 0
    async with db.sessions.begin() as session:
        district = await session.scalar(select(District))
        for index in range(count):
            school = School(district_id=district.id, name=f"Школа {index}", created_at=now)
            head = Person(vk_id=500_000 + index, first_name="Глава", last_name="Ф", created_at=now)
            session.add_all([school, head])
            await session.flush()
            session.add(
                SchoolStaff(person_id=head.id, school_id=school.id, role="head", created_at=now)
            )
    for index in range(count):
        await emulator.add_user(500_000 + index, "Глава", "Ф")
    return count


async def _until_sending(db: Database, count: int) -> None:
    async def claimed() -> None:
        query = select(func.count()).where(OutboxMessage.status == "sending")
        while True:
            async with db.reads() as session:
                if await session.scalar(query) == count:
                    return
            await asyncio.sleep(0.05)  # a process working, not fake time passing

    await asyncio.wait_for(claimed(), READY_TIMEOUT_S)
