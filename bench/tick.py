"""Planning tick: the scheduler's plan + sweep + purge over a country (40 000 schools, 80
districts, a head each, a week of processed VK updates inside their retention), on SQLite and
PostgreSQL.

- `first_tick_ms`: Monday 09:00, the tick that opens the 80 rounds and plans every head's
  prompt (`planned` rows);
- `tick_ms`: the tick every 30 s after that, when nothing new is due — the steady state,
  median of `--repeat` ticks. Baseline: one hand-written SQL counting the same due set (the
  heads of unanswered schools in districts with an open round whose prompt is not in the
  outbox yet), in the same run;
- `rows_written_idle`: rows the idle tick inserted, updated or deleted (goal 0), counted by
  statement hooks on the engine and checked against row counts of outbox, rounds, campaigns
  and inbound events.

    python -m bench.tick [--quick] [--schools 40000] [--districts 80] [--repeat 5]
                         [--events 100000]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, insert, select, text

from bench.common import Result, run_benchmark
from bench.seed import ROWS_PER_INSERT, DatabaseUnavailable, fresh_database, seed
from bot.config import Settings
from bot.scheduler.planner import plan
from bot.scheduler.retention import purge_events
from bot.scheduler.sweeper import sweep
from storage.db import Database
from storage.models import Campaign, InboundEvent, OutboxMessage, Round

logger = logging.getLogger("bench.tick")

MONDAY_PROMPT = datetime(2024, 10, 21, 6, 1, tzinfo=UTC)  # 09:01 MSK, 2024-W43
IDLE_GAP = timedelta(seconds=30)  # the scheduler's beat
RETENTION = timedelta(days=Settings.model_fields["inbound_retention_days"].default)
WRITES = ("INSERT", "UPDATE", "DELETE")

# The due set of the prompt slot, the simplest way: what the planner must find (and finds
# already planned) on every tick of the week.
DUE_SET = text(
    r"""
    SELECT count(*)
    FROM rounds r
    JOIN schools s ON s.district_id = r.district_id AND s.archived_at IS NULL
    JOIN school_staff st ON st.school_id = s.id
    JOIN people p ON p.id = st.person_id AND p.vk_id IS NOT NULL
    WHERE r.period = :period AND NOT r.skipped
      AND NOT EXISTS (SELECT 1 FROM responses a WHERE a.round_id = r.id AND a.school_id = s.id)
      AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.natural_key =
          'r' || r.id || '\:prompt\:s' || s.id || '\:p' || p.id)
    """
)


@dataclass
class Sizes:
    schools: int
    districts: int
    repeat: int
    events: int

    @property
    def params(self) -> dict[str, Any]:
        return {
            "schools": self.schools,
            "districts": self.districts,
            "repeat": self.repeat,
            "events": self.events,
        }


class WriteCounter:
    """Rows written through an engine, from the driver's rowcount of each write statement,
    and the write transactions begun (connections without the read-only option)."""

    def __init__(self, db: Database) -> None:
        self.rows = 0
        self.statements = 0
        self.transactions = 0
        event.listen(db.engine.sync_engine, "after_cursor_execute", self._seen)
        event.listen(db.engine.sync_engine, "begin", self._begun)

    def _begun(self, connection: Any) -> None:
        self.transactions += not connection.get_execution_options().get("read_only", False)

    def _seen(self, _conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith(WRITES):
            self.statements += 1
            self.rows += max(cursor.rowcount or 0, 0)

    @contextmanager
    def counting(self) -> Iterator[None]:
        self.rows = self.statements = self.transactions = 0
        yield


async def _tick(db: Database, now: datetime) -> tuple[float, int]:
    started = time.perf_counter()
    planned = await plan(db=db, now=now)
    await sweep(db=db, now=now)
    await purge_events(db=db, now=now, keep=RETENTION)
    return 1000 * (time.perf_counter() - started), planned


async def _seed_events(db: Database, count: int, now: datetime) -> None:
    """Updates handled over the last six days: kept by the retention, so the idle tick's
    purge finds nothing (it must not write) after looking among them."""
    step = timedelta(days=6) / max(count, 1)
    async with db.sessions.begin() as session:
        for start in range(0, count, ROWS_PER_INSERT):
            rows = [
                {"event_id": f"bench-{n}", "received_at": now - n * step,
                 "processed_at": now - n * step, "payload": None}
                for n in range(start, min(start + ROWS_PER_INSERT, count))
            ]  # fmt: skip
            await session.execute(insert(InboundEvent), rows)


async def _table_rows(db: Database) -> int:
    async with db.reads() as session:
        counts = [
            await session.scalar(select(func.count()).select_from(model))
            for model in (OutboxMessage, Round, Campaign, InboundEvent)
        ]
    return sum(c or 0 for c in counts)


async def _due_set(db: Database) -> tuple[float, int]:
    started = time.perf_counter()
    async with db.reads() as session:
        due = await session.scalar(DUE_SET, {"period": "2024-W43"}) or 0
    return 1000 * (time.perf_counter() - started), due


async def measure(engine: str, sizes: Sizes, workdir: Path) -> list[Result]:
    async with fresh_database(engine, workdir) as target:
        db = target.open()
        try:
            per_district = -(-sizes.schools // sizes.districts)
            started = time.perf_counter()
            await seed(db, schools=sizes.schools, heads=sizes.schools, per_district=per_district)
            await _seed_events(db, sizes.events, MONDAY_PROMPT)
            logger.info("%s: seeded in %.0f s", engine, time.perf_counter() - started)
            counter = WriteCounter(db)
            now = MONDAY_PROMPT
            first_ms, planned = await _tick(db, now)
            logger.info("%s: first tick %.0f ms, %d planned", engine, first_ms, planned)
            idle_ms, baseline_ms, written, statements, transactions = [], [], 0, 0, 0
            for _ in range(sizes.repeat):
                now += IDLE_GAP
                before = await _table_rows(db)
                with counter.counting():
                    elapsed, _ = await _tick(db, now)
                grew = await _table_rows(db) - before
                written = max(written, counter.rows, grew)
                statements = max(statements, counter.statements)
                transactions = max(transactions, counter.transactions)
                idle_ms.append(elapsed)
                base_ms, due = await _due_set(db)
                baseline_ms.append(base_ms)
                assert due == 0, f"{due} due rows left after a tick"
        finally:
            await db.dispose()
    name, params = f"planning_tick.{engine}", {"engine": engine, **sizes.params}
    return [
        Result(name, "first_tick_ms", round(first_ms, 1), "ms", None,
               {**params, "planned": planned}),
        Result(name, "tick_ms", round(statistics.median(idle_ms), 1), "ms",
               round(statistics.median(baseline_ms), 1), params),
        Result(name, "rows_written_idle", written, "rows", None,
               {**params, "goal": "0", "write_statements": statements}),
        Result(name, "write_transactions_idle", transactions, "transactions", None,
               {**params, "goal": "0"}),
    ]  # fmt: skip


async def run_all(sizes: Sizes, engines: list[str]) -> list[Result]:
    results: list[Result] = []
    for engine in engines:
        with tempfile.TemporaryDirectory() as workdir:
            try:
                results += await measure(engine, sizes, Path(workdir))
            except DatabaseUnavailable as exc:
                logger.warning("%s skipped: %s", engine, exc)
    return results


def parse_args(argv: list[str] | None) -> tuple[Sizes, list[str]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke sizes")
    parser.add_argument("--schools", type=int, help="schools, a head each (40000)")
    parser.add_argument("--districts", type=int, help="districts they are spread over (80)")
    parser.add_argument("--repeat", type=int, help="idle ticks measured (5)")
    parser.add_argument(
        "--events", type=int, help="processed updates inside their retention (100000)"
    )
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    defaults = (200, 4, 2, 1_000) if args.quick else (40_000, 80, 5, 100_000)
    given = (args.schools, args.districts, args.repeat, args.events)
    sizes = Sizes(*(g if g is not None else d for g, d in zip(given, defaults, strict=True)))
    return sizes, [e for e in args.engines.split(",") if e]


def main(argv: list[str] | None = None) -> int:
    return run_benchmark(parse_args, run_all, argv)


if __name__ == "__main__":
    sys.exit(main())
