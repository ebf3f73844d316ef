"""A scheduled week of a 12-school district under faults: VK error bursts during the Thursday
reminder fan-out and the Friday summary, dropped connections, HTTP 5xx, a locked SQLite
database and PostgreSQL connections killed mid-tick — with a restart (a fresh database engine,
App and Scheduler) before every tick. Every planned message still arrives exactly once."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

import storage.db
from bot.app import build_app
from bot.clock import FakeClock
from bot.emulator import Emulator, start_emulator
from bot.scheduler import Scheduler
from storage.db import Database, open_database
from storage.repos import outbox as outbox_repo
from tests.integration.scheduler.world import World, moscow
from tests.reliability.week import ANSWERS, END, assert_exactly_once
from tests.utils.harness import TOKEN, emulator_settings

BEAT = timedelta(seconds=30)  # a crashed tick is tried again by the next beat
LOCK_TIMEOUT_MS = 200

VK_FAULTS = {
    # Monday prompts: VK says "too many requests" more often than SvodkaAPI retries.
    "2024-10-21 09:00": [{"method": "execute", "error_code": 6, "times": 6}],
    # Thursday's first reminders: every kind of fault at once.
    "2024-10-24 15:00": [
        {"method": "execute", "error_code": 6, "times": 5},
        {"method": "messages.send", "error_code": 10, "times": 3},
        {"drop_connections": 3},
    ],
    # Friday's second reminders (one injected error per method at a time).
    "2024-10-25 10:00": [
        {"http_status": 502, "times": 5},
        {"method": "messages.send", "error_code": 9, "times": 3},
    ],
    # The Friday summary.
    "2024-10-25 17:00": [
        {"method": "execute", "error_code": 10, "times": 5},
        {"http_status": 503, "times": 2},
        {"drop_connections": 2},
    ],
}


@dataclass
class Week:
    """The district, the emulator, and a way to tick as a freshly started process would."""

    world: World
    faults: dict[datetime, list[dict[str, Any]]] = field(default_factory=dict)
    # Run around the tick at a moment: `before` may wrap it in a database fault.
    db_faults: dict[datetime, Callable[[Database, Scheduler], Awaitable[Any]]] = field(
        default_factory=dict
    )
    failed_ticks: int = 0
    ticks: int = 0
    _view: Scheduler | None = None

    @property
    def clock(self) -> FakeClock:
        return self.world.clock

    async def tick(self) -> bool:
        """One tick by a brand-new instance on its own engine; False if the tick failed."""
        now = self.clock.now()
        for spec in self.faults.pop(now, []):
            self.world.emulator.inject_fault(**spec)
        db = await reopen(self.world.db)
        app = build_app(settings=self.world.settings, db=db, clock=self.clock)
        app.context.api.backoff_s = 0.001
        scheduler = Scheduler(app.context, claim_batch=5)
        fault = self.db_faults.pop(now, None)
        self.ticks += 1
        try:
            if fault is None:
                await scheduler.tick()
            else:
                await fault(db, scheduler)
            return True
        except Exception:
            self.failed_ticks += 1
            return False
        finally:
            await app.close()
            await db.dispose()

    async def play_to(self, until: datetime) -> None:
        while True:
            while not await self.tick():
                self.clock.advance(BEAT)
            moment = await self.view.next_due(self.clock.now())
            if moment is None or moment > until:
                break
            self.clock.set(moment)
        if until > self.clock.now():
            self.clock.set(until)
            while not await self.tick():
                self.clock.advance(BEAT)

    @property
    def view(self) -> Scheduler:
        """Only asked what is due next; never ticks."""
        if self._view is None:
            self._view = self.world.scheduler("view")
        return self._view

    async def play(self) -> Counter[tuple[str, int]]:
        for at, schools in ANSWERS:
            await self.play_to(moscow(at))
            for school in schools:
                await self.world.answer(school)
        await self.play_to(moscow(END))
        return await self.world.delivered()


async def reopen(db: Database) -> Database:
    """A second engine on the same database, as another process would open it."""
    url = db.engine.url.render_as_string(hide_password=False)
    if db.is_sqlite:
        return open_database(url)
    async with db.reads() as session:
        search_path = await session.scalar(text("SHOW search_path"))
    return open_database(url, connect_args={"server_settings": {"search_path": search_path}})


@pytest.fixture
async def week(db: Database, clock: FakeClock, tmp_path: Path) -> AsyncIterator[Week]:
    emulator = Emulator(token=TOKEN, rps=10_000, now=lambda: clock.now().timestamp())
    runner, base_url = await start_emulator(emulator)
    world = World(db, clock, emulator, await emulator_settings(emulator, base_url))
    await world.seed()
    try:
        yield Week(world)
    finally:
        await world.close()
        await runner.cleanup()


async def test_vk_faults_during_the_week_deliver_everything_once(week: Week) -> None:
    week.faults = {moscow(at): specs for at, specs in VK_FAULTS.items()}
    delivered = await week.play()

    assert_exactly_once(delivered)
    rows = await week.world.outbox()
    assert {row.status for row in rows if row.round_id == rows[0].round_id} <= {
        "sent",
        "cancelled",
    }
    retried = [row for row in rows if row.attempts > 1]
    errors = week.world.emulator.stats()["errors"]
    assert retried, "the faults never reached the outbox"
    assert errors.get("6", 0) >= 6 and errors.get("9", 0) >= 3 and errors.get("10", 0) >= 3
    assert not week.faults, "a fault was scheduled for a moment the week never reached"


# --- The database failing in the middle of a tick ------------------------------------------


class _TickBlocked(Exception):
    """The tick ran but could write nothing: counted as a failed tick."""


async def _tick_with_sqlite_locked_throughout(db: Database, scheduler: Scheduler) -> None:
    """Another process holds a write transaction across the whole tick. Planning a district
    fails alone (logged, retried next tick), so the tick may end without an error, but it
    must have written nothing."""
    async with _write_lock(db):
        report = await scheduler.tick()
    if report.rows_written == 0:
        raise _TickBlocked


async def _tick_with_sqlite_locked_before_marking(db: Database, scheduler: Scheduler) -> None:
    """The messages go out, then the database is locked when the tick records that."""
    api = scheduler.sender.api
    original = api.request
    lock = _write_lock(db)

    async def send_then_lock(method: str, params: dict[str, Any]) -> Any:
        answer = await original(method, params)
        await lock.__aenter__()
        return answer

    api.request = send_then_lock  # type: ignore[method-assign]
    try:
        await scheduler.tick()
    finally:
        await lock.__aexit__(None, None, None)


class _write_lock:  # noqa: N801 — reads as a context manager at the call site
    """A write transaction (BEGIN IMMEDIATE) on a connection of its own: everyone else's
    writes wait for busy_timeout, then fail with "database is locked"."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.connection: Any = None

    async def __aenter__(self) -> None:
        if self.connection is None:
            self.connection = await self.db.engine.connect()
            await self.connection.begin()  # BEGIN IMMEDIATE (storage/db.py)

    async def __aexit__(self, *_exc: object) -> None:
        if self.connection is not None:
            await self.connection.rollback()
            await self.connection.close()
            self.connection = None


