"""Fan-out of personalised reminders to N heads through the real scheduler and the emulator.

Reports the requests used against the minimum ceil(N / 25) `execute` calls, error-6 answers
(goal 0), duplicate deliveries (goal 0), and the sending time as a ratio of the ideal
requests ÷ SEND_RPS (1.0 means the rate limit is the only thing we wait for).

    python -m bench.fanout --n 40000 --rps 1000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, update

from bot.app import AppContext
from bot.clock import FakeClock
from bot.config import load_settings
from bot.emulator import Emulator, start_emulator
from bot.scheduler import Scheduler
from bot.scheduler.planner import plan
from bot.vk.api import make_api
from storage.db import Database, open_database
from storage.migrate import upgrade
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


async def run(n: int, rps: float) -> dict[str, Any]:
    clock = FakeClock(MONDAY_PROMPT)
    emulator = Emulator(token=TOKEN, rps=rps, now=lambda: clock.now().timestamp())
    runner, base_url = await start_emulator(emulator)
    with tempfile.TemporaryDirectory(prefix="svodka-fanout-") as tmp:
        db = open_database(f"sqlite+aiosqlite:///{tmp}/bench.db")
        settings = load_settings(
            _env_file=None, vk_token=TOKEN, vk_api_url=f"{base_url}/method/", send_rps=rps
        )
        api = make_api(TOKEN, settings.vk_api_url, rps)
        try:
            await upgrade(db.engine)
            await _seed(db, emulator, n)
            # Monday's prompts count as delivered: the benchmark is Thursday's reminders.
            await plan(db=db, now=clock.now())
            async with db.sessions.begin() as session:
                await session.execute(update(OutboxMessage).values(status="sent"))
            clock.set(THURSDAY_REMINDER)
            scheduler = Scheduler(AppContext(settings=settings, db=db, clock=clock, api=api))
            started = time.perf_counter()
            await plan(db=db, now=clock.now())  # the tick would plan first; timed apart
            planned = time.perf_counter()
            report = await scheduler.tick()
            elapsed = time.perf_counter() - planned
        finally:
            await api.http_client.close()
            await db.dispose()
            await runner.cleanup()
    stats = emulator.stats()
    per_peer = Counter(item["peer_id"] for item in emulator.sent_items())
    requests = stats["requests"]
    return {
        "n": n,
        "send_rps": rps,
        "sent": report.sent.sent,
        "requests": requests,
        "min_requests": math.ceil(n / 25),
        "requests_ratio": round(requests / math.ceil(n / 25), 3),
        "error_6": stats["errors"].get("6", 0),
        "duplicates": sum(count - 1 for count in per_peer.values() if count > 1),
        "missing": n - len(per_peer),
        "plan_s": round(planned - started, 2),
        "send_s": round(elapsed, 2),
        "ideal_s": round(requests / rps, 2),
        "time_ratio": round(elapsed / (requests / rps), 2),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40_000, help="heads to remind")
    parser.add_argument("--rps", type=float, default=1000.0, help="SEND_RPS and emulator limit")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.n, args.rps))
    print(json.dumps(result, ensure_ascii=False))  # noqa: T201 — a script's output
    return result


if __name__ == "__main__":
    main()
