"""Fan-out of personalised reminders to N heads through the real scheduler and the emulator.

Reports the requests used against the minimum ceil(N / 25) `execute` calls, error-6 answers
(goal 0), duplicate deliveries (goal 0), and the sending time as a ratio of the ideal
requests ÷ SEND_RPS (1.0 means the rate limit is the only thing we wait for).

    python -m bench.fanout [--quick] [--n 40000] [--rps 20] [--engines sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, update

from bench.common import Result, emit
from bench.seed import DatabaseUnavailable, fresh_database
from bot.clock import FakeClock
from bot.config import load_settings
from bot.context import AppContext
from bot.emulator import Emulator, start_emulator
from bot.scheduler import Scheduler
from bot.scheduler.planner import plan
from bot.vk.api import make_api
from storage.db import Database
from storage.models import District, OutboxMessage, Person, School, SchoolStaff

TOKEN = "bench-token"
MONDAY_PROMPT = datetime(2024, 10, 21, 6, 0, tzinfo=UTC)  # 09:00 MSK, 2024-W43
THURSDAY_REMINDER = datetime(2024, 10, 24, 12, 0, tzinfo=UTC)  # 15:00 MSK


async def _seed(db: Database, emulator: Emulator, n: int) -> None:
    now = MONDAY_PROMPT
    async with db.sessions.begin() as session:
        district = District(
            name="Бенчмарк", tz="Europe/Moscow", school_holidays=[], emails=[], created_at=now
        )
        session.add(district)
        await session.flush()
        schools = [
            {"id": i + 1, "district_id": district.id, "name": f"Школа №{i + 1}", "created_at": now}
            for i in range(n)
        ]
        people = [
            {"id": i + 1, "vk_id": 10_000 + i, "first_name": f"Имя{i}", "created_at": now}
            for i in range(n)
        ]
        staff = [
            {"person_id": i + 1, "school_id": i + 1, "role": "head", "created_at": now}
            for i in range(n)
        ]
        for model, rows in ((School, schools), (Person, people), (SchoolStaff, staff)):
            for start in range(0, n, 5000):
                await session.execute(insert(model), rows[start : start + 5000])
    for i in range(n):
        emulator.add_user(10_000 + i, f"Имя{i}", "Ф")


logger = logging.getLogger("bench.fanout")


async def run(n: int, rps: float, engine: str = "sqlite") -> dict[str, Any]:
    clock = FakeClock(MONDAY_PROMPT)
    emulator = Emulator(token=TOKEN, rps=rps, now=lambda: clock.now().timestamp())
    runner, base_url = await start_emulator(emulator)
    settings = load_settings(
        _env_file=None, vk_token=TOKEN, vk_api_url=f"{base_url}/method/", send_rps=rps
    )
    api = make_api(TOKEN, settings.vk_api_url, rps)
    try:
        with tempfile.TemporaryDirectory(prefix="svodka-fanout-") as tmp:
            async with fresh_database(engine, Path(tmp)) as target:
                db = target.open()
                try:
                    context = AppContext(
                        settings=settings, db=db, clock=clock, api=api, instance_id="fanout"
                    )
                    timing = await _remind(context, emulator, clock, n)
                finally:
                    await db.dispose()
    finally:
        await api.http_client.close()
        await runner.cleanup()
    stats = emulator.stats()
    per_peer = Counter(item["peer_id"] for item in emulator.sent_items())
    requests = stats["requests"]
    return {
        "n": n,
        "send_rps": rps,
        "sent": timing["sent"],
        "requests": requests,
        "min_requests": math.ceil(n / 25),
        "error_6": stats["errors"].get("6", 0),
        "duplicates": sum(count - 1 for count in per_peer.values() if count > 1),
        "missing": n - len(per_peer),
        "plan_s": round(timing["plan_s"], 2),
        "send_s": round(timing["send_s"], 2),
        "ideal_s": round(requests / rps, 2),
    }


async def _remind(
    context: AppContext, emulator: Emulator, clock: FakeClock, n: int
) -> dict[str, float]:
    db = context.db
    await _seed(db, emulator, n)
    # Monday's prompts count as delivered: the benchmark is Thursday's reminders.
    await plan(db=db, now=clock.now())
    async with db.sessions.begin() as session:
        await session.execute(update(OutboxMessage).values(status="sent"))
    clock.set(THURSDAY_REMINDER)
    scheduler = Scheduler(context)
    started = time.perf_counter()
    await plan(db=db, now=clock.now())  # the tick would plan first; timed apart
    planned = time.perf_counter()
    report = await scheduler.tick()
    return {
        "sent": report.sent.sent,
        "plan_s": planned - started,
        "send_s": time.perf_counter() - planned,
    }


def records(engine: str, r: dict[str, Any]) -> list[Result]:
    params = {"engine": engine, "n": r["n"], "send_rps": r["send_rps"], "sent": r["sent"],
              "missing": r["missing"], "plan_s": r["plan_s"]}  # fmt: skip
    name = f"fanout.{engine}"
    return [
        Result(name, "send_s", r["send_s"], "s", r["ideal_s"],
               {**params, "goal": "ratio ≈ 1 (the rate limit is all we wait for)"}),
        Result(name, "messages_per_s", round(r["sent"] / r["send_s"], 1), "msg/s",
               round(25 * r["send_rps"], 1), params),
        Result(name, "requests", r["requests"], "requests", r["min_requests"], params),
        Result(name, "error_6", r["error_6"], "errors", None, {**params, "goal": "0"}),
        Result(name, "duplicates", r["duplicates"], "messages", None, {**params, "goal": "0"}),
    ]  # fmt: skip


async def run_all(n: int, rps: float, engines: list[str]) -> list[Result]:
    results: list[Result] = []
    for engine in engines:
        try:
            found = await run(n, rps, engine)
        except DatabaseUnavailable as exc:
            logger.warning("%s skipped: %s", engine, exc)
            continue
        logger.info("%s: %s", engine, found)
        results += records(engine, found)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke sizes")
    parser.add_argument("--n", type=int, help="heads to remind (40000)")
    parser.add_argument("--rps", type=float, help="SEND_RPS and the emulator's limit (20)")
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    n = args.n or (200 if args.quick else 40_000)
    rps = args.rps or (100.0 if args.quick else 20.0)
    emit(asyncio.run(run_all(n, rps, [e for e in args.engines.split(",") if e])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