def _terminate_while_marking(url_db: Database) -> Callable[[Database, Scheduler], Awaitable[Any]]:
    """The scheduler's PostgreSQL connections are killed (pg_terminate_backend from a side
    connection) inside the transaction that records what was sent."""

    async def run(db: Database, scheduler: Scheduler) -> None:
        pids: set[int] = set()

        @event.listens_for(db.engine.sync_engine, "checkout")
        def _remember(dbapi_connection: Any, *_args: Any) -> None:
            pids.add(dbapi_connection.driver_connection.get_server_pid())

        original = outbox_repo.mark_sent
        killed = []

        async def mark_after_kill(session: Any, **kwargs: Any) -> None:
            if not killed:
                await session.connection()  # the transaction really is open
                side = await reopen(url_db)
                try:
                    async with side.engine.connect() as connection:
                        for pid in pids:
                            await connection.execute(
                                text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}
                            )
                finally:
                    await side.dispose()
                killed.append(len(pids))
            await original(session, **kwargs)

        outbox_repo.mark_sent = mark_after_kill  # type: ignore[assignment]
        try:
            await scheduler.tick()
        finally:
            outbox_repo.mark_sent = original  # type: ignore[assignment]
        assert killed, "the tick never reached its marks"

    return run


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage.db, "SQLITE_BUSY_TIMEOUT_MS", LOCK_TIMEOUT_MS)


async def test_database_failures_mid_tick_deliver_everything_once(
    week: Week, short_busy_timeout: None
) -> None:
    fault_at = ["2024-10-21 09:00", "2024-10-24 15:00", "2024-10-25 17:00", "2024-10-28 09:00"]
    if week.world.db.is_sqlite:
        faults = [
            _tick_with_sqlite_locked_throughout,
            _tick_with_sqlite_locked_before_marking,
            _tick_with_sqlite_locked_before_marking,
            _tick_with_sqlite_locked_before_marking,
        ]
    else:
        faults = [_terminate_while_marking(week.world.db)] * len(fault_at)
    week.db_faults = {moscow(at): fault for at, fault in zip(fault_at, faults, strict=True)}
    # Some rows of the same request fail on the VK side too, so retries and marks mix.
    week.faults = {moscow("2024-10-24 15:00"): [{"method": "messages.send", "error_code": 10}]}
    delivered = await week.play()

    assert week.failed_ticks >= len(fault_at), "the database faults did not bite"
    assert not week.db_faults
    assert_exactly_once(delivered)
    rows = await week.world.outbox()
    assert "sending" not in {row.status for row in rows}, "a claim was never released"
    assert repeats_dropped(week.world.emulator) > 0, "nothing was sent twice to VK"


def repeats_dropped(emulator: Emulator) -> int:
    """Sends VK answered without delivering: sent, not recorded, sent again, same random_id."""
    sends = [
        (call["params"].get("peer_id"), call["params"].get("random_id"))
        for call in emulator.calls_log("messages.send")
        if call["error_code"] is None
    ]
    return len(sends) - len(set(sends))
