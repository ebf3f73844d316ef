"""/status, /status region and a year's export at national scale, against hand-written SQL.

    python -m bench.status_scale [--quick] [--schools 40000] [--districts 80] [--weeks 52]
        [--repeat 30] [--engines sqlite,postgresql] [--database-url URL]

Generates the data with bulk inserts (a fresh SQLite file; a fresh schema in PostgreSQL
when a URL is given or BENCH_DATABASE_URL / TEST_DATABASE_URL is set), then times query +
render of each report beside a hand-written SQL query that fetches the same numbers, in the
same run. Prints the records as one JSON list on the last stdout line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from bench.seed import postgres_url
from bot.domain.report_render import render_region, render_status
from bot.domain.weeks import IsoWeek
from bot.resources import default_questionnaire
from bot.services.reports import data as reports
from bot.services.reports import export
from bot.services.rounds import store_questionnaire
from storage.db import Database, open_database
from storage.migrate import upgrade
from storage.models import Campaign, District, Person, Round, School, SchoolStaff
from storage.repos import districts as district_repo

NOW = datetime(2024, 12, 19, 9, 0, tzinfo=UTC)  # a Thursday: the round is open
ANSWER_RATE, LATE_RATE = 0.9, 0.05
CHUNK = 20_000
GOAL_RATIO, GOAL_P95_MS = 2.0, 100.0
NUMERIC = ("staff_total", "staff_registered", "teachers_with_chat", "teachers_active",
           "students_total", "students_active", "classes_total", "class_chats")  # fmt: skip


def _answers(rng: random.Random) -> dict[str, int]:
    staff = rng.randint(8, 120)
    registered = rng.randint(staff // 2, staff)
    students = rng.randint(20, 1500)
    classes = rng.randint(4, 60)
    return {
        "staff_total": staff,
        "staff_registered": registered,
        "teachers_with_chat": rng.randint(0, registered),
        "teachers_active": rng.randint(0, registered),
        "students_total": students,
        "students_active": rng.randint(0, students),
        "classes_total": classes,
        "class_chats": rng.randint(0, classes),
    }


async def _bulk(db: Database, model: type, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        async with db.sessions.begin() as session:
            await session.execute(insert(model), rows[start : start + CHUNK])


async def _fast(db: Database, table: str, columns: list[str], rows: list[tuple]) -> None:
    """The two big tables bypass SQLAlchemy's per-row processing: COPY on PostgreSQL, a
    plain executemany on SQLite (values already in the stored form)."""
    async with db.engine.begin() as connection:
        if db.is_sqlite:
            # Through SQLAlchemy's cursor, so the rows go in the transaction begun here
            # (the engine's begin event sends BEGIN IMMEDIATE before the first statement).
            marks = ", ".join("?" for _ in columns)
            await connection.exec_driver_sql(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
            )
        else:
            raw = (await connection.get_raw_connection()).driver_connection
            await raw.copy_records_to_table(table, records=rows, columns=columns)


async def generate(db: Database, *, schools: int, districts: int, weeks: int) -> None:
    rng = random.Random(42)
    async with db.sessions.begin() as session:
        qn_id = await store_questionnaire(session, default_questionnaire(), NOW)
    per = math.ceil(schools / districts)
    await _bulk(db, District, [
        {"id": d + 1, "name": f"Район {d + 1:03d}", "tz": "Europe/Moscow", "created_at": NOW,
         "school_holidays": [], "emails": []}
        for d in range(districts)
    ])  # fmt: skip
    await _bulk(db, Campaign, [
        {"id": d + 1, "district_id": d + 1, "kind": "weekly", "title": "bench",
         "questionnaire_id": qn_id, "created_at": NOW}
        for d in range(districts)
    ])  # fmt: skip
    week = IsoWeek.containing(NOW.date())
    periods = []
    for _ in range(weeks):
        periods.insert(0, week)
        week = week.previous()
    round_rows = []
    for d in range(districts):
        for w, period in enumerate(periods):
            opens = datetime.combine(period.monday(), datetime.min.time(), tzinfo=UTC)
            round_rows.append({
                "id": d * weeks + w + 1, "campaign_id": d + 1, "district_id": d + 1,
                "period": str(period), "questionnaire_id": qn_id, "opens_at": opens,
                "deadline_at": opens + timedelta(days=4, hours=13), "created_at": NOW,
            })  # fmt: skip
    await _bulk(db, Round, round_rows)
    await _bulk(db, School, [
        {"id": s + 1, "district_id": s // per + 1, "name": f"МКОУ «Школа №{s + 1}»",
         "created_at": NOW}
        for s in range(schools)
    ])  # fmt: skip
    await _bulk(db, Person, [
        {"id": s + 1, "vk_id": 1_000_000 + s, "first_name": "Имя", "last_name": f"Фамилия{s}",
         "reachable": s % 50 != 0, "created_at": NOW}
        for s in range(schools)
    ])  # fmt: skip
    await _bulk(db, SchoolStaff, [
        {"person_id": s + 1, "school_id": s + 1, "role": "head", "confirmed": True,
         "created_at": NOW}
        for s in range(schools)
    ])  # fmt: skip
    # Stored forms: SQLite keeps naive UTC text and JSON text; COPY takes datetimes and
    # JSON text alike.
    submitted: Any = NOW if not db.is_sqlite else NOW.strftime("%Y-%m-%d %H:%M:%S.%f")
    response_columns = ["id", "round_id", "school_id", "late", "submitted_at", "revision"]
    answer_columns = ["response_id", "key", "value", "num"]
    response_id = 0
    responses: list[tuple] = []
    answers: list[tuple] = []
    # Week by week, as answers arrive in production: a round's rows sit together on disk.
    for w in range(weeks):
        for s in range(schools):
            if rng.random() > ANSWER_RATE:
                continue
            response_id += 1
            late = rng.random() < LATE_RATE
            round_id = (s // per) * weeks + w + 1
            responses.append((response_id, round_id, s + 1, late, submitted, 1))
            for key, value in _answers(rng).items():
                answers.append((response_id, key, str(value), float(value)))
            answers.append((response_id, "foreign_messengers", "false", 0.0))  # as numeric(False)
            if len(answers) >= 10 * CHUNK:
                await _fast(db, "responses", response_columns, responses)
                await _fast(db, "answers", answer_columns, answers)
                responses, answers = [], []
    await _fast(db, "responses", response_columns, responses)
    await _fast(db, "answers", answer_columns, answers)
    if not db.is_sqlite:
        async with db.engine.begin() as connection:
            await connection.execute(text("ANALYZE"))
    else:
        async with db.engine.connect() as connection:
            await connection.exec_driver_sql("ANALYZE")


_PIVOT = ", ".join(f"SUM(CASE WHEN a.key = '{k}' THEN a.num END) AS {k}" for k in NUMERIC)

BASELINE_STATUS = f"""
SELECT s.id, s.name, p.vk_id, p.first_name, p.last_name, p.reachable, r.id, r.late, {_PIVOT}
FROM schools s
LEFT JOIN school_staff ss ON ss.school_id = s.id AND ss.role = 'head'
LEFT JOIN people p ON p.id = ss.person_id
LEFT JOIN responses r ON r.school_id = s.id AND r.round_id = :round_id
LEFT JOIN answers a ON a.response_id = r.id
WHERE s.district_id = :district_id AND s.archived_at IS NULL
GROUP BY s.id, s.name, p.vk_id, p.first_name, p.last_name, p.reachable, r.id, r.late
ORDER BY s.name
"""
BASELINE_DISTRICT_SUMS = f"""
SELECT r.round_id, COUNT(DISTINCT r.id), {_PIVOT}
FROM responses r JOIN answers a ON a.response_id = r.id
WHERE r.round_id IN (:round_id, :previous_id)
GROUP BY r.round_id
"""
BASELINE_REGION = f"""
SELECT rd.district_id, COUNT(DISTINCT r.id), {_PIVOT}
FROM rounds rd JOIN responses r ON r.round_id = rd.id JOIN answers a ON a.response_id = r.id
WHERE rd.period = :period
GROUP BY rd.district_id
"""
BASELINE_EXPORT = """
SELECT rd.period, s.name, r.late, a.key, a.value, a.num
FROM rounds rd JOIN responses r ON r.round_id = rd.id JOIN schools s ON s.id = r.school_id
JOIN answers a ON a.response_id = r.id
WHERE rd.district_id = :district_id
ORDER BY rd.period, s.name
"""


async def _timed(
    repeat: int, work: Callable[[], Awaitable[Any]], baseline: Callable[[], Awaitable[Any]]
) -> tuple[list[float], list[float]]:
    """Samples of `work` and of `baseline`, taken in turn: a slow spell of the host falls on
    both rather than on whichever ran through it."""
    await work()  # warm the caches and the statement cache
    await baseline()
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(repeat):
        for run, samples in ((work, ours), (baseline, theirs)):
            started = time.perf_counter()
            await run()
            samples.append((time.perf_counter() - started) * 1000)
    return ours, theirs


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)], 2)


async def measure(db: Database, *, engine: str, repeat: int, params: dict[str, Any]) -> list[dict]:
    async with db.reads() as session:
        district = await district_repo.get(session, 1)
    assert district is not None
    period = str(IsoWeek.containing(NOW.date()))
    weeks = params["weeks"]
    ids = {"district_id": 1, "round_id": weeks, "previous_id": weeks - 1, "period": period}

    async def status() -> None:
        async with db.reads() as session:
            render_status(await reports.district_week(session=session, district=district, now=NOW))

    async def status_sql() -> None:
        async with db.reads() as session:
            (await session.execute(text(BASELINE_STATUS), ids)).all()
            (await session.execute(text(BASELINE_DISTRICT_SUMS), ids)).all()

    async def region() -> None:
        async with db.reads() as session:
            render_region(await reports.region_rows(session=session, now=NOW))

    async def region_sql() -> None:
        async with db.reads() as session:
            (await session.execute(text(BASELINE_REGION), ids)).all()
            (await session.execute(text("SELECT id, name FROM districts ORDER BY name"))).all()

    async def year_export() -> None:
        async with db.reads() as session:
            table = await export.export_table(
                session=session, district=district, now=NOW, weeks=weeks
            )
        export.to_csv(table)

    async def export_sql() -> None:
        async with db.reads() as session:
            (await session.execute(text(BASELINE_EXPORT), ids)).all()

    cases = [
        ("status_district", status, status_sql, GOAL_P95_MS),
        ("status_region", region, region_sql, None),
        ("export_year_csv", year_export, export_sql, None),
    ]
    records = []
    for metric, work, baseline, goal in cases:
        ours, theirs = await _timed(repeat, work, baseline)
        for q in (50, 95):
            value, base = _pct(ours, q), _pct(theirs, q)
            records.append({
                "name": "status_scale", "metric": f"{engine}.{metric}.p{q}_ms", "value": value,
                "baseline": base, "ratio": round(value / base, 3) if base else None,
                "unit": "ms",
                "params": {**params, "engine": engine, "repeat": repeat, "goal_ratio": GOAL_RATIO,
                           **({"goal": f"p95 < {goal:.0f} ms"} if goal and q == 95 else {})},
            })  # fmt: skip
    return records


async def run_engine(engine: str, url: str | None, params: dict[str, Any], repeat: int) -> list:
    schema = None
    with tempfile.TemporaryDirectory() as tmp:
        if engine == "sqlite":
            db = open_database(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        else:
            assert url is not None
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            await _admin(url, f'CREATE SCHEMA "{schema}"')
            db = open_database(url, connect_args={"server_settings": {"search_path": schema}})
        try:
            await upgrade(db.engine)
            started = time.perf_counter()
            await generate(db, **params)
            print(f"{engine}: data in {time.perf_counter() - started:.0f} s", file=sys.stderr)
            return await measure(db, engine=engine, repeat=repeat, params=params)
        finally:
            await db.dispose()
            if schema:
                await _admin(url, f'DROP SCHEMA "{schema}" CASCADE')  # type: ignore[arg-type]


async def _admin(url: str, sql: str) -> None:
    admin = open_database(url)
    try:
        async with admin.engine.begin() as connection:
            await connection.execute(text(sql))
    finally:
        await admin.dispose()


def run(
    *,
    schools: int,
    districts: int,
    weeks: int,
    repeat: int,
    engines: list[str],
    database_url: str | None,
) -> list[dict[str, Any]]:
    params = {"schools": schools, "districts": districts, "weeks": weeks}
    records = []
    for engine in engines:
        if engine == "postgresql" and not database_url:
            print("postgresql skipped: no database URL", file=sys.stderr)
            continue
        records += asyncio.run(run_engine(engine, database_url, params, repeat))
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke sizes")
    parser.add_argument("--schools", type=int, default=40_000)
    parser.add_argument("--districts", type=int, default=80)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument(
        "--database-url",
        default=postgres_url(),
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.schools, args.districts, args.weeks, args.repeat = 400, 4, 8, 5
    records = run(
        schools=args.schools,
        districts=args.districts,
        weeks=max(2, args.weeks),
        repeat=max(1, args.repeat),
        engines=[e.strip() for e in args.engines.split(",") if e.strip()],
        database_url=args.database_url,
    )
    sys.stdout.write(json.dumps(records, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
